// The labelled history a backtest replays, and its reading from a directory of CSV files (the format
// is in the README, section "Backtest"). Every problem names the file, the line, the field and what to
// write instead; reading stops with all the problems found (up to a few per file).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CsvSyntaxError, parseCsv, type CsvRecord } from "./csv.ts";
import { parseDay, parseInstant } from "./dates.ts";

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

export interface History {
  accounts: HistoryAccount[];
  usage: HistoryUsageDay[];
  tickets: HistoryTicket[];
  nps: HistoryNps[];
  churn: HistoryChurn[];
  /** null when seat_changes.csv is absent: account growth is then unknown. */
  seatChanges: HistorySeatChange[] | null;
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
} as const;

type FileSpec = (typeof FILES)[keyof typeof FILES];

export class HistoryError extends Error {
  constructor(readonly problems: string[]) {
    super(`The history cannot be read:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

const MAX_PROBLEMS_PER_FILE = 10;

/** A row's fields by column name, with helpers that record a problem and return undefined when a value is bad. */
class Row {
  constructor(
    private readonly file: FileReader,
    readonly line: number,
    private readonly values: Map<string, string>,
  ) {}

  text(column: string): string {
    return (this.values.get(column) ?? "").trim();
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

  account(column: string, known: Set<string>): string | undefined {
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
    return parseDay(v) === null ? this.bad(column, v, "write a date as YYYY-MM-DD, e.g. 2025-03-31") : v;
  }

  instant(column: string, optional: boolean): string | null | undefined {
    const v = this.text(column);
    if (v === "" && optional) return null;
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
    return this.text(column)
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean);
  }

  events(column: string): Record<string, number> | undefined {
    const out: Record<string, number> = {};
    for (const part of this.list(column)) {
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

  /** The rows, or null when the file is absent (a problem if it is required). */
  read(dir: string): Row[] | null {
    const path = join(dir, this.spec.name);
    if (!existsSync(path)) {
      if (this.spec.required) {
        this.problem(
          `${this.spec.name} is missing from ${dir}: create it with the header line ${this.spec.columns.join(",")} (npm run backtest:generate -- <dir> writes an example history)`,
        );
      }
      return null;
    }
    let records: CsvRecord[];
    try {
      records = parseCsv(readFileSync(path, "utf8"));
    } catch (error) {
      if (error instanceof CsvSyntaxError) {
        this.problem(`${this.spec.name} ${error.message}`);
        return [];
      }
      throw error;
    }
    if (records.length === 0) {
      this.problem(`${this.spec.name} is empty: its first line must be the header ${this.spec.columns.join(",")}`);
      return [];
    }
    const header = records[0].fields.map((h) => h.trim());
    const missing = this.spec.columns.filter((c) => !header.includes(c));
    if (missing.length) {
      this.problem(
        `${this.spec.name} line 1 (the header) lacks the column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `"${c}"`).join(", ")}: the header must name ${this.spec.columns.join(",")} (in any order; names are case-sensitive)`,
      );
      return [];
    }
    const rows: Row[] = [];
    for (const r of records.slice(1)) {
      if (r.fields.length !== header.length) {
        this.problem(
          `${this.spec.name} line ${r.line} has ${r.fields.length} field${r.fields.length === 1 ? "" : "s"} but the header has ${header.length}: quote fields that contain commas ("a, b")`,
        );
        continue;
      }
      rows.push(new Row(this, r.line, new Map(header.map((h, i) => [h, r.fields[i]]))));
    }
    return rows;
  }
}

const defined = (...values: unknown[]): boolean => values.every((v) => v !== undefined);

/** Reads and checks the history's CSV files in `dir`. Throws a HistoryError listing every problem found. */
export function readHistory(dir: string): History {
  if (!existsSync(dir))
    throw new HistoryError([`the directory ${dir} does not exist: pass the directory that holds accounts.csv, usage.csv, churn.csv...`]);
  const readers = Object.fromEntries(Object.entries(FILES).map(([k, spec]) => [k, new FileReader(spec)])) as Record<
    keyof typeof FILES,
    FileReader
  >;

  const accounts: HistoryAccount[] = [];
  const known = new Set<string>();
  for (const row of readers.accounts.read(dir) ?? []) {
    const externalId = row.required("externalId", "the account's id, as used in the other files");
    const seats = row.integer("seats", 0, Infinity, true);
    const arr = row.number("arr", true);
    const renewalDate = row.date("renewalDate", true);
    if (externalId !== undefined && known.has(externalId)) {
      readers.accounts.problem(
        `accounts.csv line ${row.line}, field "externalId": "${externalId}" appears twice; each account needs one row`,
      );
      continue;
    }
    if (!defined(externalId, seats, arr, renewalDate)) continue;
    known.add(externalId!);
    accounts.push({
      externalId: externalId!,
      name: row.text("name") || externalId!,
      seats: seats!,
      arr: arr!,
      renewalDate: renewalDate!,
      tier: row.text("tier") || null,
    });
  }

  const usage: HistoryUsageDay[] = [];
  const seen = new Set<string>();
  for (const row of readers.usage.read(dir) ?? []) {
    const account = row.account("accountExternalId", known);
    const date = row.date("date", false);
    const activeUsers = row.integer("activeUsers", 0, Infinity, false);
    const events = row.events("events");
    if (!defined(account, date, activeUsers, events)) continue;
    const key = `${account} ${date}`;
    if (seen.has(key)) {
      readers.usage.problem(
        `usage.csv line ${row.line}: account "${account}" already has a row for ${date}; keep one row per account and day`,
      );
      continue;
    }
    seen.add(key);
    usage.push({
      accountExternalId: account!,
      date: date!,
      activeUsers: activeUsers!,
      featuresUsed: row.list("featuresUsed"),
      events: events!,
    });
  }

  const tickets: HistoryTicket[] = [];
  for (const row of readers.tickets.read(dir) ?? []) {
    const account = row.account("accountExternalId", known);
    const createdAt = row.instant("createdAt", false);
    const priority = row.priority("priority");
    const resolvedAt = row.instant("resolvedAt", true);
    const reopened = row.bool("reopened", false);
    const csat = row.integer("csat", 1, 5, true);
    const slaBreached = row.bool("slaBreached", null);
    if (!defined(account, createdAt, priority, resolvedAt, reopened, csat, slaBreached)) continue;
    if (resolvedAt && resolvedAt < createdAt!) {
      readers.tickets.problem(
        `tickets.csv line ${row.line}, field "resolvedAt": ${resolvedAt} is before createdAt ${createdAt}; fix one of them`,
      );
      continue;
    }
    tickets.push({
      accountExternalId: account!,
      createdAt: createdAt!,
      priority: priority!,
      resolvedAt: resolvedAt!,
      reopened: reopened!,
      csat: csat!,
      slaBreached: slaBreached!,
    });
  }

  const nps: HistoryNps[] = [];
  for (const row of readers.nps.read(dir) ?? []) {
    const account = row.account("accountExternalId", known);
    const respondedAt = row.instant("respondedAt", false);
    const score = row.integer("score", 0, 10, false);
    if (!defined(account, respondedAt, score)) continue;
    nps.push({ accountExternalId: account!, respondedAt: respondedAt!, score: score!, comment: row.text("comment") || null });
  }

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

  const seatRows = readers.seatChanges.read(dir);
  const seatChanges: HistorySeatChange[] | null = seatRows === null ? null : [];
  for (const row of seatRows ?? []) {
    const account = row.account("accountExternalId", known);
    const date = row.date("date", false);
    const seats = row.integer("seats", 0, Infinity, true);
    const arr = row.number("arr", true);
    if (!defined(account, date, seats, arr)) continue;
    if (seats === null && arr === null) {
      readers.seatChanges.problem(
        `seat_changes.csv line ${row.line}: both "seats" and "arr" are empty; give the new value of at least one`,
      );
      continue;
    }
    seatChanges!.push({ accountExternalId: account!, date: date!, seats: seats!, arr: arr! });
  }

  if (readers.usage.problems.length === 0 && readers.accounts.problems.length === 0 && usage.length === 0) {
    readers.usage.problem("usage.csv has no rows: the replay needs daily usage (one row per account and day with activity)");
  }
  const problems = Object.values(readers).flatMap((r) => r.summary());
  if (problems.length) throw new HistoryError(problems);
  return { accounts, usage, tickets, nps, churn, seatChanges };
}
