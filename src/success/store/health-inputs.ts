// The health checks' inputs, aggregated in SQL one slice of accounts at a time (a range of external
// ids), so a check over any number of accounts reads a bounded number of rows into memory at once.
// The same statements run on SQLite and Postgres (src/platform/db/sql.ts).
import type { Database } from "../../platform/db/client.ts";
import { bulkRows, num } from "../../platform/db/sql.ts";
import type { HealthConfig } from "../rules/health-config.ts";
import { UNKNOWN_CONTEXT, type HealthInputs } from "../rules/health-model.ts";
import { dayOf, type AccountFacts } from "../rules/health-check.ts";

const DAY_MS = 86_400_000;

export interface SliceAccount {
  externalId: string;
  name: string;
  arr: number | null;
  seats: number | null;
  renewalDate: string | null;
  csmSlackUserId: string | null;
  alertChannel: string | null;
}

/** An account's usage in one window, read with USAGE_WINDOW_SQL. */
type UsageWindow = { id: string; days: unknown; active: unknown; peak: unknown; keyEvents: unknown };

/**
 * The usage of the accounts in [$1, $2] over the days in ($3, $4]: each window reads only its own days of
 * each account from the covering index (the accounts' range first, then each account's days), without a
 * CASE per row and column.
 */
const USAGE_WINDOW_SQL = `SELECT a."externalId" AS id, COUNT(*) AS days, SUM(u."activeUsers") AS active, MAX(u."activeUsers") AS peak,
    SUM(u."keyEvents") AS "keyEvents"
  FROM "Account" a JOIN "UsageDay" u ON u."accountExternalId" = a."externalId" AND u."date" > $3 AND u."date" <= $4
  WHERE a."externalId" >= $1 AND a."externalId" <= $2
  GROUP BY a."externalId"`;

/** The number of known features: the configured list, else every feature any account used in 90 days. */
export async function knownFeatureCount(db: Database, config: HealthConfig, now: Date): Promise<number> {
  if (config.knownFeatures.length) return new Set(config.knownFeatures).size;
  const [row] = await bulkRows<{ n: unknown }>(
    db,
    db.client,
    `SELECT COUNT(DISTINCT "feature") AS n FROM "AccountFeature" WHERE "lastSeen" > $1 AND "lastSeen" <= $2`,
    dayOf(now, 90),
    dayOf(now),
  );
  return num(row?.n) ?? 0;
}

/** Every input of every account of the slice [first, last] (accounts in id order), as of `now`. */
export async function sliceFacts(
  db: Database,
  config: HealthConfig,
  accounts: SliceAccount[],
  knownFeatures: number,
  now: Date,
): Promise<Map<string, AccountFacts>> {
  const first = accounts[0].externalId;
  const last = accounts[accounts.length - 1].externalId;
  const c = db.client;
  const today = dayOf(now);
  const d30 = dayOf(now, 30);
  const d60 = dayOf(now, 60);
  const t7 = new Date(now.getTime() - 7 * DAY_MS);
  const t30 = new Date(now.getTime() - 30 * DAY_MS);
  const t90 = new Date(now.getTime() - 90 * DAY_MS);
  const baselineWeeks = config.rules.ticket_spike.baselineWeeks;
  const baselineStart = new Date(t7.getTime() - baselineWeeks * 7 * DAY_MS);
  const dropStart = new Date(now.getTime() - config.rules.score_drop.days * DAY_MS);
  const npsStart = new Date(now.getTime() - config.rules.nps_detractor.maxAgeDays * DAY_MS);
  const featureFilter = config.knownFeatures.length
    ? ` AND "feature" IN (${config.knownFeatures.map((_, i) => `$${i + 5}`).join(",")})`
    : "";

  const [usageLast, usagePrev, features, tickets, csat, sla, channels, highs, current, nps, figures] = await Promise.all([
    // One aggregate per 30-day window (the same statement twice).
    bulkRows<UsageWindow>(db, c, USAGE_WINDOW_SQL, first, last, d30, today),
    bulkRows<UsageWindow>(db, c, USAGE_WINDOW_SQL, first, last, d60, d30),
    bulkRows<{ id: string; n: unknown }>(
      db,
      c,
      `SELECT "accountExternalId" AS id, COUNT(*) AS n FROM "AccountFeature"
      WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2 AND "lastSeen" > $3 AND "firstSeen" <= $4${featureFilter}
      GROUP BY "accountExternalId"`,
      first,
      last,
      d30,
      today,
      ...config.knownFeatures,
    ),
    bulkRows<Record<string, unknown>>(
      db,
      c,
      `SELECT "accountExternalId" AS id,
        SUM(CASE WHEN "createdAt" >= $3 THEN 1 ELSE 0 END) AS last7,
        SUM(CASE WHEN "createdAt" >= $4 AND "createdAt" < $3 THEN 1 ELSE 0 END) AS baseline,
        SUM(CASE WHEN "createdAt" >= $5 AND "priority" = 'urgent' THEN 1 ELSE 0 END) AS urgent30,
        SUM(CASE WHEN "createdAt" >= $5 AND "priority" = 'high' THEN 1 ELSE 0 END) AS high30,
        SUM(CASE WHEN "createdAt" >= $5 AND "priority" = 'normal' THEN 1 ELSE 0 END) AS normal30,
        SUM(CASE WHEN "createdAt" >= $5 AND "priority" = 'low' THEN 1 ELSE 0 END) AS low30,
        SUM(CASE WHEN "createdAt" >= $6 AND ("resolvedAt" IS NOT NULL OR "reopenCount" > 0) THEN 1 ELSE 0 END) AS resolved90,
        SUM(CASE WHEN "createdAt" >= $6 AND "reopenCount" > 0 THEN 1 ELSE 0 END) AS reopened90
      FROM "Ticket"
      WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2 AND "createdAt" < $7
      GROUP BY "accountExternalId"`,
      first,
      last,
      t7,
      baselineStart,
      t30,
      t90,
      now,
    ),
    bulkRows<{ id: string; answers: unknown; average: unknown }>(
      db,
      c,
      `SELECT t."accountExternalId" AS id, COUNT(*) AS answers, AVG(r."score" * 1.0) AS average
      FROM "Ticket" t JOIN "CsatResponse" r ON r."ticketId" = t."id"
      WHERE t."accountExternalId" >= $1 AND t."accountExternalId" <= $2 AND t."createdAt" >= $3 AND t."createdAt" < $4
      GROUP BY t."accountExternalId"`,
      first,
      last,
      t90,
      now,
    ),
    bulkRows<{ id: string; stopped: unknown; breached: unknown }>(
      db,
      c,
      `SELECT t."accountExternalId" AS id,
        SUM(CASE WHEN s."met" IS NOT NULL OR s."breachedAt" IS NOT NULL THEN 1 ELSE 0 END) AS stopped,
        SUM(CASE WHEN s."breachedAt" IS NOT NULL THEN 1 ELSE 0 END) AS breached
      FROM "Ticket" t JOIN "SlaTimer" s ON s."ticketId" = t."id"
      WHERE t."accountExternalId" >= $1 AND t."accountExternalId" <= $2 AND t."createdAt" >= $3 AND t."createdAt" < $4
      GROUP BY t."accountExternalId"`,
      first,
      last,
      t90,
      now,
    ),
    bulkRows<{ id: string }>(
      db,
      c,
      `SELECT DISTINCT "accountExternalId" AS id FROM "SupportChannel" WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2`,
      first,
      last,
    ),
    bulkRows<{ id: string; high: unknown }>(
      db,
      c,
      `SELECT "accountExternalId" AS id, MAX("score") AS high FROM "AccountHealth"
      WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2 AND "computedAt" >= $3 AND "computedAt" < $4
      GROUP BY "accountExternalId"`,
      first,
      last,
      dropStart,
      now,
    ),
    bulkRows<{ id: string; score: unknown }>(
      db,
      c,
      `SELECT "accountExternalId" AS id, "score" FROM "AccountHealthCurrent" WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2`,
      first,
      last,
    ),
    bulkRows<{ id: string; score: unknown; comment: string | null; respondedAt: Date | string }>(
      db,
      c,
      `SELECT "accountExternalId" AS id, "score", "comment", "respondedAt" FROM "NpsResponse"
      WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2 AND "respondedAt" >= $3 AND "respondedAt" <= $4
      ORDER BY "accountExternalId", "respondedAt" DESC`,
      first,
      last,
      npsStart,
      now,
    ),
    bulkRows<{ id: string; recordedAt: Date | string; seats: unknown; arr: unknown }>(
      db,
      c,
      `SELECT "accountExternalId" AS id, "recordedAt", "seats", "arr" FROM "AccountFigure"
      WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2 AND "recordedAt" <= $3
      ORDER BY "accountExternalId", "recordedAt"`,
      first,
      last,
      now,
    ),
  ]);

  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const lastBy = byId(usageLast);
  const prevBy = byId(usagePrev);
  const featuresBy = byId(features);
  const ticketsBy = byId(tickets as ({ id: string } & Record<string, unknown>)[]);
  const csatBy = byId(csat);
  const slaBy = byId(sla);
  const linked = new Set(channels.map((r) => r.id));
  const highBy = byId(highs);
  const currentBy = new Map(current.map((r) => [r.id, num(r.score)]));
  const npsBy = new Map<string, { score: number; comment: string | null; respondedAt: Date }[]>();
  for (const r of nps) {
    const answer = { score: num(r.score)!, comment: r.comment, respondedAt: new Date(r.respondedAt) };
    (npsBy.get(r.id) ?? npsBy.set(r.id, []).get(r.id)!).push(answer);
  }
  const figuresBy = new Map<string, { recordedAt: Date; seats: number | null; arr: number | null }[]>();
  for (const r of figures) {
    const figure = { recordedAt: new Date(r.recordedAt), seats: num(r.seats), arr: num(r.arr) };
    (figuresBy.get(r.id) ?? figuresBy.set(r.id, []).get(r.id)!).push(figure);
  }
  const growthCut = now.getTime() - 90 * DAY_MS;

  const out = new Map<string, AccountFacts>();
  for (const a of accounts) {
    const ul = lastBy.get(a.externalId);
    const up = prevBy.get(a.externalId);
    const daysLast = num(ul?.days) ?? 0;
    const daysPrev = num(up?.days) ?? 0;
    const t = ticketsBy.get(a.externalId);
    const cs = csatBy.get(a.externalId);
    const sl = slaBy.get(a.externalId);
    const supportLinked = linked.has(a.externalId) || t !== undefined;
    const answers = npsBy.get(a.externalId) ?? [];
    const earlier = answers.slice(1);
    const figs = figuresBy.get(a.externalId) ?? [];
    const before = figs.filter((f) => f.recordedAt.getTime() <= growthCut).at(-1);
    const then = before ?? (figs.length >= 2 ? figs[0] : undefined);
    const inputs: HealthInputs = {
      seats: a.seats,
      usage: {
        daysLast30: daysLast,
        daysPrev30: daysPrev,
        avgActiveLast30: daysLast ? (num(ul?.active) ?? 0) / daysLast : 0,
        avgActivePrev30: daysPrev ? (num(up?.active) ?? 0) / daysPrev : 0,
        peakActiveLast30: num(ul?.peak) ?? 0,
        keyEventsLast30: num(ul?.keyEvents) ?? 0,
        keyEventsPrev30: num(up?.keyEvents) ?? 0,
      },
      featuresUsedLast30: num(featuresBy.get(a.externalId)?.n) ?? 0,
      knownFeatures,
      supportLinked,
      tickets30: {
        urgent: num(t?.urgent30) ?? 0,
        high: num(t?.high30) ?? 0,
        normal: num(t?.normal30) ?? 0,
        low: num(t?.low30) ?? 0,
      },
      experience: {
        csatAnswers: num(cs?.answers) ?? 0,
        csatAverage: num(cs?.average),
        slaStopped: num(sl?.stopped) ?? 0,
        slaBreached: num(sl?.breached) ?? 0,
        resolved: num(t?.resolved90) ?? 0,
        reopened: num(t?.reopened90) ?? 0,
      },
      nps: {
        latest: answers[0] ? { score: answers[0].score, comment: answers[0].comment, at: answers[0].respondedAt } : null,
        previousAverage: earlier.length ? earlier.reduce((s, r) => s + r.score, 0) / earlier.length : null,
      },
      growth: then
        ? { seatsThen: then.seats, seatsNow: a.seats, arrThen: then.arr, arrNow: a.arr }
        : { seatsThen: null, seatsNow: a.seats, arrThen: null, arrNow: a.arr },
      // Age, activation, the year-ago windows, the tier and the renewal are not read here yet.
      ...UNKNOWN_CONTEXT,
    };
    out.set(a.externalId, {
      inputs,
      ticketsLast7: num(t?.last7) ?? 0,
      ticketBaselinePerWeek: supportLinked ? (num(t?.baseline) ?? 0) / baselineWeeks : null,
      recentHighScore: num(highBy.get(a.externalId)?.high),
      previousScore: currentBy.get(a.externalId) ?? null,
    });
  }
  return out;
}
