// Listing the themes: those not merged away, active first, each with its number of active items.
import type { Actor } from "../../shared/actor.ts";
import { sortThemeList, type ThemeSummary } from "../rules/themes.ts";
import type { FeedbackContext } from "./context.ts";

export async function listThemes(ctx: FeedbackContext, actor: Actor): Promise<ThemeSummary[]> {
  await ctx.access.require(actor, "staff");
  return sortThemeList(await ctx.themes.list());
}
