// Looking up a theme as a person names it: `#12` (a merged theme answers for the theme it joined) or its
// name in any case. Also the lookups the other theme use cases share.
import type { Tx } from "../../platform/db/transactor.ts";
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import { parseThemeRef, taggable } from "../rules/themes.ts";
import type { StoredTheme } from "../store/themes.ts";
import type { FeedbackContext } from "./context.ts";

/** The theme named by `ref`, or null when there is none. */
export async function findTheme(ctx: FeedbackContext, actor: Actor, input: { ref: string }): Promise<ThemeRef | null> {
  await ctx.access.require(actor, "staff");
  const row = await lookupTheme(ctx, null, input.ref);
  return row ? { id: row.id, name: row.name } : null;
}

/** A theme by `#id` (following merges) or by name; null when none. */
export async function lookupTheme(ctx: Pick<FeedbackContext, "themes">, tx: Tx | null, ref: string): Promise<StoredTheme | null> {
  const lookup = parseThemeRef(ref);
  if (!lookup) return null;
  if (lookup.by === "key") return ctx.themes.byKey(tx, lookup.key);
  let row = await ctx.themes.byId(tx, lookup.id);
  // A merged theme answers for the theme it joined (merges are kept flat, this is a safeguard).
  for (let hops = 0; row?.status === "merged" && row.mergedIntoId && hops < 5; hops++) {
    row = await ctx.themes.byId(tx, row.mergedIntoId);
  }
  return row && row.status !== "merged" ? row : null;
}

/** The theme named by `ref`; refuses an unknown one. */
export async function requireTheme(ctx: Pick<FeedbackContext, "themes">, tx: Tx | null, ref: string): Promise<StoredTheme> {
  const row = await lookupTheme(ctx, tx, ref);
  if (!row) throw new DomainError("theme.not_found", { ref: ref.trim().slice(0, 80) });
  return row;
}

/** The theme to tag an item with: follows a merge; refuses an archived or unknown theme. */
export async function themeForTagging(ctx: Pick<FeedbackContext, "themes">, themeId: number): Promise<ThemeRef> {
  return taggable(await lookupTheme(ctx, null, `#${themeId}`), { themeId });
}
