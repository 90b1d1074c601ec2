// Archiving a theme: it keeps its items and counts in history, but is not offered for new tagging.
// Unarchiving brings it back.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import { personOf, type FeedbackContext } from "./context.ts";
import { requireTheme } from "./find-theme.ts";
import { THEME_TX, themesChanged } from "./theme-changes.ts";

export async function archiveTheme(ctx: FeedbackContext, actor: Actor, input: { ref: string }): Promise<ThemeRef> {
  await ctx.access.require(actor, "product");
  return setThemeStatus(ctx, actor, input.ref, "archived");
}

export async function unarchiveTheme(ctx: FeedbackContext, actor: Actor, input: { ref: string }): Promise<ThemeRef> {
  await ctx.access.require(actor, "product");
  return setThemeStatus(ctx, actor, input.ref, "active");
}

async function setThemeStatus(ctx: FeedbackContext, actor: Actor, ref: string, status: "active" | "archived"): Promise<ThemeRef> {
  const userId = personOf(actor);
  const theme = await ctx.tx.transaction(async (tx) => {
    const row = await requireTheme(ctx, tx, ref);
    if (row.status === status) throw new DomainError("theme.already_in_status", { themeId: row.id, name: row.name, status });
    await ctx.themes.setStatus(tx, row.id, status);
    return { id: row.id, name: row.name };
  }, THEME_TX);
  themesChanged(ctx);
  ctx.log.info(
    { event: status === "archived" ? "feedback.theme_archived" : "feedback.theme_unarchived", theme: theme.id, by: userId },
    `theme ${status === "archived" ? "archived" : "unarchived"}`,
  );
  return theme;
}
