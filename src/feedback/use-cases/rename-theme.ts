// Renaming a theme: the new name must be free (the theme's own name in another case is fine); the cards
// of its items, and of the items it is suggested for, show the new name (updated in the same transaction).
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import { cleanThemeName, themeKey } from "../rules/themes.ts";
import { personOf, type FeedbackContext } from "./context.ts";
import { requireTheme } from "./find-theme.ts";
import { refreshCards, refuseTaken, writeThemeName } from "./theme-changes.ts";

export async function renameTheme(
  ctx: FeedbackContext,
  actor: Actor,
  input: { ref: string; name: string },
): Promise<{ from: string; to: ThemeRef; cardsUpdated: number }> {
  await ctx.access.require(actor, "product");
  const userId = personOf(actor);
  const name = cleanThemeName(input.name);
  const now = ctx.clock.now();
  const result = await writeThemeName(ctx, name, async (tx) => {
    const theme = await requireTheme(ctx, tx, input.ref);
    if (theme.name === name) throw new DomainError("theme.same_name", { themeId: theme.id, name });
    await refuseTaken(ctx, tx, name, theme.id);
    await ctx.themes.rename(tx, theme.id, name, themeKey(name));
    const to = { id: theme.id, name };
    const tagged = await ctx.items.recentOfTheme(tx, theme.id, ctx.settings.maxCardRefresh);
    const cardsUpdated = await refreshCards(ctx, tx, theme.id, to, now, tagged);
    return { from: theme.name, to, cardsUpdated };
  });
  ctx.log.info({ event: "feedback.theme_renamed", theme: result.to.id, by: userId, cards: result.cardsUpdated }, "theme renamed");
  return result;
}
