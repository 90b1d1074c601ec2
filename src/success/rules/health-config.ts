// The health model's configuration: component weights, band thresholds, the features and key events
// that count, the risk rules with their parameters, alert routing per CSM and the escalation of
// unacknowledged red alerts. One validated JSON file (HEALTH_CONFIG_FILE, else ./health-config.json,
// else the defaults below); a bad file stops start-up with one line per problem.
import { z } from "zod";
import { calibrationSchema } from "./calibration.ts";

export const COMPONENTS = [
  "productBreadth",
  "licenceUtilisation",
  "usageTrend",
  "keyEventsTrend",
  "supportLoad",
  "supportExperience",
  "nps",
  "accountGrowth",
  "featureRetention",
  "recentActivity",
] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export const RULES = [
  "entered_red",
  "score_drop",
  "renewal_risk",
  "ticket_spike",
  "nps_detractor",
  "low_utilisation",
  "onboarding_stalled",
] as const;
export type RuleName = (typeof RULES)[number];

const DEFAULT_WEIGHTS: Record<ComponentName, number> = {
  productBreadth: 5,
  licenceUtilisation: 5,
  usageTrend: 20,
  keyEventsTrend: 20,
  supportLoad: 10,
  supportExperience: 5,
  nps: 10,
  accountGrowth: 25,
  featureRetention: 40,
  recentActivity: 20,
};

const weight = z.number({ error: "must be a number from 0 to 100" }).min(0, "must be 0 or more").max(100, "must be at most 100");
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user ID such as U0123ABCD");
const channelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, "must be a Slack channel ID such as C0123ABCD");
const enabled = z.boolean({ error: "must be true or false" }).default(true);
/** How an account's alert is delivered when this rule fires: a message of its own at once, or a line in the daily risk digest. */
const delivery = (d: "realtime" | "digest") => z.enum(["realtime", "digest"], { error: 'must be "realtime" or "digest"' }).default(d);
export type Delivery = "realtime" | "digest";

export const healthConfigSchema = z
  .object({
    weights: z
      .object(
        Object.fromEntries(COMPONENTS.map((c) => [c, weight.default(DEFAULT_WEIGHTS[c])])) as Record<
          ComponentName,
          z.ZodDefault<typeof weight>
        >,
      )
      .strict()
      .default(DEFAULT_WEIGHTS)
      .refine((w) => Object.values(w).some((v) => v > 0), "must give at least one component a weight above 0"),
    bands: z
      .object({
        green: z.number().min(1).max(100).default(70),
        yellow: z.number().min(0).max(100).default(35),
      })
      .strict()
      .default({ green: 70, yellow: 35 })
      .refine(
        (b) => b.green > b.yellow,
        "green must be above yellow (a score of at least green is green, at least yellow is yellow, else red)",
      ),
    /** How much more a component weighs as its score falls: weight × (1 + distressWeight × (1 − score/100)); 0: a plain weighted mean. */
    distressWeight: z.number({ error: "must be a number from 0 to 3" }).min(0, "must be 0 or more").max(3, "must be at most 3").default(0),
    /**
     * Accounts younger than this (days from their first usage day or creation) are onboarding: scored on
     * activation against their age instead of on 30-day trends, never red (onboarding_stalled instead); 0: no onboarding stage.
     */
    onboardingDays: z
      .number({ error: "must be a whole number of days from 0 to 365" })
      .int("must be a whole number of days from 0 to 365")
      .min(0, "must be 0 (no onboarding stage) or more")
      .max(365, "must be at most 365 days")
      .default(90),
    /**
     * The nearer the renewal, the more a weak score weighs: within `withinDays` of the renewal a score under
     * `below` loses weight × closeness × (below − score) (closeness 0 at withinDays, 1 on the day); weight 0: off.
     */
    renewal: z
      .object({
        withinDays: z
          .number({ error: "must be a whole number of days from 1 to 365" })
          .int("must be a whole number of days from 1 to 365")
          .min(1, "must be at least 1 day")
          .max(365, "must be at most 365 days")
          .default(180),
        weight: z
          .number({ error: "must be a number from 0 to 3" })
          .min(0, "must be 0 (off) or more")
          .max(3, "must be at most 3")
          .default(1),
        below: z
          .number({ error: "must be a score from 1 to 100" })
          .min(1, "must be at least 1")
          .max(100, "must be at most 100")
          .default(100),
      })
      .strict()
      .default({ withinDays: 180, weight: 1, below: 100 }),
    /**
     * The CRM attribute (a key of the account's `attributes`) whose value groups an account with its peers,
     * such as its region: accounts that share holidays and seasons. An account's usage trends are compared
     * with its peer group's median (when the group has enough accounts) before its tier's and the book's, so
     * a dip its peers share (Europe in August) is not read as a risk. null: no peer groups.
     */
    peerAttribute: z
      .string({ error: 'must be the name of an account attribute, such as "region", or null' })
      .trim()
      .min(1, 'must name an account attribute, such as "region" (null: no peer groups)')
      .max(100, "must be at most 100 characters")
      .refine(
        (v) => ![...v].some((ch) => ch === '"' || ch === "\\" || ch < " "),
        "must not hold double quotes, backslashes or control characters",
      )
      .nullable()
      .default("region"),
    /** The features that exist; empty: all features any account used in the last 90 days. */
    knownFeatures: z.array(z.string().min(1)).default([]),
    /** The usage events that count as key actions (uploads...); empty: every event. */
    keyEvents: z.array(z.string().min(1)).default([]),
    rules: z
      .object({
        entered_red: z
          .object({ enabled, delivery: delivery("realtime"), worsenBy: z.number().positive().default(5) })
          .strict()
          .default({ enabled: true, delivery: "realtime", worsenBy: 5 }),
        score_drop: z
          .object({
            enabled,
            delivery: delivery("realtime"),
            points: z.number().positive().default(15),
            days: z.number().int().positive().default(14),
            worsenBy: z.number().positive().default(5),
          })
          .strict()
          .default({ enabled: true, delivery: "realtime", points: 15, days: 14, worsenBy: 5 }),
        renewal_risk: z
          .object({
            enabled,
            delivery: delivery("realtime"),
            withinDays: z.number().int().positive().default(90),
            worsenBy: z.number().positive().default(10),
          })
          .strict()
          .default({ enabled: true, delivery: "realtime", withinDays: 90, worsenBy: 10 }),
        ticket_spike: z
          .object({
            enabled,
            delivery: delivery("digest"),
            factor: z.number().positive().default(3),
            minTickets: z.number().int().positive().default(3),
            baselineWeeks: z.number().int().min(2).max(52).default(12),
            worsenBy: z.number().positive().default(2),
          })
          .strict()
          .default({ enabled: true, delivery: "digest", factor: 3, minTickets: 3, baselineWeeks: 12, worsenBy: 2 }),
        nps_detractor: z
          .object({
            enabled,
            delivery: delivery("digest"),
            maxScore: z.number().int().min(0).max(10).default(6),
            maxAgeDays: z.number().int().positive().default(180),
            worsenBy: z.number().positive().default(1),
          })
          .strict()
          .default({ enabled: true, delivery: "digest", maxScore: 6, maxAgeDays: 180, worsenBy: 1 }),
        low_utilisation: z
          .object({
            enabled,
            delivery: delivery("digest"),
            below: z.number().gt(0).lt(1).default(0.3),
            worsenBy: z.number().positive().default(0.05),
          })
          .strict()
          .default({ enabled: true, delivery: "digest", below: 0.3, worsenBy: 0.05 }),
        onboarding_stalled: z
          .object({
            enabled,
            delivery: delivery("digest"),
            /** Fires when an onboarding account's activation score (0-100, against its age) is below this. */
            below: z
              .number({ error: "must be a score from 1 to 100" })
              .min(1, "must be at least 1")
              .max(100, "must be at most 100")
              .default(50),
            worsenBy: z.number().positive().default(10),
          })
          .strict()
          .default({ enabled: true, delivery: "digest", below: 50, worsenBy: 10 }),
      })
      .strict()
      .prefault({}),
    routing: z
      .object({ csmChannels: z.record(userId, channelId).default({}) })
      .strict()
      .default({ csmChannels: {} }),
    escalation: z
      .object({
        /** Mentioned in the thread of a red alert nobody acknowledged in time. */
        leadUserId: userId.optional(),
        afterHours: z.number().positive().default(24),
      })
      .strict()
      .default({ afterHours: 24 }),
    /** Churn per score range, counted by `npm run backtest -- <dir> --write <file>` (absent: no probability is shown). */
    calibration: calibrationSchema.optional(),
  })
  .strict();

export type HealthConfig = z.infer<typeof healthConfigSchema>;
export type Band = "green" | "yellow" | "red";

export class HealthConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid health configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** Parses the file's text (or the defaults when `text` is null). */
export function parseHealthConfig(text: string | null, source = "health configuration"): HealthConfig {
  let raw: unknown = {};
  if (text !== null) {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new HealthConfigError(source, [`is not valid JSON (${(error as Error).message})`]);
    }
  }
  const result = healthConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new HealthConfigError(
    source,
    result.error.issues.map((i) => {
      const where = i.path.length ? i.path.join(".") : "the top level";
      if (i.code === "unrecognized_keys") {
        return `${where} has unknown field${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}: check the spelling (see docs/configuration.md, "The health configuration file")`;
      }
      return `${where} ${i.message}`;
    }),
  );
}

export function bandOf(score: number, config: HealthConfig): Band {
  if (score >= config.bands.green) return "green";
  if (score >= config.bands.yellow) return "yellow";
  return "red";
}

/** The day's count of key events: the configured names, or every event when none are configured. */
export function keyEventCount(events: Record<string, number>, config: Pick<HealthConfig, "keyEvents">): number {
  let total = 0;
  const all = config.keyEvents.length === 0;
  // for-in, not Object.entries: no array of pairs made for each day of each account.
  for (const name in events) {
    if (Object.hasOwn(events, name) && (all || config.keyEvents.includes(name))) total += events[name];
  }
  return total;
}
