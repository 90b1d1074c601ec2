// The scheduled weekly support summary in the triage channel: the last 7 days' figures against the 7 days before.
import type { Actor } from "../../shared/actor.ts";
import type { SupportContext } from "./context.ts";
import { readStats } from "./read-stats.ts";

/** `runKey` names the scheduled run: a run taken over after a crash finds the summary already queued and posts nothing. */
export async function postWeeklySummary(
  ctx: SupportContext,
  actor: Actor,
  input: { runKey: string | null },
): Promise<{ tickets: number | null }> {
  const week = await readStats(ctx, actor, { days: 7 });
  const now = ctx.clock.now();
  await ctx.tx.transaction((tx) => ctx.summary.weeklySummary(tx, week, input.runKey, now));
  return { tickets: week.figures.find((f) => f.key === "tickets")?.current ?? null };
}
