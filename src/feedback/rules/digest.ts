// Voice of the customer, the read side's rules: themes ranked by the ARR of the accounts asking, the
// comparison with the previous period, and the digest composed from the figures the store adds up.
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
// - Ranking: ARR descending, then items descending, then theme name, then id (ties break the same way
//   on both databases, whatever their collation, since the ranking is made here).
// - Quotes: up to two of the period's items of the theme whose accounts have the highest ARR (newest
//   first among equals), verbatim with their permalink.
// - Untagged items: active items of the period in no (unmerged) theme; they are counted, not ranked.

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

/** One theme's figures over a period, as the store adds them up. */
export interface ThemePeriodRow {
  themeId: number;
  name: string;
  /** active | archived */
  status: string;
  createdAt: Date;
  /** Active items of the theme created before the period's end, in all time. */
  totalItems: number;
  figures: ThemeFigures;
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

export interface Ranking {
  themes: RankedTheme[];
  /** Themes with feedback in the period, listed or not. */
  themesWithFeedback: number;
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

export interface NewTheme {
  themeId: number;
  name: string;
  createdAt: Date;
  items: number;
}

export interface Digest extends Period {
  previousPeriod: Period;
  totals: PeriodTotals;
  previousTotals: PeriodTotals;
  /** The top themes, ranked. */
  themes: DigestTheme[];
  /** Themes with feedback in the period beyond the ones listed. */
  moreThemes: number;
  newThemes: NewTheme[];
  /** New themes beyond the ones named. */
  moreNewThemes: number;
}

/**
 * Nothing happened in the period: no feedback and no new theme. Such a digest is not posted (a log line
 * says so); the `/feedback digest` preview still shows it.
 */
export function nothingHappened(d: Pick<Digest, "totals" | "newThemes" | "moreNewThemes">): boolean {
  return d.totals.items === 0 && d.newThemes.length === 0 && d.moreNewThemes === 0;
}

export const NO_FIGURES: ThemeFigures = Object.freeze({ items: 0, accounts: 0, arr: 0, atRiskArr: 0, atRiskAccounts: 0 });

/** The period of the same length just before. */
export function previousPeriod({ from, to }: Period): Period {
  const length = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - length), to: new Date(from) };
}

/** The last `days` days up to `now`. */
export function lastDays(now: Date, days: number): Period {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`the digest period must be a whole number of days, not ${days}`);
  return { from: new Date(now.getTime() - days * DAY_MS), to: now };
}

/** Refuses a period that is not [from, to) with from before to (a programming error: callers check input). */
export function checkPeriod({ from, to }: Period): void {
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new RangeError("a feedback period needs valid from and to dates");
  }
  if (from.getTime() >= to.getTime())
    throw new RangeError(`a feedback period needs from (${from.toISOString()}) before to (${to.toISOString()})`);
}

/** ARR descending, then items descending, then name, then id. */
export function compareThemes(
  a: { arr: number; items: number; name: string; themeId: number },
  b: { arr: number; items: number; name: string; themeId: number },
): number {
  return b.arr - a.arr || b.items - a.items || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.themeId - b.themeId;
}

/**
 * The themes with feedback in the period, ranked by the ARR of the distinct accounts asking, each with
 * its figures of the previous period; at most `limit` (all by default).
 */
export function rankThemes(
  period: Period,
  current: readonly ThemePeriodRow[],
  previous: readonly ThemePeriodRow[],
  limit?: number,
): Ranking {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new RangeError("a ranking's limit must be a whole number of at least 1");
  const before = new Map(previous.map((r) => [r.themeId, r.figures]));
  const themes = current
    .map((r) => ({ ...r, ...r.figures }))
    .sort(compareThemes)
    .slice(0, limit ?? current.length)
    .map((r, i): RankedTheme => ({
      rank: i + 1,
      themeId: r.themeId,
      name: r.name,
      status: r.status,
      createdAt: r.createdAt,
      isNew: r.createdAt.getTime() >= period.from.getTime() && r.createdAt.getTime() < period.to.getTime(),
      totalItems: r.totalItems,
      ...r.figures,
      previous: { ...(before.get(r.themeId) ?? NO_FIGURES) },
    }));
  return { themes, themesWithFeedback: current.length };
}

/** New themes created in the period beyond the ranked ones: their items in the period are read separately. */
export function unrankedNewThemes(ranking: Ranking, created: readonly { id: number }[]): number[] {
  const ranked = new Set(ranking.themes.map((t) => t.themeId));
  return created.filter((t) => !ranked.has(t.id)).map((t) => t.id);
}

/** The digest of a period: the ranked themes with their quotes, the totals against the previous period, the new themes. */
export function composeDigest(parts: {
  period: Period;
  ranking: Ranking;
  totals: PeriodTotals;
  previousTotals: PeriodTotals;
  quotes: ReadonlyMap<number, Quote[]>;
  /** Themes created in the period, oldest first. */
  created: readonly { id: number; name: string; createdAt: Date }[];
  /** Items in the period of new themes that are not ranked. */
  unrankedItems: ReadonlyMap<number, number>;
}): Digest {
  const { period, ranking } = parts;
  const itemsOf = new Map(ranking.themes.map((t) => [t.themeId, t.items]));
  return {
    from: period.from,
    to: period.to,
    previousPeriod: previousPeriod(period),
    totals: parts.totals,
    previousTotals: parts.previousTotals,
    themes: ranking.themes.map((t) => ({ ...t, quotes: parts.quotes.get(t.themeId) ?? [] })),
    moreThemes: ranking.themesWithFeedback - ranking.themes.length,
    newThemes: parts.created.slice(0, DIGEST_NEW_THEMES).map((t) => ({
      themeId: t.id,
      name: t.name,
      createdAt: t.createdAt,
      items: itemsOf.get(t.id) ?? parts.unrankedItems.get(t.id) ?? 0,
    })),
    moreNewThemes: Math.max(0, parts.created.length - DIGEST_NEW_THEMES),
  };
}
