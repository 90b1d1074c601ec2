// One alert per account (pure, no database): what it shows, what is at stake, which accounts get a
// message of their own within the cap, and how a check's hits change an open alert.
import { describe, expect, it } from "vitest";
import { parseHealthConfig } from "./health-config.ts";
import type { HealthResult } from "./health-model.ts";
import type { RuleHit } from "./risk-rules.ts";
import { accountAlertDetail, chooseRealtime, stakeOf, syncAccountAlerts, wantsRealtime, type OpenAccountAlert } from "./account-alert.ts";
import { DIGEST_LISTED_MAX, checkReport, riskDigests, type ReportedAlert } from "./risk-report.ts";

const config = parseHealthConfig(null);
const AT = new Date("2026-11-20T06:00:00Z");

const health = (score: number | null, band: HealthResult["band"] = "red"): HealthResult => ({
  score,
  band,
  components: [
    { name: "usageTrend", score: 0, weight: 0.3, evidence: "active users 40 → 4 a day in 30 days (-90%)" },
    { name: "nps", score: 30, weight: 0.2, evidence: "NPS 3: 'Exports keep failing'" },
    { name: "licenceUtilisation", score: 10, weight: 0.2, evidence: "4 of 50 seats active" },
    { name: "supportLoad", score: 55, weight: 0.1, evidence: "3 tickets in 30 days" },
  ],
  missing: [],
});
const hit = (rule: RuleHit["rule"], severity: number, reason = `${rule} holds`): RuleHit => ({ rule, severity, reason });
const scored = (id: string, hits: RuleHit[], previousScore: number | null = 70, h = health(11)) => ({
  account: { externalId: id },
  health: h,
  hits,
  previousScore,
});
const open = (id: number, account: string, rules: [RuleHit["rule"], number][], over: Partial<OpenAccountAlert> = {}): OpenAccountAlert => ({
  id,
  accountExternalId: account,
  delivery: "realtime",
  channelId: "CALERTS",
  rules: rules.map(([rule, severity]) => ({ rule, severity, reason: `${rule} holds` })),
  snoozedUntil: null,
  ...over,
});

describe("what an account's alert shows", () => {
  it("lists its rules in a fixed order and states each piece of evidence once", () => {
    const d = accountAlertDetail(
      [
        { rule: "nps_detractor", reason: "NPS 3 on 2026-11-17: 'Exports keep failing'", severity: 7 },
        { rule: "entered_red", reason: "health score 11 is red", severity: 89 },
        { rule: "low_utilisation", reason: "4 of 50 seats active (8%)", severity: 0.92 },
      ],
      health(11),
      75,
      [],
      AT,
    );
    expect(d.rules.map((r) => r.rule)).toEqual(["entered_red", "nps_detractor", "low_utilisation"]);
    // NPS and licence utilisation are in the rules' reasons: not repeated among the weak components.
    expect(d.reasons.map((r) => r.source)).toEqual(["Usage trend", "Support load"]);
    expect(d).toMatchObject({ score: 11, band: "red", previousScore: 75, computedAt: AT.toISOString() });
  });

  it("says when the nearness of the renewal took points off the score", () => {
    const renewing = {
      ...health(11),
      renewal: { days: 30, points: 20, evidence: "renews in 30 days: a weak score weighs more near the renewal (−20 points)" },
    };
    const d = accountAlertDetail([{ rule: "entered_red", reason: "health score 11 is red", severity: 89 }], renewing, 75, [], AT);
    expect(d.reasons.at(-1)).toEqual({
      source: "Renewal",
      text: "renews in 30 days: a weak score weighs more near the renewal (−20 points)",
    });
    expect(accountAlertDetail([], health(11), 75, [], AT).reasons.map((r) => r.source)).not.toContain("Renewal");
  });

  it("ranks by ARR × severity, and accounts without ARR by severity alone", () => {
    expect(stakeOf(100_000, 10)).toBeGreaterThan(stakeOf(200_000, 60));
    expect(stakeOf(1_000, 90)).toBeGreaterThan(stakeOf(null, 0));
    expect(stakeOf(null, 10)).toBeGreaterThan(stakeOf(null, 50));
    expect(stakeOf(null, 10)).toBeLessThan(stakeOf(1, 50));
  });

  it("asks for a message of its own only for a rule whose delivery is realtime", () => {
    expect(wantsRealtime([{ rule: "entered_red" }], config)).toBe(true);
    expect(wantsRealtime([{ rule: "nps_detractor" }, { rule: "low_utilisation" }], config)).toBe(false);
    const custom = parseHealthConfig(
      JSON.stringify({ rules: { nps_detractor: { delivery: "realtime" }, entered_red: { delivery: "digest" } } }),
    );
    expect(wantsRealtime([{ rule: "nps_detractor" }], custom)).toBe(true);
    expect(wantsRealtime([{ rule: "entered_red" }], custom)).toBe(false);
  });
});

describe("a check's hits against the open alerts", () => {
  it("raises one alert for four rules, in the digest on the account's first check", () => {
    const hits = [hit("entered_red", 89), hit("renewal_risk", 89), hit("nps_detractor", 7), hit("low_utilisation", 0.9)];
    const known = syncAccountAlerts([scored("acme", hits)], [], config, AT);
    expect(known.toRaise).toHaveLength(1);
    expect(known.toRaise[0]).toMatchObject({ realtime: true });
    expect(known.toRaise[0].rules).toHaveLength(4);
    const first = syncAccountAlerts([scored("acme", hits, null)], [], config, AT);
    expect(first.toRaise[0].realtime).toBe(false);
    const digestOnly = syncAccountAlerts([scored("gamma", [hit("low_utilisation", 0.8)])], [], config, AT);
    expect(digestOnly.toRaise[0].realtime).toBe(false);
  });

  it("holds quietly, tells a new or worse rule, updates without a line when a rule stops, and clears when none fires", () => {
    const alerts = [
      open(1, "holds", [["entered_red", 89]]),
      open(2, "worse", [["entered_red", 80]]),
      open(3, "new", [["entered_red", 89]]),
      open(4, "eased", [
        ["entered_red", 89],
        ["nps_detractor", 7],
      ]),
      open(5, "gone", [["low_utilisation", 0.8]]),
    ];
    const sync = syncAccountAlerts(
      [
        scored("holds", [hit("entered_red", 91)]),
        scored("worse", [hit("entered_red", 86)]),
        scored("new", [hit("entered_red", 89), hit("ticket_spike", 6, "6 tickets in 7 days")]),
        scored("eased", [hit("entered_red", 89)]),
        scored("gone", [], 70, health(80, "green")),
      ],
      alerts,
      config,
      AT,
    );
    expect(sync.holding).toEqual([1]);
    const byId = new Map(sync.toUpdate.map((u) => [u.alertId, u]));
    expect(byId.get(2)!.worse).toEqual([{ rule: "entered_red", reason: "entered_red holds", isNew: false }]);
    expect(byId.get(3)!.worse).toEqual([{ rule: "ticket_spike", reason: "6 tickets in 7 days", isNew: true }]);
    expect(byId.get(4)!.worse).toEqual([]);
    // A rule that holds without getting worse keeps the level last told, so slow drift adds up.
    expect(byId.get(3)!.rules.find((r) => r.rule === "entered_red")!.severity).toBe(89);
    expect(sync.toClear.map((c) => c.alertId)).toEqual([5]);
  });

  it("gives a digest alert a message of its own when it gets worse with a real-time rule, unless snoozed", () => {
    const digest = open(1, "acme", [["low_utilisation", 0.8]], { delivery: "digest" });
    const red = [hit("low_utilisation", 0.8), hit("entered_red", 85)];
    expect(syncAccountAlerts([scored("acme", red)], [digest], config, AT).toUpdate[0].promote).toBe(true);
    const snoozed = { ...digest, snoozedUntil: new Date(AT.getTime() + 86_400_000) };
    const quiet = syncAccountAlerts([scored("acme", red)], [snoozed], config, AT).toUpdate[0];
    expect(quiet).toMatchObject({ promote: false, snoozed: true });
    const worseUtilisation = [hit("low_utilisation", 0.9)];
    expect(syncAccountAlerts([scored("acme", worseUtilisation)], [digest], config, AT).toUpdate[0].promote).toBe(false);
  });
});

describe("the cap on messages of their own", () => {
  it("keeps the most at stake per channel and counts the rest", () => {
    const candidates = [
      ...Array.from({ length: 14 }, (_, i) => ({ alertId: i + 1, channelId: "CA", stake: i })),
      { alertId: 100, channelId: "CB", stake: 1 },
      { alertId: 101, channelId: null, stake: 1e9 },
    ];
    const { chosen, heldBack } = chooseRealtime(candidates, 10);
    expect(chosen.filter((id) => id < 100).sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(chosen).toContain(100);
    expect(chosen).not.toContain(101);
    expect([...heldBack]).toEqual([["CA", 4]]);
    expect(chooseRealtime(candidates, 0).chosen).toEqual([]);
  });
});

describe("the digest and the summary", () => {
  const reported = (id: number, over: Partial<ReportedAlert> = {}): ReportedAlert => ({
    id,
    accountExternalId: `a${id}`,
    name: `Account ${id}`,
    arr: 1000 * id,
    channelId: "CA",
    delivery: "digest",
    stake: id,
    snoozedUntil: null,
    acknowledgedAt: null,
    detail: {
      score: 30,
      band: "red",
      previousScore: null,
      rules: [
        { rule: "entered_red", reason: "red", severity: 70 },
        { rule: "nps_detractor", reason: "NPS 2", severity: 8 },
      ],
      reasons: [],
      missing: [],
      tickets: [],
      computedAt: AT.toISOString(),
    },
    ...over,
  });

  it("gives each channel with digest alerts a digest of its listed alerts by stake, with the store's counts", () => {
    const digests = riskDigests(
      {
        channels: [
          { channelId: "CB", listed: 0, top: [], ownMessages: 1, snoozed: 2 },
          { channelId: "CC", listed: 1, top: [reported(8, { channelId: "CC" })], ownMessages: 0, snoozed: 0 },
          { channelId: "CA", listed: 400, top: [reported(1), reported(3), reported(2)], ownMessages: 1, snoozed: 1 },
        ],
      },
      new Map([["CA", 3]]),
      10,
      AT,
    );
    expect(digests.map((d) => d.channelId)).toEqual(["CA", "CC"]);
    expect(digests[0]).toMatchObject({ channelId: "CA", listed: 400, heldBack: 3, cap: 10, ownMessages: 1, snoozed: 1 });
    expect(digests[0].entries.map((e) => e.alertId)).toEqual([3, 2, 1]);
    expect(digests[0].entries[0]).toMatchObject({ main: { rule: "entered_red", reason: "red" }, moreRules: 1 });
    expect(digests[1]).toMatchObject({ listed: 1, heldBack: 0 });
  });

  it("lists at most DIGEST_LISTED_MAX alerts of a channel by name", () => {
    const top = Array.from({ length: DIGEST_LISTED_MAX + 5 }, (_, i) => reported(i + 1));
    const [d] = riskDigests({ channels: [{ channelId: "CA", listed: 1000, top, ownMessages: 0, snoozed: 0 }] }, new Map(), 10, AT);
    expect(d.entries).toHaveLength(DIGEST_LISTED_MAX);
    expect(d.entries[0].alertId).toBe(DIGEST_LISTED_MAX + 5);
    expect(d.listed).toBe(1000);
  });

  it("sums up with the open alerts by band and their ARR as the store counted them", () => {
    const r = checkReport(
      {
        to: "CA",
        runId: 1,
        trigger: "scheduled",
        status: "done",
        at: AT,
        accountsScored: 10,
        accountsUnscored: 0,
        raised: 2,
        worse: 0,
        cleared: 1,
        posted: 1,
        heldBack: 0,
        nextCheckAt: null,
      },
      { atRisk: { red: 1, yellow: 1, green: 0, unknown: 0 }, arrAtRisk: 1000 },
    );
    expect(r.atRisk).toEqual({ red: 1, yellow: 1, green: 0, unknown: 0 });
    expect(r.arrAtRisk).toBe(1000);
    expect(r).toMatchObject({ runId: 1, raised: 2, cleared: 1 });
  });
});
