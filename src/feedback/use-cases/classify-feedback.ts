// Classifying an item from its card: tagging it with themes (a confirmed suggestion). A theme merged
// since the suggestion was made stands for the theme it joined; an archived theme is refused; the card
// shows the change.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { FeedbackItem } from "../rules/feedback.ts";
import { personOf, type FeedbackContext } from "./context.ts";
import { themeForTagging } from "./find-theme.ts";

export async function classifyFeedback(
  ctx: FeedbackContext,
  actor: Actor,
  input: { itemId: number; themeIds: number[] },
): Promise<FeedbackItem> {
  await ctx.access.require(actor, "product");
  const userId = personOf(actor);
  const themeIds: number[] = [];
  for (const asked of input.themeIds) themeIds.push((await themeForTagging(ctx, asked)).id);
  const now = ctx.clock.now();
  return ctx.tx.transaction(async (tx) => {
    if ((await ctx.items.status(tx, input.itemId)) !== "active") throw new DomainError("feedback.withdrawn", { itemId: input.itemId });
    for (const themeId of new Set(themeIds)) {
      const theme = await ctx.themes.byId(tx, themeId);
      if (!theme || theme.status === "merged") throw new DomainError("theme.not_found", { themeId });
      if (!(await ctx.items.hasTheme(tx, input.itemId, themeId)))
        await ctx.items.addTheme(tx, { itemId: input.itemId, themeId, addedById: userId, addedAt: now });
    }
    const item = (await ctx.items.load(tx, input.itemId))!;
    await ctx.notifier.itemChanged(tx, item, now);
    return item;
  });
}
