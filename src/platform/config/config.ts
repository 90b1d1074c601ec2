// The app's configuration: one zod schema, read once from the environment by main.ts.
// Only what the app cannot run without is required; every other part has a default or stays off.
import { z } from "zod";
import cron from "node-cron";

/** An empty variable counts as unset. */
const unsetIfEmpty = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const optionalString = z.preprocess(unsetIfEmpty, z.string().trim().optional());

const channelId = z
  .string()
  .trim()
  .regex(
    /^[CG][A-Z0-9]{2,}$/,
    "must be a channel ID such as C0123ABCD (open the channel's details in Slack and copy the ID at the bottom)",
  );

const userId = z
  .string()
  .trim()
  .regex(/^[UW][A-Z0-9]{2,}$/, "must be user IDs such as U0123ABCD (a member's profile, ⋮, Copy member ID)");

const idList = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess((value) => {
    const v = unsetIfEmpty(value);
    if (typeof v !== "string") return [];
    return v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }, z.array(item));

const usergroupId = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .trim()
    .regex(/^S[A-Z0-9]{2,}$/, "must be a user group ID such as S0123ABCD")
    .optional(),
);

const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    (value) => unsetIfEmpty(value) ?? String(fallback),
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((v) => ["true", "false", "1", "0", "yes", "no", "on", "off"].includes(v), "must be true or false")
      .transform((v) => ["true", "1", "yes", "on"].includes(v)),
  );

const integer = (fallback: number, min: number, max: number, unit: string) =>
  z.preprocess(
    (value) => unsetIfEmpty(value) ?? String(fallback),
    z
      .string()
      .trim()
      .regex(/^\d+$/, `must be a whole number of ${unit}`)
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min} ${unit}`).max(max, `must be at most ${max} ${unit}`)),
  );

/** "7d", "48h", "90m": a calendar duration. */
const calendarDuration = (fallback: string) =>
  z.preprocess(
    (value) => unsetIfEmpty(value) ?? fallback,
    z
      .string()
      .trim()
      .regex(/^\d+\s*[dhm]$/, 'must be a duration such as "7d", "48h" or "90m"')
      .transform((v) => Number(v.slice(0, -1)) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[v.slice(-1) as "d" | "h" | "m"]),
  );

/** A calendar duration of at least `minMs` (`minText` says it in words), or "off" (null: keep forever). */
const calendarDurationOrOff = (fallback: string, minMs: number, minText: string) =>
  z.preprocess(
    (value) => unsetIfEmpty(value) ?? fallback,
    z
      .string()
      .trim()
      .refine((v) => v.toLowerCase() === "off" || /^\d+\s*[dhm]$/.test(v), {
        message: 'must be a duration such as "7d", "48h" or "90m", or off',
        abort: true,
      })
      .transform((v) =>
        v.toLowerCase() === "off"
          ? null
          : Number(v.slice(0, -1).trim()) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[v.slice(-1) as "d" | "h" | "m"],
      )
      .refine((ms) => ms === null || ms >= minMs, `must be at least ${minText}, or off`),
  );

/** A cron expression, or "off". */
const cronOrOff = (fallback: string) =>
  z.preprocess(
    (value) => unsetIfEmpty(value) ?? fallback,
    z
      .string()
      .trim()
      .refine(
        (v) => v.toLowerCase() === "off" || cron.validate(v),
        'must be a cron expression such as "0 9 * * 1" (minute hour day month weekday), or off',
      )
      .transform((v) => (v.toLowerCase() === "off" ? null : v)),
  );

const share = (fallback: number) =>
  z.preprocess(
    (value) => unsetIfEmpty(value) ?? String(fallback),
    z
      .string()
      .trim()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, "must be a number from 0 to 1, such as 0.5")
      .transform(Number),
  );

/** A comma-separated list of domain names such as example.com (lower-cased; a leading "*." or "." is dropped). */
const domainList = idList(
  z
    .string()
    .transform((d) => d.toLowerCase().replace(/^\*?\./, ""))
    .pipe(
      z
        .string()
        .regex(
          /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
          "must be domain names such as example.com, docs.example.com (no https://, no paths)",
        ),
    ),
);

export const configSchema = z
  .object({
    SLACK_BOT_TOKEN: z.preprocess(
      unsetIfEmpty,
      z
        .string({ error: "is required: set it to the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page" })
        .trim()
        .startsWith("xoxb-", "must be a bot token starting with xoxb- (OAuth & Permissions, Bot User OAuth Token)"),
    ),
    SLACK_SIGNING_SECRET: z.preprocess(
      unsetIfEmpty,
      z
        .string({ error: "is required: set it to the Signing Secret from your app's Basic Information page" })
        .trim()
        .regex(/^[a-f0-9]{16,}$/i, "must be the hexadecimal Signing Secret from your app's Basic Information page"),
    ),
    SLACK_APP_TOKEN: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .trim()
        .startsWith(
          "xapp-",
          "must be an app-level token starting with xapp- (Basic Information, App-Level Tokens, scope connections:write)",
        )
        .optional(),
    ),
    SLACK_API_URL: z.preprocess(
      unsetIfEmpty,
      z
        .url({ error: "must be a URL such as https://slack.com/api/" })
        .transform((u) => (u.endsWith("/") ? u : `${u}/`))
        .optional(),
    ),
    PORT: integer(3000, 0, 65535, "port (0 picks a free one)"),
    DATABASE_URL: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .trim()
        .refine(
          (u) => /^(postgres|postgresql):\/\//.test(u) || u.startsWith("file:"),
          "must be a postgres:// URL, or file:<path> for SQLite (leave it unset for ./data/desk.db)",
        )
        .optional(),
    ),
    TRIAGE_CHANNEL: z.preprocess(unsetIfEmpty, channelId.optional()),
    SUPPORT_CHANNELS: idList(channelId),
    AGENT_USER_IDS: idList(userId),
    AGENT_USERGROUP_ID: usergroupId,
    CSM_USER_IDS: idList(userId),
    CSM_USERGROUP_ID: usergroupId,
    PRODUCT_USER_IDS: idList(userId),
    PRODUCT_USERGROUP_ID: usergroupId,
    ADMIN_USER_IDS: idList(userId),
    TICKET_EMOJI: z.preprocess(
      (v) => (typeof unsetIfEmpty(v) === "string" ? String(v).trim().replace(/^:|:$/g, "") : "ticket"),
      z.string().regex(/^[a-z0-9_+'-]+$/, "must be an emoji name such as ticket (without colons)"),
    ),
    INTAKE_IGNORE_PLEASANTRIES: booleanFlag(true),
    INTAKE_MERGE_WINDOW_MINUTES: integer(5, 0, 1440, "minutes"),
    OUTBOX_CHANNEL_INTERVAL_MS: integer(1100, 0, 60000, "milliseconds"),
    OUTBOX_MAX_ATTEMPTS: integer(12, 1, 100, "attempts"),
    /** The first retry delay of a post that failed with 5xx or a network error; it doubles each attempt (up to 5 minutes). */
    OUTBOX_RETRY_BASE_MS: integer(1000, 10, 60000, "milliseconds"),
    SHUTDOWN_TIMEOUT_MS: integer(10000, 100, 120000, "milliseconds"),
    SLA_POLICY_FILE: optionalString,
    REOPEN_WINDOW: calendarDuration("7d"),
    SLA_SWEEP_CRON: cronOrOff("* * * * *"),
    SUPPORT_SUMMARY_CRON: cronOrOff("0 9 * * 1"),
    /** The app's "got it" reply under a customer's new request; `off` keeps tracking invisible to the customer. */
    CUSTOMER_ACK: booleanFlag(true),
    CSAT_ENABLED: booleanFlag(true),
    CSAT_SAMPLE_RATE: share(1),
    CSAT_MIN_DAYS_BETWEEN: integer(7, 0, 365, "days"),
    /** Pictures in Slack: an account's health under /cs account and in its alert's thread, the weekly summary's trend. */
    CHARTS: booleanFlag(true),
    INGEST_API_TOKEN: z.preprocess(
      unsetIfEmpty,
      z.string().trim().min(16, "must be at least 16 characters (for example: openssl rand -hex 24)").optional(),
    ),
    ALERTS_CHANNEL: z.preprocess(unsetIfEmpty, channelId.optional()),
    /** The write key Segment (or RudderStack, Jitsu) sends with its calls to POST /api/v1/segment; unset: that endpoint is off. */
    SEGMENT_WRITE_KEY: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .trim()
        .min(16, "must be at least 16 characters (your Segment source's write key, or for example: openssl rand -hex 24)")
        .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces (it travels in an HTTP Basic header)")
        .refine((v) => !v.includes(":"), "must not contain a colon (HTTP Basic ends the user name at the first colon)")
        .optional(),
    ),
    HEALTH_CHECK_CRON: cronOrOff("0 6 * * *"),
    HEALTH_CONFIG_FILE: optionalString,
    /** Churn-risk alerts posted on their own per channel per health check; the rest go to the daily risk digest. */
    ALERT_REALTIME_CAP: integer(10, 0, 1000, "alerts"),
    /** How often unacknowledged red alerts are checked for escalation. */
    ALERT_ESCALATION_CRON: cronOrOff("*/15 * * * *"),
    PRODUCT_CHANNEL: z.preprocess(unsetIfEmpty, channelId.optional()),
    FEEDBACK_EMOJI: z.preprocess(
      (v) => (typeof unsetIfEmpty(v) === "string" ? String(v).trim().replace(/^:|:$/g, "") : "bulb"),
      z.string().regex(/^[a-z0-9_+'-]+$/, "must be an emoji name such as bulb (without colons)"),
    ),
    /** Removing the reaction within this long after tagging withdraws the item and its card. */
    FEEDBACK_WITHDRAW_GRACE: calendarDuration("10m"),
    VOC_DIGEST_CRON: cronOrOff("0 9 * * 1"),
    /** The domains a ship note may link to (with their subdomains), besides Slack's own; none by default. */
    SHIP_LINK_DOMAINS: domainList,
    /** How long events worked through are kept (Slack's redeliveries are caught against them); off: forever. */
    INBOX_RETENTION: calendarDurationOrOff(
      "7d",
      3_600_000,
      "1h (Slack redelivers events for a while, and the stored ones are how duplicates are caught)",
    ),
    /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z.preprocess(
      unsetIfEmpty,
      z
        .string()
        .trim()
        .min(16, "must be at least 16 characters (for example: openssl rand -hex 24), or unset to serve /metrics without a token")
        .optional(),
    ),
    /** How long a process's claim on an event, a post or a job run lasts; a dead process's work is taken over after it. */
    LEASE_SECONDS: integer(60, 5, 3600, "seconds"),
    /** A scheduled tick missed while no process ran: run it once when one comes back, or record it as skipped. */
    MISSED_TICKS: z.preprocess(
      (v) => (typeof unsetIfEmpty(v) === "string" ? String(v).trim().toLowerCase() : "run"),
      z.enum(["run", "skip"], { error: "must be run or skip" }),
    ),
    LOG_LEVEL: z.preprocess(
      (v) => unsetIfEmpty(v) ?? "info",
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be one of fatal, error, warn, info, debug, trace, silent",
      }),
    ),
    /** auto: readable lines on a terminal, JSON otherwise; pretty or json force one. */
    LOG_FORMAT: z.preprocess(
      (v) => (typeof unsetIfEmpty(v) === "string" ? String(v).trim().toLowerCase() : "auto"),
      z.enum(["auto", "pretty", "json"], { error: "must be auto, pretty or json" }),
    ),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.FEEDBACK_EMOJI === cfg.TICKET_EMOJI) {
      ctx.addIssue({
        code: "custom",
        path: ["FEEDBACK_EMOJI"],
        message: "must differ from TICKET_EMOJI: one reaction cannot both open a ticket and send feedback",
      });
    }
    if (cfg.TRIAGE_CHANNEL && cfg.SUPPORT_CHANNELS.includes(cfg.TRIAGE_CHANNEL)) {
      ctx.addIssue({
        code: "custom",
        path: ["SUPPORT_CHANNELS"],
        message: "must not include TRIAGE_CHANNEL: the triage channel is internal, customers write in support channels",
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** Parses the environment once. Throws ConfigError with one line per problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? String(issue.path[0]) : "configuration";
    return `${name} ${issue.message}`;
  });
  throw new ConfigError(problems);
}
