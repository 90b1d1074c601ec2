// npm run import -- accounts|usage|nps <file.csv>
//
// Loads customer-success data from CSV into the database named by DATABASE_URL (default ./data/desk.db),
// applying the migrations first. The header row names the fields of the JSON API; featuresUsed is a
// ";"-separated list, events are "name=count;name=count", and `attributes.<name>` columns fill the
// account's attributes. The whole file is validated first: any bad row prints every problem (CSV line,
// field, reason) and exits 1 without storing anything. Exit 2: wrong arguments.
import { toolAccess } from "../src/shared/access.ts";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CsvError, parse } from "csv-parse/sync";
import { openDatabase } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { loadEnvFile } from "../src/platform/config/env-file.ts";
import { loadHealthConfig } from "../src/platform/config/settings-files.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { systemClock } from "../src/platform/clock.ts";
import { jobActor } from "../src/shared/actor.ts";
import { BATCH_KINDS, InvalidBatch, type BatchKind, type Problem } from "../src/success/rules/batch.ts";
import { prismaBatchStore } from "../src/success/store/batches.ts";
import { ingestBatch, type IngestContext } from "../src/success/use-cases/ingest-batch.ts";
import { validateBatch } from "../src/success/use-cases/validate-batch.ts";

const COLUMNS: Record<BatchKind, string[]> = {
  accounts: ["externalId", "name", "domain", "tier", "arr", "seats", "renewalDate", "csmSlackUserId", "alertChannel"],
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

/** Reads CSV text into rows of the JSON API's shape; CsvFileError when the file itself is malformed. */
export function csvToBatch(kind: BatchKind, text: string): CsvBatch {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        checkHeader(kind, names);
        return names;
      },
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as typeof records;
  } catch (error) {
    if (error instanceof CsvFileError) throw error;
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new CsvFileError(`${line ? `line ${line}: ` : ""}${error.message}`);
    }
    throw error;
  }
  const problems: Problem[] = [];
  const items = records.map(({ record }, index) => {
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
  });
  return { items, lines: records.map((r) => r.info.lines), problems };
}

async function main(argv: string[]): Promise<number> {
  const [kind, file, ...extra] = argv;
  if (!(BATCH_KINDS as readonly string[]).includes(kind) || !file || extra.length) {
    process.stderr.write(`Usage: npm run import -- ${BATCH_KINDS.join("|")} <file.csv>\n(reads DATABASE_URL; default ./data/desk.db)\n`);
    return 2;
  }
  const batchKind = kind as BatchKind;
  let batch: CsvBatch;
  try {
    batch = csvToBatch(batchKind, readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`${file}: ${code ? `cannot be read (${code}): check the path` : (error as Error).message}\n`);
    return 1;
  }
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
    const fail = (problems: Problem[]) => {
      const all = [...batch.problems, ...problems].sort((a, b) => a.index - b.index);
      const badRows = new Set(all.map((p) => p.index)).size;
      const lines = all.slice(0, MAX_PRINTED_PROBLEMS).map((p) => `  line ${batch.lines[p.index]}, ${p.field}: ${p.reason}`);
      if (all.length > MAX_PRINTED_PROBLEMS) lines.push(`  ... and ${all.length - MAX_PRINTED_PROBLEMS} more problems`);
      process.stderr.write(
        `${file}: ${badRows} of ${batch.items.length} rows have problems, so nothing was stored. Fix them and import the file again:\n${lines.join("\n")}\n`,
      );
      return 1;
    };
    // Problems found reading the CSV: list them with the batch's own, and store nothing.
    if (batch.problems.length)
      return fail((await validateBatch(success, jobActor("import"), { kind: batchKind, items: batch.items })).problems);
    let summary;
    try {
      summary = await ingestBatch(success, jobActor("import"), { kind: batchKind, items: batch.items });
    } catch (error) {
      if (error instanceof InvalidBatch) return fail(error.problems);
      throw error;
    }
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
