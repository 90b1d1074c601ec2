// What a current score keeps of its check (pure functions, no database): the figures, worded when shown
// into the same evidence the check would have written.
import { describe, expect, it } from "vitest";
import { parseHealthConfig } from "./health-config.ts";
import { bookTrends, scoreHealth, type BookContext, type HealthInputs } from "./health-model.ts";
import { componentViews, decodeInputs, encodeInputs, healthRecord, keptBook } from "./health-record.ts";

const config = parseHealthConfig(JSON.stringify({ peerAttribute: "region" }));

const base: HealthInputs = {
  seats: 50,
  usage: {
    daysLast30: 30,
    daysPrev30: 30,
    avgActiveLast30: 20.333333333333332,
    avgActivePrev30: 25,
    peakActiveLast30: 30,
    keyEventsLast30: 3_300,
    keyEventsPrev30: 6_000,
    days61to90: 30,
    avgActive61to90: 26,
    keyEvents61to90: 6_100,
    daysLast7: 7,
    avgActiveLast7: 18,
    keyEventsLast7: 500,
  },
  featuresUsedLast30: 4,
  featuresUsedLast90: 6,
  knownFeatures: 10,
  supportLinked: true,
  tickets30: { urgent: 1, high: 1, normal: 2, low: 0 },
  experience: { csatAnswers: 2, csatAverage: 3, slaStopped: 4, slaBreached: 1, resolved: 4, reopened: 1 },
  nps: { latest: { score: 3, comment: "Exports keep failing <!channel>", at: new Date("2026-11-01T10:00:00Z") }, previousAverage: 7 },
  growth: { seatsThen: 60, seatsNow: 50, arrThen: 60_000, arrNow: 48_000 },
  tier: "growth",
  peer: "europe",
  lifecycle: { ageDays: 400, featuresUsedSinceStart: 8, daysToFirstKeyEvent: 2 },
  usageYearAgo: null,
  daysToRenewal: 20,
};

/** The same weeks a year earlier, as the check measures them. */
const yearAgo: NonNullable<HealthInputs["usageYearAgo"]> = {
  daysLast30: 30,
  daysPrev30: 30,
  avgActiveLast30: 20,
  avgActivePrev30: 20,
  keyEventsLast30: 6_000,
  keyEventsPrev30: 6_000,
  days61to90: 30,
  avgActive61to90: 21,
  keyEvents61to90: 6_050,
};

/** A book of 60 accounts: 30 European ones down 30%, 30 others flat, in two tiers. */
const book = bookTrends(
  Array.from({ length: 60 }, (_, i) => ({
    tier: i % 2 ? "growth" : "starter",
    peer: i < 30 ? "europe" : "americas",
    usage: {
      ...base.usage,
      avgActivePrev30: 20,
      avgActiveLast30: i < 30 ? 14 : 20,
      keyEventsPrev30: 600,
      keyEventsLast30: i < 30 ? 420 : 600,
    },
  })),
  "region",
);

const cases: Record<string, HealthInputs> = {
  "an established account near its renewal, judged against its region": base,
  "an account judged against its own same weeks a year ago": {
    ...base,
    peer: null,
    usageYearAgo: { ...yearAgo, avgActiveLast30: 14, avgActivePrev30: 20 },
  },
  "an account in its first weeks (scored on activation)": {
    ...base,
    seats: 20,
    lifecycle: { ageDays: 30, featuresUsedSinceStart: 3, daysToFirstKeyEvent: null },
    daysToRenewal: null,
    nps: { latest: null, previousAverage: null },
  },
  "an account with no tier, peer, support or NPS": {
    ...base,
    tier: null,
    peer: null,
    supportLinked: false,
    nps: { latest: null, previousAverage: null },
    daysToRenewal: null,
  },
};

/** Through the database and back: what the current score and its run store is JSON. */
const stored = (inputs: HealthInputs) =>
  JSON.parse(JSON.stringify(healthRecord(scoreHealth(inputs, config, book, { evidence: false }), inputs, config))) as unknown;
const runBook = JSON.parse(JSON.stringify(book)) as BookContext;

describe("a current score's record", () => {
  for (const [name, inputs] of Object.entries(cases)) {
    it(`words the evidence the check would have written: ${name}`, () => {
      const worded = scoreHealth(inputs, config, book);
      const shown = componentViews(stored(inputs), config, runBook);
      expect(shown.map((c) => c.name)).toEqual(worded.components.map((c) => c.name));
      for (const [i, c] of shown.entries()) {
        expect(c.evidence).toBe(worded.components[i].evidence);
        expect(c.evidence.length).toBeGreaterThan(0);
        expect(c.score).toBe(worded.components[i].score);
        expect(c.weight).toBeCloseTo(worded.components[i].weight, 3);
      }
    });
  }

  it("keeps the inputs as figures that read back the same, optional figures absent again", () => {
    const measured = { ...base, usageYearAgo: { ...yearAgo, avgActiveLast30: 14.5 } };
    const { days61to90, avgActive61to90, keyEvents61to90, daysLast7, avgActiveLast7, keyEventsLast7, ...unmeasured } = base.usage;
    void [days61to90, avgActive61to90, keyEvents61to90, daysLast7, avgActiveLast7, keyEventsLast7];
    const older: HealthInputs = { ...base, usage: unmeasured, featuresUsedLast90: undefined };
    for (const inputs of [...Object.values(cases), measured, older]) {
      const figures = JSON.parse(JSON.stringify(encodeInputs(inputs))) as ReturnType<typeof encodeInputs>;
      expect(decodeInputs(figures)).toEqual({ ...inputs, peer: inputs.peer ?? null });
    }
    expect(JSON.stringify(encodeInputs(base)).length).toBeLessThan(JSON.stringify(base).length / 2);
  });

  it("shows the check's components and scores after the configuration changed, worded from the check's figures", () => {
    // 100 days old: established under the check's 90 days of onboarding, onboarding under today's 365.
    const established = { ...base, lifecycle: { ...base.lifecycle, ageDays: 100 } };
    const record = stored(established);
    const later = parseHealthConfig(JSON.stringify({ peerAttribute: "region", weights: { nps: 0, usageTrend: 0 }, onboardingDays: 365 }));
    const shown = componentViews(record, later, runBook);
    const worded = scoreHealth(established, config, book);
    expect(shown.find((c) => c.name === "usageTrend")!.evidence).toMatch(/^active users 25 → 20.3 a day in 30 days/);
    expect(shown.map((c) => [c.name, c.score, c.evidence])).toEqual(worded.components.map((c) => [c.name, c.score, c.evidence]));
    expect(shown.find((c) => c.name === "nps")!.evidence).toBe("NPS 3: 'Exports keep failing <!channel>' (before: 7)");
  });

  it("labels the key events with the names the check counted, whatever they are named today", () => {
    const counted = parseHealthConfig(JSON.stringify({ peerAttribute: "region", keyEvents: ["export"] }));
    const record = JSON.parse(
      JSON.stringify(healthRecord(scoreHealth(base, counted, book, { evidence: false }), base, counted)),
    ) as unknown;
    const later = parseHealthConfig(JSON.stringify({ peerAttribute: "region", keyEvents: ["upload"] }));
    const keys = componentViews(record, later, runBook).find((c) => c.name === "keyEventsTrend")!;
    expect(keys.evidence).toBe(scoreHealth(base, counted, book).components.find((c) => c.name === "keyEventsTrend")!.evidence);
    expect(keys.evidence).toMatch(/^export 6,000 → 3,300 in 30 days/);
  });

  it("keeps the book's groups that have a median, with the same words; reads a book of another shape as none", () => {
    // One peer group per account (an attribute unique to each): none has enough accounts for a median.
    const unique = bookTrends(
      Array.from({ length: 60 }, (_, i) => ({ tier: "growth", peer: `p${i}`, usage: base.usage })),
      "region",
    );
    const kept = keptBook(unique);
    expect(Object.keys(kept.byPeer!)).toEqual([]);
    expect(Object.keys(kept.byTier)).toEqual(["growth"]);
    const inputs = { ...base, peer: "p3" };
    const record = JSON.parse(
      JSON.stringify(healthRecord(scoreHealth(inputs, config, unique, { evidence: false }), inputs, config)),
    ) as unknown;
    expect(componentViews(record, config, JSON.parse(JSON.stringify(kept)))).toEqual(
      scoreHealth(inputs, config, unique).components.map((c) => ({ ...c, weight: Math.round(c.weight * 10_000) / 10_000 })),
    );
    const bookless = scoreHealth(inputs, config, null).components.map((c) => c.evidence);
    for (const bad of [{}, { all: null }, [], "book", { all: {}, byTier: [] }])
      expect(componentViews(record, config, bad).map((c) => c.evidence)).toEqual(bookless);
  });

  it("reads a current score stored before records as it was, and anything else as no components", () => {
    const old = [{ name: "nps", score: 30, weight: 0.5, evidence: "NPS 3" }];
    expect(componentViews(old, config, runBook)).toEqual(old);
    expect(componentViews({ v: 3 }, config, runBook)).toEqual([]);
    expect(componentViews({ v: 2, components: [], inputs: [1, 2] }, config, runBook)).toEqual([]);
    const record = stored(base) as { components: unknown[] };
    expect(componentViews({ ...record, components: [["constructor", 1, 1]] }, config, runBook)).toEqual([]);
    expect(componentViews(null, config, null)).toEqual([]);
  });
});
