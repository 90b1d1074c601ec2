// Support metrics computed in the database agree with the definitions worked out directly, on a varied data
// set (ties, missing durations, reopened tickets, every SLA clock state, surveys with none or several
// answers, answers without a survey, tickets at the period's edges, periods whose tickets are numbered in
// creation order and periods whose are not, a survey and an answer whose ticket is gone). On SQLite both of
// the store's paths are checked: the one-pass aggregate the app uses and the portable statements Postgres uses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { queryRows } from "../src/platform/db/sql.ts";
import {
  attainmentOf,
  GROUP_BYS,
  nearestRank,
  NO_ACCOUNT,
  ratio,
  sortGroups,
  UNASSIGNED,
  type DurationStats,
  type GroupBy,
  type MetricsResult,
  type MetricsRow,
} from "../src/support/rules/metrics.ts";
import { supportMetrics, supportMetricsInSql, supportMetricsOnPostgres } from "../src/support/store/metrics.ts";
import { freshDatabase, usePostgres } from "./support/harness.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-11-30T12:00:00.000Z");
const FROM = new Date(NOW.getTime() - 30 * DAY);

type Clock = { met: boolean | null; breached: boolean; stopped: boolean } | null;
interface Fixture {
  id: number;
  createdAt: Date;
  priority: string;
  assignee: string | null;
  account: string | null;
  channel: string;
  fr: number | null;
  frBusiness: number | null;
  rs: number | null;
  rsBusiness: number | null;
  resolved: boolean;
  reopenCount: number;
  agentResponses: number;
  slaFr: Clock;
  slaRs: Clock;
  surveyed: boolean;
  scores: number[];
}

/** A deterministic generator (the same data on every run and both databases). */
function fixtures(count: number): Fixture[] {
  let seed = 20261201;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)];
  const clock = (): Clock =>
    pick<Clock>([
      null,
      { met: true, breached: false, stopped: true },
      { met: false, breached: true, stopped: true },
      { met: null, breached: false, stopped: false }, // running within its target
      { met: null, breached: true, stopped: false }, // breached and still open
      { met: null, breached: true, stopped: true }, // stopped without a verdict: not counted
    ]);
  const out: Fixture[] = [];
  for (let id = 1; id <= count; id++) {
    // Mostly inside the 30 days, some before them, some after; two exactly at the edges.
    const createdAt = id === 1 ? FROM : id === 2 ? NOW : new Date(FROM.getTime() + Math.floor((rnd() * 1.3 - 0.15) * 30 * DAY));
    const hasFr = rnd() < 0.8;
    const reopenCount = hasFr && rnd() < 0.15 ? pick([1, 1, 2]) : 0;
    const resolved = hasFr && rnd() < 0.7;
    const hasRs = resolved || (reopenCount > 0 && rnd() < 0.8); // a reopened ticket keeps its old seconds
    // Small spreads make ties; business time sometimes missing although calendar time is there.
    const fr = hasFr ? pick([60, 60, 120, 300, 300, 900]) + Math.floor(rnd() * 3) * 60 : null;
    const rs = hasRs ? pick([600, 3600, 3600, 7200, 86_400]) : null;
    const surveyed = resolved && rnd() < 0.5;
    const answers = surveyed ? pick([0, 1, 1, 2, 3]) : rnd() < 0.03 ? 1 : 0; // a few answers without a survey
    out.push({
      id,
      createdAt,
      priority: pick(["urgent", "high", "normal", "normal", "low", "p5"]),
      assignee: pick(["UAGENT1", "UAGENT2", "UAGENT3", null]),
      account: pick(["acme", "globex", "initech", null]),
      channel: pick(["CSUPPORT", "CACME", "CGLOBEX"]),
      fr,
      frBusiness: fr !== null && rnd() < 0.9 ? Math.floor(fr / 2) : null,
      rs,
      rsBusiness: rs !== null && rnd() < 0.85 ? Math.floor(rs / 3) : null,
      resolved,
      reopenCount,
      agentResponses: hasFr ? pick([0, 1, 1, 2, 3]) : 0,
      slaFr: clock(),
      slaRs: clock(),
      surveyed,
      scores: Array.from({ length: answers }, () => 1 + Math.floor(rnd() * 5)),
    });
  }
  return out;
}

// ------------------------------------------------------------------ the definitions, worked out directly

const LABEL: Record<GroupBy, (f: Fixture) => string> = {
  priority: (f) => f.priority,
  agent: (f) => f.assignee ?? UNASSIGNED,
  account: (f) => f.account ?? NO_ACCOUNT,
  channel: (f) => f.channel,
};

function nearestRankValue(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length) - 1];
}

function duration(calendar: number[], business: number[]): DurationStats | null {
  const count = Math.max(calendar.length, business.length);
  if (count === 0) return null;
  return {
    count,
    medianSeconds: nearestRankValue(calendar, 0.5),
    p90Seconds: nearestRankValue(calendar, 0.9),
    medianBusinessSeconds: nearestRankValue(business, 0.5),
    p90BusinessSeconds: nearestRankValue(business, 0.9),
  };
}

function clocks(tickets: Fixture[], kind: "slaFr" | "slaRs") {
  const all = tickets.map((t) => t[kind]).filter((c) => c !== null);
  const met = all.filter((c) => c.met === true).length;
  const stopped = all.filter((c) => c.met !== null).length;
  const breachedNow = all.filter((c) => c.met === null && c.breached && !c.stopped).length;
  return attainmentOf(met, stopped, breachedNow);
}

function expectedRow(group: string | null, tickets: Fixture[]): MetricsRow {
  const count = (f: (t: Fixture) => boolean) => tickets.filter(f).length;
  const resolved = tickets.filter((t) => t.resolved);
  const reopened = count((t) => t.reopenCount > 0);
  const everResolved = count((t) => t.resolved || t.reopenCount > 0);
  const firstContactResolved = count((t) => t.resolved && t.agentResponses === 1 && t.reopenCount === 0);
  const surveys = count((t) => t.surveyed);
  const answeredSurveys = count((t) => t.surveyed && t.scores.length > 0);
  const responses = tickets.reduce((n, t) => n + t.scores.length, 0);
  const satisfied = tickets.reduce((n, t) => n + t.scores.filter((s) => s >= 4).length, 0);
  const values = (list: Fixture[], key: "fr" | "frBusiness" | "rs" | "rsBusiness") => list.map((t) => t[key]).filter((v) => v !== null);
  return {
    group,
    tickets: tickets.length,
    firstResponse: duration(values(tickets, "fr"), values(tickets, "frBusiness")),
    resolution: duration(values(resolved, "rs"), values(resolved, "rsBusiness")),
    reopened,
    everResolved,
    reopenRate: ratio(reopened, everResolved),
    resolved: resolved.length,
    firstContactResolved,
    firstContactResolution: ratio(firstContactResolved, resolved.length),
    csat: {
      responses,
      satisfied,
      satisfiedShare: ratio(satisfied, responses),
      surveys,
      answeredSurveys,
      responseRate: ratio(answeredSurveys, surveys),
    },
    sla: { firstResponse: clocks(tickets, "slaFr"), resolution: clocks(tickets, "slaRs") },
  };
}

function expected(all: Fixture[], from: Date, to: Date, groupBy: GroupBy | null): MetricsResult {
  const tickets = all.filter((t) => t.createdAt >= from && t.createdAt < to);
  const groups = new Map<string, Fixture[]>();
  if (groupBy) for (const t of tickets) groups.set(LABEL[groupBy](t), [...(groups.get(LABEL[groupBy](t)) ?? []), t]);
  return {
    from,
    to,
    groupBy,
    overall: expectedRow(null, tickets),
    groups: groupBy
      ? sortGroups(
          groupBy,
          [...groups].map(([g, list]) => expectedRow(g, list)),
        )
      : [],
  };
}

// ------------------------------------------------------------------ the data, through Prisma

const DATA = fixtures(600);
/**
 * Tickets numbered in creation order, as the app numbers them, a year before the others: a period over some
 * of them holds exactly the tickets numbered from its first to its last (Postgres then finds their SLA
 * clocks and answers by ticket number). Number 1050 is missing, as if deleted, and has a survey and an
 * answer left (no foreign key keeps them out): they belong to no ticket of any period.
 */
const ORDERED_FROM = new Date(NOW.getTime() - 400 * DAY);
const ORPHAN = 1050;
const ORDERED = fixtures(101)
  .map((t, i) => ({ ...t, id: 1000 + i, createdAt: new Date(ORDERED_FROM.getTime() + i * 3 * 3600_000) }))
  .filter((t) => t.id !== ORPHAN);
const ALL = [...DATA, ...ORDERED];
let db: Database;
let drop: () => Promise<void>;

beforeAll(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  db = await openDatabase(fresh.url);
  await migrate(db);
  const at = (t: Fixture, seconds: number) => new Date(t.createdAt.getTime() + seconds * 1000);
  await db.client.ticket.createMany({
    data: ALL.map((t) => ({
      id: t.id,
      channelId: t.channel,
      requesterId: `UCUST${t.id}`,
      text: `ticket ${t.id}`,
      origin: "message",
      priority: t.priority,
      status: t.resolved ? "resolved" : "open",
      assigneeId: t.assignee,
      accountExternalId: t.account,
      createdAt: t.createdAt,
      lastCustomerMessageAt: t.createdAt,
      firstResponseAt: t.fr === null ? null : at(t, t.fr),
      firstResponseSeconds: t.fr,
      firstResponseBusinessSeconds: t.frBusiness,
      resolvedAt: t.resolved ? at(t, t.rs ?? 0) : null,
      resolutionSeconds: t.rs,
      resolutionBusinessSeconds: t.rsBusiness,
      reopenCount: t.reopenCount,
      agentResponseCount: t.agentResponses,
    })),
  });
  await db.client.slaTimer.createMany({
    data: ALL.flatMap((t) =>
      (
        [
          ["first_response", t.slaFr],
          ["resolution", t.slaRs],
        ] as const
      ).flatMap(([kind, c]) =>
        c === null
          ? []
          : [
              {
                ticketId: t.id,
                kind,
                targetSeconds: 3600,
                startedAt: t.createdAt,
                met: c.met,
                breachedAt: c.breached ? at(t, 3600) : null,
                stoppedAt: c.stopped ? at(t, 7200) : null,
              },
            ],
      ),
    ),
  });
  await db.client.csatSurvey.createMany({
    data: ALL.filter((t) => t.surveyed).map((t) => ({
      ticketId: t.id,
      channelId: t.channel,
      requesterId: `UCUST${t.id}`,
      sentAt: at(t, 60),
    })),
  });
  await db.client.csatResponse.createMany({
    data: ALL.flatMap((t) =>
      t.scores.map((score, i) => ({ ticketId: t.id, userId: `UCUST${t.id}_${i}`, score, answeredAt: at(t, 120), updatedAt: at(t, 120) })),
    ),
  });
  const orphanAt = new Date(ORDERED_FROM.getTime() + 50 * 3 * 3600_000);
  await db.client.csatSurvey.create({ data: { ticketId: ORPHAN, channelId: "CSUPPORT", requesterId: "UCUST0", sentAt: orphanAt } });
  await db.client.csatResponse.create({
    data: { ticketId: ORPHAN, userId: "UCUST0", score: 5, answeredAt: orphanAt, updatedAt: orphanAt },
  });
});
afterAll(async () => {
  await db?.close();
  await drop?.();
});

const PERIODS = [
  { name: "30 days", from: FROM, to: NOW },
  { name: "one day", from: new Date(NOW.getTime() - 3 * DAY), to: new Date(NOW.getTime() - 2 * DAY) },
  { name: "nothing in it", from: new Date(NOW.getTime() + 10 * DAY), to: new Date(NOW.getTime() + 20 * DAY) },
  // Tickets 1010 to 1089, numbered in creation order, around the missing 1050 and its orphaned answer.
  {
    name: "tickets in creation order",
    from: new Date(ORDERED_FROM.getTime() + 10 * 3 * 3600_000),
    to: new Date(ORDERED_FROM.getTime() + 90 * 3 * 3600_000),
  },
  { name: "every ticket", from: new Date(ORDERED_FROM.getTime() - DAY), to: new Date(NOW.getTime() + 30 * DAY) },
];

/** Whether a period's tickets are all the tickets numbered from its lowest to its highest. */
function numberedInOneRun(from: Date, to: Date): boolean {
  const ids = ALL.filter((t) => t.createdAt >= from && t.createdAt < to).map((t) => t.id);
  if (ids.length === 0) return true;
  const [lo, hi] = [Math.min(...ids), Math.max(...ids)];
  return ALL.filter((t) => t.id >= lo && t.id <= hi).length === ids.length;
}

describe(`support metrics in the database (${usePostgres() ? "Postgres" : "SQLite"})`, () => {
  it("the data set is varied: every case the figures distinguish occurs in the period", () => {
    const inPeriod = expected(DATA, FROM, NOW, "priority");
    expect(inPeriod.overall.tickets).toBeGreaterThan(400);
    expect(inPeriod.overall.tickets).toBeLessThan(DATA.length); // some before and after the period
    expect(inPeriod.overall.reopened).toBeGreaterThan(0);
    expect(inPeriod.overall.sla.firstResponse?.breachedNow).toBeGreaterThan(0);
    const tickets = DATA.filter((t) => t.createdAt >= FROM && t.createdAt < NOW);
    expect(tickets.some((t) => t.fr !== null && t.frBusiness === null)).toBe(true);
    expect(tickets.some((t) => !t.resolved && t.rs !== null)).toBe(true); // stale seconds of a reopened ticket
    expect(tickets.some((t) => !t.surveyed && t.scores.length > 0)).toBe(true);
    expect(tickets.some((t) => t.surveyed && t.scores.length === 0)).toBe(true);
    expect(tickets.some((t) => t.scores.length > 1)).toBe(true);
    expect(inPeriod.groups.map((g) => g.group)).toEqual(["urgent", "high", "normal", "low", "p5"]);
  });

  it("the periods cover both ways of finding a period's clocks and answers: by ticket number and by joining the tickets", () => {
    expect(PERIODS.map((p) => [p.name, numberedInOneRun(p.from, p.to)])).toEqual([
      ["30 days", false],
      ["one day", false],
      ["nothing in it", true],
      ["tickets in creation order", true],
      ["every ticket", true],
    ]);
    const inOrder = expected(ALL, PERIODS[3].from, PERIODS[3].to, null).overall;
    expect(inOrder.tickets).toBe(79); // 1010 to 1089 without 1050
    expect(inOrder.csat.surveys).toBeGreaterThan(0);
    expect(inOrder.csat.responses).toBeGreaterThan(0);
    expect(inOrder.sla.firstResponse?.stopped).toBeGreaterThan(0);
  });

  for (const period of PERIODS) {
    for (const groupBy of [null, ...GROUP_BYS] as (GroupBy | null)[]) {
      it(`${period.name}, ${groupBy ? `by ${groupBy}` : "overall"}: the figures the app reads are the definitions' figures`, async () => {
        const want = expected(ALL, period.from, period.to, groupBy);
        expect(await supportMetrics(db, { from: period.from, to: period.to, groupBy })).toEqual(want);
        // On Postgres the app's path is the one statement; named here so that this test fails if it stops being checked.
        if (usePostgres()) expect(await supportMetricsOnPostgres(db, { from: period.from, to: period.to, groupBy })).toEqual(want);
        // The portable statements (the only path on Postgres; on SQLite, the other one).
        expect(await supportMetricsInSql(db, { from: period.from, to: period.to, groupBy })).toEqual(want);
      });
    }
  }

  if (usePostgres()) {
    it("Postgres's percentile_disc picks the nearest rank of the rules (ceil(p × n)) for every count up to 1,000", async () => {
      const rows = await queryRows<{ n: number; p50: number; p90: number }>(
        db,
        db.client,
        `SELECT n, (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, n) x) AS p50,
           (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY x) FROM generate_series(1, n) x) AS p90
         FROM generate_series(1, 1000) n ORDER BY n`,
      );
      expect(rows.map((r) => [Number(r.n), Number(r.p50), Number(r.p90)])).toEqual(
        Array.from({ length: 1000 }, (_, i) => [i + 1, nearestRank(i + 1, 5), nearestRank(i + 1, 9)]),
      );
    });
  }

  it("on SQLite the app reaches the adapter's own connection for the one-pass path; on Postgres there is none", () => {
    const driver = db.sqliteDriver();
    if (usePostgres()) expect(driver).toBeNull();
    else expect(driver?.open).toBe(true);
  });
});
