// SLA policies: first-response and resolution targets per priority (optionally per account tier), in
// business hours, and the business calendar they count on. One validated JSON file; defaults when absent.
import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import { PRIORITIES, type Priority } from "./ticket.ts";
import type { BusinessCalendar } from "./business-hours.ts";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** "90m", "4h", "1h30m": a duration in business time. */
const duration = z
  .string({ error: 'must be a duration such as "30m", "4h" or "1h30m"' })
  .trim()
  .regex(/^(?:(\d+)h)?\s*(?:(\d+)m)?$/, 'must be a duration such as "30m", "4h" or "1h30m"')
  .refine((s) => s.length > 0, 'must be a duration such as "30m", "4h" or "1h30m"')
  .transform((s) => {
    const m = /^(?:(\d+)h)?\s*(?:(\d+)m)?$/.exec(s)!;
    return (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60_000;
  })
  .refine((ms) => ms > 0, "must be longer than zero");

const targetSchema = z.object({ firstResponse: duration, resolution: duration }).strict();
const partialTarget = z.object({ firstResponse: duration.optional(), resolution: duration.optional() }).strict();

const time = z
  .string()
  .regex(/^([01]\d|2[0-4]):([0-5]\d)$/, 'must be a time such as "09:00"')
  .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3)));

const DEFAULT_TARGETS = {
  urgent: { firstResponse: "1h", resolution: "8h" },
  high: { firstResponse: "4h", resolution: "24h" },
  normal: { firstResponse: "8h", resolution: "40h" },
  low: { firstResponse: "16h", resolution: "80h" },
};

export const slaPolicySchema = z
  .object({
    businessHours: z
      .object({
        timezone: z
          .string()
          .refine((tz) => IANAZone.isValidZone(tz), "must be an IANA time zone such as Europe/Berlin or America/New_York")
          .default("UTC"),
        workingDays: z
          .array(z.enum(WEEKDAYS, { error: `must list days as ${WEEKDAYS.join(", ")}` }))
          .min(1, "must name at least one working day")
          .default(["mon", "tue", "wed", "thu", "fri"]),
        hours: z
          .object({ start: time, end: time })
          .strict()
          .refine((h) => h.end > h.start, "end must be after start (overnight hours are not supported)")
          .default({ start: 9 * 60, end: 17 * 60 }),
        holidays: z
          .array(
            z.string().refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && DateTime.fromISO(d).isValid, 'must be dates such as "2026-12-25"'),
          )
          .default([]),
      })
      .strict()
      .default({ timezone: "UTC", workingDays: ["mon", "tue", "wed", "thu", "fri"], hours: { start: 9 * 60, end: 17 * 60 }, holidays: [] }),
    targets: z
      .object(
        Object.fromEntries(PRIORITIES.map((p) => [p, targetSchema.optional()])) as Record<Priority, z.ZodOptional<typeof targetSchema>>,
      )
      .strict()
      .default({}),
    tiers: z
      .record(
        z.string().regex(/^[a-z0-9_-]+$/i, "tier names use letters, digits, - and _"),
        z
          .object(
            Object.fromEntries(PRIORITIES.map((p) => [p, partialTarget.optional()])) as Record<
              Priority,
              z.ZodOptional<typeof partialTarget>
            >,
          )
          .strict(),
      )
      .default({}),
    warnAt: z
      .number({ error: "must be a number between 0 and 1, such as 0.75" })
      .gt(0, "must be above 0")
      .lt(1, "must be below 1")
      .default(0.75),
  })
  .strict();

export interface SlaTargets {
  firstResponseMs: number;
  resolutionMs: number;
}

export interface SlaPolicy {
  calendar: BusinessCalendar;
  warnAt: number;
  targetsFor(priority: Priority, tier?: string | null): SlaTargets;
  tiers: string[];
}

export class SlaPolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid SLA policy:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** Parses the policy file's text (or the defaults when `text` is null). */
export function parseSlaPolicy(text: string | null, source = "SLA policy"): SlaPolicy {
  let raw: unknown = {};
  if (text !== null) {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new SlaPolicyError(source, [`is not valid JSON (${(error as Error).message})`]);
    }
  }
  const result = slaPolicySchema.safeParse(raw);
  if (!result.success) {
    throw new SlaPolicyError(
      source,
      result.error.issues.map((i) => {
        const where = i.path.length ? i.path.join(".") : "the top level";
        if (i.code === "unrecognized_keys") {
          return `${where} has unknown field${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}: check the spelling (see docs/configuration.md, "The SLA policy file")`;
        }
        return `${where} ${i.message}`;
      }),
    );
  }
  const p = result.data;
  const defaults = Object.fromEntries(
    PRIORITIES.map((pr) => [pr, p.targets[pr] ?? slaPolicySchema.shape.targets.unwrap().shape[pr].unwrap().parse(DEFAULT_TARGETS[pr])]),
  ) as Record<Priority, SlaTargetsRaw>;
  const calendar: BusinessCalendar = {
    timezone: p.businessHours.timezone,
    workingDays: [...new Set(p.businessHours.workingDays.map((d) => WEEKDAYS.indexOf(d) + 1))],
    startMinute: p.businessHours.hours.start,
    endMinute: p.businessHours.hours.end,
    holidays: new Set(p.businessHours.holidays),
  };
  return {
    calendar,
    warnAt: p.warnAt,
    tiers: Object.keys(p.tiers),
    targetsFor(priority, tier) {
      const base = defaults[priority];
      const override = tier ? p.tiers[tier]?.[priority] : undefined;
      return {
        firstResponseMs: override?.firstResponse ?? base.firstResponse,
        resolutionMs: override?.resolution ?? base.resolution,
      };
    },
  };
}

type SlaTargetsRaw = { firstResponse: number; resolution: number };
