// What the theme use cases share: the transaction of a change that sets a name (a name taken at the same
// moment gets the clear error), telling suggestions that themes changed, and updating the cards of the
// items a renamed or merged theme shows on.
import type { Tx } from "../../platform/db/transactor.ts";
import { isUniqueViolation } from "../../platform/db/unique-violation.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import { nameTaken, renameSuggestion, themeKey } from "../rules/themes.ts";
import type { FeedbackContext } from "./context.ts";

/** Room for a rename or merge that updates many cards. */
export const THEME_TX = { timeoutMs: 30_000 };

/**
 * Runs a change that sets a theme's name; a name taken at the same moment gets the clear error. The
 * theme profiles are rebuilt on the next suggestion.
 */
export async function writeThemeName<T>(ctx: FeedbackContext, name: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    const result = await ctx.tx.transaction(work, THEME_TX);
    themesChanged(ctx);
    return result;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const taken = await ctx.themes.byKey(null, themeKey(name));
    throw taken ? nameTaken(taken) : error;
  }
}

export async function refuseTaken(ctx: FeedbackContext, tx: Tx, name: string, ownId: number | null): Promise<void> {
  const taken = await ctx.themes.byKey(tx, themeKey(name));
  if (taken && taken.id !== ownId) throw nameTaken(taken);
}

/** Themes changed: suggestions rebuild their profiles. */
export function themesChanged(ctx: FeedbackContext): void {
  try {
    ctx.suggester.invalidate();
  } catch (error) {
    ctx.log.warn({ err: error }, "theme change listener failed");
  }
}

/**
 * Updates the cards showing `themeId`: `tagged` (its items) and the items it is suggested for (their
 * suggestion now names `current`), the most recent ones only; how many were left is logged. Returns how
 * many cards were updated.
 */
export async function refreshCards(
  ctx: FeedbackContext,
  tx: Tx,
  themeId: number,
  current: ThemeRef,
  at: Date,
  tagged: { ids: number[]; total: number },
): Promise<number> {
  const suggested = await ctx.items.suggesting(tx, themeId, ctx.settings.maxCardRefresh);
  for (const item of suggested) await ctx.items.setSuggestions(tx, item.id, renameSuggestion(item.suggestions, themeId, current));
  if (tagged.total > tagged.ids.length) {
    ctx.log.warn(
      { event: "feedback.cards_not_refreshed", theme: themeId, updated: tagged.ids.length, skipped: tagged.total - tagged.ids.length },
      "only the most recent cards show the new theme name; older cards keep the old one",
    );
  }
  const ids = [...new Set([...tagged.ids, ...suggested.map((i) => i.id)])];
  return ctx.notifier.itemsChanged(tx, await ctx.items.loadMany(tx, ids), at);
}
