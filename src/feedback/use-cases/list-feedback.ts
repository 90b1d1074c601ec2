// Feedback items of a period for the API, newest first, optionally of one theme (its id or name; a
// merged theme's items are under the theme it joined), a page at a time.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { Period } from "../rules/digest.ts";
import type { FeedbackCursor, FeedbackPage, ResolvedTheme } from "../rules/listing.ts";
import type { FeedbackContext } from "./context.ts";

type Reader = Pick<FeedbackContext, "digests" | "themes">;

export async function listFeedback(
  ctx: Reader,
  actor: Actor,
  q: Period & { theme: string | null; limit: number; cursor: FeedbackCursor | null },
): Promise<{ theme: ResolvedTheme | null; page: FeedbackPage }> {
  const theme = q.theme === null ? null : await resolveTheme(ctx, actor, { ref: q.theme });
  const page = await ctx.digests.feedbackPage({ from: q.from, to: q.to, themeId: theme?.id ?? null, limit: q.limit, cursor: q.cursor });
  return { theme, page };
}

/**
 * A theme by id (digits) or name (case and surrounding spaces ignored). A merged theme resolves to the
 * theme it joined, which holds its items now.
 */
export async function resolveTheme(ctx: Reader, _actor: Actor, input: { ref: string }): Promise<ResolvedTheme> {
  const text = input.ref.trim();
  const byId = /^\d{1,9}$/.test(text);
  const found = byId ? await ctx.themes.byId(null, Number(text)) : await ctx.themes.byKey(null, text.toLowerCase());
  if (!found) throw new DomainError("theme.not_found", byId ? { themeId: Number(text) } : { ref: text.slice(0, 80) });
  let theme = found;
  const mergedFrom: number[] = [];
  while (theme.status === "merged" && theme.mergedIntoId !== null && mergedFrom.length < 20) {
    mergedFrom.push(theme.id);
    const next = await ctx.themes.byId(null, theme.mergedIntoId);
    if (!next) break;
    theme = next;
  }
  if (theme.status === "merged") throw new DomainError("theme.merged_away", { ref: text.slice(0, 80) });
  return { id: theme.id, name: theme.name, status: theme.status, mergedFrom };
}
