// Tickets and the median first response per week over the last weeks (12 by default), oldest first:
// the chart in the weekly support summary's thread. Each week is the same 7-day period the summary counts.
import type { Actor } from "../../shared/actor.ts";
import { lastDays, previousPeriod } from "../rules/metrics.ts";
import type { SupportContext } from "./context.ts";

export interface WeekFigures {
  from: Date;
  to: Date;
  tickets: number;
  /** The median first response in business hours (what the SLA counts), in seconds; null without a response. */
  medianFirstResponseSeconds: number | null;
}

export const TREND_WEEKS = 12;

export async function readWeeklyTrend(ctx: SupportContext, actor: Actor, input: { weeks?: number } = {}): Promise<WeekFigures[]> {
  await ctx.access.require(actor, "triage");
  const periods = [lastDays(7, ctx.clock.now())];
  while (periods.length < (input.weeks ?? TREND_WEEKS)) periods.unshift(previousPeriod(periods[0].from, periods[0].to));
  const weeks: WeekFigures[] = [];
  // One week at a time: a weekly job, and the database is shared with the live desk.
  for (const period of periods) {
    const { overall } = await ctx.store.metrics.supportMetrics(period);
    weeks.push({
      ...period,
      tickets: overall.tickets,
      medianFirstResponseSeconds: overall.firstResponse?.medianBusinessSeconds ?? null,
    });
  }
  return weeks;
}
