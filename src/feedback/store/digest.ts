// Voice of the customer, the read side: themes ranked by the ARR of the accounts asking, the digest
// model built on that ranking, and feedback items a page at a time for the API. No Slack, no HTTP.
// The aggregation is SQL (the same statements on SQLite and Postgres); JavaScript reads one row per
// theme and only sorts the ranked rows (so ties break the same way on both databases, whatever their
// collation).
//
// Definitions (a period is [from, to)):
// - An item belongs to a period by its createdAt; only active items count (withdrawn ones do not).
// - Themes with status merged are left out (their items were moved to the theme they joined);
//   archived themes still count.
// - An account counts once per theme however many items it has. Its ARR is the current ARR of the
//   Account row when there is one, else the ARR captured on its latest item in the period.
// - A theme's ARR is the sum of the ARR of its distinct accounts. Items without an account count in
//   the items but add no ARR.
// - At-risk ARR: the ARR of those distinct accounts whose band is yellow or red (the current band in
//   AccountHealthCurrent, else the band captured on the account's latest item in the period).
// - Trend: the same figures for the previous period of the same length, [from - (to - from), from).
// - New this period: the theme's items are those created in the period (its items in all time, up to
//   `to`, are given beside them); a theme is new when its own createdAt is in the period.
// - Ranking: ARR descending, then items descending, then theme name, then id.
// - Quotes: up to two of the period's items of the theme whose accounts have the highest ARR (newest
//   first among equals), verbatim with their permalink.
// - Untagged items: active items of the period in no (unmerged) theme; they are counted, not ranked.
import type { Database } from "../../platform/db/client.ts";
import { num, queryRows } from "../../platform/db/sql.ts";

export const DAY_MS = 86_400_000;
/** Themes in a digest; the rest are counted ("N more themes"), and the API lists them all. */
export const DIGEST_THEMES = 50;
export const QUOTES_PER_THEME = 2;
/** New themes named in a digest; the rest are counted. */
export const DIGEST_NEW_THEMES = 20;
export const AT_RISK_BANDS = ["yellow", "red"] as const;

export interface Period {
  from: Date;
  to: Date;
}

export interface ThemeFigures {
  items: number;
  accounts: number;
  arr: number;
  atRiskArr: number;
  atRiskAccounts: number;
}

export interface RankedTheme extends ThemeFigures {
  rank: number;
  themeId: number;
  name: string;
  /** active | archived */
  status: string;
  createdAt: Date;
  /** The theme was created in the period. */
  isNew: boolean;
  /** Active items of the theme created before `to`, in all time. */
  totalItems: number;
  /** The same figures over the previous period of the same length (zeros when it had none). */
  previous: ThemeFigures;
}

export interface Quote {
  itemId: number;
  text: string;
  permalink: string | null;
  accountName: string | null;
  /** The account's ARR as ranked (current, else at capture). */
  accountArr: number | null;
  internal: boolean;
  createdAt: Date;
}

export interface DigestTheme extends RankedTheme {
  quotes: Quote[];
}

export interface PeriodTotals extends ThemeFigures {
  /** Items in no theme. */
  untagged: number;
}

export interface Digest extends Period {
  previousPeriod: Period;
  totals: PeriodTotals;
  previousTotals: PeriodTotals;
  /** The top themes, ranked. */
  themes: DigestTheme[];
  /** Themes with feedback in the period beyond the ones listed. */
  moreThemes: number;
  newThemes: { themeId: number; name: string; createdAt: Date; items: number }[];
  /** New themes beyond the ones named. */
  moreNewThemes: number;
}

type Row = Record<string, unknown>;

export function previousPeriod({ from, to }: Period): Period {
  const length = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - length), to: new Date(from) };
}

function checkPeriod({ from, to }: Period): void {
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new RangeError("a feedback period needs valid from and to dates");
  }
  if (from.getTime() >= to.getTime())
    throw new RangeError(`a feedback period needs from (${from.toISOString()}) before to (${to.toISOString()})`);
}

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

interface ThemeRow {
  themeId: number;
  name: string;
  status: string;
  createdAt: Date;
  totalItems: number;
  figures: ThemeFigures;
}

const EMPTY: ThemeFigures = { items: 0, accounts: 0, arr: 0, atRiskArr: 0, atRiskAccounts: 0 };

async function themeRows(db: Database, period: Period): Promise<ThemeRow[]> {
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
}

/** ARR descending, then items descending, then name, then id. */
export function compareThemes(
  a: { arr: number; items: number; name: string; themeId: number },
  b: { arr: number; items: number; name: string; themeId: number },
): number {
  return b.arr - a.arr || b.items - a.items || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.themeId - b.themeId;
}

export interface RankingQuery extends Period {
  /** At most this many themes (default: all with feedback in the period). */
  limit?: number;
}

export interface Ranking {
  themes: RankedTheme[];
  /** Themes with feedback in the period, listed or not. */
  themesWithFeedback: number;
}

/** The themes with feedback in the period, ranked by the ARR of the distinct accounts asking, with the previous period's figures. */
export async function themeRanking(db: Database, q: RankingQuery): Promise<Ranking> {
  checkPeriod(q);
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1))
    throw new RangeError("themeRanking's limit must be a whole number of at least 1");
  const [current, before] = await Promise.all([themeRows(db, q), themeRows(db, previousPeriod(q))]);
  const previous = new Map(before.map((r) => [r.themeId, r.figures]));
  const ranked = current
    .map((r) => ({ ...r, ...r.figures }))
    .sort(compareThemes)
    .slice(0, q.limit ?? current.length)
    .map((r, i): RankedTheme => ({
      rank: i + 1,
      themeId: r.themeId,
      name: r.name,
      status: r.status,
      createdAt: r.createdAt,
      isNew: r.createdAt.getTime() >= q.from.getTime() && r.createdAt.getTime() < q.to.getTime(),
      totalItems: r.totalItems,
      ...r.figures,
      previous: previous.get(r.themeId) ?? { ...EMPTY },
    }));
  return { themes: ranked, themesWithFeedback: current.length };
}

export async function periodTotals(db: Database, period: Period): Promise<PeriodTotals> {
  const [r] = await queryRows<Row>(db, db.client, TOTALS_SQL, period.from, period.to);
  return {
    items: count(r?.items),
    accounts: count(r?.accounts),
    arr: cents(r?.arr),
    atRiskArr: cents(r?.at_risk_arr),
    atRiskAccounts: count(r?.at_risk_accounts),
    untagged: count(r?.untagged),
  };
}

/** Up to `perTheme` quotes of each theme: the period's items with the highest account ARR, newest first among equals. */
export async function themeQuotes(
  db: Database,
  period: Period,
  themeIds: number[],
  perTheme = QUOTES_PER_THEME,
): Promise<Map<number, Quote[]>> {
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
}

/** The voice-of-customer digest of a period: top themes with figures, trend and quotes, new themes, untagged items. */
export async function buildDigest(db: Database, q: Period & { limit?: number }): Promise<Digest> {
  checkPeriod(q);
  const before = previousPeriod(q);
  const [ranking, totals, previousTotals, created] = await Promise.all([
    themeRanking(db, { from: q.from, to: q.to, limit: q.limit ?? DIGEST_THEMES }),
    periodTotals(db, q),
    periodTotals(db, before),
    db.client.theme.findMany({
      where: { status: { not: "merged" }, createdAt: { gte: q.from, lt: q.to } },
      select: { id: true, name: true, createdAt: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
  ]);
  const quotes = await themeQuotes(
    db,
    q,
    ranking.themes.map((t) => t.themeId),
  );
  const itemsOf = new Map(ranking.themes.map((t) => [t.themeId, t.items]));
  // A new theme beyond the listed ones may still have items: count them for the ones named.
  const unlisted = created.filter((t) => !itemsOf.has(t.id)).map((t) => t.id);
  if (unlisted.length) {
    const active = await countActiveInPeriod(db, q, unlisted);
    for (const id of unlisted) itemsOf.set(id, active.get(id) ?? 0);
  }
  return {
    from: q.from,
    to: q.to,
    previousPeriod: before,
    totals,
    previousTotals,
    themes: ranking.themes.map((t) => ({ ...t, quotes: quotes.get(t.themeId) ?? [] })),
    moreThemes: ranking.themesWithFeedback - ranking.themes.length,
    newThemes: created
      .slice(0, DIGEST_NEW_THEMES)
      .map((t) => ({ themeId: t.id, name: t.name, createdAt: t.createdAt, items: itemsOf.get(t.id) ?? 0 })),
    moreNewThemes: Math.max(0, created.length - DIGEST_NEW_THEMES),
  };
}

async function countActiveInPeriod(db: Database, period: Period, themeIds: number[]): Promise<Map<number, number>> {
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
}

// ------------------------------------------------------------------ themes and items for the API

export class UnknownTheme extends Error {}

/**
 * A theme by id or name (case and surrounding spaces ignored). A merged theme resolves to the theme it
 * joined, which holds its items now.
 */
export async function findTheme(db: Database, ref: string): Promise<{ id: number; name: string; status: string; mergedFrom: number[] }> {
  const text = ref.trim();
  const c = db.client;
  const byId = /^\d{1,9}$/.test(text);
  const found = byId
    ? await c.theme.findUnique({ where: { id: Number(text) } })
    : await c.theme.findUnique({ where: { nameKey: text.toLowerCase() } });
  if (!found) {
    throw new UnknownTheme(
      byId
        ? `there is no theme with id ${text}: GET /api/v1/themes lists the themes with feedback`
        : `there is no theme named ${JSON.stringify(text.slice(0, 80))}: give its id or exact name (GET /api/v1/themes lists them)`,
    );
  }
  let theme = found;
  const mergedFrom: number[] = [];
  while (theme.status === "merged" && theme.mergedIntoId !== null && mergedFrom.length < 20) {
    mergedFrom.push(theme.id);
    const next: typeof theme | null = await c.theme.findUnique({ where: { id: theme.mergedIntoId } });
    if (!next) break;
    theme = next;
  }
  if (theme.status === "merged") throw new UnknownTheme(`theme ${text} was merged into a theme that no longer exists`);
  return { id: theme.id, name: theme.name, status: theme.status, mergedFrom };
}

export const DEFAULT_FEEDBACK_PAGE = 100;
export const MAX_FEEDBACK_PAGE = 1000;

export interface FeedbackCursor {
  createdAt: Date;
  id: number;
}

export interface FeedbackListItem {
  id: number;
  createdAt: Date;
  text: string;
  permalink: string | null;
  kind: string | null;
  importance: string | null;
  internal: boolean;
  origin: string;
  channelId: string;
  authorId: string;
  authorName: string | null;
  account: { externalId: string; name: string | null; arr: number | null; band: string | null } | null;
  themes: { id: number; name: string }[];
}

export interface FeedbackPage {
  items: FeedbackListItem[];
  /** The cursor of the next page, null on the last. */
  next: FeedbackCursor | null;
}

/** Active items of a period, newest first, optionally of one theme, a page at a time (keyset on createdAt, id). */
export async function feedbackPage(
  db: Database,
  q: Period & { themeId?: number | null; limit: number; cursor?: FeedbackCursor | null },
): Promise<FeedbackPage> {
  checkPeriod(q);
  const args: unknown[] = [q.from, q.to, q.limit + 1];
  const where = [`i."status" = 'active'`, `i."createdAt" >= $1`, `i."createdAt" < $2`];
  if (q.themeId != null) {
    args.push(q.themeId);
    where.push(`EXISTS (SELECT 1 FROM "FeedbackTheme" ft WHERE ft."itemId" = i."id" AND ft."themeId" = $${args.length})`);
  }
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
    c.accountHealthCurrent.findMany({ where: { accountExternalId: { in: accountIds } }, select: { accountExternalId: true, band: true } }),
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
        themes: links
          .filter((l) => l.itemId === i.id && themeName.has(l.themeId))
          .map((l) => ({ id: l.themeId, name: themeName.get(l.themeId)! }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id)),
      };
    });
  const last = list[list.length - 1];
  return { items: list, next: rows.length > q.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
