// Merging a theme into another: every item moves (no item twice), the merged theme points at the theme
// it joined (its number still leads there; its name is free again), and the cards follow.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import { personOf, type FeedbackContext } from "./context.ts";
import { requireTheme } from "./find-theme.ts";
import { refreshCards, THEME_TX, themesChanged } from "./theme-changes.ts";

export async function mergeThemes(
  ctx: FeedbackContext,
  actor: Actor,
  input: { from: string; into: string },
): Promise<{ from: ThemeRef; into: ThemeRef; moved: number; cardsUpdated: number }> {
  await ctx.access.require(actor, "product");
  const userId = personOf(actor);
  const now = ctx.clock.now();
  const result = await ctx.tx.transaction(async (tx) => {
    const from = await requireTheme(ctx, tx, input.from);
    const into = await requireTheme(ctx, tx, input.into);
    if (from.id === into.id) throw new DomainError("theme.merge_same", { themeId: from.id, from: from.name, into: into.name });
    if (into.status !== "active") throw new DomainError("theme.merge_into_archived", { themeId: into.id, name: into.name });
    // The cards to update are the merged theme's items: chosen before they move.
    const tagged = await ctx.items.recentOfTheme(tx, from.id, ctx.settings.maxCardRefresh);
    const moved = await ctx.themes.merge(tx, from.id, into.id);
    const joined = { id: into.id, name: into.name };
    const cardsUpdated = await refreshCards(ctx, tx, from.id, joined, now, tagged);
    return { from: { id: from.id, name: from.name }, into: joined, moved, cardsUpdated };
  }, THEME_TX);
  themesChanged(ctx);
  ctx.log.info(
    {
      event: "feedback.theme_merged",
      theme: result.from.id,
      into: result.into.id,
      items: result.moved,
      cards: result.cardsUpdated,
      by: userId,
    },
    "theme merged",
  );
  return result;
}
