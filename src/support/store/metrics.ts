// Support metrics, every figure of src/support/rules/metrics.ts, computed in the database in one of two ways:
// - SQLite: one statement, one pass over the period's tickets (the metrics index covers them), handing each
//   ticket with its SLA clocks and CSAT answers to a JavaScript aggregate function registered on the
//   connection; the figures of every group and the overall ones come out of that one pass.
// - Postgres: one statement, counts with COUNT(*) FILTER, percentiles with percentile_disc. Overall: one pass
//   over the period's tickets, then their SLA clocks and CSAT answers by ticket number when the period's
//   tickets are those numbered from its lowest to its highest (the usual case), else by joining the tickets.
//   Grouped: one row per ticket of the period with its SLA clocks and CSAT answers (by ticket number too, or
//   by index probes), the groups and the overall row together with GROUPING SETS.
// - The portable path (SQLite if the driver connection cannot be reached; kept on both databases as the
//   reference the others are checked against): a statement per kind of figure and per duration, aggregated
//   in SQL (percentiles with ROW_NUMBER).
// All give the same figures (test/metrics-paths.test.ts compares them on a varied data set).
import type { Database } from "../../platform/db/client.ts";
import { execute, queryRows, sqliteAggregateValue, type SqliteAggregate } from "../../platform/db/sql.ts";
import {
  attainmentOf,
  emptyRow,
  newTally,
  NO_ACCOUNT,
  ratio,
  rowOfTallies,
  SLA_BREACHED_NOW,
  SLA_MET,
  SLA_MISSED,
  sortGroups,
  sumRows,
  tallyTicket,
  TICKET_ONE_AGENT_RESPONSE,
  TICKET_REOPENED,
  TICKET_RESOLVED,
  UNASSIGNED,
  type DurationStats,
  type GroupBy,
  type MetricsQuery,
  type MetricsResult,
  type MetricsRow,
  type MetricsTally,
} from "../rules/metrics.ts";

export interface MetricsStore {
  supportMetrics(q: MetricsQuery): Promise<MetricsResult>;
}

export const prismaMetrics = (db: Database): MetricsStore => ({ supportMetrics: (q) => supportMetrics(db, q) });

/** The SQL for a ticket's group, on the ticket aliased `t`; the overall row uses a constant. */
const GROUP_SQL: Record<GroupBy | "overall", string> = {
  overall: "'*'",
  priority: 't."priority"',
  agent: `COALESCE(t."assigneeId", '${UNASSIGNED}')`,
  account: `COALESCE(t."accountExternalId", '${NO_ACCOUNT}')`,
  channel: 't."channelId"',
};

type Row = Record<string, unknown>;

/** COUNT and SUM come back as bigint on Postgres (and may be null for SUM over nothing). */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function checkQuery(q: MetricsQuery): void {
  if (!(q.from instanceof Date) || !(q.to instanceof Date) || Number.isNaN(q.from.getTime()) || Number.isNaN(q.to.getTime())) {
    throw new RangeError("supportMetrics needs valid from and to dates");
  }
}

export async function supportMetrics(db: Database, q: MetricsQuery): Promise<MetricsResult> {
  checkQuery(q);
  if (db.provider === "postgres") return supportMetricsOnPostgres(db, q);
  return (await supportMetricsInOnePass(db, q)) ?? supportMetricsInSql(db, q);
}

// ------------------------------------------------------------------ SQLite: one pass

/** The tallies of one call: one per group (a single null group without groupBy). */
type Tallies = Map<string | null, MetricsTally>;

/** What the aggregate returns, as JSON. */
interface OnePassResult {
  overall: MetricsRow;
  groups: MetricsRow[];
}

const METRICS_AGGREGATE: SqliteAggregate<Tallies> = {
  start: () => new Map(),
  step: (tallies, ...args) => {
    const [group, flags, fr, frBusiness, rs, rsBusiness, sla, surveyed, answers] = args as [
      string | null,
      number,
      number | null,
      number | null,
      number | null,
      number | null,
      number,
      number,
      number,
    ];
    let tally = tallies.get(group);
    if (!tally) tallies.set(group, (tally = newTally()));
    const satisfied = Math.floor(answers / SATISFIED_UNIT);
    tallyTicket(tally, flags, fr, frBusiness, rs, rsBusiness, sla, surveyed !== 0, answers - satisfied * SATISFIED_UNIT, satisfied);
  },
  result: (tallies) => {
    const groups = [...tallies].filter(([g]) => g !== null).map(([g, t]) => rowOfTallies(g, [t]));
    const overall = rowOfTallies(null, [...tallies.values()]);
    return JSON.stringify({ overall, groups } satisfies OnePassResult);
  },
};

/**
 * A ticket's CSAT answers and those scoring 4 or 5 as one integer, answers + SATISFIED_UNIT × satisfied
 * (one index probe instead of two; a ticket has an answer per answering user, far fewer than the unit).
 */
const SATISFIED_UNIT = 1 << 20;
const ANSWERS_SQL = `(SELECT COUNT(*) + ${SATISFIED_UNIT} * COALESCE(SUM(CASE WHEN r."score" >= 4 THEN 1 ELSE 0 END), 0)
    FROM "CsatResponse" r WHERE r."ticketId" = t."id")`;

/** A ticket's SLA clocks as the integer tallyTicket reads (rules/metrics.ts, SLA_MET). */
const SLA_CODE_SQL = `(SELECT SUM(
      CASE
        WHEN s."met" IS NOT NULL THEN CASE WHEN s."met" THEN ${SLA_MET} ELSE ${SLA_MISSED} END
        WHEN s."breachedAt" IS NOT NULL AND s."stoppedAt" IS NULL THEN ${SLA_BREACHED_NOW}
        ELSE 0
      END * CASE s."kind" WHEN 'first_response' THEN 1 WHEN 'resolution' THEN 4 ELSE 0 END)
    FROM "SlaTimer" s WHERE s."ticketId" = t."id")`;

/**
 * SQLite: every figure in one statement, one pass over the period's tickets; undefined when the driver
 * connection cannot be reached (then the portable statements run instead).
 */
async function supportMetricsInOnePass(db: Database, q: MetricsQuery): Promise<MetricsResult | undefined> {
  if (db.provider !== "sqlite") return undefined;
  const groupBy = q.groupBy ?? null;
  const sql = `
    SELECT desk_support_metrics(
      ${groupBy ? GROUP_SQL[groupBy] : "NULL"},
      CASE WHEN t."resolvedAt" IS NOT NULL THEN ${TICKET_RESOLVED} ELSE 0 END
        + CASE WHEN t."reopenCount" > 0 THEN ${TICKET_REOPENED} ELSE 0 END
        + CASE WHEN t."agentResponseCount" = 1 THEN ${TICKET_ONE_AGENT_RESPONSE} ELSE 0 END,
      t."firstResponseSeconds", t."firstResponseBusinessSeconds", t."resolutionSeconds", t."resolutionBusinessSeconds",
      COALESCE(${SLA_CODE_SQL}, 0),
      EXISTS (SELECT 1 FROM "CsatSurvey" c WHERE c."ticketId" = t."id"),
      ${ANSWERS_SQL}
    )
    FROM "Ticket" t
    WHERE t."createdAt" >= $1 AND t."createdAt" < $2`;
  const value = await sqliteAggregateValue(db, "desk_support_metrics", METRICS_AGGREGATE, sql, q.from, q.to);
  if (value === undefined) return undefined;
  const { overall, groups } = JSON.parse(String(value)) as OnePassResult;
  return { from: q.from, to: q.to, groupBy, overall, groups: groupBy ? sortGroups(groupBy, groups) : [] };
}

// ------------------------------------------------------------------ Postgres: one statement

/** The median and p90 (nearest rank) of a duration of tickets `x` and how many have one, for the tickets `only`. */
const percentilesSql = (x: string, column: string, prefix: string, only = "") => {
  const filter = only ? ` FILTER (WHERE ${only})` : "";
  return `
        COUNT(${x}."${column}")${filter} AS ${prefix}_n,
        percentile_disc(0.5) WITHIN GROUP (ORDER BY ${x}."${column}")${filter} AS ${prefix}_p50,
        percentile_disc(0.9) WITHIN GROUP (ORDER BY ${x}."${column}")${filter} AS ${prefix}_p90`;
};

/** The counts of one kind of SLA clock among the clocks `s` (see the definitions in rules/metrics.ts). */
const slaCountsSql = (kind: string, prefix: string) => `
        COUNT(*) FILTER (WHERE s."kind" = '${kind}' AND s."met") AS ${prefix}_met,
        COUNT(*) FILTER (WHERE s."kind" = '${kind}' AND s."met" IS NOT NULL) AS ${prefix}_stopped,
        COUNT(*) FILTER (WHERE s."kind" = '${kind}' AND s."met" IS NULL AND s."breachedAt" IS NOT NULL AND s."stoppedAt" IS NULL) AS ${prefix}_breached`;

/** The counts of both kinds of SLA clock, under the names the statements read. */
const SLA_COUNTS_SQL = `${slaCountsSql("first_response", "sla_fr")}, ${slaCountsSql("resolution", "sla_rs")}`;

const PERIOD_SQL = `t."createdAt" >= $1 AND t."createdAt" < $2`;

/** The counts and durations of tickets `x` with the columns resolved, reopened and one_response. */
const ticketFiguresSql = (x: string) => `
        COUNT(*) AS tickets,
        COUNT(*) FILTER (WHERE ${x}.reopened) AS reopened,
        COUNT(*) FILTER (WHERE ${x}.resolved OR ${x}.reopened) AS ever_resolved,
        COUNT(*) FILTER (WHERE ${x}.resolved) AS resolved,
        COUNT(*) FILTER (WHERE ${x}.resolved AND NOT ${x}.reopened AND ${x}.one_response) AS fcr,
        ${percentilesSql(x, "firstResponseSeconds", "fr")},
        ${percentilesSql(x, "firstResponseBusinessSeconds", "frb")},
        ${percentilesSql(x, "resolutionSeconds", "rs", `${x}.resolved`)},
        ${percentilesSql(x, "resolutionBusinessSeconds", "rsb", `${x}.resolved`)}`;

/** A ticket's flags and durations as ticketFiguresSql reads them. */
const TICKET_COLUMNS_SQL = `t."resolvedAt" IS NOT NULL AS resolved, t."reopenCount" > 0 AS reopened,
        t."agentResponseCount" = 1 AS one_response,
        t."firstResponseSeconds", t."firstResponseBusinessSeconds", t."resolutionSeconds", t."resolutionBusinessSeconds"`;

/**
 * The period's tickets are usually exactly the tickets numbered from the lowest of them, `lo`, to the highest,
 * `hi`: ids are given as tickets are created. The CTE `span` says whether they are (as many tickets have a
 * number from lo to hi as are in the period), from `source`, a relation with the period's lo, hi and tickets
 * (its count). If they are, the rows of the other tables that belong to the period's tickets are found by
 * ticket number alone, a range of each table's ticket index; if not (tickets stored out of creation order
 * around the period's edges), by joining the period's tickets as before. Both ways are in the statement,
 * each guarded by a condition on `span` that Postgres evaluates once: only one runs. (Guarded so, the other
 * way gets no parallel plan and is slower than it was on its own; with lo and hi known to the planner, as
 * parameters of a second statement, it scans every SLA clock in parallel instead of the range.)
 */
const spanSql = (source: string) => `
    span AS (
      SELECT k.lo, k.hi, (SELECT COUNT(*) FROM "Ticket" t WHERE t."id" BETWEEN k.lo AND k.hi) = k.tickets AS exact
      FROM ${source} k
    )`;

/** `column` between the span's lo and hi. */
const inSpanSql = (column: string) => `${column} BETWEEN (SELECT lo FROM span) AND (SELECT hi FROM span)`;

/**
 * The rows of `table` that belong to the period's tickets, their `columns`: by ticket number (merge-joined
 * with the ticket numbers, which also leaves out any row whose ticket is gone), or by joining the tickets.
 */
const rowsOfPeriodTicketsSql = (table: string, alias: string, columns: string) => `
        SELECT ${columns} FROM "${table}" ${alias} JOIN "Ticket" t ON t."id" = ${alias}."ticketId"
        WHERE (SELECT exact FROM span) AND ${inSpanSql('t."id"')} AND ${inSpanSql(`${alias}."ticketId"`)}
        UNION ALL
        SELECT ${columns} FROM "Ticket" t JOIN "${table}" ${alias} ON ${alias}."ticketId" = t."id"
        WHERE NOT (SELECT exact FROM span) AND ${PERIOD_SQL}`;

/**
 * The overall figures: one pass over the period's tickets for their own figures (and their lowest and
 * highest numbers), then their SLA clocks, surveys and CSAT answers by ticket number when the period's
 * tickets are those numbered lo to hi (spanSql), each a range of an index read once. Joining the period's
 * tickets to each table instead (the statement before, still the other way) hashed the tickets three times
 * and took about twice the time and CPU (docs/benchmarks.md, "Postgres: tickets by number").
 */
const OVERALL_SQL = `
    WITH tickets AS (
      SELECT MIN(x."id") AS lo, MAX(x."id") AS hi, ${ticketFiguresSql("x")}
      FROM (SELECT t."id", ${TICKET_COLUMNS_SQL} FROM "Ticket" t WHERE ${PERIOD_SQL}) x
    ),${spanSql("tickets")},
    -- Stopped clocks, and clocks breached while still open (counted as missed before they stop).
    clocks AS (
      SELECT ${SLA_COUNTS_SQL}
      FROM (${rowsOfPeriodTicketsSql("SlaTimer", "s", 's."kind", s."met", s."breachedAt", s."stoppedAt"')}
      ) s
      WHERE s."met" IS NOT NULL OR (s."breachedAt" IS NOT NULL AND s."stoppedAt" IS NULL)
    ),
    answers AS (
      SELECT r."ticketId", COUNT(*) AS responses, COUNT(*) FILTER (WHERE r."score" >= 4) AS satisfied
      FROM (${rowsOfPeriodTicketsSql("CsatResponse", "r", 'r."ticketId", r."score"')}
      ) r
      GROUP BY r."ticketId"
    ),
    surveys AS (${rowsOfPeriodTicketsSql("CsatSurvey", "c", 'c."ticketId"')}
    ),
    csat AS (
      SELECT COUNT(c."ticketId") AS surveys, COUNT(c."ticketId") FILTER (WHERE a.responses > 0) AS answered,
        SUM(a.responses) AS responses, SUM(a.satisfied) AS satisfied
      FROM answers a FULL JOIN surveys c ON c."ticketId" = a."ticketId"
    )
    SELECT NULL AS g, 1 AS o, * FROM tickets, clocks, csat`;

/**
 * The figures of every group and the overall ones: one row per ticket of the period with its SLA clock
 * counts and CSAT answers, aggregated by GROUPING SETS into the groups' rows and the overall row (o = 1) in
 * one pass. Faster here than four grouped aggregates joined by group (1.6-2.1 s against 2.2-3.4 s): those
 * each sort or hash the tickets again. The tickets' clocks and answers come by ticket number when the period's
 * tickets are those numbered lo to hi (spanSql): the tickets in number order merge-joined with their clocks,
 * surveys and answers counted per ticket, each a range of an index read once; otherwise by index probes per
 * ticket (LATERAL), about 1.5 times the CPU (docs/benchmarks.md, "Postgres: tickets by number").
 */
const groupedSql = (groupBy: GroupBy) => `
    WITH period AS (
      SELECT MIN(t."id") AS lo, MAX(t."id") AS hi, COUNT(*) AS tickets FROM "Ticket" t WHERE ${PERIOD_SQL}
    ),${spanSql("period")}
    SELECT x.g, GROUPING(x.g) AS o,
      ${ticketFiguresSql("x")},
      SUM(x.sla_fr_met) AS sla_fr_met, SUM(x.sla_fr_stopped) AS sla_fr_stopped, SUM(x.sla_fr_breached) AS sla_fr_breached,
      SUM(x.sla_rs_met) AS sla_rs_met, SUM(x.sla_rs_stopped) AS sla_rs_stopped, SUM(x.sla_rs_breached) AS sla_rs_breached,
      COUNT(*) FILTER (WHERE x.surveyed) AS surveys,
      COUNT(*) FILTER (WHERE x.surveyed AND x.responses > 0) AS answered,
      SUM(x.responses) AS responses,
      SUM(x.satisfied) AS satisfied
    FROM (
      SELECT ${GROUP_SQL[groupBy]} AS g, ${TICKET_COLUMNS_SQL},
        s.sla_fr_met, s.sla_fr_stopped, s.sla_fr_breached, s.sla_rs_met, s.sla_rs_stopped, s.sla_rs_breached,
        c."ticketId" IS NOT NULL AS surveyed, r.responses, r.satisfied
      FROM "Ticket" t
      LEFT JOIN (SELECT s."ticketId", ${SLA_COUNTS_SQL}
        FROM "SlaTimer" s WHERE ${inSpanSql('s."ticketId"')} GROUP BY s."ticketId") s ON s."ticketId" = t."id"
      LEFT JOIN (SELECT c."ticketId" FROM "CsatSurvey" c WHERE ${inSpanSql('c."ticketId"')}) c ON c."ticketId" = t."id"
      LEFT JOIN (SELECT r."ticketId", COUNT(*) AS responses, COUNT(*) FILTER (WHERE r."score" >= 4) AS satisfied
        FROM "CsatResponse" r WHERE ${inSpanSql('r."ticketId"')} GROUP BY r."ticketId") r ON r."ticketId" = t."id"
      WHERE (SELECT exact FROM span) AND ${inSpanSql('t."id"')}
      UNION ALL
      SELECT ${GROUP_SQL[groupBy]} AS g, ${TICKET_COLUMNS_SQL},
        s.*,
        EXISTS (SELECT 1 FROM "CsatSurvey" c WHERE c."ticketId" = t."id") AS surveyed,
        r.*
      FROM "Ticket" t
      CROSS JOIN LATERAL (SELECT ${SLA_COUNTS_SQL} FROM "SlaTimer" s WHERE s."ticketId" = t."id") s
      CROSS JOIN LATERAL (SELECT COUNT(*) AS responses, COUNT(*) FILTER (WHERE r."score" >= 4) AS satisfied
        FROM "CsatResponse" r WHERE r."ticketId" = t."id") r
      WHERE NOT (SELECT exact FROM span) AND ${PERIOD_SQL}
    ) x
    GROUP BY GROUPING SETS ((x.g), ())`;

/**
 * Settings for the one statement, for its transaction only (docs/benchmarks.md, "Postgres without JIT"):
 * - JIT off: its cost model sees a big statement and compiles it (inlining and optimising above 500,000),
 *   which took 170 ms of the overall statement and 420 ms of a grouped one on the bench's 1,000,000
 *   tickets, for a statement that then runs in about a second;
 * - 64 MB of work memory, so that sorting a period's tickets by group (about 40 MB for 250,000) stays in
 *   memory instead of spilling to disk at the default 4 MB.
 */
const REPORT_SETTINGS_SQL = ["SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'"];
/** Prisma's interactive transactions expire after 5 s by default; a report over a big book may take longer. */
const REPORT_TIMEOUT_MS = 120_000;

/**
 * Postgres: every figure in one statement (OVERALL_SQL without a groupBy, groupedSql with one). Counts with
 * COUNT(*) FILTER; the durations' median and p90 with percentile_disc, which returns the value at rank
 * ceil(p × n) among the n non-null values in ascending order: the nearest rank of rules/metrics.ts.
 */
export async function supportMetricsOnPostgres(db: Database, q: MetricsQuery): Promise<MetricsResult> {
  checkQuery(q);
  const groupBy = q.groupBy ?? null;
  const sql = groupBy ? groupedSql(groupBy) : OVERALL_SQL;
  const rows = await db.client.$transaction(
    async (tx) => {
      for (const setting of REPORT_SETTINGS_SQL) await execute(db, tx, setting);
      return queryRows<Row>(db, tx, sql, q.from, q.to);
    },
    { timeout: REPORT_TIMEOUT_MS },
  );
  let overall = emptyRow();
  const groups: MetricsRow[] = [];
  for (const r of rows) {
    const row = rowOfStatement(num(r.o) === 1 ? null : String(r.g), r);
    if (row.group === null) overall = row;
    else groups.push(row);
  }
  return { from: q.from, to: q.to, groupBy, overall, groups: groupBy ? sortGroups(groupBy, groups) : [] };
}

/** A duration's figures from the statement's columns `prefix`_n, _p50 and _p90 (calendar and business). */
function durationOf(r: Row, calendar: string, business: string): DurationStats | null {
  // A ticket measured in calendar time but not in business time still counts in `count`.
  const count = Math.max(num(r[`${calendar}_n`]), num(r[`${business}_n`]));
  if (count === 0) return null;
  return {
    count,
    medianSeconds: numOrNull(r[`${calendar}_p50`]),
    p90Seconds: numOrNull(r[`${calendar}_p90`]),
    medianBusinessSeconds: numOrNull(r[`${business}_p50`]),
    p90BusinessSeconds: numOrNull(r[`${business}_p90`]),
  };
}

/** The ticket counts and their rates from a statement's columns tickets, reopened, ever_resolved, resolved and fcr. */
function setTicketCounts(row: MetricsRow, r: Row): void {
  row.tickets = num(r.tickets);
  row.reopened = num(r.reopened);
  row.everResolved = num(r.ever_resolved);
  row.reopenRate = ratio(row.reopened, row.everResolved);
  row.resolved = num(r.resolved);
  row.firstContactResolved = num(r.fcr);
  row.firstContactResolution = ratio(row.firstContactResolved, row.resolved);
}

function rowOfStatement(group: string | null, r: Row): MetricsRow {
  const row = emptyRow(group);
  setTicketCounts(row, r);
  row.firstResponse = durationOf(r, "fr", "frb");
  row.resolution = durationOf(r, "rs", "rsb");
  row.csat = {
    responses: num(r.responses),
    satisfied: num(r.satisfied),
    satisfiedShare: ratio(num(r.satisfied), num(r.responses)),
    surveys: num(r.surveys),
    answeredSurveys: num(r.answered),
    responseRate: ratio(num(r.answered), num(r.surveys)),
  };
  row.sla = {
    firstResponse: attainmentOf(num(r.sla_fr_met), num(r.sla_fr_stopped), num(r.sla_fr_breached)),
    resolution: attainmentOf(num(r.sla_rs_met), num(r.sla_rs_stopped), num(r.sla_rs_breached)),
  };
  return row;
}

// ------------------------------------------------------------------ portable: a statement per figure

/** The figures from a statement per kind of figure and per duration (SQLite without its driver; both databases in tests). */
export async function supportMetricsInSql(db: Database, q: MetricsQuery): Promise<MetricsResult> {
  checkQuery(q);
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
    groups = sortGroups(groupBy, byGroup);
    overall = sumRows(groups);
    overall.firstResponse = overallDurations[0]?.firstResponse ?? null;
    overall.resolution = overallDurations[0]?.resolution ?? null;
  }
  return {
    from: q.from,
    to: q.to,
    groupBy,
    overall: { ...overall, group: null },
    groups,
  };
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
  const period = `t."createdAt" >= $1 AND t."createdAt" < $2`;
  const run = (sql: string) => queryRows<Row>(db, db.client, sql, from, to);

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

  // Stopped clocks, and clocks breached while still open (counted as missed before they stop).
  const slaSql = `
    SELECT ${g} AS g, s."kind" AS kind,
      SUM(CASE WHEN s."met" IS NOT NULL THEN 1 ELSE 0 END) AS stopped,
      SUM(CASE WHEN s."met" THEN 1 ELSE 0 END) AS met,
      SUM(CASE WHEN s."met" IS NULL THEN 1 ELSE 0 END) AS breached_now
    FROM "Ticket" t
    JOIN "SlaTimer" s ON s."ticketId" = t."id"
    WHERE ${period} AND (s."met" IS NOT NULL OR (s."breachedAt" IS NOT NULL AND s."stoppedAt" IS NULL))
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
    setTicketCounts(rowOf(c.g), c);
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
    const value = attainmentOf(num(s.met), num(s.stopped), num(s.breached_now));
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
