// Reading the voice of the customer: the digest of a period (top themes by the ARR of the accounts
// asking, with trend, quotes and new themes), and the ranking of all themes with the period's totals.
// The store adds up the figures; the rules rank them and compose the digest.
import type { Actor } from "../../shared/actor.ts";
import {
  DIGEST_THEMES,
  checkPeriod,
  composeDigest,
  previousPeriod,
  rankThemes,
  unrankedNewThemes,
  type Digest,
  type Period,
  type PeriodTotals,
  type Ranking,
} from "../rules/digest.ts";
import type { FeedbackContext } from "./context.ts";

type DigestReader = Pick<FeedbackContext, "digests" | "access">;

/** The voice-of-customer digest of a period (at most `limit` themes, 50 by default). */
export async function readDigest(ctx: DigestReader, actor: Actor, q: Period & { limit?: number }): Promise<Digest> {
  await ctx.access.require(actor, "product");
  checkPeriod(q);
  const period = { from: q.from, to: q.to };
  const before = previousPeriod(period);
  const [current, earlier, totals, previousTotals, created] = await Promise.all([
    ctx.digests.themeRows(period),
    ctx.digests.themeRows(before),
    ctx.digests.periodTotals(period),
    ctx.digests.periodTotals(before),
    ctx.digests.themesCreatedIn(period),
  ]);
  const ranking = rankThemes(period, current, earlier, q.limit ?? DIGEST_THEMES);
  const quotes = await ctx.digests.themeQuotes(
    period,
    ranking.themes.map((t) => t.themeId),
  );
  // A new theme beyond the listed ones may still have items: count them for the ones named.
  const unranked = unrankedNewThemes(ranking, created);
  const unrankedItems = unranked.length ? await ctx.digests.itemsInPeriod(period, unranked) : new Map<number, number>();
  return composeDigest({ period, ranking, totals, previousTotals, quotes, created, unrankedItems });
}

/** The themes with feedback in the period, ranked (at most `limit`), with the period's totals. */
export async function readThemeRanking(
  ctx: DigestReader,
  actor: Actor,
  q: Period & { limit?: number },
): Promise<{ ranking: Ranking; totals: PeriodTotals; previous: Period }> {
  await ctx.access.require(actor, "product");
  checkPeriod(q);
  const period = { from: q.from, to: q.to };
  const before = previousPeriod(period);
  const [current, earlier, totals] = await Promise.all([
    ctx.digests.themeRows(period),
    ctx.digests.themeRows(before),
    ctx.digests.periodTotals(period),
  ]);
  return { ranking: rankThemes(period, current, earlier, q.limit), totals, previous: before };
}
