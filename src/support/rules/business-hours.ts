// Business-hours arithmetic on a calendar (time zone, working days, daily hours, holidays), with luxon
// doing the time-zone work so daylight-saving changes are exact. Used by SLA timers and metrics.
// What a calendar's day is (its working interval, where the next day starts) is worked out with luxon once
// and kept (a few thousand days per calendar at most): every new ticket's SLA clocks walk the same days.
import { DateTime } from "luxon";

export interface BusinessCalendar {
  /** IANA time zone, e.g. Europe/Berlin */
  timezone: string;
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday */
  workingDays: readonly number[];
  /** Daily opening and closing time, minutes after midnight (closing may be 24 × 60). */
  startMinute: number;
  endMinute: number;
  /** Dates (YYYY-MM-DD, in the calendar's zone) that are not working days. */
  holidays: ReadonlySet<string>;
}

const MAX_DAYS = 3 * 366;

/** A day of a calendar: its working interval (null on a day off) and the instant the next day starts. */
interface Day {
  work: { open: number; close: number } | null;
  next: number;
}

const DAYS_KEPT = 5000;
const dayCache = new WeakMap<BusinessCalendar, Map<number, Day>>();

/** The working interval of the day that contains `day` (any time that day), or null on a day off. */
function workingInterval(cal: BusinessCalendar, day: DateTime): { open: number; close: number } | null {
  if (!cal.workingDays.includes(day.weekday)) return null;
  if (cal.holidays.has(day.toISODate()!)) return null;
  const midnight = day.startOf("day");
  const open = midnight.plus({ minutes: cal.startMinute });
  const close = cal.endMinute >= 24 * 60 ? midnight.plus({ days: 1 }).startOf("day") : midnight.plus({ minutes: cal.endMinute });
  return { open: open.toMillis(), close: close.toMillis() };
}

/** The start of the calendar's day that contains the instant `ms`. */
function dayStart(cal: BusinessCalendar, ms: number): number {
  return DateTime.fromMillis(ms, { zone: cal.timezone }).startOf("day").toMillis();
}

/** The calendar's day that starts at `start` (a dayStart or a Day's next). */
function dayAt(cal: BusinessCalendar, start: number): Day {
  let days = dayCache.get(cal);
  if (!days) dayCache.set(cal, (days = new Map()));
  let day = days.get(start);
  if (!day) {
    const midnight = DateTime.fromMillis(start, { zone: cal.timezone });
    day = { work: workingInterval(cal, midnight), next: midnight.plus({ days: 1 }).startOf("day").toMillis() };
    if (days.size >= DAYS_KEPT) days.clear();
    days.set(start, day);
  }
  return day;
}

/** Business milliseconds between two instants (0 when `to` is not after `from`). */
export function businessMsBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  let total = 0;
  let day = dayStart(cal, start);
  for (let i = 0; day < end; i++) {
    if (i > 50 * 366) throw new Error("business-hours span too long");
    const { work: w, next } = dayAt(cal, day);
    if (w) total += Math.max(0, Math.min(w.close, end) - Math.max(w.open, start));
    day = next;
  }
  return total;
}

/** The instant when `ms` business milliseconds have passed after `from`. */
export function addBusinessMs(cal: BusinessCalendar, from: Date, ms: number): Date {
  let remaining = Math.max(0, ms);
  const start = from.getTime();
  let day = dayStart(cal, start);
  for (let i = 0; i < MAX_DAYS; i++) {
    const { work: w, next } = dayAt(cal, day);
    if (w) {
      const begin = Math.max(w.open, start);
      const available = w.close - begin;
      if (available > 0) {
        if (remaining <= available) return new Date(begin + remaining);
        remaining -= available;
      }
    }
    day = next;
  }
  throw new Error(`no business time found within ${MAX_DAYS} days: check the working days and holidays`);
}

/** Whether an instant is within business hours. */
export function isBusinessTime(cal: BusinessCalendar, at: Date): boolean {
  const w = dayAt(cal, dayStart(cal, at.getTime())).work;
  return w !== null && at.getTime() >= w.open && at.getTime() < w.close;
}
