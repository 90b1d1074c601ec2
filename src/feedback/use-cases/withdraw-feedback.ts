// A tagger took their reaction back. Within the grace period their tag is removed, and an item nobody
// tags any more is withdrawn with its card. Later, the item stays (it may be in a digest already).
import type { Actor } from "../../shared/actor.ts";
import { untagDecision } from "../rules/feedback.ts";
import { personOf, type FeedbackContext } from "./context.ts";

export type WithdrawOutcome = "withdrawn" | "untagged" | "kept" | "none";

export async function withdrawFeedback(
  ctx: FeedbackContext,
  actor: Actor,
  input: { channelId: string; messageTs: string },
): Promise<WithdrawOutcome> {
  await ctx.access.require(actor, "staff");
  const userId = personOf(actor);
  const item = await ctx.items.bySource(null, input.channelId, input.messageTs);
  if (!item || item.status !== "active") return "none";
  const now = ctx.clock.now();
  const outcome = await ctx.tx.transaction(async (tx): Promise<WithdrawOutcome> => {
    const decision = untagDecision(await ctx.items.tagger(tx, item.id, userId), now, ctx.settings.withdrawGraceMs);
    if (decision !== "remove") return decision;
    await ctx.items.removeTagger(tx, item.id, userId);
    if ((await ctx.items.countTaggers(tx, item.id)) > 0) {
      await ctx.notifier.itemChanged(tx, (await ctx.items.load(tx, item.id))!, now);
      return "untagged";
    }
    if (!(await ctx.items.withdraw(tx, item.id, now))) return "none";
    await ctx.notifier.itemWithdrawn(tx, (await ctx.items.load(tx, item.id))!, now);
    return "withdrawn";
  });
  if (outcome === "withdrawn") ctx.log.info({ event: "feedback.withdrawn", item: item.id }, "feedback withdrawn");
  return outcome;
}
