// GET /api/v1/metrics/support?from=&to=&groupBy=&format=  (bearer INGEST_API_TOKEN)
//
// from / to: an ISO date (2026-01-31) or date-time (2026-01-31T12:00:00Z; without an offset it is UTC).
// A date-only `to` includes that whole day. Defaults: to = now, from = 30 days before to. from must be
// before to, at most 366 days apart. groupBy: priority | agent | account | channel (or none).
// format: json (default) | csv. JSON: { from, to, groupBy, rows }, the overall row first (scope
// "overall", group null), then one row per group. CSV: a header row and the same rows, flattened.
import type { Database } from "../../platform/db/client.ts";
import { GROUP_BYS, supportMetrics, type GroupBy, type MetricsRow } from "../../support/store/metrics.ts";
import { authorizeApi } from "../api-auth.ts";
import { send, type Route } from "../receiver.ts";

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

export interface MetricsRouteDeps {
  db: Database;
  token: string | undefined;
  now: () => Date;
}

/** A query parameter that cannot be used: answered 400 naming it. */
export class BadParameter extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A date-only value is midnight UTC of that day (`endOfDay`: the next midnight). */
export function parseInstant(parameter: string, value: string, endOfDay = false): Date {
  const example = `use an ISO date or date-time, for example ${parameter}=2026-01-31 or ${parameter}=2026-01-31T09:00:00Z`;
  const date = DATE.exec(value);
  if (date) {
    const [, y, m, d] = date.map(Number);
    const at = new Date(Date.UTC(y, m - 1, d));
    if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) {
      throw new BadParameter(parameter, `${parameter} is not a real date (${JSON.stringify(value)}): ${example}`);
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
    throw new BadParameter(parameter, `${parameter} is not a real date-time (${JSON.stringify(value)}): ${example}`);
  }
  throw new BadParameter(parameter, `${parameter} must be an ISO date or date-time, not ${JSON.stringify(value.slice(0, 40))}: ${example}`);
}

export interface MetricsRequest {
  from: Date;
  to: Date;
  groupBy: GroupBy | null;
  format: "json" | "csv";
}

export function parseMetricsQuery(params: URLSearchParams, now: Date): MetricsRequest {
  const single = (name: string): string | null => {
    const all = params.getAll(name);
    if (all.length > 1) throw new BadParameter(name, `${name} was given ${all.length} times; give it once`);
    const v = all[0]?.trim();
    return v ? v : null;
  };
  const fromText = single("from");
  const toText = single("to");
  const groupText = single("groupBy");
  const formatText = single("format");

  const to = toText ? parseInstant("to", toText, true) : now;
  const from = fromText ? parseInstant("from", fromText) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw new BadParameter("from", `from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new BadParameter("from", `from and to may be at most ${MAX_RANGE_DAYS} days apart; ask for a shorter period`);
  }
  if (groupText !== null && !(GROUP_BYS as readonly string[]).includes(groupText)) {
    throw new BadParameter(
      "groupBy",
      `groupBy must be one of ${GROUP_BYS.join(", ")} (or left out for the overall figures), not ${JSON.stringify(groupText.slice(0, 40))}`,
    );
  }
  if (formatText !== null && formatText !== "json" && formatText !== "csv") {
    throw new BadParameter("format", `format must be json or csv, not ${JSON.stringify(formatText.slice(0, 40))}`);
  }
  return { from, to, groupBy: (groupText as GroupBy | null) ?? null, format: formatText === "csv" ? "csv" : "json" };
}

export function metricsRoute(deps: MetricsRouteDeps): Route {
  return async (req, res) => {
    if (!authorizeApi(req, res, deps.token)) return;
    let q: MetricsRequest;
    try {
      q = parseMetricsQuery(new URL(req.url ?? "/", "http://localhost").searchParams, deps.now());
    } catch (error) {
      if (error instanceof BadParameter) {
        return send(res, 400, { error: "invalid_parameter", parameter: error.parameter, message: error.message });
      }
      throw error;
    }
    const result = await supportMetrics(deps.db, q);
    const rows = [result.overall, ...result.groups];
    if (q.format === "csv") {
      const name = `support-metrics_${q.from.toISOString().slice(0, 10)}_${q.to.toISOString().slice(0, 10)}${q.groupBy ? `_by-${q.groupBy}` : ""}.csv`;
      res.setHeader("content-disposition", `attachment; filename="${name}"`);
      return send(res, 200, metricsCsv(rows), "text/csv; charset=utf-8");
    }
    send(res, 200, {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      groupBy: q.groupBy,
      rows: rows.map((r) => ({ scope: r.group === null ? "overall" : "group", ...r })),
    });
  };
}

// ------------------------------------------------------------------ CSV

type Cell = string | number | null;

export const CSV_COLUMNS: [string, (r: MetricsRow) => Cell][] = [
  ["scope", (r) => (r.group === null ? "overall" : "group")],
  ["group", (r) => r.group],
  ["tickets", (r) => r.tickets],
  ["first_response_count", (r) => r.firstResponse?.count ?? 0],
  ["first_response_median_seconds", (r) => r.firstResponse?.medianSeconds ?? null],
  ["first_response_p90_seconds", (r) => r.firstResponse?.p90Seconds ?? null],
  ["first_response_median_business_seconds", (r) => r.firstResponse?.medianBusinessSeconds ?? null],
  ["first_response_p90_business_seconds", (r) => r.firstResponse?.p90BusinessSeconds ?? null],
  ["resolution_count", (r) => r.resolution?.count ?? 0],
  ["resolution_median_seconds", (r) => r.resolution?.medianSeconds ?? null],
  ["resolution_p90_seconds", (r) => r.resolution?.p90Seconds ?? null],
  ["resolution_median_business_seconds", (r) => r.resolution?.medianBusinessSeconds ?? null],
  ["resolution_p90_business_seconds", (r) => r.resolution?.p90BusinessSeconds ?? null],
  ["reopened", (r) => r.reopened],
  ["ever_resolved", (r) => r.everResolved],
  ["reopen_rate", (r) => r.reopenRate],
  ["resolved", (r) => r.resolved],
  ["first_contact_resolved", (r) => r.firstContactResolved],
  ["first_contact_resolution", (r) => r.firstContactResolution],
  ["csat_responses", (r) => r.csat.responses],
  ["csat_satisfied", (r) => r.csat.satisfied],
  ["csat_satisfied_share", (r) => r.csat.satisfiedShare],
  ["csat_surveys", (r) => r.csat.surveys],
  ["csat_answered_surveys", (r) => r.csat.answeredSurveys],
  ["csat_response_rate", (r) => r.csat.responseRate],
  ["sla_first_response_met", (r) => r.sla.firstResponse?.met ?? 0],
  ["sla_first_response_stopped", (r) => r.sla.firstResponse?.stopped ?? 0],
  ["sla_first_response_attainment", (r) => r.sla.firstResponse?.attainment ?? null],
  ["sla_resolution_met", (r) => r.sla.resolution?.met ?? 0],
  ["sla_resolution_stopped", (r) => r.sla.resolution?.stopped ?? 0],
  ["sla_resolution_attainment", (r) => r.sla.resolution?.attainment ?? null],
];

function csvCell(value: Cell): string {
  if (value === null) return "";
  const text = typeof value === "number" ? String(Number.isInteger(value) ? value : Number(value.toFixed(6))) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: a header row, then one line per row; empty cells for figures with no data. */
export function metricsCsv(rows: MetricsRow[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(",")];
  for (const row of rows) lines.push(CSV_COLUMNS.map(([, pick]) => csvCell(pick(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
