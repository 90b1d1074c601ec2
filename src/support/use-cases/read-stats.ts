// The headline figures of the last N days against the N days before: `/support stats`, the App Home
// and the weekly summary.
import type { Actor } from "../../shared/actor.ts";
import type { SupportStats } from "../ports.ts";
import { comparePeriods, lastDays, previousPeriod } from "../rules/metrics.ts";
import type { SupportContext } from "./context.ts";

export async function readStats(ctx: SupportContext, actor: Actor, input: { days: number; until?: Date }): Promise<SupportStats> {
  await ctx.access.require(actor, "triage");
  // `until` (a Details button's period end) never reaches past now.
  const now = ctx.clock.now();
  const end = input.until && input.until.getTime() < now.getTime() ? input.until : now;
  const { from, to } = lastDays(input.days, end);
  const [current, previous] = await Promise.all([
    ctx.store.metrics.supportMetrics({ from, to }),
    ctx.store.metrics.supportMetrics(previousPeriod(from, to)),
  ]);
  return { days: input.days, from, to, figures: comparePeriods(current.overall, previous.overall) };
}
