// Capturing feedback (by reaction, the "Send to product" shortcut, `/feedback <text>` or a ticket's
// "Tag as feedback"): one item per source message (tagging it again adds a tagger), the account and its
// value and health as they are at capture, themes chosen or created, and suggested themes.
import { isUniqueViolation } from "../../platform/db/unique-violation.ts";
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import { feedbackText, type FeedbackItem, type Importance, type Kind, type Origin, type Suggestion } from "../rules/feedback.ts";
import { findOrCreateTheme } from "./add-theme.ts";
import { personOf, type FeedbackContext } from "./context.ts";

export interface CaptureInput {
  origin: Origin;
  channelId: string;
  /** The source message (null for `/feedback <text>`, which has none). */
  messageTs: string | null;
  threadTs: string | null;
  text: string;
  authorId: string;
  authorName: string | null;
  /** Said by the company's own people. */
  internal: boolean;
  /** The account of the channel's link, if any. */
  channelAccount: string | null;
  /** The author's email domain, matched to an account's domain when the channel names no account. */
  emailDomain: string | null;
  /**
   * The account the person says it is for (`/feedback for:globex …`): an external id or an account's name
   * (any case). It wins over the channel and the email domain; one that names no account, or several,
   * is refused and nothing is stored.
   */
  forAccount?: string | null;
  permalink: string | null;
  kind?: Kind | null;
  importance?: Importance | null;
  note?: string | null;
  ticketId?: number | null;
  /** Themes chosen at capture. */
  themeIds?: number[];
  /** Themes named at capture: the theme of that name, created when there is none. */
  newThemeNames?: string[];
  /** When it was said. */
  at: Date;
}

export interface CaptureResult {
  item: FeedbackItem;
  created: boolean;
  /** The actor was not a tagger of the item before. */
  newTagger: boolean;
}

export async function captureFeedback(ctx: FeedbackContext, actor: Actor, input: CaptureInput): Promise<CaptureResult> {
  await ctx.access.require(actor, "staff");
  const taggerId = personOf(actor);
  const text = feedbackText(input.text);
  const named = input.forAccount != null ? await accountNamed(ctx, input.forAccount) : null;
  const themeIds = [...(input.themeIds ?? [])];
  for (const name of input.newThemeNames ?? []) themeIds.push((await findOrCreateTheme(ctx, actor, { name })).id);
  const now = ctx.clock.now();
  const existing = input.messageTs ? await ctx.items.bySource(null, input.channelId, input.messageTs) : null;
  if (existing && existing.status === "active") return addTagger(ctx, existing.id, taggerId, input.origin, themeIds, now);

  const account = named
    ? await ctx.items.resolveAccount(named, null)
    : await ctx.items.resolveAccount(input.channelAccount, input.emailDomain);
  const suggestions: Suggestion[] = themeIds.length
    ? []
    : await ctx.suggester.suggest(text).catch((error: unknown) => {
        ctx.log.warn({ err: error }, "theme suggestions failed; the item is captured without them");
        return [];
      });
  try {
    const item = await ctx.tx.transaction(async (tx) => {
      const data = {
        origin: input.origin,
        channelId: input.channelId,
        messageTs: input.messageTs,
        threadTs: input.threadTs,
        text,
        authorId: input.authorId,
        authorName: input.authorName,
        internal: input.internal,
        account,
        permalink: input.permalink,
        kind: input.kind ?? null,
        importance: input.importance ?? null,
        note: input.note?.trim() || null,
        ticketId: input.ticketId ?? null,
        createdById: taggerId,
        createdAt: input.at,
        suggestions,
      };
      let id: number;
      if (existing) {
        // A withdrawn item tagged again comes back as it is tagged now.
        id = existing.id;
        await ctx.items.reactivate(tx, id, data);
      } else {
        id = await ctx.items.create(tx, data);
      }
      await ctx.items.addTagger(tx, { itemId: id, userId: taggerId, via: input.origin, taggedAt: now });
      for (const themeId of new Set(themeIds)) {
        await ctx.items.addTheme(tx, { itemId: id, themeId, addedById: taggerId, addedAt: now });
      }
      const view = (await ctx.items.load(tx, id))!;
      await ctx.notifier.itemCaptured(tx, view, now);
      return view;
    });
    ctx.log.info(
      { event: "feedback.captured", item: item.id, origin: input.origin, account: item.account?.externalId ?? null },
      "feedback captured",
    );
    return { item, created: true, newTagger: true };
  } catch (error) {
    // Tagged twice at once: the other capture made the item; this tagger joins it.
    if (input.messageTs && isUniqueViolation(error)) {
      const other = await ctx.items.bySource(null, input.channelId, input.messageTs);
      if (other) return addTagger(ctx, other.id, taggerId, input.origin, themeIds, now);
    }
    throw error;
  }
}

/** The external id of the account a person named; refused when the name means no account, or several. */
async function accountNamed(ctx: FeedbackContext, ref: string): Promise<string> {
  const typed = ref.trim();
  if (!typed) throw new DomainError("feedback.account_not_found", { ref: typed });
  const matches = await ctx.items.accountsNamed(typed, 5);
  if (matches.length === 0) throw new DomainError("feedback.account_not_found", { ref: typed });
  if (matches.length > 1)
    throw new DomainError("feedback.account_ambiguous", { ref: typed, externalIds: matches.map((m) => m.externalId) });
  return matches[0]!.externalId;
}

/** The item exists: the tagger joins it (once), with any new themes, and its card shows them. */
function addTagger(
  ctx: FeedbackContext,
  itemId: number,
  userId: string,
  via: Origin,
  themeIds: number[],
  now: Date,
): Promise<CaptureResult> {
  return ctx.tx.transaction(async (tx) => {
    const known = await ctx.items.tagger(tx, itemId, userId);
    if (!known) await ctx.items.addTagger(tx, { itemId, userId, via, taggedAt: now });
    let themed = false;
    for (const themeId of new Set(themeIds)) {
      if (!(await ctx.items.hasTheme(tx, itemId, themeId))) {
        await ctx.items.addTheme(tx, { itemId, themeId, addedById: userId, addedAt: now });
        themed = true;
      }
    }
    const item = (await ctx.items.load(tx, itemId))!;
    if (!known || themed) await ctx.notifier.itemChanged(tx, item, now);
    return { item, created: false, newTagger: !known };
  });
}
