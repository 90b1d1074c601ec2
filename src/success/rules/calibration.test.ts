// The calibration in the health configuration: what the file must hold (buckets covering 0-100 in order,
// counts that add up) and what a score maps to ("about 1 in N"), or nothing when there is nothing honest to say.
import { describe, expect, it } from "vitest";
import { calibrationIsStale, churnChance, scoringFingerprint } from "./calibration.ts";
import { HealthConfigError, parseHealthConfig } from "./health-config.ts";

const defaults = parseHealthConfig(null);

const buckets = [
  { from: 0, to: 39, snapshots: 400, churned: 100 },
  { from: 40, to: 69, snapshots: 1200, churned: 60 },
  { from: 70, to: 89, snapshots: 20, churned: 1 },
  { from: 90, to: 100, snapshots: 3000, churned: 0 },
];

function calibration(over: Record<string, unknown> = {}, scoredWith = scoringFingerprint(defaults)) {
  const b = (over.buckets as typeof buckets | undefined) ?? buckets;
  return {
    horizonDays: 90,
    date: "2026-11-12",
    source: {
      kind: "backtest",
      history: "acme-2026",
      accounts: 2000,
      snapshots: b.reduce((s, x) => s + x.snapshots, 0),
      from: "2026-01-31",
      to: "2026-08-31",
    },
    scoredWith,
    buckets: b,
    ...over,
  };
}

const parse = (file: Record<string, unknown>) => parseHealthConfig(JSON.stringify(file), "health.json");
const problems = (file: Record<string, unknown>) => {
  try {
    parse(file);
  } catch (error) {
    if (error instanceof HealthConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe("the calibration section", () => {
  it("is optional, and read back as written", () => {
    expect(defaults.calibration).toBeUndefined();
    expect(parse({ calibration: calibration() }).calibration?.buckets).toEqual(buckets);
  });

  it("says which bucket leaves a gap, overlaps or misses an end of 0-100", () => {
    const gap = [buckets[0], { ...buckets[1], from: 41 }, buckets[2], buckets[3]];
    expect(problems({ calibration: calibration({ buckets: gap }) })).toEqual([
      `calibration.buckets.1.from must be 40, the score after the previous bucket's "to" (39): buckets go from low to high scores without gaps or overlap`,
    ]);
    const overlap = [buckets[0], { ...buckets[1], from: 30 }, buckets[2], buckets[3]];
    expect(problems({ calibration: calibration({ buckets: overlap }) })[0]).toContain("calibration.buckets.1.from must be 40");
    const ends = [{ ...buckets[0], from: 5 }, buckets[1], buckets[2], { ...buckets[3], to: 99 }];
    expect(problems({ calibration: calibration({ buckets: ends }) })).toEqual([
      "calibration.buckets.0.from must be 0: the buckets cover every score from 0 to 100",
      "calibration.buckets.3.to must be 100: the buckets cover every score from 0 to 100",
    ]);
  });

  it("refuses counts that are not whole and non-negative, more churned than snapshots, and totals that do not add up", () => {
    const bad = [{ ...buckets[0], snapshots: -1, churned: 0 }, { ...buckets[1], churned: 1.5 }, { ...buckets[2], churned: 21 }, buckets[3]];
    const found = problems({ calibration: calibration({ buckets: bad }) });
    expect(found).toContain("calibration.buckets.0.snapshots must be 0 or more");
    expect(found).toContain("calibration.buckets.1.churned must be a whole number");
    expect(found).toContain("calibration.buckets.2.churned must be at most the bucket's snapshots (20)");
    const c = calibration();
    expect(problems({ calibration: { ...c, source: { ...c.source, snapshots: 7 } } })).toEqual([
      "calibration.source.snapshots must be the buckets' snapshots added up (4620)",
    ]);
    expect(problems({ calibration: { ...c, extra: 1 } })[0]).toContain('calibration has unknown field "extra"');
    expect(problems({ calibration: { ...c, date: "2026-02-30" } })).toEqual(["calibration.date must be a real day"]);
    expect(problems({ calibration: { ...c, date: "12 Nov 2026" } })).toEqual(["calibration.date must be a date such as 2026-11-12"]);
  });
});

describe("a score's churn chance", () => {
  const config = parse({ calibration: calibration() });

  it("is about 1 in N of the score's bucket, with the horizon and where it was counted", () => {
    expect(churnChance(11, config)).toEqual({
      from: 0,
      to: 39,
      snapshots: 400,
      churned: 100,
      oneIn: 4,
      horizonDays: 90,
      source: { kind: "backtest", date: "2026-11-12", accounts: 2000 },
    });
    expect(churnChance(40, config)?.oneIn).toBe(20);
    expect(churnChance(69, config)?.oneIn).toBe(20);
    // A bucket where none churned says so (oneIn null), with its real count.
    expect(churnChance(95, config)).toMatchObject({ churned: 0, snapshots: 3000, oneIn: null });
  });

  it("is nothing without a calibration, without a score, or for a bucket with too few snapshots", () => {
    expect(churnChance(11, defaults)).toBeNull();
    expect(churnChance(null, config)).toBeNull();
    expect(churnChance(80, config)).toBeNull();
  });

  it("is nothing once the scoring settings differ from those it was counted under, and the bands do not matter", () => {
    const reweighted = parse({ weights: { nps: 30 }, calibration: calibration() });
    expect(calibrationIsStale(reweighted)).toBe(true);
    expect(churnChance(11, reweighted)).toBeNull();
    const otherEvents = parse({ keyEvents: ["upload"], calibration: calibration() });
    expect(churnChance(11, otherEvents)).toBeNull();
    const rebanded = parse({ bands: { green: 80, yellow: 50 }, rules: { ticket_spike: { enabled: false } }, calibration: calibration() });
    expect(calibrationIsStale(rebanded)).toBe(false);
    expect(churnChance(11, rebanded)?.oneIn).toBe(4);
    // Counted under the reweighted settings, it describes them.
    const matching = parse({ weights: { nps: 30 }, calibration: calibration({}, scoringFingerprint(reweighted)) });
    expect(churnChance(11, matching)?.oneIn).toBe(4);
  });
});
