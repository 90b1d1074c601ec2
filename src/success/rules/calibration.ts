// The calibration of health scores: how many of the accounts that scored in a range churned within the
// horizon, counted by a backtest (or a fit) on the company's own labelled history and written into the
// health configuration file as `calibration`. It turns a score into "about 1 in N similar accounts
// churned within 90 days"; without a calibration, or when it no longer describes the scores (another
// scoring configuration than the one it was counted under) or counted too few accounts, nothing is said.
import { z } from "zod";
import type { HealthConfig } from "./health-config.ts";

/** A bucket with fewer month-end snapshots than this says nothing (the backtest writes buckets of 100 or more). */
export const MIN_SNAPSHOTS_SHOWN = 30;

/** The parts of the configuration that do not change an account's score: a calibration stays true when they change. */
const NOT_SCORING = new Set(["calibration", "bands", "rules", "routing", "escalation"]);

const isoDate = z
  .string({ error: "must be a date such as 2026-11-12" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date such as 2026-11-12", abort: true })
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    "must be a real day",
  );
const count = z.number({ error: "must be a whole number, 0 or more" }).int("must be a whole number").min(0, "must be 0 or more");
const score = z
  .number({ error: "must be a score from 0 to 100" })
  .int("must be a whole score")
  .min(0, "must be 0 or more")
  .max(100, "must be at most 100");

const bucketSchema = z
  .object({ from: score, to: score, snapshots: count, churned: count })
  .strict()
  .superRefine((b, ctx) => {
    if (b.to < b.from) ctx.addIssue({ code: "custom", path: ["to"], message: `must be ${b.from} or more (the bucket's "from")` });
    if (b.churned > b.snapshots)
      ctx.addIssue({ code: "custom", path: ["churned"], message: `must be at most the bucket's snapshots (${b.snapshots})` });
  });

export const calibrationSchema = z
  .object({
    /** Churn counted within this many days after each snapshot. */
    horizonDays: z.number({ error: "must be a whole number of days" }).int("must be a whole number of days").min(1).max(3650),
    /** The day the backtest ran. */
    date: isoDate,
    source: z
      .object({
        /** A plain backtest of the configuration's scores, or the fitted weights' scores on the held-out part of a fit. */
        kind: z.enum(["backtest", "fit"], { error: 'must be "backtest" or "fit"' }),
        /** The history's directory name. */
        history: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
        accounts: count,
        /** All month-end snapshots counted (the sum of the buckets'). */
        snapshots: count,
        /** The first and last month-end days counted. */
        from: isoDate,
        to: isoDate,
      })
      .strict(),
    /** A fingerprint of the settings that change scores (weights, distressWeight, knownFeatures, keyEvents…) when it was counted. */
    scoredWith: z.string().min(1, "must be the fingerprint the backtest wrote"),
    buckets: z.array(bucketSchema).min(1, "must hold at least one bucket"),
  })
  .strict()
  .superRefine((c, ctx) => {
    const b = c.buckets;
    const where = (i: number, field: string) => ["buckets", i, field];
    if (b[0].from !== 0)
      ctx.addIssue({ code: "custom", path: where(0, "from"), message: "must be 0: the buckets cover every score from 0 to 100" });
    for (let i = 1; i < b.length; i++) {
      if (b[i].from !== b[i - 1].to + 1)
        ctx.addIssue({
          code: "custom",
          path: where(i, "from"),
          message: `must be ${b[i - 1].to + 1}, the score after the previous bucket's "to" (${b[i - 1].to}): buckets go from low to high scores without gaps or overlap`,
        });
    }
    const last = b.length - 1;
    if (b[last].to !== 100)
      ctx.addIssue({ code: "custom", path: where(last, "to"), message: "must be 100: the buckets cover every score from 0 to 100" });
    const total = b.reduce((s, x) => s + x.snapshots, 0);
    if (total !== c.source.snapshots)
      ctx.addIssue({ code: "custom", path: ["source", "snapshots"], message: `must be the buckets' snapshots added up (${total})` });
  });

export type Calibration = z.infer<typeof calibrationSchema>;

/** JSON with object keys sorted, so the same settings give the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** A 53-bit string hash (cyrb53), as 14 hex digits. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

/**
 * The fingerprint of the settings that change an account's score: every part of the (parsed) configuration
 * but the bands, rules, routing, escalation and the calibration itself.
 */
export function scoringFingerprint(config: object): string {
  const scoring = Object.fromEntries(Object.entries(config).filter(([k]) => !NOT_SCORING.has(k)));
  return `v1:${hash(canonical(scoring))}`;
}

/** Whether the configuration holds a calibration counted under other scoring settings (then it is not used). */
export function calibrationIsStale(config: HealthConfig): boolean {
  return config.calibration !== undefined && config.calibration.scoredWith !== scoringFingerprint(config);
}

/** What the calibration says of one score: the bucket it falls in and how many of its snapshots churned. */
export interface ChurnChance {
  /** The bucket's scores. */
  from: number;
  to: number;
  snapshots: number;
  churned: number;
  /** About 1 in this many churned (snapshots ÷ churned, rounded); null when none did. */
  oneIn: number | null;
  horizonDays: number;
  source: { kind: "backtest" | "fit"; date: string; accounts: number };
}

/**
 * The churn the calibration counted among accounts with this score, or null when there is nothing honest to
 * say: no score, no calibration, a calibration counted under other scoring settings, or a bucket with fewer
 * than MIN_SNAPSHOTS_SHOWN snapshots.
 */
export function churnChance(score: number | null, config: HealthConfig): ChurnChance | null {
  const c = config.calibration;
  if (score === null || !c || calibrationIsStale(config)) return null;
  const s = Math.max(0, Math.min(100, Math.round(score)));
  const bucket = c.buckets.find((b) => b.from <= s && s <= b.to);
  if (!bucket || bucket.snapshots < MIN_SNAPSHOTS_SHOWN) return null;
  return {
    from: bucket.from,
    to: bucket.to,
    snapshots: bucket.snapshots,
    churned: bucket.churned,
    oneIn: bucket.churned ? Math.round(bucket.snapshots / bucket.churned) : null,
    horizonDays: c.horizonDays,
    source: { kind: c.source.kind, date: c.date, accounts: c.source.accounts },
  };
}
