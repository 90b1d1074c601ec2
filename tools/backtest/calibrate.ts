// The calibration a backtest writes into the health configuration (`--write`): of the month-end snapshots
// whose outcome is known (on or before the last day minus the horizon), how many churned within the
// horizon, per score bucket.
//
// - Buckets start 5 points wide (0-4, 5-9, ..., 95-100).
// - A bucket with fewer than MIN_BUCKET_SNAPSHOTS snapshots is merged with its smaller neighbour, the
//   sparsest first, until every bucket has enough (or one bucket is left).
// - Then adjacent buckets where a higher score churned more often than a lower one are pooled
//   (pool-adjacent-violators), so the share churned never rises with the score.
// Every bucket's counts are real counts of snapshots: merging adds them up, nothing is smoothed.
import { basename } from "node:path";
import { scoringFingerprint, type Calibration } from "../../src/success/rules/calibration.ts";
import type { HealthConfig } from "../../src/success/rules/health-config.ts";
import { dateOfDay } from "./dates.ts";
import type { ReplayResult } from "./replay.ts";
import { churnedWithin, textTable } from "./report.ts";

export const BUCKET_WIDTH = 5;
export const MIN_BUCKET_SNAPSHOTS = 100;

export interface CalibrationBucket {
  from: number;
  to: number;
  snapshots: number;
  churned: number;
}

export interface CalibrationCount {
  horizonDays: number;
  /** The first and last month-end days counted (null when none). */
  from: string | null;
  to: string | null;
  snapshots: number;
  churned: number;
  /** Empty when no snapshot could be counted. */
  buckets: CalibrationBucket[];
}

/** Whether bucket `a` (lower scores) churned less often than `b` (higher scores): the order PAVA removes. */
const violates = (a: CalibrationBucket, b: CalibrationBucket) => a.churned * b.snapshots < b.churned * a.snapshots;

const merge = (a: CalibrationBucket, b: CalibrationBucket): CalibrationBucket => ({
  from: a.from,
  to: b.to,
  snapshots: a.snapshots + b.snapshots,
  churned: a.churned + b.churned,
});

/** The buckets from scored items: 5-point ranges, sparse ones merged, then pooled so the share churned falls as the score rises. */
export function calibrationBuckets(
  items: readonly { score: number; churned: boolean }[],
  minSnapshots = MIN_BUCKET_SNAPSHOTS,
): CalibrationBucket[] {
  if (!items.length) return [];
  let buckets: CalibrationBucket[] = [];
  for (let from = 0; from <= 100; from += BUCKET_WIDTH) {
    buckets.push({ from, to: from + BUCKET_WIDTH - 1 >= 99 ? 100 : from + BUCKET_WIDTH - 1, snapshots: 0, churned: 0 });
    if (from + BUCKET_WIDTH - 1 >= 99) break;
  }
  for (const item of items) {
    const s = Math.max(0, Math.min(100, Math.round(item.score)));
    const b = buckets.find((x) => x.from <= s && s <= x.to)!;
    b.snapshots++;
    if (item.churned) b.churned++;
  }
  // Sparse buckets: the sparsest merged with its smaller neighbour (the lower one on a tie).
  while (buckets.length > 1) {
    let i = -1;
    for (let j = 0; j < buckets.length; j++)
      if (buckets[j].snapshots < minSnapshots && (i < 0 || buckets[j].snapshots < buckets[i].snapshots)) i = j;
    if (i < 0) break;
    const left = i > 0 ? buckets[i - 1] : null;
    const right = i < buckets.length - 1 ? buckets[i + 1] : null;
    const withLeft = left !== null && (right === null || left.snapshots <= right.snapshots);
    const at = withLeft ? i - 1 : i;
    buckets = [...buckets.slice(0, at), merge(buckets[at], buckets[at + 1]), ...buckets.slice(at + 2)];
  }
  // Pool adjacent violators: low to high score, merging back while a lower bucket churned less often.
  const pooled: CalibrationBucket[] = [];
  for (const b of buckets) {
    let top = b;
    while (pooled.length && violates(pooled[pooled.length - 1], top)) top = merge(pooled.pop()!, top);
    pooled.push(top);
  }
  return pooled;
}

/**
 * Counts run `runIndex`'s month-end snapshots of the replay (from its `start`, as `fromDay` leaves it for a
 * fit's held-out part) whose outcome is known, into buckets.
 */
export function countCalibration(result: ReplayResult, runIndex: number, horizon: number): CalibrationCount {
  const items: { score: number; churned: boolean }[] = [];
  let first: number | null = null;
  let last: number | null = null;
  for (const s of result.snapshots) {
    const score = s.scores[runIndex];
    if (s.day < result.start || s.day > result.end - horizon || score === null || score === undefined) continue;
    items.push({ score, churned: churnedWithin(result, s.account, s.day, horizon) });
    if (first === null || s.day < first) first = s.day;
    if (last === null || s.day > last) last = s.day;
  }
  const date = (day: number | null) => (day === null ? null : dateOfDay(result.timeline.origin + day));
  return {
    horizonDays: horizon,
    from: date(first),
    to: date(last),
    snapshots: items.length,
    churned: items.filter((i) => i.churned).length,
    buckets: calibrationBuckets(items),
  };
}

/** What a history is called in the calibration: its directory's name. */
export const historyName = (dir: string) => basename(dir.replace(/[/\\]+$/, "")) || dir;

/**
 * The `calibration` section of the health configuration file, for the configuration whose scores were
 * counted (null when nothing could be counted).
 */
export function calibrationSection(
  count: CalibrationCount,
  o: { kind: "backtest" | "fit"; history: string; accounts: number; date: string; scoredUnder: HealthConfig },
): Calibration | null {
  if (!count.buckets.length || count.from === null || count.to === null) return null;
  return {
    horizonDays: count.horizonDays,
    date: o.date,
    source: { kind: o.kind, history: o.history, accounts: o.accounts, snapshots: count.snapshots, from: count.from, to: count.to },
    scoredWith: scoringFingerprint(o.scoredUnder),
    buckets: count.buckets,
  };
}

/** The calibration as a table: per bucket, the snapshots, how many churned and "1 in N". */
export function formatCalibration(count: CalibrationCount, of: string): string {
  if (!count.buckets.length)
    return `Churn by score (${of}): no month-end snapshot is at least ${count.horizonDays} days before the end of the data, so nothing can be counted.`;
  return [
    `Churn within ${count.horizonDays} days by score (${of}): month-end snapshots ${count.from} to ${count.to}, ${count.churned} of ${count.snapshots} followed by churn. ` +
      `Buckets of ${MIN_BUCKET_SNAPSHOTS} snapshots or more, pooled so the share never rises with the score; --write puts them in the configuration as "calibration".`,
    "",
    ...textTable([
      ["score", "snapshots", "churned", "about 1 in"],
      ...count.buckets.map((b) => [
        `${b.from}-${b.to}`,
        String(b.snapshots),
        String(b.churned),
        b.churned ? String(Math.round(b.snapshots / b.churned)) : "none churned",
      ]),
    ]),
  ].join("\n");
}
