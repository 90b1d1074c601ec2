// Support metrics over the tickets created in a period, overall and per priority, agent, account or
// channel: first response and resolution times (median and p90, calendar and business seconds), reopen
// rate, first-contact resolution, CSAT and SLA attainment. Everything is aggregated in SQL (the same
// statements on SQLite and Postgres); JavaScript only reads one row per group and measure.
//
// Definitions (a ticket belongs to the period by its createdAt, in [from, to)):
// - firstResponse: over tickets with a first response only (a ticket still waiting is not a zero).
// - resolution: over tickets resolved now (resolvedAt set; a reopened ticket keeps its old seconds but
//   has no resolvedAt, so it does not count until resolved again).
// - percentiles: nearest rank, the value at rank ceil(p × n) in ascending order.
// - reopenRate: tickets reopened at least once / tickets ever resolved (resolved now, or reopened).
// - firstContactResolution: resolved tickets with exactly one agent response and never reopened /
//   resolved tickets.
// - csat.satisfiedShare: answers scoring 4 or 5 / answers; csat.responseRate: surveyed tickets with at
//   least one answer / surveyed tickets.
// - sla.*.attainment: stopped timers of that kind whose target was met / stopped timers of that kind.
import type { Database } from "../../platform/db/client.ts";

export const GROUP_BYS = ["priority", "agent", "account", "channel"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface MetricsQuery {
  from: Date;
  to: Date;
  groupBy?: GroupBy | null;
}

export interface DurationStats {
  /** Tickets measured (with a first response, or resolved). */
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  medianBusinessSeconds: number | null;
  p90BusinessSeconds: number | null;
}

export interface Attainment {
  met: number;
  stopped: number;
  /** met / stopped */
  attainment: number;
}

export interface MetricsRow {
  /** null for the overall row; else the group's label ("unassigned" / "none" for tickets without one). */
  group: string | null;
  tickets: number;
  firstResponse: DurationStats | null;
  resolution: DurationStats | null;
  reopened: number;
  everResolved: number;
  reopenRate: number | null;
  resolved: number;
  firstContactResolved: number;
  firstContactResolution: number | null;
  csat: {
    responses: number;
    satisfied: number;
    satisfiedShare: number | null;
    surveys: number;
    answeredSurveys: number;
    responseRate: number | null;
  };
  sla: {
    firstResponse: Attainment | null;
    resolution: Attainment | null;
  };
}

export interface MetricsResult {
  from: Date;
  to: Date;
  groupBy: GroupBy | null;
  overall: MetricsRow;
  /** One row per group (empty without groupBy), ordered by tickets, most first (priorities by rank). */
  groups: MetricsRow[];
}

export const UNASSIGNED = "unassigned";
export const NO_ACCOUNT = "none";

/** The SQL for a ticket's group, on the ticket aliased `t`; the overall row uses a constant. */
const GROUP_SQL: Record<GroupBy | "overall", string> = {
  overall: "'*'",
  priority: 't."priority"',
  agent: `COALESCE(t."assigneeId", '${UNASSIGNED}')`,
  account: `COALESCE(t."accountExternalId", '${NO_ACCOUNT}')`,
  channel: 't."channelId"',
};

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

type Row = Record<string, unknown>;

/** COUNT and SUM come back as bigint on Postgres (and may be null for SUM over nothing). */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export async function supportMetrics(db: Database, q: MetricsQuery): Promise<MetricsResult> {
  if (!(q.from instanceof Date) || !(q.to instanceof Date) || Number.isNaN(q.from.getTime()) || Number.isNaN(q.to.getTime())) {
    throw new RangeError("supportMetrics needs valid from and to dates");
  }
  const groupBy = q.groupBy ?? null;
  let overall: MetricsRow;
  let groups: MetricsRow[] = [];
  if (!groupBy) {
    overall = (await metricsBy(db, "overall", q.from, q.to, true))[0] ?? emptyRow();
  } else {
    // Every ticket is in exactly one group, so the overall counts are the groups' sums; only the
    // percentiles need their own statements.
    const [byGroup, overallDurations] = await Promise.all([
      metricsBy(db, groupBy, q.from, q.to, true),
      metricsBy(db, "overall", q.from, q.to, false),
    ]);
    groups = byGroup;
    overall = sumRows(groups);
    overall.firstResponse = overallDurations[0]?.firstResponse ?? null;
    overall.resolution = overallDurations[0]?.resolution ?? null;
  }
  if (groupBy === "priority") {
    groups.sort((a, b) => (PRIORITY_RANK[a.group!] ?? 9) - (PRIORITY_RANK[b.group!] ?? 9) || a.group!.localeCompare(b.group!));
  } else {
    groups.sort((a, b) => b.tickets - a.tickets || a.group!.localeCompare(b.group!));
  }
  return {
    from: q.from,
    to: q.to,
    groupBy,
    overall: { ...overall, group: null },
    groups,
  };
}

function emptyRow(group: string | null = null): MetricsRow {
  return {
    group,
    tickets: 0,
    firstResponse: null,
    resolution: null,
    reopened: 0,
    everResolved: 0,
    reopenRate: null,
    resolved: 0,
    firstContactResolved: 0,
    firstContactResolution: null,
    csat: { responses: 0, satisfied: 0, satisfiedShare: null, surveys: 0, answeredSurveys: 0, responseRate: null },
    sla: { firstResponse: null, resolution: null },
  };
}

/** The counts of several rows added up (durations excepted: percentiles do not add up). */
function sumRows(rows: MetricsRow[]): MetricsRow {
  const total = emptyRow();
  let frMet = 0,
    frStopped = 0,
    rsMet = 0,
    rsStopped = 0;
  for (const r of rows) {
    total.tickets += r.tickets;
    total.reopened += r.reopened;
    total.everResolved += r.everResolved;
    total.resolved += r.resolved;
    total.firstContactResolved += r.firstContactResolved;
    total.csat.responses += r.csat.responses;
    total.csat.satisfied += r.csat.satisfied;
    total.csat.surveys += r.csat.surveys;
    total.csat.answeredSurveys += r.csat.answeredSurveys;
    frMet += r.sla.firstResponse?.met ?? 0;
    frStopped += r.sla.firstResponse?.stopped ?? 0;
    rsMet += r.sla.resolution?.met ?? 0;
    rsStopped += r.sla.resolution?.stopped ?? 0;
  }
  total.reopenRate = ratio(total.reopened, total.everResolved);
  total.firstContactResolution = ratio(total.firstContactResolved, total.resolved);
  total.csat.satisfiedShare = ratio(total.csat.satisfied, total.csat.responses);
  total.csat.responseRate = ratio(total.csat.answeredSurveys, total.csat.surveys);
  total.sla.firstResponse = frStopped > 0 ? { met: frMet, stopped: frStopped, attainment: frMet / frStopped } : null;
  total.sla.resolution = rsStopped > 0 ? { met: rsMet, stopped: rsStopped, attainment: rsMet / rsStopped } : null;
  return total;
}

/** The four durations measured; a measure leaves out tickets without a value (never counted as zero). */
const MEASURES = [
  { column: "firstResponseSeconds", resolvedOnly: false, target: "firstResponse", business: false },
  { column: "firstResponseBusinessSeconds", resolvedOnly: false, target: "firstResponse", business: true },
  { column: "resolutionSeconds", resolvedOnly: true, target: "resolution", business: false },
  { column: "resolutionBusinessSeconds", resolvedOnly: true, target: "resolution", business: true },
] as const;

/**
 * Nearest-rank median and p90 of one duration column, per group, in SQL: ROW_NUMBER() numbers the
 * group's values in ascending order, n is the group's count, and the values at ranks ceil(n/2) =
 * (n+1)/2 and ceil(9n/10) = (9n+9)/10 are picked (integer division on both databases). n comes from a
 * GROUP BY joined back rather than COUNT(*) OVER (PARTITION BY g): a second window with a different
 * specification costs SQLite another pass over a buffered partition, a third of the query's time.
 * One statement per column: a UNION of the four columns sorted as one set is slower on SQLite.
 * Resolution durations count only for tickets resolved now: a reopened ticket keeps its old seconds
 * until it is resolved again, but has no resolvedAt meanwhile.
 */
function percentileSql(by: GroupBy | "overall", column: string, resolvedOnly: boolean, period: string): string {
  const x = `t."${column}"`;
  const values = `SELECT ${GROUP_SQL[by]} AS g, ${x} AS x FROM "Ticket" t WHERE ${period} AND ${x} IS NOT NULL${resolvedOnly ? ' AND t."resolvedAt" IS NOT NULL' : ""}`;
  if (by === "overall") {
    return `
    WITH v AS (${values}),
    n AS (SELECT COUNT(*) AS n FROM v),
    r AS (SELECT x, ROW_NUMBER() OVER (ORDER BY x) AS rn FROM v)
    SELECT '*' AS g, MAX(n.n) AS n,
      MIN(CASE WHEN r.rn = (n.n + 1) / 2 THEN r.x END) AS p50,
      MIN(CASE WHEN r.rn = (9 * n.n + 9) / 10 THEN r.x END) AS p90
    FROM r CROSS JOIN n
    WHERE r.rn IN ((n.n + 1) / 2, (9 * n.n + 9) / 10)`;
  }
  return `
    WITH v AS (${values}),
    n AS (SELECT g, COUNT(*) AS n FROM v GROUP BY g),
    r AS (SELECT g, x, ROW_NUMBER() OVER (PARTITION BY g ORDER BY x) AS rn FROM v)
    SELECT n.g, n.n,
      MIN(CASE WHEN r.rn = (n.n + 1) / 2 THEN r.x END) AS p50,
      MIN(CASE WHEN r.rn = (9 * n.n + 9) / 10 THEN r.x END) AS p90
    FROM r CROSS JOIN n
    WHERE r.g = n.g AND r.rn IN ((n.n + 1) / 2, (9 * n.n + 9) / 10)
    GROUP BY n.g, n.n`;
}

/** One row per group (or the overall row); `withCounts` false reads the durations only. */
async function metricsBy(db: Database, by: GroupBy | "overall", from: Date, to: Date, withCounts: boolean): Promise<MetricsRow[]> {
  const g = GROUP_SQL[by];
  const grouped = by !== "overall";
  // The overall row has no GROUP BY at all: grouping by a constant still builds a temporary B-tree.
  const groupClause = grouped ? "GROUP BY 1" : "";
  // Each statement takes the period as its only two parameters.
  const [p1, p2] = db.provider === "postgres" ? ["$1", "$2"] : ["?", "?"];
  const period = `t."createdAt" >= ${p1} AND t."createdAt" < ${p2}`;
  const run = (sql: string) => db.client.$queryRawUnsafe<Row[]>(sql, from, to);

  const countsSql = `
    SELECT ${g} AS g,
      COUNT(*) AS tickets,
      SUM(CASE WHEN t."reopenCount" > 0 THEN 1 ELSE 0 END) AS reopened,
      SUM(CASE WHEN t."resolvedAt" IS NOT NULL OR t."reopenCount" > 0 THEN 1 ELSE 0 END) AS ever_resolved,
      SUM(CASE WHEN t."resolvedAt" IS NOT NULL THEN 1 ELSE 0 END) AS resolved,
      SUM(CASE WHEN t."resolvedAt" IS NOT NULL AND t."agentResponseCount" = 1 AND t."reopenCount" = 0 THEN 1 ELSE 0 END) AS fcr
    FROM "Ticket" t
    WHERE ${period}
    ${groupClause}`;

  const slaSql = `
    SELECT ${g} AS g, s."kind" AS kind,
      COUNT(*) AS stopped,
      SUM(CASE WHEN s."met" THEN 1 ELSE 0 END) AS met
    FROM "Ticket" t
    JOIN "SlaTimer" s ON s."ticketId" = t."id"
    WHERE ${period} AND s."met" IS NOT NULL
    GROUP BY ${grouped ? "1, 2" : "2"}`;

  const surveysSql = `
    SELECT ${g} AS g,
      COUNT(*) AS surveys,
      SUM(CASE WHEN EXISTS (SELECT 1 FROM "CsatResponse" r WHERE r."ticketId" = s."ticketId") THEN 1 ELSE 0 END) AS answered
    FROM "Ticket" t
    JOIN "CsatSurvey" s ON s."ticketId" = t."id"
    WHERE ${period}
    ${groupClause}`;

  const responsesSql = `
    SELECT ${g} AS g,
      COUNT(*) AS responses,
      SUM(CASE WHEN r."score" >= 4 THEN 1 ELSE 0 END) AS satisfied
    FROM "Ticket" t
    JOIN "CsatResponse" r ON r."ticketId" = t."id"
    WHERE ${period}
    ${groupClause}`;

  const none = Promise.resolve([] as Row[]);
  const [counts, sla, surveys, responses, ...percentiles] = await Promise.all([
    withCounts ? run(countsSql) : none,
    withCounts ? run(slaSql) : none,
    withCounts ? run(surveysSql) : none,
    withCounts ? run(responsesSql) : none,
    ...MEASURES.map((m) => run(percentileSql(by, m.column, m.resolvedOnly, period))),
  ]);

  const rows = new Map<string, MetricsRow>();
  const rowOf = (key: unknown) => {
    const k = String(key);
    let row = rows.get(k);
    if (!row) rows.set(k, (row = emptyRow(k)));
    return row;
  };

  for (const c of counts) {
    const row = rowOf(c.g);
    row.tickets = num(c.tickets);
    row.reopened = num(c.reopened);
    row.everResolved = num(c.ever_resolved);
    row.reopenRate = ratio(row.reopened, row.everResolved);
    row.resolved = num(c.resolved);
    row.firstContactResolved = num(c.fcr);
    row.firstContactResolution = ratio(row.firstContactResolved, row.resolved);
  }

  MEASURES.forEach((m, i) => {
    for (const p of percentiles[i]) {
      const n = num(p.n);
      if (n === 0) continue;
      const row = rowOf(p.g);
      const stats = (row[m.target] ??= {
        count: 0,
        medianSeconds: null,
        p90Seconds: null,
        medianBusinessSeconds: null,
        p90BusinessSeconds: null,
      });
      if (m.business) {
        // A ticket measured in calendar time but not in business time still counts in `count`.
        stats.count = Math.max(stats.count, n);
        stats.medianBusinessSeconds = numOrNull(p.p50);
        stats.p90BusinessSeconds = numOrNull(p.p90);
      } else {
        stats.count = Math.max(stats.count, n);
        stats.medianSeconds = numOrNull(p.p50);
        stats.p90Seconds = numOrNull(p.p90);
      }
    }
  });

  for (const s of sla) {
    const row = rowOf(s.g);
    const stopped = num(s.stopped);
    const met = num(s.met);
    const value = stopped > 0 ? { met, stopped, attainment: met / stopped } : null;
    if (s.kind === "first_response") row.sla.firstResponse = value;
    else if (s.kind === "resolution") row.sla.resolution = value;
  }

  for (const s of surveys) {
    const row = rowOf(s.g);
    row.csat.surveys = num(s.surveys);
    row.csat.answeredSurveys = num(s.answered);
    row.csat.responseRate = ratio(row.csat.answeredSurveys, row.csat.surveys);
  }
  for (const r of responses) {
    const row = rowOf(r.g);
    row.csat.responses = num(r.responses);
    row.csat.satisfied = num(r.satisfied);
    row.csat.satisfiedShare = ratio(row.csat.satisfied, row.csat.responses);
  }

  return [...rows.values()];
}

// ------------------------------------------------------------------ comparing two periods

export type FigureKind = "count" | "duration" | "share";

export interface HeadlineFigure {
  key: string;
  label: string;
  kind: FigureKind;
  current: number | null;
  previous: number | null;
  /**
   * The change against the previous period: relative (percent) for counts and durations, in
   * percentage points for shares. null when not comparable (a side has no data, or the previous count
   * or duration is zero).
   */
  change: { unit: "percent" | "points"; value: number } | null;
}

const HEADLINES: { key: string; label: string; kind: FigureKind; pick: (r: MetricsRow) => number | null }[] = [
  { key: "tickets", label: "Tickets", kind: "count", pick: (r) => r.tickets },
  {
    key: "firstResponseMedianBusiness",
    label: "First response, median (business hours)",
    kind: "duration",
    pick: (r) => r.firstResponse?.medianBusinessSeconds ?? null,
  },
  {
    key: "firstResponseP90Business",
    label: "First response, p90 (business hours)",
    kind: "duration",
    pick: (r) => r.firstResponse?.p90BusinessSeconds ?? null,
  },
  {
    key: "firstResponseMedian",
    label: "First response, median (calendar)",
    kind: "duration",
    pick: (r) => r.firstResponse?.medianSeconds ?? null,
  },
  { key: "firstResponseP90", label: "First response, p90 (calendar)", kind: "duration", pick: (r) => r.firstResponse?.p90Seconds ?? null },
  {
    key: "resolutionMedianBusiness",
    label: "Time to resolution, median (business hours)",
    kind: "duration",
    pick: (r) => r.resolution?.medianBusinessSeconds ?? null,
  },
  {
    key: "resolutionMedian",
    label: "Time to resolution, median (calendar)",
    kind: "duration",
    pick: (r) => r.resolution?.medianSeconds ?? null,
  },
  { key: "reopenRate", label: "Reopen rate", kind: "share", pick: (r) => r.reopenRate },
  { key: "firstContactResolution", label: "First-contact resolution", kind: "share", pick: (r) => r.firstContactResolution },
  { key: "csatSatisfied", label: "CSAT (4 or 5)", kind: "share", pick: (r) => r.csat.satisfiedShare },
  { key: "csatResponseRate", label: "CSAT response rate", kind: "share", pick: (r) => r.csat.responseRate },
  { key: "slaFirstResponse", label: "SLA met, first response", kind: "share", pick: (r) => r.sla.firstResponse?.attainment ?? null },
  { key: "slaResolution", label: "SLA met, resolution", kind: "share", pick: (r) => r.sla.resolution?.attainment ?? null },
];

/** The headline figures of a period with their change against the previous one. */
export function comparePeriods(current: MetricsRow, previous: MetricsRow): HeadlineFigure[] {
  return HEADLINES.map(({ key, label, kind, pick }) => {
    const cur = pick(current);
    const prev = pick(previous);
    let change: HeadlineFigure["change"] = null;
    if (cur !== null && prev !== null) {
      if (kind === "share") change = { unit: "points", value: (cur - prev) * 100 };
      else if (prev !== 0) change = { unit: "percent", value: ((cur - prev) / prev) * 100 };
    }
    return { key, label, kind, current: cur, previous: prev, change };
  });
}

/** The period of the same length just before [from, to). */
export function previousPeriod(from: Date, to: Date): { from: Date; to: Date } {
  const length = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - length), to: new Date(from) };
}
