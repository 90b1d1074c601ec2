// Query parameters the API routes share: a parameter given once, a period (from / to), a page size and
// an output format. A value that cannot be used is refused with 400 naming the parameter (errors.ts).
import { invalidParameter } from "./errors.ts";

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

/** The parameter's value (trimmed; empty counts as absent), or null; given twice is refused. */
export function single(query: URLSearchParams, name: string): string | null {
  const all = query.getAll(name);
  if (all.length > 1) throw invalidParameter(name, `${name} was given ${all.length} times; give it once`);
  const v = all[0]?.trim();
  return v ? v : null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An ISO date (2026-01-31) or date-time (2026-01-31T12:00:00Z; without an offset it is UTC). A date-only
 * value is midnight UTC of that day (`endOfDay`: the next midnight, so a date-only `to` includes the day).
 */
export function parseInstant(parameter: string, value: string, endOfDay = false): Date {
  const example = `use an ISO date or date-time, for example ${parameter}=2026-01-31 or ${parameter}=2026-01-31T09:00:00Z`;
  const date = DATE.exec(value);
  if (date) {
    const [, y, m, d] = date.map(Number);
    const at = new Date(Date.UTC(y, m - 1, d));
    if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) {
      throw invalidParameter(parameter, `${parameter} is not a real date (${JSON.stringify(value)}): ${example}`);
    }
    return endOfDay ? new Date(at.getTime() + DAY_MS) : at;
  }
  const dateTime = DATE_TIME.exec(value);
  if (dateTime) {
    const [, y, mo, d, h, mi, s = "0"] = dateTime;
    const at = new Date(dateTime[7] ? value : `${value}Z`);
    const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    const valid =
      !Number.isNaN(at.getTime()) &&
      day.getUTCMonth() === Number(mo) - 1 &&
      day.getUTCDate() === Number(d) &&
      Number(h) < 24 &&
      Number(mi) < 60 &&
      Number(s) < 60;
    if (valid) return at;
    throw invalidParameter(parameter, `${parameter} is not a real date-time (${JSON.stringify(value)}): ${example}`);
  }
  throw invalidParameter(parameter, `${parameter} must be an ISO date or date-time, not ${JSON.stringify(value.slice(0, 40))}: ${example}`);
}

/** from / to: default the 30 days up to now; from before to, at most 366 days apart. */
export function period(query: URLSearchParams, now: Date): { from: Date; to: Date } {
  const fromText = single(query, "from");
  const toText = single(query, "to");
  const to = toText ? parseInstant("to", toText, true) : now;
  const from = fromText ? parseInstant("from", fromText) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw invalidParameter("from", `from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw invalidParameter("from", `from and to may be at most ${MAX_RANGE_DAYS} days apart; ask for a shorter period`);
  }
  return { from, to };
}

/** format: json (default) or csv. */
export function format(query: URLSearchParams): "json" | "csv" {
  const f = single(query, "format");
  if (f !== null && f !== "json" && f !== "csv")
    throw invalidParameter("format", `format must be json or csv, not ${JSON.stringify(f.slice(0, 40))}`);
  return f === "csv" ? "csv" : "json";
}

/** limit: a whole number from 1 to `max`, or `fallback` when absent. */
export function limit<F extends number | null>(query: URLSearchParams, fallback: F, max: number): number | F {
  const text = single(query, "limit");
  if (text === null) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max)
    throw invalidParameter("limit", `limit must be a whole number from 1 to ${max}, not ${JSON.stringify(text.slice(0, 40))}`);
  return n;
}
