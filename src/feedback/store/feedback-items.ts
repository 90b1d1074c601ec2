// Feedback items in the database: reading an item with its taggers and themes, capturing, tagging,
// withdrawing, and the item reads behind theme changes and shipping. Every function runs in the
// transaction it is given, or on its own (null) for reads outside one.
import type { Database, Tx } from "../../platform/db/client.ts";
import { num, queryRows } from "../../platform/db/sql.ts";
import {
  openSuggestions,
  type CapturedAccount,
  type FeedbackItem,
  type FeedbackStatus,
  type Importance,
  type Kind,
  type Origin,
  type Suggestion,
  type ThemeRef,
} from "../rules/feedback.ts";
import type { ShippedItem } from "../rules/loop.ts";

/** What a capture stores (a returning item gets the same fields again): the item but what the store gives it. */
export type NewFeedbackItem = Omit<FeedbackItem, "id" | "status" | "taggers" | "themes">;

export interface SourceToAnswer {
  id: number;
  channelId: string;
  messageTs: string;
  threadTs: string;
}

export interface FeedbackItemStore {
  load(tx: Tx | null, id: number): Promise<FeedbackItem | null>;
  /** Many items at once (a fixed number of queries), in the order of `ids`; missing ones are left out. */
  loadMany(tx: Tx | null, ids: readonly number[]): Promise<FeedbackItem[]>;
  /** The item made from a source message, if any. */
  bySource(tx: Tx | null, channelId: string, messageTs: string): Promise<{ id: number; status: FeedbackStatus } | null>;
  status(tx: Tx, id: number): Promise<FeedbackStatus | null>;
  /** The account of a capture: the channel's link, else the author's email domain; with its value and health now. */
  resolveAccount(channelAccount: string | null, emailDomain: string | null): Promise<CapturedAccount | null>;
  /** The accounts a person's name for one means: the account of that external id, else those of that name (any case), at most `limit`. */
  accountsNamed(ref: string, limit: number): Promise<{ externalId: string; name: string }[]>;
  /** Accounts whose name or external id contains the text (any case), highest ARR first: an account picker's options. */
  accountsMatching(text: string, limit: number): Promise<{ externalId: string; name: string; arr: number | null }[]>;
  create(tx: Tx, item: NewFeedbackItem): Promise<number>;
  /** A withdrawn item tagged again comes back as it is tagged now, without its old taggers. */
  reactivate(tx: Tx, id: number, item: NewFeedbackItem): Promise<void>;
  tagger(tx: Tx, itemId: number, userId: string): Promise<{ via: string; taggedAt: Date } | null>;
  addTagger(tx: Tx, tag: { itemId: number; userId: string; via: Origin; taggedAt: Date }): Promise<void>;
  removeTagger(tx: Tx, itemId: number, userId: string): Promise<void>;
  countTaggers(tx: Tx, itemId: number): Promise<number>;
  /** Withdraws an active item; false when it was not active any more. */
  withdraw(tx: Tx, id: number, at: Date): Promise<boolean>;
  hasTheme(tx: Tx, itemId: number, themeId: number): Promise<boolean>;
  addTheme(tx: Tx, link: { itemId: number; themeId: number; addedById: string; addedAt: Date }): Promise<void>;
  /** The most recent active items of a theme (at most `limit`), and how many there are. */
  recentOfTheme(tx: Tx, themeId: number, limit: number): Promise<{ ids: number[]; total: number }>;
  /** The most recent active items a theme is suggested for (at most `limit`), with their suggestions. */
  suggesting(tx: Tx, themeId: number, limit: number): Promise<{ id: number; suggestions: Suggestion[] }[]>;
  setSuggestions(tx: Tx, id: number, suggestions: Suggestion[]): Promise<void>;
  /** The theme's active items whose source thread may be answered (they have one and were not answered yet). */
  sourcesToAnswer(themeId: number): Promise<SourceToAnswer[]>;
  /** The theme's active items, as closing the loop sees them. */
  shippedItems(tx: Tx | null, themeId: number): Promise<ShippedItem[]>;
  /** Marks the item's loop closed; false when it was closed already. */
  closeLoop(tx: Tx, id: number, at: Date): Promise<boolean>;
  /** The CSMs of accounts. */
  accountCsms(
    tx: Tx | null,
    externalIds: readonly string[],
  ): Promise<{ externalId: string; name: string; csmSlackUserId: string | null }[]>;
}

type Row = {
  id: number;
  origin: string;
  channelId: string;
  messageTs: string | null;
  threadTs: string | null;
  text: string;
  authorId: string;
  authorName: string | null;
  internal: boolean;
  accountExternalId: string | null;
  accountName: string | null;
  accountArr: number | null;
  accountTier: string | null;
  accountBand: string | null;
  permalink: string | null;
  kind: string | null;
  importance: string | null;
  note: string | null;
  ticketId: number | null;
  createdById: string;
  createdAt: Date;
  status: string;
  suggestions: string;
};

function toItem(row: Row, taggers: string[], themes: ThemeRef[]): FeedbackItem {
  return {
    id: row.id,
    origin: row.origin as Origin,
    channelId: row.channelId,
    messageTs: row.messageTs,
    threadTs: row.threadTs,
    text: row.text,
    authorId: row.authorId,
    authorName: row.authorName,
    internal: row.internal,
    account: row.accountExternalId
      ? { externalId: row.accountExternalId, name: row.accountName, arr: row.accountArr, tier: row.accountTier, band: row.accountBand }
      : null,
    permalink: row.permalink,
    kind: row.kind as Kind | null,
    importance: row.importance as Importance | null,
    note: row.note,
    ticketId: row.ticketId,
    createdById: row.createdById,
    createdAt: row.createdAt,
    status: row.status as FeedbackStatus,
    taggers,
    themes,
    suggestions: openSuggestions(JSON.parse(row.suggestions) as Suggestion[], themes),
  };
}

function columns(item: NewFeedbackItem) {
  return {
    origin: item.origin,
    channelId: item.channelId,
    messageTs: item.messageTs,
    threadTs: item.threadTs,
    text: item.text,
    authorId: item.authorId,
    authorName: item.authorName,
    internal: item.internal,
    accountExternalId: item.account?.externalId ?? null,
    accountName: item.account?.name ?? null,
    accountArr: item.account?.arr ?? null,
    accountTier: item.account?.tier ?? null,
    accountBand: item.account?.band ?? null,
    permalink: item.permalink,
    kind: item.kind,
    importance: item.importance,
    note: item.note,
    ticketId: item.ticketId,
    createdById: item.createdById,
    createdAt: item.createdAt,
    suggestions: JSON.stringify(item.suggestions),
  };
}

export function prismaFeedbackItems(db: Database): FeedbackItemStore {
  const run = (tx: Tx | null): Tx => tx ?? db.client;

  return {
    async load(tx, id) {
      const c = run(tx);
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
      return toItem(
        item,
        taggers.map((t) => t.userId),
        themes,
      );
    },

    async loadMany(tx, ids) {
      if (ids.length === 0) return [];
      const c = run(tx);
      const wanted = [...new Set(ids)];
      const [items, taggers, links] = await Promise.all([
        c.feedbackItem.findMany({ where: { id: { in: wanted } } }),
        c.feedbackTagger.findMany({
          where: { itemId: { in: wanted } },
          orderBy: [{ taggedAt: "asc" }],
          select: { itemId: true, userId: true },
        }),
        c.feedbackTheme.findMany({ where: { itemId: { in: wanted } }, select: { itemId: true, themeId: true } }),
      ]);
      const themes = links.length
        ? await c.theme.findMany({
            where: { id: { in: [...new Set(links.map((l) => l.themeId))] } },
            select: { id: true, name: true },
            orderBy: { name: "asc" },
          })
        : [];
      const byId = new Map(items.map((i) => [i.id, i]));
      return wanted.flatMap((id) => {
        const row = byId.get(id);
        if (!row) return [];
        const mine = new Set(links.filter((l) => l.itemId === id).map((l) => l.themeId));
        return [
          toItem(
            row,
            taggers.filter((t) => t.itemId === id).map((t) => t.userId),
            themes.filter((t) => mine.has(t.id)),
          ),
        ];
      });
    },

    async bySource(tx, channelId, messageTs) {
      const row = await run(tx).feedbackItem.findUnique({
        where: { channelId_messageTs: { channelId, messageTs } },
        select: { id: true, status: true },
      });
      return row ? { id: row.id, status: row.status as FeedbackStatus } : null;
    },

    async status(tx, id) {
      const row = await tx.feedbackItem.findUnique({ where: { id }, select: { status: true } });
      return row ? (row.status as FeedbackStatus) : null;
    },

    async resolveAccount(channelAccount, emailDomain) {
      const c = db.client;
      let account = channelAccount ? await c.account.findUnique({ where: { externalId: channelAccount } }) : null;
      if (!account && emailDomain)
        account = await c.account.findFirst({ where: { domain: emailDomain.toLowerCase() }, orderBy: { externalId: "asc" } });
      const externalId = account?.externalId ?? channelAccount;
      if (!externalId) return null;
      const health = await c.accountHealthCurrent.findUnique({ where: { accountExternalId: externalId }, select: { band: true } });
      return {
        externalId,
        name: account?.name ?? null,
        arr: account?.arr ?? null,
        tier: account?.tier ?? null,
        band: health?.band ?? null,
      };
    },

    async accountsNamed(ref, limit) {
      const c = db.client;
      const byId = await c.account.findUnique({ where: { externalId: ref }, select: { externalId: true, name: true } });
      if (byId) return [byId];
      return queryRows<{ externalId: string; name: string }>(
        db,
        c,
        `SELECT "externalId", "name" FROM "Account" WHERE LOWER("name") = $1 ORDER BY "externalId" LIMIT ${Math.floor(limit)}`,
        ref.toLowerCase(),
      );
    },

    async accountsMatching(text, limit) {
      // The text is data in a LIKE pattern: its own % and _ (and the escape character) match only themselves.
      const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await queryRows<{ externalId: string; name: string; arr: unknown }>(
        db,
        db.client,
        `SELECT "externalId", "name", "arr" FROM "Account"
         WHERE LOWER("name") LIKE $1 ESCAPE '\\' OR LOWER("externalId") LIKE $1 ESCAPE '\\'
         ORDER BY "arr" IS NULL, "arr" DESC, "name", "externalId" LIMIT ${Math.floor(limit)}`,
        pattern,
      );
      return rows.map((r) => ({ externalId: r.externalId, name: r.name, arr: num(r.arr) }));
    },

    async create(tx, item) {
      const row = await tx.feedbackItem.create({ data: columns(item), select: { id: true } });
      return row.id;
    },

    async reactivate(tx, id, item) {
      await tx.feedbackItem.update({ where: { id }, data: { ...columns(item), status: "active", withdrawnAt: null } });
      await tx.feedbackTagger.deleteMany({ where: { itemId: id } });
    },

    async tagger(tx, itemId, userId) {
      return tx.feedbackTagger.findUnique({ where: { itemId_userId: { itemId, userId } }, select: { via: true, taggedAt: true } });
    },

    async addTagger(tx, tag) {
      await tx.feedbackTagger.create({ data: tag });
    },

    async removeTagger(tx, itemId, userId) {
      await tx.feedbackTagger.delete({ where: { itemId_userId: { itemId, userId } } });
    },

    countTaggers(tx, itemId) {
      return tx.feedbackTagger.count({ where: { itemId } });
    },

    async withdraw(tx, id, at) {
      const done = await tx.feedbackItem.updateMany({ where: { id, status: "active" }, data: { status: "withdrawn", withdrawnAt: at } });
      return done.count > 0;
    },

    async hasTheme(tx, itemId, themeId) {
      return (await tx.feedbackTheme.findUnique({ where: { itemId_themeId: { itemId, themeId } }, select: { itemId: true } })) !== null;
    },

    async addTheme(tx, link) {
      await tx.feedbackTheme.create({ data: link });
    },

    async recentOfTheme(tx, themeId, limit) {
      const from = `FROM "FeedbackTheme" ft JOIN "FeedbackItem" fi ON fi."id" = ft."itemId"
      WHERE ft."themeId" = $1 AND fi."status" = 'active'`;
      const rows = await queryRows<{ id: unknown }>(
        db,
        tx,
        `SELECT fi."id" AS "id" ${from} ORDER BY fi."createdAt" DESC, fi."id" DESC LIMIT $2`,
        themeId,
        limit,
      );
      const ids = rows.map((r) => Number(r.id));
      if (ids.length < limit) return { ids, total: ids.length };
      const [count] = await queryRows<{ n: unknown }>(db, tx, `SELECT COUNT(*) AS n ${from}`, themeId);
      return { ids, total: num(count?.n) ?? ids.length };
    },

    async suggesting(tx, themeId, limit) {
      const rows = await tx.feedbackItem.findMany({
        where: { suggestions: { contains: `"id":${themeId},` }, status: "active" },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: limit,
        select: { id: true, suggestions: true },
      });
      return rows.map((r) => ({ id: r.id, suggestions: JSON.parse(r.suggestions) as Suggestion[] }));
    },

    async setSuggestions(tx, id, suggestions) {
      await tx.feedbackItem.update({ where: { id }, data: { suggestions: JSON.stringify(suggestions) } });
    },

    async sourcesToAnswer(themeId) {
      const c = db.client;
      const links = await c.feedbackTheme.findMany({ where: { themeId }, select: { itemId: true } });
      const items = await c.feedbackItem.findMany({
        where: {
          id: { in: links.map((l) => l.itemId) },
          status: "active",
          loopClosedAt: null,
          messageTs: { not: null },
          threadTs: { not: null },
        },
        select: { id: true, channelId: true, messageTs: true, threadTs: true },
        orderBy: { id: "asc" },
      });
      return items.map((i) => ({ id: i.id, channelId: i.channelId, messageTs: i.messageTs!, threadTs: i.threadTs! }));
    },

    async shippedItems(tx, themeId) {
      const c = run(tx);
      const links = await c.feedbackTheme.findMany({ where: { themeId }, select: { itemId: true } });
      return c.feedbackItem.findMany({
        where: { id: { in: links.map((l) => l.itemId) }, status: "active" },
        select: { id: true, loopClosedAt: true, messageTs: true, accountExternalId: true, accountName: true },
      });
    },

    async closeLoop(tx, id, at) {
      const closed = await tx.feedbackItem.updateMany({ where: { id, loopClosedAt: null }, data: { loopClosedAt: at } });
      return closed.count > 0;
    },

    async accountCsms(tx, externalIds) {
      if (externalIds.length === 0) return [];
      return run(tx).account.findMany({
        where: { externalId: { in: [...externalIds] } },
        select: { externalId: true, name: true, csmSlackUserId: true },
      });
    },
  };
}
