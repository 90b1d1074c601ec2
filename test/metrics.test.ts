// Support metrics on a fixture of tickets whose figures were worked out by hand (the comments show
// the working): the domain query, the HTTP API (JSON and CSV, auth, bad input) and `/support stats`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparePeriods, type MetricsRow } from "../src/support/rules/metrics.ts";
import { supportMetrics } from "../src/support/store/metrics.ts";
import { formatChange } from "../src/slack/blocks/support-stats.ts";
import { startDesk, type Desk } from "./support/harness.ts";

const TOKEN = "x".repeat(24);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const A1 = "UAGENT1";
const A2 = "UAGENT2";

interface Fixture {
  name: string;
  /** hours before NOW */
  ageHours: number;
  priority: "urgent" | "high" | "normal" | "low";
  assignee: string | null;
  channel?: string;
  account?: string | null;
  /** first response: calendar and business seconds (null: no first response yet) */
  fr: [number, number] | null;
  /** resolution: calendar and business seconds; `resolved` false keeps them as the stale seconds of a reopened ticket */
  rs: [number, number] | null;
  resolved: boolean;
  reopenCount?: number;
  agentResponses: number;
  /** SLA timers: met once stopped (null: still running, or restarted) */
  slaFr?: boolean | null;
  slaRs?: boolean | null;
  /** CSAT: a survey with these answers (scores, one per answering user) */
  csat?: number[];
}

// The current 7 days: T1..T12. The 7 days before: P1..P4. Older: O1 (40 days ago).
const CURRENT: Fixture[] = [
  {
    name: "T1",
    ageHours: 10,
    priority: "urgent",
    assignee: A1,
    fr: [60, 60],
    rs: [600, 600],
    resolved: true,
    agentResponses: 1,
    slaFr: true,
    slaRs: true,
    csat: [5],
  },
  {
    name: "T2",
    ageHours: 20,
    priority: "urgent",
    assignee: A2,
    fr: [300, 120],
    rs: [3600, 1800],
    resolved: true,
    agentResponses: 2,
    slaFr: true,
    slaRs: true,
    csat: [2],
  },
  {
    name: "T3",
    ageHours: 30,
    priority: "high",
    assignee: A1,
    fr: [900, 900],
    rs: [7200, 5400],
    resolved: true,
    reopenCount: 1,
    agentResponses: 3,
    slaFr: true,
    slaRs: false,
    csat: [4, 3],
  },
  { name: "T4", ageHours: 40, priority: "high", assignee: A1, fr: [1200, 600], rs: null, resolved: false, agentResponses: 1, slaFr: true },
  {
    name: "T5",
    ageHours: 50,
    priority: "normal",
    assignee: A2,
    fr: [1800, 1800],
    rs: [86400, 28800],
    resolved: true,
    agentResponses: 1,
    slaFr: true,
    slaRs: true,
    csat: [4],
  },
  // No first response: left out of the first-response figures (counting it as 0 would change them).
  { name: "T6", ageHours: 60, priority: "normal", assignee: null, fr: null, rs: null, resolved: false, agentResponses: 0 },
  {
    name: "T7",
    ageHours: 70,
    priority: "normal",
    assignee: A1,
    channel: "CACME",
    account: "acme",
    fr: [3600, 1800],
    rs: [172800, 57600],
    resolved: true,
    agentResponses: 1,
    slaFr: true,
    slaRs: false,
    csat: [],
  },
  // Reopened and open again: its stale resolution seconds (100) must not count; its resolution timer restarted.
  {
    name: "T8",
    ageHours: 80,
    priority: "normal",
    assignee: A2,
    channel: "CACME",
    account: "acme",
    fr: [7200, 3600],
    rs: [100, 100],
    resolved: false,
    reopenCount: 1,
    agentResponses: 2,
    slaFr: false,
    slaRs: null,
  },
  {
    name: "T9",
    ageHours: 90,
    priority: "low",
    assignee: A2,
    channel: "CACME",
    account: "acme",
    fr: [600, 600],
    rs: [1200, 1200],
    resolved: true,
    agentResponses: 1,
    slaFr: true,
    slaRs: true,
  },
  // Resolved without an agent's answer (spam closed): resolved, but not first-contact resolution.
  {
    name: "T10",
    ageHours: 100,
    priority: "low",
    assignee: null,
    channel: "CACME",
    account: "acme",
    fr: null,
    rs: [300, 300],
    resolved: true,
    agentResponses: 0,
    slaFr: null,
    slaRs: true,
  },
  {
    name: "T11",
    ageHours: 110,
    priority: "normal",
    assignee: A1,
    channel: "CACME",
    account: "acme",
    fr: [14400, 7200],
    rs: null,
    resolved: false,
    agentResponses: 1,
    slaFr: false,
  },
  {
    name: "T12",
    ageHours: 120,
    priority: "urgent",
    assignee: A1,
    channel: "CACME",
    account: "acme",
    fr: null,
    rs: null,
    resolved: false,
    agentResponses: 0,
    slaFr: null,
  },
];
const PREVIOUS: Fixture[] = [
  {
    name: "P1",
    ageHours: 8 * 24,
    priority: "normal",
    assignee: A1,
    fr: [600, 600],
    rs: [7200, 3600],
    resolved: true,
    agentResponses: 1,
    slaFr: true,
    slaRs: true,
    csat: [5],
  },
  {
    name: "P2",
    ageHours: 9 * 24,
    priority: "high",
    assignee: A2,
    fr: [2400, 1200],
    rs: [14400, 7200],
    resolved: true,
    reopenCount: 1,
    agentResponses: 2,
    slaFr: false,
    slaRs: true,
  },
  { name: "P3", ageHours: 10 * 24, priority: "normal", assignee: A1, fr: null, rs: null, resolved: false, agentResponses: 0 },
  {
    name: "P4",
    ageHours: 11 * 24,
    priority: "low",
    assignee: A2,
    fr: [1200, 1200],
    rs: null,
    resolved: false,
    agentResponses: 1,
    slaFr: true,
  },
];
const OLD: Fixture[] = [
  {
    name: "O1",
    ageHours: 40 * 24,
    priority: "urgent",
    assignee: A1,
    fr: [30, 30],
    rs: [60, 60],
    resolved: true,
    agentResponses: 1,
    slaFr: true,
    slaRs: true,
    csat: [1],
  },
];

let desk: Desk;
let NOW: Date;
const created = new Map<string, Date>();

async function insert(f: Fixture): Promise<void> {
  const db = desk.app.db.client;
  const createdAt = new Date(NOW.getTime() - f.ageHours * HOUR);
  created.set(f.name, createdAt);
  const at = (seconds: number) => new Date(createdAt.getTime() + seconds * 1000);
  const ticket = await db.ticket.create({
    data: {
      channelId: f.channel ?? "CSUPPORT",
      requesterId: `UCUST_${f.name}`,
      text: `fixture ${f.name}`,
      origin: "message",
      priority: f.priority,
      status: f.resolved ? "resolved" : "open",
      assigneeId: f.assignee,
      accountExternalId: f.account ?? null,
      createdAt,
      lastCustomerMessageAt: createdAt,
      firstResponseAt: f.fr ? at(f.fr[0]) : null,
      firstResponseSeconds: f.fr?.[0] ?? null,
      firstResponseBusinessSeconds: f.fr?.[1] ?? null,
      resolvedAt: f.resolved && f.rs ? at(f.rs[0]) : null,
      resolutionSeconds: f.rs?.[0] ?? null,
      resolutionBusinessSeconds: f.rs?.[1] ?? null,
      reopenCount: f.reopenCount ?? 0,
      agentResponseCount: f.agentResponses,
    },
  });
  for (const [kind, met, done] of [
    ["first_response", f.slaFr, f.fr],
    ["resolution", f.slaRs, f.resolved ? f.rs : null],
  ] as const) {
    if (met === undefined) continue;
    await db.slaTimer.create({
      data: {
        ticketId: ticket.id,
        kind,
        targetSeconds: 3600,
        startedAt: createdAt,
        met,
        stoppedAt: met === null ? null : at(done?.[0] ?? 0),
        breachedAt: met === false ? at(3600) : null,
      },
    });
  }
  if (f.csat) {
    const sentAt = at((f.rs?.[0] ?? 0) + 1);
    await db.csatSurvey.create({
      data: { ticketId: ticket.id, channelId: f.channel ?? "CSUPPORT", requesterId: `UCUST_${f.name}`, sentAt },
    });
    let n = 0;
    for (const score of f.csat) {
      await db.csatResponse.create({
        data: { ticketId: ticket.id, userId: `UCUST_${f.name}_${n++}`, score, answeredAt: sentAt, updatedAt: sentAt },
      });
    }
  }
}

beforeAll(async () => {
  desk = await startDesk({ env: { INGEST_API_TOKEN: TOKEN } });
  NOW = new Date();
  for (const f of [...CURRENT, ...PREVIOUS, ...OLD]) await insert(f);
});
afterAll(async () => desk?.stop());

const week = () => ({ from: new Date(NOW.getTime() - 7 * DAY), to: NOW });

/** The current week overall, worked out by hand. */
const CURRENT_OVERALL = {
  group: null,
  tickets: 12,
  // FRT over the 9 tickets with a first response (T6, T10, T12 have none):
  //   calendar 60, 300, 600, 900, 1200, 1800, 3600, 7200, 14400 → median rank ceil(9×0.5)=5 → 1200; p90 rank ceil(8.1)=9 → 14400
  //   business 60, 120, 600, 600, 900, 1800, 1800, 3600, 7200 → 900; 7200
  //   (counting the three without a response as 0 would give n=12 and a median of 600)
  firstResponse: { count: 9, medianSeconds: 1200, p90Seconds: 14400, medianBusinessSeconds: 900, p90BusinessSeconds: 7200 },
  // TTR over the 7 resolved tickets (T8's stale 100 s left out; with it the median would be 1200):
  //   calendar 300, 600, 1200, 3600, 7200, 86400, 172800 → rank ceil(3.5)=4 → 3600; rank ceil(6.3)=7 → 172800
  //   business 300, 600, 1200, 1800, 5400, 28800, 57600 → 1800; 57600
  resolution: { count: 7, medianSeconds: 3600, p90Seconds: 172800, medianBusinessSeconds: 1800, p90BusinessSeconds: 57600 },
  // reopened T3, T8 / ever resolved (7 resolved + T8) = 2/8
  reopened: 2,
  everResolved: 8,
  reopenRate: 0.25,
  // resolved with one agent response and never reopened: T1, T5, T7, T9 / 7 resolved
  resolved: 7,
  firstContactResolved: 4,
  firstContactResolution: 4 / 7,
  // answers 5, 2, 4, 3, 4 → 3 of 5 are 4 or 5; surveys T1, T2, T3, T5, T7, answered all but T7 → 4/5
  csat: { responses: 5, satisfied: 3, satisfiedShare: 0.6, surveys: 5, answeredSurveys: 4, responseRate: 0.8 },
  // first response timers stopped: 9 (T1 T2 T3 T4 T5 T7 T9 met; T8 T11 missed) → 7/9;
  // resolution timers stopped: 7 (T1 T2 T5 T9 T10 met; T3 T7 missed) → 5/7; running ones left out
  sla: {
    firstResponse: { met: 7, stopped: 9, breachedNow: 0, attainment: 7 / 9 },
    resolution: { met: 5, stopped: 7, breachedNow: 0, attainment: 5 / 7 },
  },
};

describe("supportMetrics on the hand-computed fixture", () => {
  it("computes the overall figures of a period, leaving out tickets without a first response or resolution", async () => {
    const result = await supportMetrics(desk.app.db, week());
    expect(result.groupBy).toBeNull();
    expect(result.groups).toEqual([]);
    expect(result.overall).toEqual(CURRENT_OVERALL);
  });

  it("the previous week: P1..P4 only", async () => {
    const result = await supportMetrics(desk.app.db, { from: new Date(NOW.getTime() - 14 * DAY), to: new Date(NOW.getTime() - 7 * DAY) });
    expect(result.overall).toEqual({
      group: null,
      tickets: 4,
      // calendar 600, 1200, 2400 → rank 2 → 1200, rank ceil(2.7)=3 → 2400; business 600, 1200, 1200 → 1200, 1200
      firstResponse: { count: 3, medianSeconds: 1200, p90Seconds: 2400, medianBusinessSeconds: 1200, p90BusinessSeconds: 1200 },
      // 7200, 14400 → rank 1 → 7200, rank ceil(1.8)=2 → 14400; business 3600, 7200
      resolution: { count: 2, medianSeconds: 7200, p90Seconds: 14400, medianBusinessSeconds: 3600, p90BusinessSeconds: 7200 },
      reopened: 1,
      everResolved: 2,
      reopenRate: 0.5,
      resolved: 2,
      firstContactResolved: 1,
      firstContactResolution: 0.5,
      csat: { responses: 1, satisfied: 1, satisfiedShare: 1, surveys: 1, answeredSurveys: 1, responseRate: 1 },
      sla: {
        firstResponse: { met: 2, stopped: 3, breachedNow: 0, attainment: 2 / 3 },
        resolution: { met: 2, stopped: 2, breachedNow: 0, attainment: 1 },
      },
    });
  });

  it("a period with no tickets has counts of zero and no rates or durations (null, not 0)", async () => {
    const result = await supportMetrics(desk.app.db, {
      from: new Date(NOW.getTime() - 300 * DAY),
      to: new Date(NOW.getTime() - 200 * DAY),
    });
    expect(result.overall).toMatchObject({
      tickets: 0,
      firstResponse: null,
      resolution: null,
      reopenRate: null,
      firstContactResolution: null,
    });
    expect(result.overall.csat).toEqual({
      responses: 0,
      satisfied: 0,
      satisfiedShare: null,
      surveys: 0,
      answeredSurveys: 0,
      responseRate: null,
    });
    expect(result.overall.sla).toEqual({ firstResponse: null, resolution: null });
  });

  it("the period is [from, to): a ticket created exactly at from counts, one created exactly at to does not", async () => {
    const at = created.get("O1")!;
    const starting = await supportMetrics(desk.app.db, { from: at, to: new Date(at.getTime() + HOUR) });
    const ending = await supportMetrics(desk.app.db, { from: new Date(at.getTime() - HOUR), to: at });
    expect(starting.overall.tickets).toBe(1);
    expect(ending.overall.tickets).toBe(0);
  });

  it("groups by priority, in priority order, with the overall row unchanged", async () => {
    const result = await supportMetrics(desk.app.db, { ...week(), groupBy: "priority" });
    expect(result.overall).toEqual(CURRENT_OVERALL);
    expect(result.groups.map((g) => g.group)).toEqual(["urgent", "high", "normal", "low"]);
    const [urgent, high, normal, low] = result.groups;
    // urgent: T1, T2, T12 (no response). FRT 60, 300 → rank 1 → 60, rank 2 → 300; TTR 600, 3600
    expect(urgent).toMatchObject({
      tickets: 3,
      firstResponse: { count: 2, medianSeconds: 60, p90Seconds: 300, medianBusinessSeconds: 60, p90BusinessSeconds: 120 },
      resolution: { count: 2, medianSeconds: 600, p90Seconds: 3600, medianBusinessSeconds: 600, p90BusinessSeconds: 1800 },
      reopenRate: 0,
      firstContactResolution: 0.5,
      csat: { satisfiedShare: 0.5, responseRate: 1 },
      sla: { firstResponse: { attainment: 1 }, resolution: { attainment: 1 } },
    });
    // high: T3 (reopened, resolved again), T4 (open). Business FRT 900, 600 → sorted 600, 900
    expect(high).toMatchObject({
      tickets: 2,
      firstResponse: { count: 2, medianSeconds: 900, p90Seconds: 1200, medianBusinessSeconds: 600, p90BusinessSeconds: 900 },
      resolution: { count: 1, medianSeconds: 7200, p90Seconds: 7200 },
      reopenRate: 1,
      firstContactResolution: 0,
      csat: { responses: 2, satisfied: 1, satisfiedShare: 0.5, responseRate: 1 },
      sla: { firstResponse: { met: 2, stopped: 2 }, resolution: { met: 0, stopped: 1, attainment: 0 } },
    });
    // normal: T5, T6 (none), T7, T8 (reopened, open), T11. FRT 1800, 3600, 7200, 14400 → rank 2 → 3600, rank 4 → 14400
    expect(normal).toMatchObject({
      tickets: 5,
      firstResponse: { count: 4, medianSeconds: 3600, p90Seconds: 14400, medianBusinessSeconds: 1800, p90BusinessSeconds: 7200 },
      resolution: { count: 2, medianSeconds: 86400, p90Seconds: 172800, medianBusinessSeconds: 28800, p90BusinessSeconds: 57600 },
      reopened: 1,
      everResolved: 3,
      firstContactResolution: 1,
      csat: { surveys: 2, answeredSurveys: 1, responseRate: 0.5, satisfiedShare: 1 },
      sla: { firstResponse: { met: 2, stopped: 4, attainment: 0.5 }, resolution: { attainment: 0.5 } },
    });
    expect(normal.reopenRate).toBeCloseTo(1 / 3, 10);
    // low: T9, T10 (resolved without an answer). TTR 1200, 300 → sorted 300, 1200; no CSAT at all
    expect(low).toMatchObject({
      tickets: 2,
      firstResponse: { count: 1, medianSeconds: 600, p90Seconds: 600 },
      resolution: { count: 2, medianSeconds: 300, p90Seconds: 1200 },
      reopenRate: 0,
      firstContactResolution: 0.5,
      csat: { responses: 0, surveys: 0, satisfiedShare: null, responseRate: null },
      sla: { firstResponse: { met: 1, stopped: 1 }, resolution: { met: 2, stopped: 2 } },
    });
  });

  it("groups by agent, with unassigned tickets under 'unassigned', most tickets first", async () => {
    const result = await supportMetrics(desk.app.db, { ...week(), groupBy: "agent" });
    expect(result.overall).toEqual(CURRENT_OVERALL);
    expect(result.groups.map((g) => [g.group, g.tickets])).toEqual([
      [A1, 6],
      [A2, 4],
      ["unassigned", 2],
    ]);
    const [a1, a2, unassigned] = result.groups;
    // UAGENT1: T1 T3 T4 T7 T11 T12. FRT 60, 900, 1200, 3600, 14400 → rank 3 → 1200, rank 5 → 14400; TTR 600, 7200, 172800
    expect(a1).toMatchObject({
      firstResponse: { count: 5, medianSeconds: 1200, p90Seconds: 14400 },
      resolution: { count: 3, medianSeconds: 7200, p90Seconds: 172800 },
      reopened: 1,
      everResolved: 3,
      firstContactResolved: 2,
      resolved: 3,
    });
    // UAGENT2: T2 T5 T8 T9. FRT 300, 600, 1800, 7200 → 600, 7200; TTR 1200, 3600, 86400 → 3600, 86400
    expect(a2).toMatchObject({
      firstResponse: { count: 4, medianSeconds: 600, p90Seconds: 7200 },
      resolution: { count: 3, medianSeconds: 3600, p90Seconds: 86400 },
      reopenRate: 0.25,
      firstContactResolved: 2,
      resolved: 3,
    });
    // unassigned: T6 and T10, neither answered: no first-response figures at all
    expect(unassigned).toMatchObject({
      firstResponse: null,
      resolution: { count: 1, medianSeconds: 300 },
      reopenRate: 0,
      firstContactResolution: 0,
    });
  });

  it("groups by account and channel", async () => {
    const byAccount = await supportMetrics(desk.app.db, { ...week(), groupBy: "account" });
    expect(byAccount.groups.map((g) => [g.group, g.tickets])).toEqual([
      ["acme", 6],
      ["none", 6],
    ]);
    const byChannel = await supportMetrics(desk.app.db, { ...week(), groupBy: "channel" });
    expect(byChannel.groups.map((g) => [g.group, g.tickets])).toEqual([
      ["CACME", 6],
      ["CSUPPORT", 6],
    ]);
    expect(byChannel.overall).toEqual(CURRENT_OVERALL);
  });

  it("compares two periods: percent for counts and durations, points for rates, – when not comparable", async () => {
    const current = await supportMetrics(desk.app.db, week());
    const previous = await supportMetrics(desk.app.db, { from: new Date(NOW.getTime() - 14 * DAY), to: new Date(NOW.getTime() - 7 * DAY) });
    const figures = Object.fromEntries(comparePeriods(current.overall, previous.overall).map((f) => [f.key, f]));
    expect(figures.tickets.change).toEqual({ unit: "percent", value: 200 }); // 12 vs 4
    expect(figures.firstResponseMedianBusiness.change).toEqual({ unit: "percent", value: -25 }); // 900 vs 1200
    expect(figures.reopenRate.change!.unit).toBe("points");
    expect(figures.reopenRate.change!.value).toBeCloseTo(-25, 10); // 25% vs 50%
    const empty = await supportMetrics(desk.app.db, { from: new Date(NOW.getTime() - 300 * DAY), to: new Date(NOW.getTime() - 200 * DAY) });
    const vsEmpty = comparePeriods(current.overall, empty.overall);
    expect(vsEmpty.find((f) => f.key === "tickets")!.change).toBeNull(); // 12 vs 0: no percentage
    expect(vsEmpty.find((f) => f.key === "csatSatisfied")!.change).toBeNull();
    expect(formatChange(null)).toBe("–");
    expect(formatChange({ unit: "percent", value: 12.4 })).toBe("▲ 12%");
    expect(formatChange({ unit: "points", value: -3.2 })).toBe("▼ 3 pts");
    expect(formatChange({ unit: "points", value: 0.2 })).toBe("no change");
  });
});

// ------------------------------------------------------------------ HTTP API

const api = (query: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, base = desk.baseUrl) =>
  fetch(`${base}/api/v1/metrics/support${query}`, { headers });

/** RFC 4180 parsing, enough for the export. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") (row.push(cell), (cell = ""));
    else if (c === "\r") continue;
    else if (c === "\n") (row.push(cell), rows.push(row), (row = []), (cell = ""));
    else cell += c;
  }
  if (cell || row.length) (row.push(cell), rows.push(row));
  return rows;
}

describe("GET /api/v1/metrics/support", () => {
  it("needs the bearer token: 401 without it or with a wrong one, saying how to authenticate", async () => {
    const missing = await api("", {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ error: "unauthorized", message: expect.stringContaining("Authorization: Bearer") });
    const wrong = await api("", { authorization: `Bearer ${"y".repeat(24)}` });
    expect(wrong.status).toBe(401);
    const short = await api("", { authorization: "Bearer x" });
    expect(short.status).toBe(401);
    const basic = await api("", { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}` });
    expect(basic.status).toBe(401);
  });

  it("answers 503 naming INGEST_API_TOKEN when no token is configured", async () => {
    const bare = await startDesk({ slack: desk.slack });
    try {
      const response = await api("", { authorization: `Bearer ${TOKEN}` }, bare.baseUrl);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { message: string }).message).toContain("INGEST_API_TOKEN is not set");
    } finally {
      await bare.stop();
    }
  });

  it("rejects bad parameters with 400 naming the parameter", async () => {
    const cases: [string, string][] = [
      ["?from=yesterday", "from"],
      ["?from=2026-13-01", "from"],
      ["?to=2026-02-30", "to"],
      ["?to=2026-02-01T25:00:00Z", "to"],
      ["?from=2026-03-01&to=2026-02-01", "from"],
      ["?from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:00Z", "from"],
      ["?from=2024-01-01&to=2026-01-01", "from"],
      ["?groupBy=team", "groupBy"],
      ["?groupBy=priority&groupBy=agent", "groupBy"],
      ["?format=xml", "format"],
    ];
    for (const [query, parameter] of cases) {
      const response = await api(query);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { error: string; parameter: string; message: string };
      expect(body, query).toMatchObject({ error: "invalid_parameter", parameter });
      expect(body.message, query).toContain(parameter);
    }
    const body = (await (await api("?groupBy=team")).json()) as { message: string };
    expect(body.message).toContain("priority, agent, account, channel");
  });

  it("returns the figures as JSON: overall row first, then one per group", async () => {
    const { from, to } = week();
    const response = await api(`?from=${from.toISOString()}&to=${to.toISOString()}&groupBy=priority`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = (await response.json()) as { from: string; to: string; groupBy: string; rows: (MetricsRow & { scope: string })[] };
    expect(body).toMatchObject({ from: from.toISOString(), to: to.toISOString(), groupBy: "priority" });
    expect(body.rows.map((r) => [r.scope, r.group, r.tickets])).toEqual([
      ["overall", null, 12],
      ["group", "urgent", 3],
      ["group", "high", 2],
      ["group", "normal", 5],
      ["group", "low", 2],
    ]);
    const { scope, ...overall } = body.rows[0];
    expect(scope).toBe("overall");
    expect(overall).toEqual(CURRENT_OVERALL);
  });

  it("defaults to the last 30 days; a date-only `to` takes in that whole day", async () => {
    const response = await api("");
    const body = (await response.json()) as { from: string; to: string; groupBy: null; rows: MetricsRow[] };
    expect(body.groupBy).toBeNull();
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0].tickets).toBe(16); // T1..T12 and P1..P4; O1 is 40 days old
    expect(new Date(body.to).getTime() - new Date(body.from).getTime()).toBe(30 * DAY);

    const day = created.get("O1")!.toISOString().slice(0, 10);
    const oneDay = (await (await api(`?from=${day}&to=${day}`)).json()) as { from: string; to: string; rows: MetricsRow[] };
    expect(oneDay.from).toBe(`${day}T00:00:00.000Z`);
    expect(new Date(oneDay.to).getTime() - new Date(oneDay.from).getTime()).toBe(DAY);
    expect(oneDay.rows[0].tickets).toBe(1);
  });

  it("exports CSV with a header row and one row per group, matching the JSON", async () => {
    const { from, to } = week();
    const query = `?from=${from.toISOString()}&to=${to.toISOString()}&groupBy=agent`;
    const csvResponse = await api(`${query}&format=csv`);
    expect(csvResponse.status).toBe(200);
    expect(csvResponse.headers.get("content-type")).toContain("text/csv");
    expect(csvResponse.headers.get("content-disposition")).toMatch(/attachment; filename="support-metrics_.*_by-agent\.csv"/);
    const [header, ...lines] = parseCsv(await csvResponse.text());
    expect(header.slice(0, 8)).toEqual([
      "scope",
      "group",
      "tickets",
      "first_response_count",
      "first_response_median_seconds",
      "first_response_p90_seconds",
      "first_response_median_business_seconds",
      "first_response_p90_business_seconds",
    ]);
    const records = lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
    expect(records.map((r) => [r.scope, r.group, r.tickets])).toEqual([
      ["overall", "", "12"],
      ["group", A1, "6"],
      ["group", A2, "4"],
      ["group", "unassigned", "2"],
    ]);
    const overall = records[0];
    expect(overall).toMatchObject({
      first_response_count: "9",
      first_response_median_seconds: "1200",
      first_response_p90_seconds: "14400",
      first_response_median_business_seconds: "900",
      first_response_p90_business_seconds: "7200",
      resolution_median_seconds: "3600",
      resolution_p90_business_seconds: "57600",
      reopen_rate: "0.25",
      csat_satisfied_share: "0.6",
      csat_response_rate: "0.8",
      sla_first_response_met: "7",
      sla_first_response_stopped: "9",
    });
    expect(Number(overall.first_contact_resolution)).toBeCloseTo(4 / 7, 5);
    expect(Number(overall.sla_resolution_attainment)).toBeCloseTo(5 / 7, 5);
    // No first response among the unassigned: empty cells, not zeros.
    expect(records[3].first_response_median_seconds).toBe("");
    expect(records[3].first_response_count).toBe("0");

    // Every number in the CSV is the JSON's.
    const json = (await (await api(query)).json()) as { rows: (MetricsRow & { scope: string })[] };
    json.rows.forEach((row, i) => {
      expect(records[i].tickets).toBe(String(row.tickets));
      expect(records[i].resolution_median_seconds).toBe(row.resolution?.medianSeconds == null ? "" : String(row.resolution.medianSeconds));
      expect(records[i].csat_surveys).toBe(String(row.csat.surveys));
      expect(records[i].reopen_rate === "" ? null : Number(records[i].reopen_rate)).toBeCloseTo(row.reopenRate ?? NaN, 5);
    });
  });
});

// ------------------------------------------------------------------ /support stats

describe("/support stats", () => {
  let asked = 0;
  type Answer = { response_type: string; text: string; blocks: { type: string; text?: { text: string } }[] };
  /** The figures come after the acknowledgement, through the command's response_url. */
  const stats = async (text: string): Promise<Answer> => {
    const id = `stats-${asked++}`;
    const response = await desk.command({ command: "/support", text, response_url: desk.slack.responseUrl(id) });
    expect(response.status).toBe(200);
    const ack = (await response.json()) as Answer;
    if (!ack.text.startsWith("Working out")) return ack;
    expect(ack.response_type).toBe("ephemeral");
    const r = await desk.slack.waitFor(() => desk.slack.responses.find((x) => x.id === id), 10_000, "stats answer");
    return r.body as Answer;
  };

  it("answers privately with the week's headline figures and their change against the week before", async () => {
    const answer = await stats("stats");
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.blocks[0]).toMatchObject({ type: "header", text: { text: "Support stats: the last 7 days" } });
    const lines = answer.text.split("\n").slice(1);
    expect(lines).toEqual([
      "• Tickets: 12  (▲ 200%)", // 12 vs 4
      "• First response, median (business hours): 15m  (▼ 25%)", // 900 s vs 1200 s
      "• First response, p90 (business hours): 2h  (▲ 500%)", // 7200 vs 1200
      "• First response, median (calendar): 20m  (no change)", // 1200 vs 1200
      "• First response, p90 (calendar): 4h  (▲ 500%)", // 14400 vs 2400
      "• Time to resolution, median (business hours): 30m  (▼ 50%)", // 1800 vs 3600
      "• Time to resolution, median (calendar): 1h  (▼ 50%)", // 3600 vs 7200
      "• Reopen rate: 25%  (▼ 25 pts)", // 25% vs 50%
      "• First-contact resolution: 57%  (▲ 7 pts)", // 4/7 vs 1/2
      "• CSAT (4 or 5): 60%  (▼ 40 pts)", // 60% vs 100%
      "• CSAT response rate: 80%  (▼ 20 pts)", // 80% vs 100%
      "• SLA met, first response: 78% · breached now: 0  (▲ 11 pts)", // 7/9 vs 2/3
      "• SLA met, resolution: 71% · breached now: 0  (▼ 29 pts)", // 5/7 vs 100%
    ]);
    // The blocks: five headline figures in fields (business hours) and a Details button.
    const section = answer.blocks.find((b) => b.type === "section") as unknown as { fields: { text: string }[] };
    expect(section.fields.map((f) => f.text)).toEqual([
      "*Tickets*\n12  (▲ 200%)",
      "*First response, median*\n15m  (▼ 25%)",
      "*Time to resolution, median*\n30m  (▼ 50%)",
      "*CSAT (4 or 5)*\n60%  (▼ 40 pts)",
      "*SLA met*\nfirst response 78%  (▲ 11 pts)\nresolution 71%  (▼ 29 pts)\nbreached now: 0",
    ]);
    expect(JSON.stringify(answer.blocks)).not.toContain("calendar");
    expect(JSON.stringify(answer.blocks)).toContain('"action_id":"support_stats_details"');
  });

  it("takes 30d and 90d; with nothing in the period before, changes show –", async () => {
    const month = await stats("stats 30d");
    expect(month.text).toContain("the last 30 days");
    expect(month.text).toContain("• Tickets: 16  (▲ 1500%)"); // 16 vs O1 alone
    const quarter = await stats("stats 90d");
    expect(quarter.text).toContain("• Tickets: 17  (–)"); // nothing 90 to 180 days ago
    // reopened T3, T8, P2 / ever resolved: 8 this week + P1, P2 + O1 = 11 → 27%
    expect(quarter.text).toContain("• Reopen rate: 27%  (–)");
  });

  it("names the accepted periods when given another", async () => {
    for (const text of ["stats 14d", "stats 7d 30d", "stats constructor"]) {
      const answer = await stats(text);
      expect(answer.response_type).toBe("ephemeral");
      expect(answer.text).toContain("`7d`");
      expect(answer.text).toContain("`30d`");
      expect(answer.text).toContain("`90d`");
    }
    expect((await stats("help")).text).toContain("/support stats [7d|30d|90d]");
  });
});
