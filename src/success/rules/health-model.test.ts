// The health model and the risk rules on hand-computed fixtures (pure functions, no database).
import { describe, expect, it } from "vitest";
import { parseHealthConfig, HealthConfigError } from "./health-config.ts";
import { bookTrends, scoreHealth, thousands, trendReference, UNKNOWN_CONTEXT, type HealthInputs } from "./health-model.ts";
import { evaluateRules, hasWorsened, type RuleFacts } from "./risk-rules.ts";

// The hand-computed figures below use these weights and bands (not the defaults, which the backtest tunes).
const config = parseHealthConfig(
  JSON.stringify({
    weights: {
      productBreadth: 10,
      licenceUtilisation: 15,
      usageTrend: 20,
      keyEventsTrend: 15,
      supportLoad: 10,
      supportExperience: 10,
      nps: 10,
      accountGrowth: 10,
      // Scored in their own tests below.
      featureRetention: 0,
      recentActivity: 0,
    },
    bands: { green: 70, yellow: 40 },
    distressWeight: 1,
  }),
);

const full: HealthInputs = {
  seats: 50,
  usage: {
    daysLast30: 30,
    daysPrev30: 30,
    avgActiveLast30: 20,
    avgActivePrev30: 25,
    peakActiveLast30: 30,
    keyEventsLast30: 300,
    keyEventsPrev30: 600,
  },
  featuresUsedLast30: 4,
  knownFeatures: 10,
  supportLinked: true,
  tickets30: { urgent: 1, high: 1, normal: 2, low: 0 },
  experience: { csatAnswers: 2, csatAverage: 3, slaStopped: 4, slaBreached: 1, resolved: 4, reopened: 1 },
  nps: { latest: { score: 3, comment: "Exports keep failing", at: new Date("2026-11-01T10:00:00Z") }, previousAverage: 7 },
  growth: { seatsThen: 60, seatsNow: 50, arrThen: 60000, arrNow: 48000 },
  ...UNKNOWN_CONTEXT,
};

describe("health model", () => {
  it("scores each component by hand-computed rules and weighs them", () => {
    const h = scoreHealth(full, config);
    const by = Object.fromEntries(h.components.map((c) => [c.name, c]));
    // breadth 4/10; licences 30/50 = 60% of the 80% target; usage 25 → 20 (-20%) and key events 20 → 10 a day (-50%),
    // each shrunk by 25 / (25 + 3) users: −17.9% (70 − 26.8) and −44.6% (70 − 67)
    expect(by.productBreadth.score).toBe(40);
    expect(by.licenceUtilisation.score).toBe(75);
    expect(by.usageTrend.score).toBe(43);
    expect(by.keyEventsTrend.score).toBe(3);
    // weighted tickets 1×4 + 1×2 + 2×1 = 8 over 50 seats = 0.16 a seat → 100 − 40
    expect(by.supportLoad.score).toBe(60);
    // CSAT 3/5 → 50, SLA 3 of 4 met → 75, 1 of 4 reopened → 75: mean 66.7
    expect(by.supportExperience.score).toBe(67);
    // NPS 3 and 4 below the earlier average of 7 → 30 − 20
    expect(by.nps.score).toBe(10);
    // seats −16.7%, ARR −20%: mean −18.3% → 70 − 27.5
    expect(by.accountGrowth.score).toBe(43);
    // Weights grow as scores fall, w × (2 − s/100): 16, 18.75, 31.4, 29.55, 14, 13.3, 19, 15.7 (sum 157.7);
    // (40×16 + 75×18.75 + 43×31.4 + 3×29.55 + 60×14 + 67×13.3 + 10×19 + 43×15.7) / 157.7 = 38.6
    expect(h.score).toBe(39);
    expect(h.band).toBe("red");
    expect(h.missing).toEqual([]);
    expect(by.usageTrend.evidence).toBe("active users 25 → 20 a day in 30 days (-20%)");
    expect(by.nps.evidence).toBe("NPS 3: 'Exports keep failing' (before: 7)");
    expect(by.accountGrowth.evidence).toBe("seats 60 → 50, ARR $60,000 → $48,000 in 90 days");
    expect(h.components.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 6);
  });

  it("takes the worse of the 30-day and the 90-day trend, and says both", () => {
    // Flat over the last 60 days, but down from 25 users and 20 key events a day 61-90 days ago: a slow slide.
    const slide: HealthInputs = {
      ...full,
      usage: {
        ...full.usage,
        avgActiveLast30: 20,
        avgActivePrev30: 20,
        keyEventsLast30: 450,
        keyEventsPrev30: 450,
        days61to90: 30,
        avgActive61to90: 25,
        keyEvents61to90: 600,
      },
    };
    const by = Object.fromEntries(scoreHealth(slide, config).components.map((c) => [c.name, c]));
    // −20% users and −25% key events a day in 90 days, shrunk by 20 / (20 + 3): 70 − 150 × 0.174 = 44, 70 − 150 × 0.217 = 37
    expect(by.usageTrend.score).toBe(44);
    expect(by.keyEventsTrend.score).toBe(37);
    expect(by.usageTrend.evidence).toBe("active users 20 → 20 a day in 30 days (+0%); -20% in 90 days");
    // Rising over 90 days while the last month fell: the 30-day fall (−20%, shrunk by 25 / 28) counts: 70 − 26.8.
    const dip = { ...slide, usage: { ...slide.usage, avgActivePrev30: 25, avgActive61to90: 10 } };
    const dipBy = Object.fromEntries(scoreHealth(dip, config).components.map((c) => [c.name, c]));
    expect(dipBy.usageTrend.score).toBe(43);
    expect(dipBy.usageTrend.evidence).toBe("active users 25 → 20 a day in 30 days (-20%); +100% in 90 days");
    // Without the third window (or with under 7 days of data in it) only the 30-day trend counts, as before.
    const short = { ...slide, usage: { ...slide.usage, days61to90: 6 } };
    expect(Object.fromEntries(scoreHealth(short, config).components.map((c) => [c.name, c.score])).usageTrend).toBe(70);
  });

  it("scores the features given up: used in the last 90 days but not in the last 30", () => {
    const withRetention = parseHealthConfig(JSON.stringify({ weights: { ...config.weights, featureRetention: 20 }, bands: config.bands }));
    const score = (i: HealthInputs) => scoreHealth(i, withRetention).components.find((c) => c.name === "featureRetention");
    // 4 of the 5 features used in 90 days still used: 1/5 given up costs 200 × 0.2 = 40 points.
    expect(score({ ...full, featuresUsedLast90: 5 })).toMatchObject({
      score: 60,
      evidence: "stopped using 1 of the 5 features used in 90 days (not used in the last 30)",
    });
    expect(score({ ...full, featuresUsedLast90: 4 })).toMatchObject({
      score: 100,
      evidence: "all 4 features used in 90 days still used in the last 30",
    });
    // Half of them given up or more: 0.
    expect(score({ ...full, featuresUsedLast90: 8 })!.score).toBe(0);
    // Not measured (absent), nothing used in 90 days, or under a week of use in the last 30 days: no data.
    expect(score(full)).toBeUndefined();
    expect(score({ ...full, featuresUsedLast30: 0, featuresUsedLast90: 0 })).toBeUndefined();
    expect(score({ ...full, featuresUsedLast90: 5, usage: { ...full.usage, daysLast30: 6 } })).toBeUndefined();
    expect(scoreHealth({ ...full, featuresUsedLast90: 5 }, withRetention).missing).toEqual([]);
  });

  it("scores the last 7 days against 61-90 days before on the worse of active users and key events", () => {
    const withRecent = parseHealthConfig(JSON.stringify({ weights: { ...config.weights, recentActivity: 20 }, bands: config.bands }));
    const recent: HealthInputs = {
      ...full,
      usage: {
        ...full.usage,
        days61to90: 30,
        avgActive61to90: 25,
        keyEvents61to90: 600,
        daysLast7: 5,
        avgActiveLast7: 20,
        keyEventsLast7: 50,
      },
    };
    const c = scoreHealth(recent, withRecent).components.find((x) => x.name === "recentActivity")!;
    // Users −20%, key events 20 → 10 a day (−50%): the worse, shrunk by 25 / (25 + 3), 70 − 150 × 0.446 = 3.
    expect(c.score).toBe(3);
    expect(c.evidence).toBe("last 7 days against 61-90 days before: active users 25 → 20 a day (-20%); key events 20 → 10 a day (-50%)");
    // Against the book: the book's users −20% and key events −50% over the same windows leave the account flat (70).
    const book = {
      all: { usage: 0, keyEvents: 0, usage90: 0, keyEvents90: 0, usage7: -0.2, keyEvents7: -0.5, accounts: 100 },
      byTier: {},
    };
    expect(scoreHealth(recent, withRecent, book).components.find((x) => x.name === "recentActivity")!.score).toBe(70);
    // Fewer than 3 days with data in the last 7, or no third window: not measured.
    const few = { ...recent, usage: { ...recent.usage, daysLast7: 2 } };
    expect(scoreHealth(few, withRecent).missing).toContain("recentActivity");
    expect(scoreHealth(full, withRecent).missing).toContain("recentActivity");
  });

  it("does not read falling logins as a risk while key events clearly rise (work moved to the API)", () => {
    const withRecent = parseHealthConfig(JSON.stringify({ weights: { ...config.weights, recentActivity: 20 }, bands: config.bands }));
    // Logins 25 → 10 a day (−60%) in 30 days and over 90; key events 600 → 900 (+50%) and 600 → 1,000 over 90 days.
    const moving: HealthInputs = {
      ...full,
      usage: {
        ...full.usage,
        avgActiveLast30: 10,
        keyEventsLast30: 900,
        days61to90: 30,
        avgActive61to90: 25,
        keyEvents61to90: 600,
        daysLast7: 7,
        avgActiveLast7: 10,
        keyEventsLast7: 7 * 32,
      },
    };
    const part = (i: HealthInputs, name: string, c = withRecent) => scoreHealth(i, c).components.find((x) => x.name === name)!;
    expect(part(moving, "usageTrend").score).toBe(70);
    expect(part(moving, "usageTrend").evidence).toBe(
      "active users 25 → 10 a day in 30 days (-60%); -60% in 90 days; scored as flat: key events rose +50% meanwhile (work moved to automation)",
    );
    // The last 7 days on key events alone: 20 → 32 a day (+60%).
    expect(part(moving, "recentActivity").score).toBe(100);
    expect(part(moving, "recentActivity").evidence).toBe(
      "last 7 days against 61-90 days before: key events 20 → 32 a day (+60%) (active users left out: work moved to automation)",
    );
    // Key events up only 10%: the fall in logins counts (70 − 150 × 0.6 × 25 / 28 = 0).
    const slight = { ...moving, usage: { ...moving.usage, keyEventsLast30: 660, keyEventsLast7: 7 * 22 } };
    expect(part(slight, "usageTrend").score).toBe(0);
    expect(part(slight, "recentActivity").evidence).toContain("active users 25 → 10 a day");
    // Key events left out of the score (the logins-only baseline): logins alone again.
    const loginsOnly = parseHealthConfig(JSON.stringify({ weights: { ...withRecent.weights, keyEventsTrend: 0 }, bands: config.bands }));
    expect(part(moving, "usageTrend", loginsOnly).score).toBe(0);
  });

  it("with distressWeight 0 is a plain weighted mean", () => {
    const plain = parseHealthConfig(JSON.stringify({ ...JSON.parse(JSON.stringify(config)), distressWeight: 0 }));
    // (40×10 + 75×15 + 43×20 + 3×15 + 60×10 + 67×10 + 10×10 + 43×10) / 100 = 42.3
    expect(scoreHealth(full, plain)).toMatchObject({ score: 42, band: "yellow" });
  });

  it("leaves out components without data and renormalises the weights", () => {
    const h = scoreHealth(
      {
        ...full,
        supportLinked: false,
        tickets30: { urgent: 0, high: 0, normal: 0, low: 0 },
        experience: { csatAnswers: 0, csatAverage: null, slaStopped: 0, slaBreached: 0, resolved: 0, reopened: 0 },
        nps: { latest: null, previousAverage: null },
        growth: { seatsThen: null, seatsNow: 50, arrThen: null, arrNow: 48000 },
      },
      config,
    );
    expect(h.missing).toEqual(["supportLoad", "supportExperience", "nps", "accountGrowth"]);
    // (40×16 + 75×18.75 + 43×31.4 + 3×29.55) / 95.7 = 36.4
    expect(h.score).toBe(36);
    expect(h.components.find((c) => c.name === "usageTrend")!.weight).toBeCloseTo(31.4 / 95.7, 6);
  });

  it("gives no score when nothing is known, and needs a week of usage in each window for a trend", () => {
    const empty: HealthInputs = {
      seats: null,
      usage: {
        daysLast30: 0,
        daysPrev30: 0,
        avgActiveLast30: 0,
        avgActivePrev30: 0,
        peakActiveLast30: 0,
        keyEventsLast30: 0,
        keyEventsPrev30: 0,
      },
      featuresUsedLast30: 0,
      knownFeatures: 0,
      supportLinked: false,
      tickets30: { urgent: 0, high: 0, normal: 0, low: 0 },
      experience: { csatAnswers: 0, csatAverage: null, slaStopped: 0, slaBreached: 0, resolved: 0, reopened: 0 },
      nps: { latest: null, previousAverage: null },
      growth: { seatsThen: null, seatsNow: null, arrThen: null, arrNow: null },
      ...UNKNOWN_CONTEXT,
    };
    expect(scoreHealth(empty, config)).toMatchObject({ score: null, band: "unknown", components: [] });
    const short = scoreHealth({ ...full, usage: { ...full.usage, daysPrev30: 6 } }, config);
    expect(short.missing).toContain("usageTrend");
    expect(short.missing).toContain("keyEventsTrend");
  });

  it("uses the configured weights and band thresholds", () => {
    const custom = parseHealthConfig(
      JSON.stringify({
        weights: {
          productBreadth: 0,
          licenceUtilisation: 0,
          usageTrend: 100,
          keyEventsTrend: 0,
          supportLoad: 0,
          supportExperience: 0,
          nps: 0,
          accountGrowth: 0,
        },
        bands: { green: 90, yellow: 60 },
      }),
    );
    const h = scoreHealth(full, custom);
    expect(h.score).toBe(43);
    expect(h.band).toBe("red");
    expect(h.components.map((c) => c.name)).toEqual(["usageTrend"]);
  });

  it("rejects a bad configuration naming each problem", () => {
    expect(() =>
      parseHealthConfig(
        '{"bands":{"green":30,"yellow":50},"rules":{"score_drop":{"pts":1}},"routing":{"csmChannels":{"UCSM":"general"}}}',
        "health.json",
      ),
    ).toThrow(HealthConfigError);
    try {
      parseHealthConfig(
        '{"bands":{"green":30,"yellow":50},"rules":{"score_drop":{"pts":1}},"routing":{"csmChannels":{"UCSM":"general"}}}',
        "health.json",
      );
    } catch (error) {
      const problems = (error as HealthConfigError).problems.join("\n");
      expect(problems).toContain("bands green must be above yellow");
      expect(problems).toContain('rules.score_drop has unknown field "pts"');
      expect(problems).toContain("routing.csmChannels.UCSM must be a Slack channel ID");
    }
    expect(() => parseHealthConfig("{not json", "health.json")).toThrow(
      /health.json is not a valid health configuration:\n {2}is not valid JSON/,
    );
  });
});

describe("risk rules", () => {
  const base = (over: Partial<RuleFacts> = {}): RuleFacts => ({
    today: "2026-11-20",
    health: { score: 75, band: "green", components: [], missing: [] },
    recentHighScore: 78,
    renewalDate: null,
    seats: 50,
    peakActiveLast30: 40,
    ticketsLast7: 1,
    ticketBaselinePerWeek: 1,
    nps: { score: 9, comment: null, at: new Date("2026-11-01T00:00:00Z") },
    ...over,
  });
  const rules = (f: RuleFacts) => evaluateRules(f, config).map((h) => h.rule);

  it("fires nothing for a healthy account", () => {
    expect(rules(base())).toEqual([]);
  });

  it("fires entered_red below the yellow threshold", () => {
    const hits = evaluateRules(base({ health: { score: 32, band: "red", components: [], missing: [] }, recentHighScore: 35 }), config);
    expect(hits).toEqual([{ rule: "entered_red", severity: 68, reason: "health score 32 is red (below 40)" }]);
  });

  it("fires score_drop at 15 points in the window, not at 14", () => {
    expect(
      evaluateRules(base({ health: { score: 63, band: "yellow", components: [], missing: [] }, recentHighScore: 78 }), config),
    ).toEqual([{ rule: "score_drop", severity: 15, reason: "health score fell 15 points in 14 days (78 → 63)" }]);
    expect(rules(base({ health: { score: 64, band: "yellow", components: [], missing: [] }, recentHighScore: 78 }))).toEqual([]);
  });

  it("fires renewal_risk within 90 days when not green", () => {
    const yellow = { score: 55, band: "yellow" as const, components: [], missing: [] };
    expect(evaluateRules(base({ health: yellow, recentHighScore: 56, renewalDate: "2027-01-15" }), config)).toEqual([
      { rule: "renewal_risk", severity: 45, reason: "renews on 2027-01-15 (in 56 days) and health is yellow" },
    ]);
    expect(rules(base({ health: yellow, recentHighScore: 56, renewalDate: "2027-03-01" }))).toEqual([]);
    expect(rules(base({ renewalDate: "2027-01-15" }))).toEqual([]);
    expect(rules(base({ health: yellow, recentHighScore: 56, renewalDate: "2026-11-01" }))).toEqual([]);
  });

  it("does not count the renewal twice: renewal_risk needs the health without the renewal weighting below green", () => {
    const renewal = (points: number) => ({ days: 56, points, evidence: "" });
    // 62 after 10 renewal points: 72 on its own, green: no renewal_risk.
    const weighted = { score: 62, band: "yellow" as const, components: [], missing: [], renewal: renewal(10) };
    expect(rules(base({ health: weighted, recentHighScore: 63, renewalDate: "2027-01-15" }))).toEqual([]);
    // 62 after 5 points: 67 on its own, yellow: it fires.
    const weak = { ...weighted, renewal: renewal(5) };
    expect(rules(base({ health: weak, recentHighScore: 63, renewalDate: "2027-01-15" }))).toEqual(["renewal_risk"]);
  });

  it("fires ticket_spike at three times the account's own baseline, with a floor of three tickets", () => {
    expect(evaluateRules(base({ ticketsLast7: 6, ticketBaselinePerWeek: 2 }), config)).toEqual([
      { rule: "ticket_spike", severity: 6, reason: "6 tickets in 7 days, 3× the usual 2 a week" },
    ]);
    expect(rules(base({ ticketsLast7: 5, ticketBaselinePerWeek: 2 }))).toEqual([]);
    expect(rules(base({ ticketsLast7: 2, ticketBaselinePerWeek: 0 }))).toEqual([]);
    expect(rules(base({ ticketsLast7: 3, ticketBaselinePerWeek: 0 }))).toEqual(["ticket_spike"]);
    expect(rules(base({ ticketsLast7: 9, ticketBaselinePerWeek: null }))).toEqual([]);
  });

  it("fires nps_detractor for 0 to 6, quoting the comment", () => {
    expect(
      evaluateRules(base({ nps: { score: 3, comment: "Exports keep failing", at: new Date("2026-11-02T12:00:00Z") } }), config),
    ).toEqual([{ rule: "nps_detractor", severity: 7, reason: "NPS 3 on 2026-11-02: 'Exports keep failing'" }]);
    expect(rules(base({ nps: { score: 7, comment: null, at: new Date("2026-11-02T12:00:00Z") } }))).toEqual([]);
    expect(rules(base({ nps: { score: 2, comment: null, at: new Date("2026-01-02T12:00:00Z") } }))).toEqual([]);
  });

  it("fires low_utilisation under 30% of seats", () => {
    expect(evaluateRules(base({ peakActiveLast30: 6 }), config)).toEqual([
      { rule: "low_utilisation", severity: 0.88, reason: "6 of 50 seats active (12%), under 30%" },
    ]);
    expect(rules(base({ peakActiveLast30: 15 }))).toEqual([]);
  });

  it("tells a worse run by the rule's step", () => {
    expect(hasWorsened("entered_red", 60, 64, config)).toBe(false);
    expect(hasWorsened("entered_red", 60, 65, config)).toBe(true);
    expect(hasWorsened("low_utilisation", 0.8, 0.85, config)).toBe(true);
  });

  it("runs only the enabled rules", () => {
    const off = parseHealthConfig(JSON.stringify({ rules: { nps_detractor: { enabled: false } } }));
    expect(evaluateRules(base({ nps: { score: 1, comment: null, at: new Date("2026-11-02T12:00:00Z") } }), off)).toEqual([]);
  });
});

describe("health configuration file", () => {
  it("the shipped example is valid", async () => {
    const { readFileSync } = await import("node:fs");
    const example = parseHealthConfig(
      readFileSync(new URL("../../../health-config.example.json", import.meta.url), "utf8"),
      "health-config.example.json",
    );
    expect(example.keyEvents).toEqual(["uploads"]);
    expect(example.escalation).toEqual({ leadUserId: "U0123LEAD", afterHours: 24 });
  });
});

describe("trends relative to the book and to last year", () => {
  const steady = (active: number, prev: number, keys = 300, prevKeys = 300): HealthInputs => ({
    ...full,
    usage: { ...full.usage, avgActiveLast30: active, avgActivePrev30: prev, keyEventsLast30: keys, keyEventsPrev30: prevKeys },
  });

  it("takes the median trend of the whole book and of each tier with enough accounts", () => {
    const accounts = [
      ...Array.from({ length: 21 }, (_, k) => ({ tier: "growth", usage: steady(80 + k, 100).usage })),
      ...Array.from({ length: 5 }, () => ({ tier: "starter", usage: steady(100, 100).usage })),
    ];
    const book = bookTrends(accounts);
    expect(book.all.accounts).toBe(26);
    expect(book.all.usage).toBeCloseTo(-0.075); // between the 13th and 14th of 26 changes: −8% and −7%
    expect(book.byTier.growth.usage).toBeCloseTo(-0.1);
    expect(book.byTier.starter.usage).toBeNull();
    expect(book.byTier.growth.keyEvents).toBeCloseTo(0);
  });

  it("does not count a dip the whole book shares as a risk, and says so", () => {
    const dip = steady(15, 20);
    const alone = scoreHealth(dip, config);
    const book = { all: { usage: -0.25, keyEvents: 0, accounts: 100 }, byTier: {} };
    const shared = scoreHealth(dip, config, book);
    const trend = (h: ReturnType<typeof scoreHealth>) => h.components.find((c) => c.name === "usageTrend")!;
    expect(trend(alone).score).toBe(37); // −25% shrunk by 20 / (20 + 3) users: −21.7%
    expect(trend(shared).score).toBe(70);
    expect(trend(shared).evidence).toBe("active users 20 → 15 a day in 30 days (-25% while the book was -25%: +0% relative)");
    expect(shared.score!).toBeGreaterThan(alone.score!);
    const flatBook = scoreHealth(dip, config, { all: { usage: 0.01, keyEvents: 0, accounts: 100 }, byTier: {} });
    expect(trend(flatBook).evidence).toBe("active users 20 → 15 a day in 30 days (-25% while the book was flat)");
  });

  it("prefers the tier's median, then the same weeks last year over the book", () => {
    const dip = { ...steady(15, 20), tier: "enterprise" };
    const book = { all: { usage: 0, keyEvents: 0, accounts: 100 }, byTier: { enterprise: { usage: -0.2, keyEvents: 0, accounts: 30 } } };
    expect(trendReference(dip, book, "usage")).toMatchObject({ source: "tier", change: -0.2 });
    const lastYear = { ...dip, usageYearAgo: { ...dip.usage, avgActiveLast30: 14, avgActivePrev30: 20 } };
    const ref = trendReference(lastYear, book, "usage")!;
    expect(ref.source).toBe("year_ago");
    const h = scoreHealth(lastYear, config, book);
    expect(h.components.find((c) => c.name === "usageTrend")!.evidence).toBe(
      "active users 20 → 15 a day in 30 days (-25%; +7% against the same weeks last year, when it was -30%)",
    );
  });
});

describe("trends relative to the account's peers (peerAttribute)", () => {
  const steady = (active: number, prev: number): HealthInputs["usage"] => ({
    ...full.usage,
    avgActiveLast30: active,
    avgActivePrev30: prev,
  });
  // A book where European accounts dip together in August while the others hold steady.
  const book = [
    ...Array.from({ length: 24 }, (_, k) => ({ tier: "growth", peer: "europe", usage: steady(68 + (k % 5), 100) })),
    ...Array.from({ length: 40 }, () => ({ tier: "growth", peer: "americas", usage: steady(100, 100) })),
    ...Array.from({ length: 6 }, () => ({ tier: "growth", peer: "apac", usage: steady(100, 100) })),
  ];

  it("takes each peer group's median, by the configured attribute, and none when it is not configured", () => {
    const ctx = bookTrends(book, "region");
    expect(Object.keys(ctx.byPeer!).sort()).toEqual(["americas", "apac", "europe"]);
    expect(ctx.byPeer!.europe.usage).toBeCloseTo(-0.3);
    expect(ctx.byPeer!.americas.usage).toBeCloseTo(0);
    expect(ctx.byPeer!.apac.usage).toBeNull(); // 6 accounts: too few for a median
    expect(ctx.byTier.growth.usage).toBeCloseTo(0);
    expect(bookTrends(book, null).byPeer).toBeUndefined();
  });

  it("judges a dip the account's peers share against them, before its tier, and says who they are", () => {
    const dip: HealthInputs = { ...full, tier: "growth", peer: "europe", usage: steady(70, 100) };
    const ctx = bookTrends(book, "region");
    expect(trendReference(dip, ctx, "usage")).toMatchObject({ source: "peers" });
    const h = scoreHealth(dip, config, ctx);
    const trend = h.components.find((c) => c.name === "usageTrend")!;
    expect(trend.score).toBeGreaterThanOrEqual(70);
    expect(trend.evidence).toBe("active users 100 → 70 a day in 30 days (-30% while europe accounts were -30%: +0% relative)");
    // Without peer groups the same dip is judged against the tier, which held steady: a risk.
    const alone = scoreHealth(dip, config, bookTrends(book, null));
    expect(alone.components.find((c) => c.name === "usageTrend")!.score).toBeLessThan(30);
    expect(alone.score!).toBeLessThan(h.score!);
  });

  it("falls back to the tier when the peer group is too small or the account has no value", () => {
    const ctx = bookTrends(book, "region");
    expect(trendReference({ ...full, tier: "growth", peer: "apac" }, ctx, "usage")).toMatchObject({ source: "tier" });
    expect(trendReference({ ...full, tier: "growth", peer: null }, ctx, "usage")).toMatchObject({ source: "tier" });
  });
});

describe("peerAttribute in the configuration", () => {
  it('is "region" by default, may be null, and must name an attribute', () => {
    expect(parseHealthConfig(null).peerAttribute).toBe("region");
    expect(parseHealthConfig('{"peerAttribute": null}').peerAttribute).toBeNull();
    expect(parseHealthConfig('{"peerAttribute": " industry "}').peerAttribute).toBe("industry");
    expect(() => parseHealthConfig('{"peerAttribute": ""}', "h.json")).toThrow(/peerAttribute.*must name an account attribute/);
    expect(() => parseHealthConfig('{"peerAttribute": "a\\"b"}', "h.json")).toThrow(/peerAttribute.*double quotes/);
  });
});

describe("onboarding and the renewal", () => {
  const defaults = parseHealthConfig(null);
  // A 20-seat account on day 30 of onboarding: its usage still ramping, trends steeply up and down.
  const young = (peak: number, reached: number, firstKeyEvent: number | null): HealthInputs => ({
    ...full,
    seats: 20,
    usage: { ...full.usage, avgActiveLast30: 3, avgActivePrev30: 6, peakActiveLast30: peak },
    knownFeatures: 12,
    lifecycle: { ageDays: 30, featuresUsedSinceStart: reached, daysToFirstKeyEvent: firstKeyEvent },
    supportLinked: false,
    nps: { latest: null, previousAverage: null },
    growth: { seatsThen: null, seatsNow: 20, arrThen: null, arrNow: null },
  });

  it("scores an onboarding account on activation against its age, not on its trends, and never red", () => {
    const ramping = scoreHealth(young(5, 4, 2), defaults);
    expect(ramping.onboarding).toMatchObject({ ageDays: 30, days: 90 });
    // 5 of 20 seats (25%) against 40% × (0.1 + 0.9 × 30/90) = 16% expected; 4 features against 6 × 0.4 = 2.4; key event on day 2
    expect(ramping.onboarding!.activation).toBe(100);
    expect(ramping.components.map((c) => c.name)).not.toContain("usageTrend");
    expect(ramping.missing).not.toContain("usageTrend");
    expect(ramping.components.find((c) => c.name === "licenceUtilisation")!.evidence).toBe(
      "5 of 20 seats active (25%) on day 30 of onboarding, about 16% expected by now",
    );
    expect(ramping.band).toBe("green");

    const stalled = scoreHealth(young(1, 1, null), defaults);
    // 1 of 20 seats (5%) against 16%: 31; no key event in 30 days: 100 − 16 × 3 = 52; 1 of 2.4 features: 42
    expect(stalled.onboarding!.activation).toBe(31);
    // A stalled start scores no higher than its activation (so it ranks with the accounts at risk), yet is never red.
    expect(stalled.score).toBe(31);
    expect(stalled.band).not.toBe("red");
    expect(ramping.score).toBeGreaterThan(31);
    const hits = evaluateRules(
      {
        today: "2026-11-20",
        health: stalled,
        recentHighScore: null,
        renewalDate: null,
        seats: 20,
        peakActiveLast30: 1,
        ticketsLast7: 0,
        ticketBaselinePerWeek: null,
        nps: null,
      },
      defaults,
    );
    expect(hits.map((h) => h.rule)).toEqual(["onboarding_stalled"]);
    expect(hits[0].reason).toMatch(/^activation 31 on day 30 of 90 of onboarding \(below 50\): 1 of 20 seats active \(5%\)/);
  });

  it("scores a start that is not yet proven at most the green line, rising to 100 by the end of onboarding", () => {
    // A strong start (8 of 20 seats, 6 features, a key event on day 1), whose other components are all 100.
    const strong = (ageDays: number): HealthInputs => ({
      ...young(8, 6, 1),
      usage: { ...young(8, 6, 1).usage, keyEventsLast30: 600, keyEventsPrev30: 600 },
      featuresUsedLast30: 6,
      lifecycle: { ageDays, featuresUsedSinceStart: 6, daysToFirstKeyEvent: 1 },
    });
    const day15 = scoreHealth(strong(15), defaults);
    expect(day15.onboarding!.activation).toBe(100);
    // 70 (the green line) + 30 × 15/90 = 75.
    expect(day15.score).toBe(75);
    expect(day15.band).toBe("green");
    expect(day15.onboarding!.evidence).toMatch(/; at most 75 on day 15 of 90 until the start has proven itself$/);
    const day60 = scoreHealth(strong(60), defaults);
    expect(day60.score).toBe(90);
    // Past onboarding, the same account is scored on its trends, with no cap.
    const settled = scoreHealth(strong(90), defaults);
    expect(settled.onboarding).toBeUndefined();
    // A stalled start stays at its activation, under the cap, and its evidence says nothing of the cap.
    const stalled = scoreHealth(young(1, 1, null), defaults);
    expect(stalled.score).toBe(31);
    expect(stalled.onboarding!.evidence).not.toContain("at most");
  });

  it("does not call a start stalled in its first 14 days", () => {
    const day5 = scoreHealth(
      { ...young(0, 0, null), lifecycle: { ageDays: 5, featuresUsedSinceStart: 0, daysToFirstKeyEvent: null } },
      defaults,
    );
    expect(day5.onboarding!.activation).toBe(100);
    expect(day5.onboarding!.evidence).toMatch(/^too early to judge on day 5 of 14: /);
    const day14 = scoreHealth(
      { ...young(0, 0, null), lifecycle: { ageDays: 14, featuresUsedSinceStart: 0, daysToFirstKeyEvent: null } },
      defaults,
    );
    // No seat active and no feature reached by day 14: 0.
    expect(day14.onboarding!.activation).toBe(0);
  });

  it("scores an account past onboarding, or of unknown age, on its trends", () => {
    const old = scoreHealth(
      { ...young(1, 1, null), lifecycle: { ageDays: 90, featuresUsedSinceStart: 1, daysToFirstKeyEvent: null } },
      defaults,
    );
    expect(old.onboarding).toBeUndefined();
    expect(old.components.map((c) => c.name)).toContain("usageTrend");
    const unknown = scoreHealth({ ...young(1, 1, null), ...UNKNOWN_CONTEXT }, defaults);
    expect(unknown.onboarding).toBeUndefined();
  });

  it("weighs a weak score more the nearer the renewal, and says so", () => {
    const fair: HealthInputs = { ...full, usage: { ...full.usage, avgActiveLast30: 25, keyEventsLast30: 600 } };
    const far = scoreHealth(fair, defaults);
    const soon = scoreHealth({ ...fair, daysToRenewal: 30 }, defaults);
    const today = scoreHealth({ ...fair, daysToRenewal: 0 }, defaults);
    expect(far.score).toBe(55);
    expect(far.renewal).toBeUndefined();
    // closeness 1 − 30/180: weight 1 × closeness × (100 − score) points off
    expect(soon.renewal!.points).toBe(Math.round(1 * (1 - 30 / 180) * (100 - far.score!)));
    expect(soon.score).toBe(far.score! - soon.renewal!.points);
    expect(today.score!).toBeLessThan(soon.score!);
    expect(soon.renewal!.evidence).toBe(`renews in 30 days: a weak score weighs more near the renewal (−${soon.renewal!.points} points)`);
    expect(scoreHealth({ ...fair, daysToRenewal: 181 }, defaults).renewal).toBeUndefined();
    const off = parseHealthConfig(JSON.stringify({ renewal: { weight: 0 } }));
    expect(scoreHealth({ ...fair, daysToRenewal: 0 }, off).score).toBe(far.score);
  });

  it("refuses a bad onboarding or renewal setting with a clear message", () => {
    expect(() => parseHealthConfig('{"onboardingDays":-1,"renewal":{"weight":5,"within":3}}', "h.json")).toThrow(
      /onboardingDays must be 0 \(no onboarding stage\) or more[\s\S]*renewal has unknown field "within"/,
    );
    expect(() => parseHealthConfig('{"rules":{"onboarding_stalled":{"below":0}}}', "h.json")).toThrow(
      /rules.onboarding_stalled.below must be at least 1/,
    );
  });
});

describe("thousands", () => {
  it("writes whole numbers as toLocaleString('en-US') does", () => {
    for (const n of [0, 7, 99, 100, 999, 1000, 12345, 123456, 1234567, 60000, -1, -1000, -1234567, 1e15])
      expect(thousands(n)).toBe(n.toLocaleString("en-US"));
  });
});

describe("scoring without evidence", () => {
  it("gives the same scores, bands and weights with the evidence left empty", () => {
    const near = { ...full, daysToRenewal: 30 };
    const told = scoreHealth(near, config);
    const quiet = scoreHealth(near, config, null, { evidence: false });
    expect(quiet.score).toBe(told.score);
    expect(quiet.band).toBe(told.band);
    expect(quiet.components.map((c) => [c.name, c.score, c.weight])).toEqual(told.components.map((c) => [c.name, c.score, c.weight]));
    expect(quiet.renewal!.points).toBe(told.renewal!.points);
    expect(told.components.every((c) => c.evidence.length > 0)).toBe(true);
    expect(quiet.components.every((c) => c.evidence === "") && quiet.renewal!.evidence === "").toBe(true);
  });
});
