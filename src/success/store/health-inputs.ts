// The health checks' inputs, aggregated in SQL one slice of accounts at a time (a range of external
// ids), so a check over any number of accounts reads a bounded number of rows into memory at once.
// The same statements run on SQLite and Postgres (src/platform/db/sql.ts). They are read with
// `preparedRows` (the bulk path, integers as numbers): every value is a count, a sum or a small figure,
// and a BigInt per integer of 200,000 rows a pass was a good part of the check's garbage.
import type { Database } from "../../platform/db/client.ts";
import { preparedRows, num } from "../../platform/db/sql.ts";
import { SqliteReader } from "../../platform/db/sqlite-reader.ts";
import type { HealthConfig } from "../rules/health-config.ts";
import type { HealthInputs } from "../rules/health-model.ts";
import { accountStart, dayOf, type AccountFacts } from "../rules/health-check.ts";

const DAY_MS = 86_400_000;

export interface SliceAccount {
  externalId: string;
  name: string;
  arr: number | null;
  seats: number | null;
  renewalDate: string | null;
  csmSlackUserId: string | null;
  alertChannel: string | null;
  /** The CRM's tier (null: none), to compare the account's trends with its tier's. */
  tier: string | null;
  /** The account's value of the configured peer attribute (peerAttribute; null: none or not configured), to compare its trends with its peers'. */
  peer: string | null;
  /** When the company became a customer, from the CRM (YYYY-MM-DD; null: not given). */
  customerSince: string | null;
  /** When the account was first stored here: its start when it has no earlier usage day and no customerSince. */
  createdAt: Date;
}

/** An account as the first pass reads it: its id and the groups its trends are compared with. */
export type AccountGroup = Pick<SliceAccount, "externalId" | "tier" | "peer">;

/**
 * The usage windows of every account of a check: the last 30 days, the 30 before, the 30 before those
 * (61-90 days ago, for the 90-day trends), and the same three a year (365 days) earlier, and the last 7 days
 * (for recentActivity). Read once, in a first pass over all accounts (the book's median trends need every
 * account's), and kept compactly (22 numbers an account) for the second pass, which scores.
 */
export class UsageTable {
  private static readonly WIDTH = 22;
  private readonly index = new Map<string, number>();
  private readonly tiers: (string | null)[] = [];
  private readonly peers: (string | null)[] = [];
  /** One string per peer value (each row's value is a string of its own): 100,000 accounts share a handful. */
  private readonly peerValues = new Map<string, string>();
  private values: Float64Array;
  /** Whether any usage is old enough for the year-ago windows (asked once per check, by the first slice). */
  yearAgo: boolean | undefined;

  /** `expected`: the accounts it will hold, when known (grown by doubling past it, which needs the old and new arrays at once). */
  constructor(expected = 1024) {
    this.values = new Float64Array(UsageTable.WIDTH * Math.max(1, expected));
  }

  get size(): number {
    return this.index.size;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  add(id: string, group: Pick<SliceAccount, "tier" | "peer">, v: number[]): void {
    const at = this.index.size;
    if ((at + 1) * UsageTable.WIDTH > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values.set(v, at * UsageTable.WIDTH);
    this.index.set(id, at);
    this.tiers.push(group.tier);
    const peer =
      group.peer === null ? null : (this.peerValues.get(group.peer) ?? this.peerValues.set(group.peer, group.peer).get(group.peer)!);
    this.peers.push(peer);
  }

  /** The account's windows as the model takes them (no usage: every window empty, no year-ago history). */
  get(id: string): Pick<HealthInputs, "tier" | "peer" | "usage" | "usageYearAgo"> | null {
    const at = this.index.get(id);
    if (at === undefined) return null;
    return this.read(at);
  }

  /** Every account's windows, for the book's median trends. */
  *all(): Generator<Pick<HealthInputs, "tier" | "peer" | "usage" | "usageYearAgo">> {
    for (let i = 0; i < this.index.size; i++) yield this.read(i);
  }

  private read(at: number): Pick<HealthInputs, "tier" | "peer" | "usage" | "usageYearAgo"> {
    const v = this.values.subarray(at * UsageTable.WIDTH, (at + 1) * UsageTable.WIDTH);
    const [days, active, peak, keys, pDays, pActive, pKeys, yDays, yActive, yKeys, ypDays, ypActive, ypKeys] = v;
    const [eDays, eActive, eKeys, yeDays, yeActive, yeKeys, rDays, rActive, rKeys] = v.subarray(13);
    const avg = (sum: number, n: number) => (n ? sum / n : 0);
    return {
      tier: this.tiers[at],
      peer: this.peers[at],
      usage: {
        daysLast30: days,
        daysPrev30: pDays,
        avgActiveLast30: avg(active, days),
        avgActivePrev30: avg(pActive, pDays),
        peakActiveLast30: peak,
        keyEventsLast30: keys,
        keyEventsPrev30: pKeys,
        days61to90: eDays,
        avgActive61to90: avg(eActive, eDays),
        keyEvents61to90: eKeys,
        daysLast7: rDays,
        avgActiveLast7: avg(rActive, rDays),
        keyEventsLast7: rKeys,
      },
      usageYearAgo:
        yDays + ypDays === 0
          ? null
          : {
              daysLast30: yDays,
              daysPrev30: ypDays,
              avgActiveLast30: avg(yActive, yDays),
              avgActivePrev30: avg(ypActive, ypDays),
              keyEventsLast30: yKeys,
              keyEventsPrev30: ypKeys,
              days61to90: yeDays,
              avgActive61to90: avg(yeActive, yeDays),
              keyEvents61to90: yeKeys,
            },
    };
  }
}

/** An account's usage in one window, read with USAGE_WINDOW_SQL (its peak too with USAGE_PEAK_SQL). */
type UsageWindow = {
  id: string;
  days: unknown;
  active: unknown;
  peak?: unknown;
  keyEvents: unknown;
};

/**
 * The usage of the accounts in [$1, $2] over the days in ($3, $4]: each window reads only its own days of
 * each account from the covering index (the accounts' range first, then each account's days), without a
 * CASE per row and column, and with no aggregate the check does not use (over 100,000 accounts a MAX cost
 * about 0.16 s of CPU a window, and the last 7 days' sums as CASEs in the last 30 days' statement 0.23 s more
 * than a window of their own).
 */
const usageWindowSql = (peak: boolean) => `SELECT a."externalId" AS id, COUNT(*) AS days, SUM(u."activeUsers") AS active,
    ${peak ? `MAX(u."activeUsers") AS peak, ` : ""}SUM(u."keyEvents") AS "keyEvents"
  FROM "Account" a JOIN "UsageDay" u ON u."accountExternalId" = a."externalId" AND u."date" > $3 AND u."date" <= $4
  WHERE a."externalId" >= $1 AND a."externalId" <= $2
  GROUP BY a."externalId"`;
const USAGE_WINDOW_SQL = usageWindowSql(false);
/** USAGE_WINDOW_SQL with the window's peak of active users (licence utilisation: the last 30 days). */
const USAGE_PEAK_SQL = usageWindowSql(true);

/** Days in the last week's window (recentActivity). */
const RECENT_DAYS = 7;

/** The usage windows, in days before the day checked: (from, to]; the year-ago ones last. */
const WINDOWS = [
  [30, 0],
  [60, 30],
  [90, 60],
  [RECENT_DAYS, 0],
  [395, 365],
  [425, 395],
  [455, 425],
] as const;
const RECENT_WINDOWS = 4;

/** Runs one of the usage statements and gives its rows: on the app's connection, or on a reader's. */
type UsageRunner = (sql: string, ...args: unknown[]) => Promise<UsageWindow[]>;

const onConnection =
  (db: Database): UsageRunner =>
  (sql, ...args) =>
    preparedRows<UsageWindow>(db, db.client, sql, ...args);

/** Whether any usage is old enough for the year-ago windows (one step on the date index, once per check): most books have none. */
async function hasYearAgo(db: Database, now: Date): Promise<boolean> {
  return (
    (await preparedRows<{ one: unknown }>(db, db.client, `SELECT 1 AS one FROM "UsageDay" WHERE "date" <= $1 LIMIT 1`, dayOf(now, 365)))
      .length > 0
  );
}

/** The usage windows' rows of the slice's accounts [first, last] as of `now`, one list per window of WINDOWS. */
async function usageWindows(run: UsageRunner, accounts: AccountGroup[], now: Date, yearAgo: boolean): Promise<UsageWindow[][]> {
  const first = accounts[0].externalId;
  const last = accounts[accounts.length - 1].externalId;
  const spans = yearAgo ? WINDOWS : WINDOWS.slice(0, RECENT_WINDOWS);
  const windows = await Promise.all(
    spans.map(([from, to], i) => run(i === 0 ? USAGE_PEAK_SQL : USAGE_WINDOW_SQL, first, last, dayOf(now, from), dayOf(now, to))),
  );
  while (windows.length < WINDOWS.length) windows.push([]);
  return windows;
}

/** Adds the slice's accounts (in id order) with their windows' rows to `table`. */
function addUsage(table: UsageTable, accounts: AccountGroup[], windows: UsageWindow[][]): void {
  const [lastBy, prevBy, earlyBy, recentBy, yearLastBy, yearPrevBy, yearEarlyBy] = windows.map(
    (rows) => new Map(rows.map((r) => [r.id, r])),
  );
  const n = (v: unknown) => num(v) ?? 0;
  for (const a of accounts) {
    const l = lastBy.get(a.externalId);
    const p = prevBy.get(a.externalId);
    const yl = yearLastBy.get(a.externalId);
    const yp = yearPrevBy.get(a.externalId);
    const e = earlyBy.get(a.externalId);
    const ye = yearEarlyBy.get(a.externalId);
    const r = recentBy.get(a.externalId);
    table.add(a.externalId, a, [
      n(l?.days),
      n(l?.active),
      n(l?.peak),
      n(l?.keyEvents),
      n(p?.days),
      n(p?.active),
      n(p?.keyEvents),
      n(yl?.days),
      n(yl?.active),
      n(yl?.keyEvents),
      n(yp?.days),
      n(yp?.active),
      n(yp?.keyEvents),
      n(e?.days),
      n(e?.active),
      n(e?.keyEvents),
      n(ye?.days),
      n(ye?.active),
      n(ye?.keyEvents),
      n(r?.days),
      n(r?.active),
      n(r?.keyEvents),
    ]);
  }
}

/** Adds the usage windows of the slice's accounts (in id order) as of `now` to `table`, on the app's connection. */
export async function sliceUsage(db: Database, accounts: AccountGroup[], now: Date, table: UsageTable): Promise<void> {
  table.yearAgo ??= await hasYearAgo(db, now);
  addUsage(table, accounts, await usageWindows(onConnection(db), accounts, now, table.yearAgo));
}

/**
 * Adds the usage windows of every account of `slices` (in id order) as of `now` to `table`, two slices at a
 * time on SQLite: one on a reader thread's connection (SqliteReader) while this thread reads the other on
 * the app's connection, so the windows' aggregation (the check's largest read) uses two cores. On Postgres
 * (whose server spreads each slice's statements over its own processes, on the pool the inbox shares), a
 * book of one slice, or without a reader, one slice at a time here. A reader that fails (its thread cannot
 * start, open the file, or finds another file in its place) is left, and its slice read again on the app's
 * connection; its failure is returned, for the check to log. The table gets the slices in order, as
 * sliceUsage one slice at a time gives them.
 */
export async function allUsage(
  db: Database,
  slices: AsyncIterable<AccountGroup[]>,
  now: Date,
  table: UsageTable,
): Promise<{ readerFailure: unknown }> {
  table.yearAgo ??= await hasYearAgo(db, now);
  const yearAgo = table.yearAgo;
  const main = onConnection(db);
  let reader: SqliteReader | null = null;
  let second: UsageRunner | null = null;
  let opened = false;
  let held: AccountGroup[] | null = null;
  let readerFailure: unknown = null;
  try {
    for await (const accounts of slices) {
      if (held === null) {
        held = accounts;
        continue;
      }
      if (!opened) {
        opened = true;
        if ((reader = SqliteReader.open(db))) second = (sql, ...args) => reader!.rows<UsageWindow>(sql, ...args);
      }
      const there = second ? usageWindows(second, held, now, yearAgo) : null;
      there?.catch(() => undefined); // awaited below, after this thread's slice
      const here = await usageWindows(main, accounts, now, yearAgo);
      let windows: UsageWindow[][];
      if (there) {
        try {
          windows = await there;
        } catch (error) {
          // The reader failed: its slice again here, and the next ones here too.
          readerFailure = error ?? new Error("the reader thread failed without a reason");
          second = null;
          windows = await usageWindows(main, held, now, yearAgo);
        }
      } else windows = await usageWindows(main, held, now, yearAgo);
      addUsage(table, held, windows);
      addUsage(table, accounts, here);
      held = null;
    }
    if (held) addUsage(table, held, await usageWindows(main, held, now, yearAgo));
  } finally {
    await (reader as SqliteReader | null)?.close();
  }
  return { readerFailure };
}

/** The number of known features: the configured list, else every feature any account used in 90 days. */
export async function knownFeatureCount(db: Database, config: HealthConfig, now: Date): Promise<number> {
  if (config.knownFeatures.length) return new Set(config.knownFeatures).size;
  const [row] = await preparedRows<{ n: unknown }>(
    db,
    db.client,
    `SELECT COUNT(DISTINCT "feature") AS n FROM "AccountFeature" WHERE "lastSeen" > $1 AND "lastSeen" <= $2`,
    dayOf(now, 90),
    dayOf(now),
  );
  return num(row?.n) ?? 0;
}

/**
 * The first usage day and first key-event day of the accounts of the slice that may still be onboarding:
 * those whose creation here and customerSince are both within `onboardingDays` of `today`. Their first
 * usage day could only make the others older, and these days count for onboarding accounts only (their age
 * and activation), so a mature book needs no seek at all. The ids are bound as a list padded to a power
 * of two (the last id repeated), so the statement takes one of a few shapes.
 */
async function onboardingStarts(
  db: Database,
  accounts: SliceAccount[],
  onboardingDays: number,
  today: string,
): Promise<{ id: string; firstDay: string | null; firstKeyDay: string | null }[]> {
  const todayMs = Date.parse(today);
  const young = accounts
    .filter((a) => Math.round((todayMs - Date.parse(accountStart(null, a))) / DAY_MS) < onboardingDays)
    .map((a) => a.externalId);
  if (young.length === 0) return [];
  let width = 8;
  while (width < young.length) width *= 2;
  const ids = [...young, ...Array<string>(width - young.length).fill(young[young.length - 1])];
  return preparedRows<{ id: string; firstDay: string | null; firstKeyDay: string | null }>(
    db,
    db.client,
    `SELECT a."externalId" AS id,
      (SELECT MIN(u."date") FROM "UsageDay" u WHERE u."accountExternalId" = a."externalId" AND u."date" <= $1) AS "firstDay",
      (SELECT u."date" FROM "UsageDay" u WHERE u."accountExternalId" = a."externalId" AND u."date" <= $1 AND u."keyEvents" > 0
        ORDER BY u."date" LIMIT 1) AS "firstKeyDay"
    FROM "Account" a WHERE a."externalId" IN (${ids.map((_, i) => `$${i + 2}`).join(",")})`,
    today,
    ...ids,
  );
}

/**
 * Every input of every account of the slice [first, last] (accounts in id order), as of `now`; the usage
 * windows from `usage`, where those of an account it lacks are added first.
 */
export async function sliceFacts(
  db: Database,
  config: HealthConfig,
  accounts: SliceAccount[],
  knownFeatures: number,
  now: Date,
  usage: UsageTable,
): Promise<Map<string, AccountFacts>> {
  // An account stored after the first pass read its slice (an import while the check runs) is not in the
  // table: its windows are read now, so it is scored on its own usage (the book's medians were taken without it).
  const unseen = accounts.filter((a) => !usage.has(a.externalId));
  if (unseen.length > 0) await sliceUsage(db, unseen, now, usage);
  const first = accounts[0].externalId;
  const last = accounts[accounts.length - 1].externalId;
  const c = db.client;
  const today = dayOf(now);
  const d30 = dayOf(now, 30);
  const d90 = dayOf(now, 90);
  const t7 = new Date(now.getTime() - 7 * DAY_MS);
  const t30 = new Date(now.getTime() - 30 * DAY_MS);
  const t90 = new Date(now.getTime() - 90 * DAY_MS);
  const baselineWeeks = config.rules.ticket_spike.baselineWeeks;
  const baselineStart = new Date(t7.getTime() - baselineWeeks * 7 * DAY_MS);
  const dropStart = new Date(now.getTime() - config.rules.score_drop.days * DAY_MS);
  const npsStart = new Date(now.getTime() - config.rules.nps_detractor.maxAgeDays * DAY_MS);
  const featureFilter = config.knownFeatures.length
    ? ` AND "feature" IN (${config.knownFeatures.map((_, i) => `$${i + 6}`).join(",")})`
    : "";

  const [starts, features, tickets, csat, sla, channels, highs, current, nps, figures] = await Promise.all([
    // Each account's first usage day and first day with a key event, up to the day checked (an index seek
    // an account, on the covering usage index in date order), for the accounts that may still be onboarding.
    onboardingStarts(db, accounts, config.onboardingDays, today),
    // Features used in the last 30 days, in the last 90 (for the features given up), and since the start
    // (first seen by the day checked).
    preparedRows<{ id: string; n: unknown; n90: unknown; ever: unknown }>(
      db,
      c,
      `SELECT "accountExternalId" AS id, SUM(CASE WHEN "lastSeen" > $3 THEN 1 ELSE 0 END) AS n,
        SUM(CASE WHEN "lastSeen" > $5 THEN 1 ELSE 0 END) AS n90, COUNT(*) AS ever FROM "AccountFeature"
      WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2 AND "firstSeen" <= $4${featureFilter}
      GROUP BY "accountExternalId"`,
      first,
      last,
      d30,
      today,
      d90,
      ...config.knownFeatures,
    ),
    preparedRows<Record<string, unknown>>(
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
    preparedRows<{ id: string; answers: unknown; average: unknown }>(
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
    preparedRows<{ id: string; stopped: unknown; breached: unknown }>(
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
    preparedRows<{ id: string }>(
      db,
      c,
      `SELECT DISTINCT "accountExternalId" AS id FROM "SupportChannel" WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2`,
      first,
      last,
    ),
    // The slice's best score of the last days (score_drop): one range of the history's index a recent run
    // (CROSS JOIN: on SQLite the runs, found by checkedAt, are the outer loop; see accounts.ts).
    preparedRows<{ id: string; high: unknown }>(
      db,
      c,
      `SELECT h."accountExternalId" AS id, MAX(h."score") AS high
      FROM "HealthCheckRun" r CROSS JOIN "AccountHealth" h
      WHERE r."checkedAt" >= $3 AND r."checkedAt" < $4 AND h."runId" = r."id"
        AND h."accountExternalId" >= $1 AND h."accountExternalId" <= $2 AND h."computedAt" >= $3 AND h."computedAt" < $4
      GROUP BY h."accountExternalId"`,
      first,
      last,
      dropStart,
      now,
    ),
    preparedRows<{ id: string; score: unknown }>(
      db,
      c,
      `SELECT "accountExternalId" AS id, "score" FROM "AccountHealthCurrent" WHERE "accountExternalId" >= $1 AND "accountExternalId" <= $2`,
      first,
      last,
    ),
    preparedRows<{ id: string; score: unknown; comment: string | null; respondedAt: Date | string }>(
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
    preparedRows<{ id: string; recordedAt: Date | string; seats: unknown; arr: unknown }>(
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
  const startsBy = byId(starts);
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
  const todayMs = Date.parse(today);
  const daysFromToday = (day: string) => Math.round((Date.parse(day) - todayMs) / DAY_MS);
  for (const a of accounts) {
    const windows = usage.get(a.externalId)!; // every account of the slice is in the table (above)
    const t = ticketsBy.get(a.externalId);
    const cs = csatBy.get(a.externalId);
    const sl = slaBy.get(a.externalId);
    const supportLinked = linked.has(a.externalId) || t !== undefined;
    const answers = npsBy.get(a.externalId) ?? [];
    const earlier = answers.slice(1);
    const figs = figuresBy.get(a.externalId) ?? [];
    const before = figs.filter((f) => f.recordedAt.getTime() <= growthCut).at(-1);
    const then = before ?? (figs.length >= 2 ? figs[0] : undefined);
    const st = startsBy.get(a.externalId);
    const start = accountStart(st?.firstDay ?? null, a);
    const feats = featuresBy.get(a.externalId);
    const inputs: HealthInputs = {
      seats: a.seats,
      usage: windows.usage,
      featuresUsedLast30: num(feats?.n) ?? 0,
      featuresUsedLast90: num(feats?.n90) ?? 0,
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
      tier: a.tier,
      peer: a.peer,
      lifecycle: {
        ageDays: Math.max(0, -daysFromToday(start)),
        featuresUsedSinceStart: num(feats?.ever) ?? 0,
        daysToFirstKeyEvent: st?.firstKeyDay ? Math.max(0, daysFromToday(st.firstKeyDay) - daysFromToday(start)) : null,
      },
      usageYearAgo: windows.usageYearAgo,
      daysToRenewal: a.renewalDate ? daysFromToday(a.renewalDate) : null,
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
