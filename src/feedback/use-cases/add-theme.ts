// Adding a theme: a name unique (case-insensitively) among themes not merged away. Also the theme of a
// name typed in the "Send to product" form, created when there is none.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import { cleanThemeName, themeKey } from "../rules/themes.ts";
import { personOf, type FeedbackContext } from "./context.ts";
import { refuseTaken, writeThemeName } from "./theme-changes.ts";

export async function addTheme(ctx: FeedbackContext, actor: Actor, input: { name: string }): Promise<ThemeRef> {
  await ctx.access.require(actor, "product");
  const userId = personOf(actor);
  const name = cleanThemeName(input.name);
  const created = await writeThemeName(ctx, name, async (tx) => {
    await refuseTaken(ctx, tx, name, null);
    return ctx.themes.create(tx, { name, key: themeKey(name), createdById: userId, createdAt: ctx.clock.now() });
  });
  ctx.log.info({ event: "feedback.theme_created", theme: created.id, by: userId }, "theme created");
  return created;
}

/** The theme of that name, created when there is none; an archived theme is refused. */
export async function findOrCreateTheme(ctx: FeedbackContext, actor: Actor, input: { name: string }): Promise<ThemeRef> {
  const name = cleanThemeName(input.name);
  const existing = await ctx.themes.byKey(null, themeKey(name));
  if (existing) {
    if (existing.status === "archived") throw new DomainError("theme.archived", { themeId: existing.id, name: existing.name });
    return { id: existing.id, name: existing.name };
  }
  try {
    return await addTheme(ctx, actor, { name });
  } catch (error) {
    // Created by someone else a moment ago: use theirs.
    const now = await ctx.themes.byKey(null, themeKey(name));
    if (now && now.status === "active") return { id: now.id, name: now.name };
    throw error;
  }
}
