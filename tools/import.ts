// npm run import -- accounts|usage|nps <file.csv>
//
// Loads customer-success data from CSV into the database named by DATABASE_URL (default ./data/desk.db),
// applying the migrations first. The header row names the fields of the JSON API; featuresUsed is a
// ";"-separated list, events are "name=count;name=count", and `attributes.<name>` columns fill the
// account's attributes. The file is streamed, a few thousand rows at a time, twice: first every row is
// validated (any bad row prints every problem, with CSV line, field and reason, and exits 1 without storing
// anything), then the rows are stored in one transaction (usage rows: staged in short transactions, then
// published in one, so that the app writing the same SQLite file is not locked out). A progress line goes to
// stderr every few seconds.
// Exit 2: wrong arguments.
import { toolAccess } from "../src/shared/access.ts";
import { createReadStream } from "node:fs";
import { pathToFileURL } from "node:url";
import { CsvError, parse as parseStream, type Options as CsvOptions } from "csv-parse";
import { parse } from "csv-parse/sync";
import { openDatabase } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { loadEnvFile } from "../src/platform/config/env-file.ts";
import { loadHealthConfig } from "../src/platform/config/settings-files.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { systemClock } from "../src/platform/clock.ts";
import { jobActor } from "../src/shared/actor.ts";
import { BATCH_KINDS, InvalidBatch, type BatchKind, type Problem } from "../src/success/rules/batch.ts";
import { prismaBatchStore } from "../src/success/store/batches.ts";
import { ingestBatchInParts, type BatchChunk, type IngestContext } from "../src/success/use-cases/ingest-batch.ts";

const COLUMNS: Record<BatchKind, string[]> = {
  accounts: ["externalId", "name", "domain", "tier", "arr", "seats", "renewalDate", "customerSince", "csmSlackUserId", "alertChannel"],
  usage: ["accountExternalId", "date", "activeUsers", "featuresUsed", "events"],
  nps: ["accountExternalId", "score", "comment", "respondedAt", "respondentEmail"],
};
const REQUIRED_COLUMNS: Record<BatchKind, string[]> = {
  accounts: ["externalId", "name"],
  usage: ["accountExternalId", "date", "activeUsers"],
  nps: ["accountExternalId", "score", "respondedAt"],
};
const NUMERIC: Record<BatchKind, string[]> = { accounts: ["arr", "seats"], usage: ["activeUsers"], nps: ["score"] };
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const ATTRIBUTE_PREFIX = "attributes.";
const MAX_PRINTED_PROBLEMS = 1000;
/** Rows validated or stored at a time: the file is never held whole. */
export const CHUNK_ROWS = 2000;
/** How often a progress line is printed while a file is read. */
const PROGRESS_EVERY_MS = 2000;
const NOUNS: Record<BatchKind, [string, string]> = {
  accounts: ["account", "accounts"],
  usage: ["usage row", "usage rows"],
  nps: ["NPS response", "NPS responses"],
};

/** A number when the cell is one; else the text, for validation to name. */
const numberOrText = (cell: string): number | string => (NUMBER.test(cell) ? Number(cell) : cell);

export class CsvFileError extends Error {}

export interface CsvBatch {
  /** Rows in the JSON API's shape. */
  items: Record<string, unknown>[];
  /** The CSV line of each item. */
  lines: number[];
  /** Problems found while converting (index into items). */
  problems: Problem[];
}

function checkHeader(kind: BatchKind, header: string[]): void {
  const known = (name: string) =>
    COLUMNS[kind].includes(name) || (kind === "accounts" && name.startsWith(ATTRIBUTE_PREFIX) && name.length > ATTRIBUTE_PREFIX.length);
  const accepted = `${COLUMNS[kind].join(", ")}${kind === "accounts" ? ", attributes.<name>" : ""}`;
  const unknown = header.filter((name) => !known(name));
  if (unknown.length)
    throw new CsvFileError(
      `line 1: unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((c) => `"${c}"`).join(", ")}: the ${kind} columns are ${accepted}`,
    );
  const repeated = header.filter((name, i) => header.indexOf(name) !== i);
  if (repeated.length) throw new CsvFileError(`line 1: column "${repeated[0]}" appears more than once: keep one`);
  const missing = REQUIRED_COLUMNS[kind].filter((name) => !header.includes(name));
  if (missing.length)
    throw new CsvFileError(
      `line 1: missing column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")}: the header row must name at least ${REQUIRED_COLUMNS[kind].join(", ")}`,
    );
}

/** name=count;name=count → { name: count } (a count that is not a number stays text for validation to name). */
function parseEvents(cell: string, index: number, problems: Problem[]): Record<string, number | string> | undefined {
  const events: Record<string, number | string> = {};
  for (const pair of cell
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      problems.push({
        index,
        field: "events",
        reason: `must be name=count pairs separated by ";", such as uploads=12;exports=3: ${JSON.stringify(pair)} has no name=count`,
      });
      return undefined;
    }
    events[pair.slice(0, eq).trim()] = numberOrText(pair.slice(eq + 1).trim());
  }
  return events;
}

type CsvRecord = { record: Record<string, string>; info: { lines: number } };

function csvOptions(kind: BatchKind): CsvOptions {
  return {
    bom: true,
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim());
      checkHeader(kind, names);
      return names;
    },
    skip_empty_lines: true,
    trim: true,
    info: true,
  };
}

/** A CSV library error as the line it happened on; CsvFileError as it is; anything else unchanged. */
function asFileError(error: unknown): unknown {
  if (error instanceof CsvFileError) return error;
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    return new CsvFileError(`${line ? `line ${line}: ` : ""}${error.message}`);
  }
  return error;
}

/** One CSV record as a row of the JSON API's shape; a cell that cannot be read is a problem at `index`. */
function recordToItem(kind: BatchKind, record: Record<string, string>, index: number, problems: Problem[]): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell === "") continue; // an empty cell is an absent field
    if (column.startsWith(ATTRIBUTE_PREFIX)) {
      ((item.attributes ??= {}) as Record<string, string>)[column.slice(ATTRIBUTE_PREFIX.length)] = cell;
    } else if (NUMERIC[kind].includes(column)) item[column] = numberOrText(cell);
    else if (column === "featuresUsed")
      item[column] = cell
        .split(";")
        .map((f) => f.trim())
        .filter(Boolean);
    else if (column === "events") {
      const events = parseEvents(cell, index, problems);
      if (events) item[column] = events;
    } else item[column] = cell;
  }
  return item;
}

/** Reads CSV text into rows of the JSON API's shape; CsvFileError when the file itself is malformed. */
export function csvToBatch(kind: BatchKind, text: string): CsvBatch {
  let records: CsvRecord[];
  try {
    records = parse(text, csvOptions(kind)) as unknown as CsvRecord[];
  } catch (error) {
    throw asFileError(error);
  }
  const problems: Problem[] = [];
  const items = records.map(({ record }, index) => recordToItem(kind, record, index, problems));
  return { items, lines: records.map((r) => r.info.lines), problems };
}

/**
 * Streams a CSV file as parts of at most `size` rows in the JSON API's shape (problems indexed within the
 * part, lines the CSV lines of its rows); CsvFileError when the file itself is malformed.
 */
export async function* readCsvInParts(kind: BatchKind, file: string, size = CHUNK_ROWS): AsyncGenerator<CsvBatch> {
  const parser = parseStream(csvOptions(kind));
  const input = createReadStream(file);
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);
  let part: CsvBatch = { items: [], lines: [], problems: [] };
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      part.items.push(recordToItem(kind, record, part.items.length, part.problems));
      part.lines.push(info.lines);
      if (part.items.length >= size) {
        yield part;
        part = { items: [], lines: [], problems: [] };
      }
    }
  } catch (error) {
    throw asFileError(error);
  } finally {
    input.destroy();
  }
  if (part.items.length) yield part;
}

/** Progress on stderr: a line every few seconds while rows go by, and one when a pass is over. */
class Progress {
  private started = performance.now();
  private printed = this.started;
  constructor(
    private readonly file: string,
    private readonly doing: string,
    private readonly total?: number,
  ) {}

  private rate(rows: number): string {
    const seconds = (performance.now() - this.started) / 1000;
    return `${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString("en-US")} rows/s`;
  }

  tick(rows: number): void {
    if (performance.now() - this.printed < PROGRESS_EVERY_MS) return;
    this.printed = performance.now();
    const of = this.total === undefined ? " read" : ` of ${this.total.toLocaleString("en-US")}`;
    process.stderr.write(`${this.file}: ${this.doing}: ${rows.toLocaleString("en-US")} rows${of} (${this.rate(rows)})\n`);
  }

  done(rows: number, extra = ""): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(
      `${this.file}: ${this.doing}: done, ${rows.toLocaleString("en-US")} rows in ${seconds} s (${this.rate(rows)})${extra}\n`,
    );
  }
}

/** The process's peak resident memory so far, in MB. */
const peakMemoryMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function main(argv: string[]): Promise<number> {
  const [kind, file, ...extra] = argv;
  if (!(BATCH_KINDS as readonly string[]).includes(kind) || !file || extra.length) {
    process.stderr.write(`Usage: npm run import -- ${BATCH_KINDS.join("|")} <file.csv>\n(reads DATABASE_URL; default ./data/desk.db)\n`);
    return 2;
  }
  const batchKind = kind as BatchKind;
  loadEnvFile(); // ./.env, as `npm start` reads it
  const healthConfig = loadHealthConfig(process.env.HEALTH_CONFIG_FILE || undefined).config;
  const db = await openDatabase(process.env.DATABASE_URL || undefined);
  try {
    await migrate(db);
    const success: IngestContext = {
      tx: prismaTransactor(db),
      batches: prismaBatchStore(db),
      clock: systemClock,
      config: healthConfig,
      access: toolAccess,
    };
    // The file is read twice: checked whole, then stored. The CSV lines of the first reading name problems.
    const lines: number[] = [];
    let readings = 0;
    let checked = 0;
    let progress: Progress | undefined;
    async function* read(): AsyncGenerator<BatchChunk> {
      const first = ++readings === 1;
      if (!first) progress?.done(checked);
      progress = first ? new Progress(file, "checking") : new Progress(file, "storing", checked);
      let rows = 0;
      for await (const part of readCsvInParts(batchKind, file)) {
        if (first) lines.push(...part.lines);
        rows += part.items.length;
        if (first) checked = rows;
        progress.tick(rows);
        yield { items: part.items, problems: part.problems };
      }
    }
    let summary;
    try {
      summary = await ingestBatchInParts(success, jobActor("import"), { kind: batchKind, read });
    } catch (error) {
      if (error instanceof InvalidBatch) {
        const all = error.problems;
        const badRows = new Set(all.map((p) => p.index)).size;
        const printed = all.slice(0, MAX_PRINTED_PROBLEMS).map((p) => `  line ${lines[p.index]}, ${p.field}: ${p.reason}`);
        if (all.length > MAX_PRINTED_PROBLEMS) printed.push(`  ... and ${all.length - MAX_PRINTED_PROBLEMS} more problems`);
        process.stderr.write(
          `${file}: ${badRows} of ${error.rowCount} rows have problems, so nothing was stored. Fix them and import the file again:\n${printed.join("\n")}\n`,
        );
        return 1;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code || error instanceof CsvFileError) {
        process.stderr.write(`${file}: ${code ? `cannot be read (${code}): check the path` : (error as Error).message}\n`);
        return 1;
      }
      throw error;
    }
    if (readings < 2) progress?.done(checked);
    else progress?.done(summary.received, `; peak memory ${peakMemoryMb()} MB`);
    process.stdout.write(
      `${file}: stored ${summary.received} ${NOUNS[batchKind][summary.received === 1 ? 0 : 1]} in ${db.location} ` +
        `(${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged)\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`import failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
