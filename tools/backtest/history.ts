// The labelled history a backtest replays, and its reading from a directory of CSV files (the format
// is in the README, section "Backtest"). Every problem names the file, the line, the field and what to
// write instead; reading stops with all the problems found (up to a few per file).
//
// openHistory checks the files in one streaming pass and keeps, per account, where its rows lie in each
// file; the replay then reads one account's rows at a time (eachAccount), so memory does not grow with
// the history. readHistory reads everything into memory (for tests and small histories).
import { closeSync, existsSync, openSync } from "node:fs";
import { join } from "node:path";
import type { AccountRows } from "./account-series.ts";
import type { AccountSource, EachAccountOptions } from "./account-source.ts";
import { CsvSyntaxError } from "./csv.ts";
import { eachCsvRecord, readCsvRanges } from "./csv-file.ts";
import { dayOfInstant, parseDay, parseInstant } from "./dates.ts";
import type { Timeline } from "./timeline.ts";

export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface HistoryAccount {
  externalId: string;
  name: string;
  /** Seats and ARR at the start of the history (seat_changes.csv changes them later). */
  seats: number | null;
  arr: number | null;
  renewalDate: string | null;
  tier: string | null;
  /**
   * When the account became a customer (accounts.csv's optional createdDate; null or absent: before the
   * history, or unknown). It is not scored before that day, and its age counts from it (or from its first
   * usage day, whichever is earlier), as the app counts from Account.createdAt.
   */
  createdDate?: string | null;
  /**
   * The account's CRM attributes: accounts.csv's other columns (any beyond those named in FILES and
   * ACCOUNTS_OPTIONAL_COLUMNS), by column name, blank values left out; the configuration's peerAttribute
   * names one of them (the generator writes "region").
   */
  attributes?: Record<string, string>;
}

export interface HistoryUsageDay {
  accountExternalId: string;
  date: string;
  activeUsers: number;
  featuresUsed: string[];
  events: Record<string, number>;
}

export interface HistoryTicket {
  accountExternalId: string;
  /** ISO 8601 */
  createdAt: string;
  priority: Priority;
  resolvedAt: string | null;
  reopened: boolean;
  /** 1-5, null when not answered */
  csat: number | null;
  /** null: no SLA target stopped on this ticket */
  slaBreached: boolean | null;
}

export interface HistoryNps {
  accountExternalId: string;
  /** ISO 8601 */
  respondedAt: string;
  score: number;
  comment: string | null;
}

export interface HistoryChurn {
  accountExternalId: string;
  churnDate: string;
}

export interface HistorySeatChange {
  accountExternalId: string;
  date: string;
  /** null: unchanged */
  seats: number | null;
  arr: number | null;
}

/** Which pattern an account follows in a generated history (patterns.csv), to break the figures down by pattern. */
export interface HistoryPattern {
  accountExternalId: string;
  pattern: string;
  churned: boolean;
  churnDate: string | null;
}

export interface History {
  accounts: HistoryAccount[];
  usage: HistoryUsageDay[];
  tickets: HistoryTicket[];
  nps: HistoryNps[];
  churn: HistoryChurn[];
  /** null when seat_changes.csv is absent: account growth is then unknown. */
  seatChanges: HistorySeatChange[] | null;
  /** Present when patterns.csv is (generated histories). */
  patterns?: HistoryPattern[];
}

/** Each file's columns, in the order the generator writes them. */
export const FILES = {
  accounts: { name: "accounts.csv", columns: ["externalId", "name", "seats", "arr", "renewalDate", "tier"], required: true },
  usage: { name: "usage.csv", columns: ["accountExternalId", "date", "activeUsers", "featuresUsed", "events"], required: true },
  tickets: {
    name: "tickets.csv",
    columns: ["accountExternalId", "createdAt", "priority", "resolvedAt", "reopened", "csat", "slaBreached"],
    required: false,
  },
  nps: { name: "nps.csv", columns: ["accountExternalId", "respondedAt", "score", "comment"], required: false },
  churn: { name: "churn.csv", columns: ["accountExternalId", "churnDate"], required: true },
  seatChanges: { name: "seat_changes.csv", columns: ["accountExternalId", "date", "seats", "arr"], required: false },
  patterns: { name: "patterns.csv", columns: ["accountExternalId", "pattern", "churned", "churnDate"], required: false },
} as const;

type FileSpec = (typeof FILES)[keyof typeof FILES];

/** accounts.csv's optional columns: read when the header names them (the generator writes them). */
export const ACCOUNTS_OPTIONAL_COLUMNS = ["createdDate"] as const;
const ACCOUNTS_KNOWN_COLUMNS: readonly string[] = [...FILES.accounts.columns, ...ACCOUNTS_OPTIONAL_COLUMNS];
const attributesOf = (row: Row) => {
  const attributes = row.others(ACCOUNTS_KNOWN_COLUMNS);
  return attributes ? { attributes } : {};
};

export class HistoryError extends Error {
  constructor(readonly problems: string[]) {
    super(`The history cannot be read:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

const MAX_PROBLEMS_PER_FILE = 10;

type KnownAccounts = Pick<ReadonlySet<string>, "has">;

/** A row's fields by column name, with helpers that record a problem and return undefined when a value is bad. */
class Row {
  constructor(
    private readonly file: FileReader,
    readonly line: number,
    private readonly columns: ReadonlyMap<string, number>,
    private readonly fields: readonly string[],
    /** Read again after the file was checked: its dates are known to be valid (not checked again). */
    private readonly checked = false,
  ) {}

  text(column: string): string {
    const i = this.columns.get(column);
    return i === undefined ? "" : this.fields[i].trim();
  }

  /** The non-blank values of every column but `known`, by column name (undefined: none). */
  others(known: readonly string[]): Record<string, string> | undefined {
    let out: Record<string, string> | undefined;
    for (const [column, i] of this.columns) {
      const v = this.fields[i].trim();
      if (v !== "" && column !== "" && !known.includes(column)) (out ??= {})[column] = v;
    }
    return out;
  }

  problem(text: string): void {
    this.file.problem(text);
  }

  private bad(column: string, value: string, expected: string): undefined {
    this.file.problem(
      `${this.file.spec.name} line ${this.line}, field "${column}": ${value === "" ? "is empty" : `"${value}" is not valid`}; ${expected}`,
    );
    return undefined;
  }

  required(column: string, what: string): string | undefined {
    const v = this.text(column);
    return v === "" ? this.bad(column, v, `write ${what}`) : v;
  }

  account(column: string, known: KnownAccounts): string | undefined {
    const v = this.required(column, "the account's externalId");
    if (v === undefined) return undefined;
    if (!known.has(v)) {
      this.file.problem(
        `${this.file.spec.name} line ${this.line}, field "${column}": account "${v}" is not in accounts.csv; add it there or remove the row`,
      );
      return undefined;
    }
    return v;
  }

  date(column: string, optional: boolean): string | null | undefined {
    const v = this.text(column);
    if (v === "" && optional) return null;
    if (this.checked) return v;
    return parseDay(v) === null ? this.bad(column, v, "write a date as YYYY-MM-DD, e.g. 2025-03-31") : v;
  }

  instant(column: string, optional: boolean): string | null | undefined {
    const v = this.text(column);
    if (v === "" && optional) return null;
    // Read again, a time is still normalised as the first reading did: Date moves some times that look
    // canonical (hour 24, 30 February) to another day.
    const at = parseInstant(v);
    return at === null
      ? this.bad(column, v, "write an ISO 8601 time such as 2025-03-31T14:05:00Z (or a date, YYYY-MM-DD)")
      : at.toISOString();
  }

  integer(column: string, min: number, max: number, optional: boolean): number | null | undefined {
    const v = this.text(column);
    if (v === "" && optional) return null;
    const n = Number(v);
    const range = max === Infinity ? `of ${min} or more` : `from ${min} to ${max}`;
    return v === "" || !Number.isInteger(n) || n < min || n > max
      ? this.bad(column, v, `write a whole number ${range}${optional ? ", or leave it empty" : ""}`)
      : n;
  }

  number(column: string, optional: boolean): number | null | undefined {
    const v = this.text(column);
    if (v === "" && optional) return null;
    const n = Number(v);
    return v === "" || !Number.isFinite(n) || n < 0
      ? this.bad(
          column,
          v,
          `write a number of 0 or more without currency signs or thousands separators${optional ? ", or leave it empty" : ""}`,
        )
      : n;
  }

  bool(column: string, emptyAs: boolean | null): boolean | null | undefined {
    const v = this.text(column).toLowerCase();
    if (v === "") return emptyAs;
    if (["true", "yes", "1"].includes(v)) return true;
    if (["false", "no", "0"].includes(v)) return false;
    return this.bad(column, this.text(column), `write true or false${emptyAs === null ? ", or leave it empty when there was none" : ""}`);
  }

  priority(column: string): Priority | undefined {
    const v = this.text(column).toLowerCase();
    if (v === "") return "normal";
    return (PRIORITIES as readonly string[]).includes(v)
      ? (v as Priority)
      : this.bad(column, this.text(column), `write one of ${PRIORITIES.join(", ")}`);
  }

  list(column: string): string[] {
    const out: string[] = [];
    const text = this.text(column);
    if (text === "") return out;
    for (const part of text.split(";")) {
      const s = part.trim();
      if (s) out.push(s);
    }
    return out;
  }

  events(column: string): Record<string, number> | undefined {
    const out: Record<string, number> = {};
    const text = this.text(column);
    // The parts between semicolons, read in place (this runs for every usage row, three times a replay).
    for (let from = 0; from < text.length;) {
      let end = text.indexOf(";", from);
      if (end < 0) end = text.length;
      const part = text.slice(from, end).trim();
      from = end + 1;
      if (part === "") continue;
      const eq = part.lastIndexOf("=");
      const name = eq > 0 ? part.slice(0, eq).trim() : "";
      const count = eq > 0 ? Number(part.slice(eq + 1).trim()) : NaN;
      if (!name || !Number.isInteger(count) || count < 0) {
        return this.bad(
          column,
          part,
          "write each event as name=count (a whole number of 0 or more), separated by ;, e.g. upload=12;comment=3",
        );
      }
      out[name] = (out[name] ?? 0) + count;
    }
    return out;
  }
}

class FileReader {
  readonly problems: string[] = [];
  private dropped = 0;
  /** Column positions by name, from the header (null until it is read or when it lacks a column). */
  columns: Map<string, number> | null = null;

  constructor(readonly spec: FileSpec) {}

  problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS_PER_FILE) this.problems.push(text);
    else this.dropped++;
  }

  summary(): string[] {
    return this.dropped
      ? [...this.problems, `${this.spec.name}: ... and ${this.dropped} more problem${this.dropped === 1 ? "" : "s"}`]
      : this.problems;
  }

  /**
   * Calls `onRow` with each row and the byte range it takes in the file, one slice of the file in
   * memory at a time. False when the file is absent (a problem if it is required). A file with a CSV
   * syntax error has that error as its only problem, as if none of its rows had been read.
   */
  each(dir: string, onRow: (row: Row, start: number, end: number) => void): boolean {
    const path = join(dir, this.spec.name);
    if (!existsSync(path)) {
      if (this.spec.required) {
        this.problem(
          `${this.spec.name} is missing from ${dir}: create it with the header line ${this.spec.columns.join(",")} (npm run backtest:generate -- <dir> writes an example history)`,
        );
      }
      return false;
    }
    let header: string[] | null = null;
    let columns: Map<string, number> | null = null;
    try {
      eachCsvRecord(path, (r, start, end) => {
        if (header === null) {
          header = r.fields.map((h) => h.trim());
          const missing = this.spec.columns.filter((c) => !header!.includes(c));
          if (missing.length) {
            this.problem(
              `${this.spec.name} line 1 (the header) lacks the column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")}: the header must name ${this.spec.columns.join(",")} (in any order; names are case-sensitive)`,
            );
          } else {
            columns = new Map(header.map((h, i) => [h, i]));
          }
          return;
        }
        if (columns === null) return;
        if (r.fields.length !== header.length) {
          this.problem(
            `${this.spec.name} line ${r.line} has ${r.fields.length} field${r.fields.length === 1 ? "" : "s"} but the header has ${header.length}: quote fields that contain commas ("a, b")`,
          );
          return;
        }
        onRow(new Row(this, r.line, columns, r.fields), start, end);
      });
    } catch (error) {
      if (error instanceof CsvSyntaxError) {
        this.problems.length = 0;
        this.dropped = 0;
        this.columns = null;
        this.problem(`${this.spec.name} ${error.message}`);
        return true;
      }
      throw error;
    }
    if (header === null) this.problem(`${this.spec.name} is empty: its first line must be the header ${this.spec.columns.join(",")}`);
    this.columns = columns;
    return true;
  }

  /** All the rows (for the small files), or null when the file is absent; none after a syntax error. */
  read(dir: string): Row[] | null {
    const rows: Row[] = [];
    if (!this.each(dir, (row) => rows.push(row))) return null;
    return this.columns === null ? [] : rows;
  }

  /** A row read again from its byte range (the file was checked: it has no problems). */
  again(fields: readonly string[]): Row {
    return new Row(this, 0, this.columns!, fields, true);
  }
}

const defined = (...values: unknown[]): boolean => values.every((v) => v !== undefined);

// One row of each file as the history holds it; undefined (and a problem recorded) when it is wrong.

function usageOf(row: Row, known: KnownAccounts, features = true): HistoryUsageDay | undefined {
  const account = row.account("accountExternalId", known);
  const date = row.date("date", false);
  const activeUsers = row.integer("activeUsers", 0, Infinity, false);
  const events = row.events("events");
  if (!defined(account, date, activeUsers, events)) return undefined;
  return {
    accountExternalId: account!,
    date: date!,
    activeUsers: activeUsers!,
    featuresUsed: features ? row.list("featuresUsed") : [],
    events: events!,
  };
}

/** A usage row's date, active users and events only (no features): what the book's pass needs. */
const usageTrendOf = (row: Row, known: KnownAccounts) => usageOf(row, known, false);

function ticketOf(row: Row, known: KnownAccounts): HistoryTicket | undefined {
  const account = row.account("accountExternalId", known);
  const createdAt = row.instant("createdAt", false);
  const priority = row.priority("priority");
  const resolvedAt = row.instant("resolvedAt", true);
  const reopened = row.bool("reopened", false);
  const csat = row.integer("csat", 1, 5, true);
  const slaBreached = row.bool("slaBreached", null);
  if (!defined(account, createdAt, priority, resolvedAt, reopened, csat, slaBreached)) return undefined;
  if (resolvedAt && resolvedAt < createdAt!) {
    row.problem(`tickets.csv line ${row.line}, field "resolvedAt": ${resolvedAt} is before createdAt ${createdAt}; fix one of them`);
    return undefined;
  }
  return {
    accountExternalId: account!,
    createdAt: createdAt!,
    priority: priority!,
    resolvedAt: resolvedAt!,
    reopened: reopened!,
    csat: csat!,
    slaBreached: slaBreached!,
  };
}

function npsOf(row: Row, known: KnownAccounts): HistoryNps | undefined {
  const account = row.account("accountExternalId", known);
  const respondedAt = row.instant("respondedAt", false);
  const score = row.integer("score", 0, 10, false);
  if (!defined(account, respondedAt, score)) return undefined;
  return { accountExternalId: account!, respondedAt: respondedAt!, score: score!, comment: row.text("comment") || null };
}

function seatChangeOf(row: Row, known: KnownAccounts): HistorySeatChange | undefined {
  const account = row.account("accountExternalId", known);
  const date = row.date("date", false);
  const seats = row.integer("seats", 0, Infinity, true);
  const arr = row.number("arr", true);
  if (!defined(account, date, seats, arr)) return undefined;
  if (seats === null && arr === null) {
    row.problem(`seat_changes.csv line ${row.line}: both "seats" and "arr" are empty; give the new value of at least one`);
    return undefined;
  }
  return { accountExternalId: account!, date: date!, seats: seats!, arr: arr! };
}

/** The days an account has usage on: a bit per day from a base, grown as needed (to find repeated days). */
class DaySet {
  private base = 0;
  private bits: Uint8Array | null = null;

  /** Adds `day`; false when it was there already. */
  add(day: number): boolean {
    if (this.bits === null) {
      this.base = day - 256;
      this.bits = new Uint8Array(128);
    }
    let at = day - this.base;
    if (at < 0 || at >= this.bits.length * 8) {
      const from = Math.min(this.base, day - 256);
      const to = Math.max(this.base + this.bits.length * 8, day + 256);
      const bits = new Uint8Array(Math.ceil((to - from) / 8) + 1);
      // The old bits land at a whole-byte offset: keep the base a multiple of 8 days apart.
      const shift = Math.ceil((this.base - from) / 8);
      bits.set(this.bits, shift);
      this.base -= shift * 8;
      this.bits = bits;
      at = day - this.base;
    }
    const mask = 1 << (at & 7);
    if (this.bits[at >> 3] & mask) return false;
    this.bits[at >> 3] |= mask;
    return true;
  }
}

/** Byte ranges in a file per account ([start, end, ...] in file order; adjacent rows merged into one range). */
class Ranges {
  readonly byAccount: (number[] | undefined)[] = [];

  add(account: number, start: number, end: number): void {
    const list = this.byAccount[account];
    if (list === undefined) this.byAccount[account] = [start, end];
    else if (list[list.length - 1] === start) list[list.length - 1] = end;
    else list.push(start, end);
  }
}

interface Scan {
  accounts: HistoryAccount[];
  churn: HistoryChurn[];
  /** null when patterns.csv is absent. */
  patterns: HistoryPattern[] | null;
  readers: Record<keyof typeof FILES, FileReader>;
  /** Present when the rows were kept (readHistory). */
  rows: Pick<History, "usage" | "tickets" | "nps" | "seatChanges"> | null;
  ranges: { usage: Ranges; tickets: Ranges; nps: Ranges; seatChanges: Ranges };
  seatChangesPresent: boolean;
  usageRows: number;
  timeline: Timeline;
  /** The features used on each day (timeline index), by any account. */
  featuresByDay: (Set<string> | undefined)[];
}

/**
 * Reads and checks every file in one pass, each held a slice at a time. Keeps the rows when `keep`,
 * else where each account's rows lie. Throws a HistoryError listing every problem found.
 */
function scanHistory(dir: string, keep: boolean): Scan {
  if (!existsSync(dir))
    throw new HistoryError([`the directory ${dir} does not exist: pass the directory that holds accounts.csv, usage.csv, churn.csv...`]);
  const readers = Object.fromEntries(Object.entries(FILES).map(([k, spec]) => [k, new FileReader(spec)])) as Record<
    keyof typeof FILES,
    FileReader
  >;

  const accounts: HistoryAccount[] = [];
  const known = new Map<string, number>();
  for (const row of readers.accounts.read(dir) ?? []) {
    const externalId = row.required("externalId", "the account's id, as used in the other files");
    const seats = row.integer("seats", 0, Infinity, true);
    const arr = row.number("arr", true);
    const renewalDate = row.date("renewalDate", true);
    const createdDate = row.date("createdDate", true);
    if (externalId !== undefined && known.has(externalId)) {
      readers.accounts.problem(
        `accounts.csv line ${row.line}, field "externalId": "${externalId}" appears twice; each account needs one row`,
      );
      continue;
    }
    if (!defined(externalId, seats, arr, renewalDate, createdDate)) continue;
    known.set(externalId!, accounts.length);
    accounts.push({
      externalId: externalId!,
      name: row.text("name") || externalId!,
      seats: seats!,
      arr: arr!,
      renewalDate: renewalDate!,
      tier: row.text("tier") || null,
      ...(createdDate ? { createdDate } : {}),
      ...attributesOf(row),
    });
  }

  const rows: Scan["rows"] = keep ? { usage: [], tickets: [], nps: [], seatChanges: [] } : null;
  const ranges = { usage: new Ranges(), tickets: new Ranges(), nps: new Ranges(), seatChanges: new Ranges() };
  let firstUsage = Infinity;
  let lastUsage = -Infinity;
  let origin = Infinity;
  const featuresByDay = new Map<number, Set<string>>();

  const usageDays: DaySet[] = [];
  let usageRows = 0;
  readers.usage.each(dir, (row, start, end) => {
    const u = usageOf(row, known);
    if (u === undefined) return;
    const account = known.get(u.accountExternalId)!;
    const day = parseDay(u.date)!;
    if (!(usageDays[account] ??= new DaySet()).add(day)) {
      readers.usage.problem(
        `usage.csv line ${row.line}: account "${u.accountExternalId}" already has a row for ${u.date}; keep one row per account and day`,
      );
      return;
    }
    usageRows++;
    if (day < firstUsage) firstUsage = day;
    if (day > lastUsage) lastUsage = day;
    if (u.featuresUsed.length) {
      let features = featuresByDay.get(day);
      if (!features) featuresByDay.set(day, (features = new Set()));
      for (const f of u.featuresUsed) features.add(f);
    }
    if (rows) rows.usage.push(u);
    else ranges.usage.add(account, start, end);
  });
  usageDays.length = 0;

  readers.tickets.each(dir, (row, start, end) => {
    const t = ticketOf(row, known);
    if (t === undefined) return;
    origin = Math.min(origin, dayOfInstant(parseInstant(t.createdAt)!));
    if (rows) rows.tickets.push(t);
    else ranges.tickets.add(known.get(t.accountExternalId)!, start, end);
  });

  readers.nps.each(dir, (row, start, end) => {
    const n = npsOf(row, known);
    if (n === undefined) return;
    origin = Math.min(origin, dayOfInstant(parseInstant(n.respondedAt)!));
    if (rows) rows.nps.push(n);
    else ranges.nps.add(known.get(n.accountExternalId)!, start, end);
  });

  const churn: HistoryChurn[] = [];
  const churned = new Set<string>();
  for (const row of readers.churn.read(dir) ?? []) {
    const account = row.account("accountExternalId", known);
    const churnDate = row.date("churnDate", false);
    if (!defined(account, churnDate)) continue;
    if (churned.has(account!)) {
      readers.churn.problem(
        `churn.csv line ${row.line}: account "${account}" already has a churn date; keep one row per account (its final churn)`,
      );
      continue;
    }
    churned.add(account!);
    churn.push({ accountExternalId: account!, churnDate: churnDate! });
  }

  const seatChangesPresent = readers.seatChanges.each(dir, (row, start, end) => {
    const s = seatChangeOf(row, known);
    if (s === undefined) return;
    origin = Math.min(origin, parseDay(s.date)!);
    if (rows) rows.seatChanges!.push(s);
    else ranges.seatChanges.add(known.get(s.accountExternalId)!, start, end);
  });
  if (rows && !seatChangesPresent) rows.seatChanges = null;

  let patterns: HistoryPattern[] | null = null;
  const patternRows = readers.patterns.read(dir);
  if (patternRows !== null) {
    patterns = [];
    const seen = new Set<string>();
    for (const row of patternRows) {
      const account = row.account("accountExternalId", known);
      const pattern = row.required("pattern", "the account's pattern, e.g. steady");
      const churnedFlag = row.bool("churned", false);
      const churnDate = row.date("churnDate", true);
      if (!defined(account, pattern, churnedFlag, churnDate)) continue;
      if (seen.has(account!)) {
        readers.patterns.problem(`patterns.csv line ${row.line}: account "${account}" already has a pattern; keep one row per account`);
        continue;
      }
      seen.add(account!);
      patterns.push({ accountExternalId: account!, pattern: pattern!, churned: churnedFlag!, churnDate: churnDate! });
    }
  }

  if (readers.usage.problems.length === 0 && readers.accounts.problems.length === 0 && usageRows === 0) {
    readers.usage.problem("usage.csv has no rows: the replay needs daily usage (one row per account and day with activity)");
  }
  const problems = Object.values(readers).flatMap((r) => r.summary());
  if (problems.length) throw new HistoryError(problems);

  // As timelineOf: index 0 is the earliest dated record, usage from `first` to `last`.
  origin = Math.min(origin, firstUsage);
  const timeline: Timeline = { origin, first: firstUsage - origin, last: lastUsage - origin, length: lastUsage - origin + 1 };
  const byDay: (Set<string> | undefined)[] = new Array(timeline.length);
  for (const [day, features] of featuresByDay) byDay[day - origin] = features;
  return { accounts, churn, patterns, readers, rows, ranges, seatChangesPresent, usageRows, timeline, featuresByDay: byDay };
}

/** Reads and checks the history's CSV files in `dir` into memory. Throws a HistoryError listing every problem found. */
export function readHistory(dir: string): History {
  const { accounts, churn, patterns, rows } = scanHistory(dir, true);
  const history: History = { accounts, usage: rows!.usage, tickets: rows!.tickets, nps: rows!.nps, churn, seatChanges: rows!.seatChanges };
  if (patterns) history.patterns = patterns;
  return history;
}

/** A history on disk, checked, with each account's rows read when the replay comes to it. */
export interface OpenHistory extends AccountSource {
  /** Usage rows in usage.csv. */
  usageRows: number;
  /** What another thread needs to read the same history without checking it again (openHistoryFrom). */
  handle(): OpenHistoryHandle;
}

/** An open history as plain data (structured-clonable, for a worker thread): where each account's rows lie. */
export interface OpenHistoryHandle {
  dir: string;
  accounts: HistoryAccount[];
  churn: HistoryChurn[];
  patterns: HistoryPattern[] | null;
  usageRows: number;
  timeline: Timeline;
  /** The features any account used on each day (timeline index). */
  featuresByDay: (string[] | null)[];
  seatChangesPresent: boolean;
  /** Per file: the header's column positions, and each account's byte ranges (see Ranges). */
  files: Record<"usage" | "tickets" | "nps" | "seatChanges", { columns: [string, number][]; ranges: (number[] | undefined)[] }>;
}

/**
 * Checks the history's CSV files in `dir` in one streaming pass (throws a HistoryError listing every
 * problem found) and notes where each account's rows lie; `eachAccount()` then reads one account's
 * rows at a time, in the order of accounts.csv.
 */
export function openHistory(dir: string): OpenHistory {
  const scan = scanHistory(dir, false);
  const files = {
    usage: { reader: scan.readers.usage, ranges: scan.ranges.usage.byAccount },
    tickets: { reader: scan.readers.tickets, ranges: scan.ranges.tickets.byAccount },
    nps: { reader: scan.readers.nps, ranges: scan.ranges.nps.byAccount },
    seatChanges: { reader: scan.readers.seatChanges, ranges: scan.ranges.seatChanges.byAccount },
  };
  return openHistoryFrom({
    dir,
    accounts: scan.accounts,
    churn: scan.churn,
    patterns: scan.patterns,
    usageRows: scan.usageRows,
    timeline: scan.timeline,
    featuresByDay: scan.featuresByDay.map((f) => (f ? [...f] : null)),
    seatChangesPresent: scan.seatChangesPresent,
    files: Object.fromEntries(
      Object.entries(files).map(([k, f]) => [k, { columns: [...(f.reader.columns ?? [])], ranges: f.ranges }]),
    ) as OpenHistoryHandle["files"],
  });
}

/** The history `handle` describes, read as openHistory read it (in another thread, say), without checking it again. */
export function openHistoryFrom(handle: OpenHistoryHandle): OpenHistory {
  const { dir, accounts, timeline } = handle;
  const known: KnownAccounts = new Set(accounts.map((a) => a.externalId));
  const readerOf = (spec: FileSpec, columns: [string, number][]) => {
    const reader = new FileReader(spec);
    reader.columns = new Map(columns);
    return reader;
  };
  const featuresByDay = handle.featuresByDay.map((f) => (f ? new Set(f) : undefined));
  function* eachAccount({ usageOnly = false, from = 0, to = accounts.length }: EachAccountOptions = {}): Generator<AccountRows> {
    const files = [
      { reader: readerOf(FILES.usage, handle.files.usage.columns), ranges: handle.files.usage.ranges },
      { reader: readerOf(FILES.tickets, handle.files.tickets.columns), ranges: handle.files.tickets.ranges },
      { reader: readerOf(FILES.nps, handle.files.nps.columns), ranges: handle.files.nps.ranges },
      { reader: readerOf(FILES.seatChanges, handle.files.seatChanges.columns), ranges: handle.files.seatChanges.ranges },
    ] as const;
    const fds: (number | null)[] = files.map(() => null);
    const scratch = { buf: Buffer.allocUnsafe(1 << 16) };
    function rowsOf<T>(f: number, account: number, of: (row: Row, known: KnownAccounts) => T | undefined): T[] {
      const { reader, ranges } = files[f];
      const list = ranges[account];
      if (list === undefined) return [];
      fds[f] ??= openSync(join(dir, reader.spec.name), "r");
      return readCsvRanges(fds[f], list, scratch).map((record) => {
        const value = of(reader.again(record.fields), known);
        if (value === undefined) throw new Error(`${reader.spec.name} changed while the backtest read it: run it again`);
        return value;
      });
    }
    try {
      for (let i = Math.max(0, from); i < Math.min(to, accounts.length); i++) {
        yield usageOnly
          ? { account: accounts[i], usage: rowsOf(0, i, usageTrendOf), tickets: [], nps: [], seatChanges: null }
          : {
              account: accounts[i],
              usage: rowsOf(0, i, usageOf),
              tickets: rowsOf(1, i, ticketOf),
              nps: rowsOf(2, i, npsOf),
              seatChanges: handle.seatChangesPresent ? rowsOf(3, i, seatChangeOf) : null,
            };
      }
    } finally {
      for (const fd of fds) if (fd !== null) closeSync(fd);
    }
  }
  return {
    accounts,
    churn: handle.churn,
    ...(handle.patterns ? { patterns: handle.patterns } : {}),
    usageRows: handle.usageRows,
    timeline: () => timeline,
    featuresByDay: () => featuresByDay,
    eachAccount,
    handle: () => handle,
  };
}
