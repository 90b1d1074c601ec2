// What a product team member's App Home shows: the feedback nobody has tagged yet (how many, the newest
// ones) and this week's top themes by the ARR of the accounts asking.
import type { Actor } from "../../shared/actor.ts";
import { DAY_MS, rankThemes, type RankedTheme } from "../rules/digest.ts";
import type { FeedbackListItem } from "../rules/listing.ts";
import type { FeedbackContext } from "./context.ts";

/** Untagged items are counted over this many days (older ones are left to the digest's own period). */
export const UNTAGGED_DAYS = 30;
const UNTAGGED_SHOWN = 5;
const THEMES_SHOWN = 5;

export interface ProductHome {
  untagged: { total: number; newest: FeedbackListItem[]; days: number };
  /** The week's top themes (at most five), with the number that had feedback. */
  themes: RankedTheme[];
  themesWithFeedback: number;
}

export async function readProductHome(ctx: Pick<FeedbackContext, "digests" | "access" | "clock">, actor: Actor): Promise<ProductHome> {
  await ctx.access.require(actor, "product");
  const to = ctx.clock.now();
  const week = { from: new Date(to.getTime() - 7 * DAY_MS), to };
  const before = { from: new Date(week.from.getTime() - 7 * DAY_MS), to: week.from };
  const recent = { from: new Date(to.getTime() - UNTAGGED_DAYS * DAY_MS), to };
  const [current, earlier, totals, newest] = await Promise.all([
    ctx.digests.themeRows(week),
    ctx.digests.themeRows(before),
    ctx.digests.periodTotals(recent),
    ctx.digests.feedbackPage({ ...recent, untagged: true, limit: UNTAGGED_SHOWN }),
  ]);
  const ranking = rankThemes(week, current, earlier, THEMES_SHOWN);
  return {
    untagged: { total: totals.untagged, newest: newest.items, days: UNTAGGED_DAYS },
    themes: ranking.themes,
    themesWithFeedback: ranking.themesWithFeedback,
  };
}
