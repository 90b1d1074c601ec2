// GET /api/v1/metrics/support?from=&to=&groupBy=&format=  (bearer INGEST_API_TOKEN)
//
// from / to: an ISO date (2026-01-31) or date-time (2026-01-31T12:00:00Z; without an offset it is UTC).
// A date-only `to` includes that whole day. Defaults: to = now, from = 30 days before to. from must be
// before to, at most 366 days apart. groupBy: priority | agent | account | channel (or none).
// format: json (default) | csv. JSON: { from, to, groupBy, rows }, the overall row first (scope
// "overall", group null), then one row per group. CSV: a header row and the same rows, flattened.
import { apiActor } from "../../shared/actor.ts";
import type { SupportContext } from "../../support/use-cases/context.ts";
import { GROUP_BYS, type GroupBy, type MetricsRow } from "../../support/rules/metrics.ts";
import { readMetrics } from "../../support/use-cases/read-metrics.ts";
import { requireApiToken } from "../api-auth.ts";
import { toCsv, type Cell } from "../csv.ts";
import { invalidParameter } from "../errors.ts";
import { format, period, single } from "../query.ts";
import { send, type Route } from "../router.ts";

export interface MetricsRouteDeps {
  support: SupportContext;
  token: string | undefined;
  now: () => Date;
}

export interface MetricsRequest {
  from: Date;
  to: Date;
  groupBy: GroupBy | null;
  format: "json" | "csv";
}

export function parseMetricsQuery(params: URLSearchParams, now: Date): MetricsRequest {
  const groupText = single(params, "groupBy");
  const { from, to } = period(params, now);
  if (groupText !== null && !(GROUP_BYS as readonly string[]).includes(groupText)) {
    throw invalidParameter(
      "groupBy",
      `groupBy must be one of ${GROUP_BYS.join(", ")} (or left out for the overall figures), not ${JSON.stringify(groupText.slice(0, 40))}`,
    );
  }
  return { from, to, groupBy: (groupText as GroupBy | null) ?? null, format: format(params) };
}

export function supportRoutes(deps: MetricsRouteDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/api/v1/metrics/support",
      guard: requireApiToken(deps.token),
      handle: async (req, res) => {
        const q = parseMetricsQuery(req.query, deps.now());
        const result = await readMetrics(deps.support, apiActor, q);
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
      },
    },
  ];
}

// ------------------------------------------------------------------ CSV

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

/** The CSV of the metrics (csv.ts); empty cells for figures with no data. */
export function metricsCsv(rows: MetricsRow[]): string {
  return toCsv(CSV_COLUMNS, rows, { decimals: 6 });
}
