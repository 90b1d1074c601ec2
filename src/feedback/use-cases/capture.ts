// Capturing feedback: one item per source message (tagging it again adds a tagger), the account and its
// value and health as they are at capture, and withdrawal when the reaction is taken back in time.
import type { Database, Tx } from "../../platform/db/client.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Logger } from "../../platform/observability/log.ts";
import { isUniqueViolation } from "../../support/use-cases/tickets.ts";
import {
  FeedbackError,
  verbatim,
  type FeedbackNotifier,
  type FeedbackView,
  type Importance,
  type Kind,
  type Origin,
  type Suggestion,
} from "../rules/feedback.ts";

export interface CaptureInput {
  origin: Origin;
  channelId: string;
  messageTs: string | null;
  threadTs: string | null;
  text: string;
  authorId: string;
  authorName: string | null;
  internal: boolean;
  /** The account of the channel's link, if any. */
  channelAccount: string | null;
  /** The author's email domain, matched to an account's domain when the channel names no account. */
  emailDomain: string | null;
  permalink: string | null;
  taggerId: string;
  kind?: Kind | null;
  importance?: Importance | null;
  note?: string | null;
  ticketId?: number | null;
  /** Themes chosen at capture. */
  themeIds?: number[];
  at: Date;
}

export type CaptureResult = { item: FeedbackView; created: boolean; newTagger: boolean };

/** Suggests themes for a text (text similarity to the themes' items); injected so capture stays simple. */
export type ThemeSuggester = (text: string) => Promise<Suggestion[]>;

type Client = Tx | Database["client"];

export async function loadFeedback(c: Client, id: number): Promise<FeedbackView | null> {
  const item = await c.feedbackItem.findUnique({ where: { id } });
  if (!item) return null;
  const [taggers, links] = await Promise.all([
    c.feedbackTagger.findMany({ where: { itemId: id }, orderBy: { taggedAt: "asc" }, select: { userId: true } }),
    c.feedbackTheme.findMany({ where: { itemId: id }, select: { themeId: true } }),
  ]);
  const themes = links.length
    ? await c.theme.findMany({
        where: { id: { in: links.map((l) => l.themeId) } },
        select: { id: true, name: true },
        orderBy: { name: "asc" },
      })
    : [];
  return {
    id: item.id,
    origin: item.origin as Origin,
    channelId: item.channelId,
    messageTs: item.messageTs,
    threadTs: item.threadTs,
    text: item.text,
    authorId: item.authorId,
    authorName: item.authorName,
    internal: item.internal,
    account: item.accountExternalId
      ? { externalId: item.accountExternalId, name: item.accountName, arr: item.accountArr, tier: item.accountTier, band: item.accountBand }
      : null,
    permalink: item.permalink,
    kind: item.kind as Kind | null,
    importance: item.importance as Importance | null,
    note: item.note,
    ticketId: item.ticketId,
    createdById: item.createdById,
    createdAt: item.createdAt,
    status: item.status as FeedbackView["status"],
    cardOutboxId: item.cardOutboxId,
    taggers: taggers.map((t) => t.userId),
    themes,
    suggestions: (JSON.parse(item.suggestions) as Suggestion[]).filter((s) => !themes.some((t) => t.id === s.id)),
  };
}

export class FeedbackService {
  constructor(
    private readonly db: Database,
    private readonly notifier: FeedbackNotifier,
    private readonly settings: { withdrawGraceMs: number },
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: () => void,
    private readonly suggest: ThemeSuggester = async () => [],
  ) {}

  get(id: number): Promise<FeedbackView | null> {
    return loadFeedback(this.db.client, id);
  }

  bySource(channelId: string, messageTs: string): Promise<{ id: number; status: string } | null> {
    return this.db.client.feedbackItem.findUnique({
      where: { channelId_messageTs: { channelId, messageTs } },
      select: { id: true, status: true },
    });
  }

  /** The account a feedback item belongs to: the channel's link, else the author's email domain. */
  async resolveAccount(channelAccount: string | null, emailDomain: string | null) {
    const c = this.db.client;
    let account = channelAccount ? await c.account.findUnique({ where: { externalId: channelAccount } }) : null;
    if (!account && emailDomain)
      account = await c.account.findFirst({ where: { domain: emailDomain.toLowerCase() }, orderBy: { externalId: "asc" } });
    const externalId = account?.externalId ?? channelAccount;
    if (!externalId) return null;
    const health = await c.accountHealthCurrent.findUnique({ where: { accountExternalId: externalId }, select: { band: true } });
    return { externalId, name: account?.name ?? null, arr: account?.arr ?? null, tier: account?.tier ?? null, band: health?.band ?? null };
  }

  async capture(input: CaptureInput): Promise<CaptureResult> {
    const text = verbatim(input.text);
    if (!text) throw new FeedbackError("There is no text to send: the message is empty.");
    const now = this.clock.now();
    const existing = input.messageTs ? await this.bySource(input.channelId, input.messageTs) : null;
    if (existing && existing.status === "active")
      return this.addTagger(existing.id, input.taggerId, input.origin, input.themeIds ?? [], now);

    const account = await this.resolveAccount(input.channelAccount, input.emailDomain);
    const suggestions = input.themeIds?.length
      ? []
      : await this.suggest(text).catch((error: unknown) => {
          this.log.warn({ err: error }, "theme suggestions failed; the item is captured without them");
          return [];
        });
    try {
      const item = await this.db.client.$transaction(async (tx) => {
        const data = {
          origin: input.origin,
          channelId: input.channelId,
          messageTs: input.messageTs,
          threadTs: input.threadTs,
          text,
          authorId: input.authorId,
          authorName: input.authorName,
          internal: input.internal,
          accountExternalId: account?.externalId ?? null,
          accountName: account?.name ?? null,
          accountArr: account?.arr ?? null,
          accountTier: account?.tier ?? null,
          accountBand: account?.band ?? null,
          permalink: input.permalink,
          kind: input.kind ?? null,
          importance: input.importance ?? null,
          note: input.note?.trim() || null,
          ticketId: input.ticketId ?? null,
          createdById: input.taggerId,
          createdAt: input.at,
          suggestions: JSON.stringify(suggestions),
        };
        // A withdrawn item tagged again comes back as it is tagged now.
        const row = existing
          ? await tx.feedbackItem.update({
              where: { id: existing.id },
              data: { ...data, status: "active", withdrawnAt: null, cardOutboxId: null },
            })
          : await tx.feedbackItem.create({ data });
        if (existing) await tx.feedbackTagger.deleteMany({ where: { itemId: row.id } });
        await tx.feedbackTagger.create({ data: { itemId: row.id, userId: input.taggerId, via: input.origin, taggedAt: now } });
        for (const themeId of new Set(input.themeIds ?? [])) {
          await tx.feedbackTheme.create({ data: { itemId: row.id, themeId, addedById: input.taggerId, addedAt: now } });
        }
        const view = (await loadFeedback(tx, row.id))!;
        const cardOutboxId = await this.notifier.itemCaptured(tx, view, now);
        if (cardOutboxId !== null) await tx.feedbackItem.update({ where: { id: row.id }, data: { cardOutboxId } });
        return { ...view, cardOutboxId };
      });
      this.afterCommit();
      this.log.info(
        { event: "feedback.captured", item: item.id, origin: input.origin, account: item.account?.externalId ?? null },
        "feedback captured",
      );
      return { item, created: true, newTagger: true };
    } catch (error) {
      // Tagged twice at once: the other capture made the item; this tagger joins it.
      if (input.messageTs && isUniqueViolation(error)) {
        const other = await this.bySource(input.channelId, input.messageTs);
        if (other) return this.addTagger(other.id, input.taggerId, input.origin, input.themeIds ?? [], now);
      }
      throw error;
    }
  }

  private async addTagger(itemId: number, userId: string, via: Origin, themeIds: number[], now: Date): Promise<CaptureResult> {
    const result = await this.db.client.$transaction(async (tx) => {
      const known = await tx.feedbackTagger.findUnique({ where: { itemId_userId: { itemId, userId } } });
      if (!known) await tx.feedbackTagger.create({ data: { itemId, userId, via, taggedAt: now } });
      let themed = false;
      for (const themeId of new Set(themeIds)) {
        const has = await tx.feedbackTheme.findUnique({ where: { itemId_themeId: { itemId, themeId } } });
        if (!has) {
          await tx.feedbackTheme.create({ data: { itemId, themeId, addedById: userId, addedAt: now } });
          themed = true;
        }
      }
      const view = (await loadFeedback(tx, itemId))!;
      if (!known || themed) await this.notifier.itemChanged(tx, view, now);
      return { item: view, created: false, newTagger: !known };
    });
    this.afterCommit();
    return result;
  }

  /**
   * A tagger took their reaction back. Within the grace period their tag is removed, and an item nobody
   * tags any more is withdrawn with its card. Later, the item stays (it may be in a digest already).
   */
  async untag(channelId: string, messageTs: string, userId: string): Promise<"withdrawn" | "untagged" | "kept" | "none"> {
    const item = await this.bySource(channelId, messageTs);
    if (!item || item.status !== "active") return "none";
    const now = this.clock.now();
    const outcome = await this.db.client.$transaction(async (tx) => {
      const row = await tx.feedbackItem.findUniqueOrThrow({ where: { id: item.id } });
      const tag = await tx.feedbackTagger.findUnique({ where: { itemId_userId: { itemId: item.id, userId } } });
      if (!tag || tag.via !== "reaction") return "none" as const;
      if (now.getTime() - tag.taggedAt.getTime() > this.settings.withdrawGraceMs) return "kept" as const;
      await tx.feedbackTagger.delete({ where: { itemId_userId: { itemId: item.id, userId } } });
      const left = await tx.feedbackTagger.count({ where: { itemId: item.id } });
      if (left > 0) {
        await this.notifier.itemChanged(tx, (await loadFeedback(tx, item.id))!, now);
        return "untagged" as const;
      }
      const withdrawn = await tx.feedbackItem.updateMany({
        where: { id: row.id, status: "active" },
        data: { status: "withdrawn", withdrawnAt: now },
      });
      if (withdrawn.count === 0) return "none" as const;
      await this.notifier.itemWithdrawn(tx, (await loadFeedback(tx, item.id))!, now);
      return "withdrawn" as const;
    });
    if (outcome !== "none" && outcome !== "kept") this.afterCommit();
    if (outcome === "withdrawn") this.log.info({ event: "feedback.withdrawn", item: item.id }, "feedback withdrawn");
    return outcome;
  }

  /** Sets an item's themes (a confirmed suggestion, or the shortcut's choice) and updates its card. */
  async addThemes(itemId: number, themeIds: number[], userId: string): Promise<FeedbackView> {
    const now = this.clock.now();
    const view = await this.db.client.$transaction(async (tx) => {
      const item = await tx.feedbackItem.findUnique({ where: { id: itemId }, select: { status: true } });
      if (!item || item.status !== "active") throw new FeedbackError("This feedback was withdrawn.");
      for (const themeId of new Set(themeIds)) {
        const theme = await tx.theme.findUnique({ where: { id: themeId }, select: { status: true, name: true } });
        if (!theme || theme.status === "merged")
          throw new FeedbackError("That theme no longer exists: pick another with /feedback themes.");
        const has = await tx.feedbackTheme.findUnique({ where: { itemId_themeId: { itemId, themeId } } });
        if (!has) await tx.feedbackTheme.create({ data: { itemId, themeId, addedById: userId, addedAt: now } });
      }
      const updated = (await loadFeedback(tx, itemId))!;
      await this.notifier.itemChanged(tx, updated, now);
      return updated;
    });
    this.afterCommit();
    return view;
  }
}
