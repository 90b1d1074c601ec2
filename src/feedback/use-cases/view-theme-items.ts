// A product person opens a theme's items from the digest (View items): the period's items of the theme,
// those of the accounts with the highest ARR first, with their quotes and links. A theme merged since
// the digest was posted answers for the theme it joined.
import type { Actor } from "../../shared/actor.ts";
import { checkPeriod, type Period } from "../rules/digest.ts";
import type { ThemeItems } from "../rules/listing.ts";
import type { FeedbackContext } from "./context.ts";
import { resolveTheme } from "./list-feedback.ts";

/** Items a View items modal shows at most (each one section; a modal holds 100 blocks). */
export const THEME_ITEMS_SHOWN = 40;

export type { ThemeItems };

export async function viewThemeItems(
  ctx: Pick<FeedbackContext, "digests" | "themes" | "access">,
  actor: Actor,
  input: Period & { themeId: number },
): Promise<ThemeItems> {
  await ctx.access.require(actor, "product");
  const period = { from: input.from, to: input.to };
  checkPeriod(period);
  const theme = await resolveTheme(ctx, actor, { ref: String(input.themeId) });
  const [quotes, counts] = await Promise.all([
    ctx.digests.themeQuotes(period, [theme.id], THEME_ITEMS_SHOWN),
    ctx.digests.itemsInPeriod(period, [theme.id]),
  ]);
  return { theme, period, items: quotes.get(theme.id) ?? [], total: counts.get(theme.id) ?? 0 };
}
