// The days a history covers: index 0 is its earliest dated record, `first` and `last` are the first and
// last days of usage (the span the replay walks). Every per-day array in the backtest uses these indexes.
import { dayOfInstant, parseDay, parseInstant } from "./dates.ts";
import type { History } from "./history.ts";

export interface Timeline {
  /** Day number of index 0. */
  origin: number;
  /** Indexes of the first and last day with usage. */
  first: number;
  last: number;
  /** Number of days from the origin to the last day of usage. */
  length: number;
}

export const dayIndex = (t: Timeline, date: string): number => parseDay(date)! - t.origin;
export const instantIndex = (t: Timeline, iso: string): number => dayOfInstant(parseInstant(iso)!) - t.origin;

export function timelineOf(h: History): Timeline {
  let firstUsage = Infinity;
  let lastUsage = -Infinity;
  for (const u of h.usage) {
    const d = parseDay(u.date)!;
    if (d < firstUsage) firstUsage = d;
    if (d > lastUsage) lastUsage = d;
  }
  let origin = firstUsage;
  for (const t of h.tickets) origin = Math.min(origin, dayOfInstant(parseInstant(t.createdAt)!));
  for (const n of h.nps) origin = Math.min(origin, dayOfInstant(parseInstant(n.respondedAt)!));
  for (const s of h.seatChanges ?? []) origin = Math.min(origin, parseDay(s.date)!);
  return { origin, first: firstUsage - origin, last: lastUsage - origin, length: lastUsage - origin + 1 };
}
