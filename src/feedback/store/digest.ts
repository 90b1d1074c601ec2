// Voice of the customer, the read side in the database: the figures of themes and periods added up in
// SQL (the same statements on SQLite and Postgres), quotes, new themes and feedback items a page at a
// time. JavaScript reads one row per theme; ranking and composing the digest are rules (rules/digest.ts).
import type { Database } from "../../platform/db/client.ts";
import { num, queryRows } from "../../platform/db/sql.ts";
import {
  AT_RISK_BANDS,
  QUOTES_PER_THEME,
  checkPeriod,
  type Period,
  type PeriodTotals,
  type Quote,
  type ThemePeriodRow,
} from "../rules/digest.ts";
import { sortItemThemes, type FeedbackCursor, type FeedbackListItem, type FeedbackPage } from "../rules/listing.ts";

export interface DigestStore {
  /** One row per unmerged theme with items in the period: its figures, and its items in all time up to the period's end. */
  themeRows(period: Period): Promise<ThemePeriodRow[]>;
  /** The period's figures over all its items, and how many are in no theme. */
  periodTotals(period: Period): Promise<PeriodTotals>;
  /** Up to `perTheme` quotes of each theme: the period's items with the highest account ARR, newest first among equals. */
  themeQuotes(period: Period, themeIds: readonly number[], perTheme?: number): Promise<Map<number, Quote[]>>;
  /** Themes (not merged) created in the period, oldest first. */
  themesCreatedIn(period: Period): Promise<{ id: number; name: string; createdAt: Date }[]>;
  /** Active items of the period under each of the themes. */
  itemsInPeriod(period: Period, themeIds: readonly number[]): Promise<Map<number, number>>;
  /** Active items of a period, newest first, optionally of one theme, a page at a time (keyset on createdAt, id). */
  feedbackPage(
    q: Period & { themeId?: number | null; untagged?: boolean; limit: number; cursor?: FeedbackCursor | null },
  ): Promise<FeedbackPage>;
}

type Row = Record<string, unknown>;

/** Money rounded to cents, so sums added in another order compare equal. */
const cents = (v: unknown) => Math.round((num(v) ?? 0) * 100) / 100;
const count = (v: unknown) => num(v) ?? 0;
const atRiskList = AT_RISK_BANDS.map((b) => `'${b}'`).join(", ");

/**
 * The period's active items (`it`) and their distinct accounts with the ARR and band that count
 * (`acct`). Parameters: $1 = from, $2 = to.
 */
const PERIOD_CTES = `
  it AS (
    SELECT i."id", i."accountExternalId" AS acc, i."accountArr" AS arr, i."accountBand" AS band, i."createdAt"
    FROM "FeedbackItem" i
    WHERE i."status" = 'active' AND i."createdAt" >= $1 AND i."createdAt" < $2
  ),
  latest AS (
    SELECT acc, arr, band, ROW_NUMBER() OVER (PARTITION BY acc ORDER BY "createdAt" DESC, "id" DESC) AS rn
    FROM it WHERE acc IS NOT NULL
  ),
  acct AS (
    SELECT l.acc, COALESCE(a."arr", l.arr) AS arr, COALESCE(h."band", l.band) AS band
    FROM latest l
    LEFT JOIN "Account" a ON a."externalId" = l.acc
    LEFT JOIN "AccountHealthCurrent" h ON h."accountExternalId" = l.acc
    WHERE l.rn = 1
  )`;

/** One row per unmerged theme with items in the period: its figures, and its items in all time up to $2. */
const THEMES_SQL = `
  WITH ${PERIOD_CTES},
  tagged AS (
    SELECT ft."themeId" AS theme, COUNT(*) AS items
    FROM "FeedbackTheme" ft JOIN it ON it."id" = ft."itemId"
    GROUP BY ft."themeId"
  ),
  ta AS (
    SELECT DISTINCT ft."themeId" AS theme, it.acc
    FROM "FeedbackTheme" ft JOIN it ON it."id" = ft."itemId"
    WHERE it.acc IS NOT NULL
  ),
  money AS (
    SELECT ta.theme, COUNT(*) AS accounts, SUM(acct.arr) AS arr,
      SUM(CASE WHEN acct.band IN (${atRiskList}) THEN acct.arr ELSE 0 END) AS at_risk_arr,
      SUM(CASE WHEN acct.band IN (${atRiskList}) THEN 1 ELSE 0 END) AS at_risk_accounts
    FROM ta JOIN acct ON acct.acc = ta.acc
    GROUP BY ta.theme
  ),
  total AS (
    SELECT ft."themeId" AS theme, COUNT(*) AS total_items
    FROM "FeedbackTheme" ft JOIN "FeedbackItem" i ON i."id" = ft."itemId"
    WHERE i."status" = 'active' AND i."createdAt" < $2 AND ft."themeId" IN (SELECT theme FROM tagged)
    GROUP BY ft."themeId"
  )
  SELECT t."id", t."name", t."status", t."createdAt", tagged.items, total.total_items,
    money.accounts, money.arr, money.at_risk_arr, money.at_risk_accounts
  FROM tagged
  JOIN "Theme" t ON t."id" = tagged.theme
  LEFT JOIN money ON money.theme = tagged.theme
  LEFT JOIN total ON total.theme = tagged.theme
  WHERE t."status" <> 'merged'`;

/** The period's figures over all its items, and how many are in no theme. */
const TOTALS_SQL = `
  WITH ${PERIOD_CTES}
  SELECT
    (SELECT COUNT(*) FROM it) AS items,
    (SELECT COUNT(*) FROM acct) AS accounts,
    (SELECT SUM(arr) FROM acct) AS arr,
    (SELECT SUM(CASE WHEN band IN (${atRiskList}) THEN arr ELSE 0 END) FROM acct) AS at_risk_arr,
    (SELECT SUM(CASE WHEN band IN (${atRiskList}) THEN 1 ELSE 0 END) FROM acct) AS at_risk_accounts,
    (SELECT COUNT(*) FROM it WHERE NOT EXISTS (
      SELECT 1 FROM "FeedbackTheme" ft JOIN "Theme" t ON t."id" = ft."themeId"
      WHERE ft."itemId" = it."id" AND t."status" <> 'merged')) AS untagged`;

export function prismaDigests(db: Database): DigestStore {
  return {
    async themeRows(period) {
      const rows = await queryRows<Row>(db, db.client, THEMES_SQL, period.from, period.to);
      return rows.map((r) => ({
        themeId: count(r.id),
        name: String(r.name),
        status: String(r.status),
        createdAt: r.createdAt instanceof Date ? r.createdAt : new Date(String(r.createdAt)),
        totalItems: count(r.total_items),
        figures: {
          items: count(r.items),
          accounts: count(r.accounts),
          arr: cents(r.arr),
          atRiskArr: cents(r.at_risk_arr),
          atRiskAccounts: count(r.at_risk_accounts),
        },
      }));
    },

    async periodTotals(period) {
      const [r] = await queryRows<Row>(db, db.client, TOTALS_SQL, period.from, period.to);
      return {
        items: count(r?.items),
        accounts: count(r?.accounts),
        arr: cents(r?.arr),
        atRiskArr: cents(r?.at_risk_arr),
        atRiskAccounts: count(r?.at_risk_accounts),
        untagged: count(r?.untagged),
      };
    },

    async themeQuotes(period, themeIds, perTheme = QUOTES_PER_THEME) {
      const out = new Map<number, Quote[]>();
      if (themeIds.length === 0) return out;
      const list = themeIds.map((_, i) => `$${i + 4}`).join(", ");
      const picked = await queryRows<Row>(
        db,
        db.client,
        `WITH q AS (
               SELECT ft."themeId" AS theme, i."id" AS item, COALESCE(a."arr", i."accountArr") AS arr,
                 ROW_NUMBER() OVER (PARTITION BY ft."themeId" ORDER BY COALESCE(a."arr", i."accountArr", -1) DESC, i."createdAt" DESC, i."id" DESC) AS rn
               FROM "FeedbackTheme" ft
               JOIN "FeedbackItem" i ON i."id" = ft."itemId"
               LEFT JOIN "Account" a ON a."externalId" = i."accountExternalId"
               WHERE i."status" = 'active' AND i."createdAt" >= $1 AND i."createdAt" < $2 AND ft."themeId" IN (${list})
             )
             SELECT theme, item, arr, rn FROM q WHERE rn <= $3 ORDER BY theme, rn`,
        period.from,
        period.to,
        perTheme,
        ...themeIds,
      );
      const ids = [...new Set(picked.map((p) => count(p.item)))];
      const items = await db.client.feedbackItem.findMany({
        where: { id: { in: ids } },
        select: { id: true, text: true, permalink: true, accountExternalId: true, accountName: true, internal: true, createdAt: true },
      });
      const accountIds = [...new Set(items.map((i) => i.accountExternalId).filter((a): a is string => a !== null))];
      const accounts = accountIds.length
        ? new Map(
            (await db.client.account.findMany({ where: { externalId: { in: accountIds } }, select: { externalId: true, name: true } })).map(
              (a) => [a.externalId, a.name],
            ),
          )
        : new Map<string, string>();
      const byId = new Map(items.map((i) => [i.id, i]));
      for (const p of picked) {
        const item = byId.get(count(p.item));
        if (!item) continue;
        const theme = count(p.theme);
        const quotes = out.get(theme) ?? [];
        quotes.push({
          itemId: item.id,
          text: item.text,
          permalink: item.permalink,
          accountName:
            (item.accountExternalId ? accounts.get(item.accountExternalId) : undefined) ?? item.accountName ?? item.accountExternalId,
          accountArr: num(p.arr),
          internal: item.internal,
          createdAt: item.createdAt,
        });
        out.set(theme, quotes);
      }
      return out;
    },

    themesCreatedIn(period) {
      return db.client.theme.findMany({
        where: { status: { not: "merged" }, createdAt: { gte: period.from, lt: period.to } },
        select: { id: true, name: true, createdAt: true },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
    },

    async itemsInPeriod(period, themeIds) {
      if (themeIds.length === 0) return new Map();
      const list = themeIds.map((_, i) => `$${i + 3}`).join(", ");
      const rows = await queryRows<Row>(
        db,
        db.client,
        `SELECT ft."themeId" AS theme, COUNT(*) AS n
         FROM "FeedbackTheme" ft JOIN "FeedbackItem" i ON i."id" = ft."itemId"
         WHERE i."status" = 'active' AND i."createdAt" >= $1 AND i."createdAt" < $2 AND ft."themeId" IN (${list})
         GROUP BY ft."themeId"`,
        period.from,
        period.to,
        ...themeIds,
      );
      return new Map(rows.map((r) => [count(r.theme), count(r.n)]));
    },

    async feedbackPage(q) {
      checkPeriod(q);
      const args: unknown[] = [q.from, q.to, q.limit + 1];
      const where = [`i."status" = 'active'`, `i."createdAt" >= $1`, `i."createdAt" < $2`];
      if (q.themeId != null) {
        args.push(q.themeId);
        where.push(`EXISTS (SELECT 1 FROM "FeedbackTheme" ft WHERE ft."itemId" = i."id" AND ft."themeId" = $${args.length})`);
      }
      // In no (unmerged) theme, as the period's totals count them.
      if (q.untagged)
        where.push(
          `NOT EXISTS (SELECT 1 FROM "FeedbackTheme" ft JOIN "Theme" t ON t."id" = ft."themeId" WHERE ft."itemId" = i."id" AND t."status" <> 'merged')`,
        );
      if (q.cursor) {
        args.push(q.cursor.createdAt, q.cursor.id);
        const [c, id] = [`$${args.length - 1}`, `$${args.length}`];
        where.push(`(i."createdAt" < ${c} OR (i."createdAt" = ${c} AND i."id" < ${id}))`);
      }
      const rows = await queryRows<Row>(
        db,
        db.client,
        `SELECT i."id" FROM "FeedbackItem" i WHERE ${where.join(" AND ")} ORDER BY i."createdAt" DESC, i."id" DESC LIMIT $3`,
        ...args,
      );
      const ids = rows.slice(0, q.limit).map((r) => count(r.id));
      const c = db.client;
      const [items, links] = await Promise.all([
        c.feedbackItem.findMany({ where: { id: { in: ids } } }),
        c.feedbackTheme.findMany({ where: { itemId: { in: ids } }, select: { itemId: true, themeId: true } }),
      ]);
      const accountIds = [...new Set(items.map((i) => i.accountExternalId).filter((a): a is string => a !== null))];
      const [themes, accounts, health] = await Promise.all([
        c.theme.findMany({
          where: { id: { in: [...new Set(links.map((l) => l.themeId))] }, status: { not: "merged" } },
          select: { id: true, name: true },
        }),
        c.account.findMany({ where: { externalId: { in: accountIds } }, select: { externalId: true, name: true, arr: true } }),
        c.accountHealthCurrent.findMany({
          where: { accountExternalId: { in: accountIds } },
          select: { accountExternalId: true, band: true },
        }),
      ]);
      const themeName = new Map(themes.map((t) => [t.id, t.name]));
      const accountOf = new Map(accounts.map((a) => [a.externalId, a]));
      const bandOf = new Map(health.map((h) => [h.accountExternalId, h.band]));
      const byId = new Map(items.map((i) => [i.id, i]));
      const list = ids
        .map((id) => byId.get(id))
        .filter((i): i is NonNullable<typeof i> => i !== undefined)
        .map((i): FeedbackListItem => {
          const acc = i.accountExternalId ? accountOf.get(i.accountExternalId) : undefined;
          return {
            id: i.id,
            createdAt: i.createdAt,
            text: i.text,
            permalink: i.permalink,
            kind: i.kind,
            importance: i.importance,
            internal: i.internal,
            origin: i.origin,
            channelId: i.channelId,
            authorId: i.authorId,
            authorName: i.authorName,
            account: i.accountExternalId
              ? {
                  externalId: i.accountExternalId,
                  name: acc?.name ?? i.accountName,
                  arr: acc?.arr ?? i.accountArr,
                  band: bandOf.get(i.accountExternalId) ?? i.accountBand,
                }
              : null,
            themes: sortItemThemes(
              links
                .filter((l) => l.itemId === i.id && themeName.has(l.themeId))
                .map((l) => ({ id: l.themeId, name: themeName.get(l.themeId)! })),
            ),
          };
        });
      const last = list[list.length - 1];
      return { items: list, next: rows.length > q.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },
  };
}
