// Reading customer-success accounts: one account with its current health and score history, and the
// accounts listed by health band, a page at a time (ordered by externalId; the cursor is the last
// externalId of the previous page).
import type { Database } from "../../platform/db/client.ts";
import { queryRows } from "../../platform/db/sql.ts";

export const BAND_FILTERS = ["green", "yellow", "red", "unscored"] as const;
export type BandFilter = (typeof BAND_FILTERS)[number];

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** Entries of score history returned with an account, newest first. */
export const HISTORY_LIMIT = 90;

export interface AccountView {
  externalId: string;
  name: string;
  domain: string | null;
  tier: string | null;
  arr: number | null;
  seats: number | null;
  renewalDate: string | null;
  csmSlackUserId: string | null;
  alertChannel: string | null;
  attributes: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface HealthComponentView {
  name: string;
  score: number;
  weight: number;
  evidence: string;
}

export interface HealthView {
  score: number;
  band: string;
  components: HealthComponentView[];
  computedAt: string;
  runId: number;
  /** Newest first, at most HISTORY_LIMIT entries. */
  history: { score: number; band: string; computedAt: string }[];
}

export interface AccountListEntry extends AccountView {
  /** null (and band "unscored") until a health check has scored the account. */
  score: number | null;
  band: string;
  computedAt: string | null;
}

type AccountRow = Omit<AccountView, "attributes" | "createdAt" | "updatedAt"> & {
  attributes: string | null;
  createdAt: Date;
  updatedAt: Date;
};

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function view(a: AccountRow): AccountView {
  return {
    externalId: a.externalId,
    name: a.name,
    domain: a.domain,
    tier: a.tier,
    arr: a.arr,
    seats: a.seats,
    renewalDate: a.renewalDate,
    csmSlackUserId: a.csmSlackUserId,
    alertChannel: a.alertChannel,
    attributes: parseJson<Record<string, unknown> | null>(a.attributes, null),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** The account with its current health (null when never scored), or null when there is no such account. */
export async function accountWithHealth(db: Database, externalId: string): Promise<(AccountView & { health: HealthView | null }) | null> {
  const account = await db.client.account.findUnique({ where: { externalId } });
  if (!account) return null;
  const current = await db.client.accountHealthCurrent.findUnique({ where: { accountExternalId: externalId } });
  if (!current) return { ...view(account), health: null };
  const history = await db.client.accountHealth.findMany({
    where: { accountExternalId: externalId },
    orderBy: [{ computedAt: "desc" }, { id: "desc" }],
    take: HISTORY_LIMIT,
    select: { score: true, band: true, computedAt: true },
  });
  return {
    ...view(account),
    health: {
      score: current.score,
      band: current.band,
      components: parseJson<HealthComponentView[]>(current.components, []),
      computedAt: current.computedAt.toISOString(),
      runId: current.runId,
      history: history.map((h) => ({ score: h.score, band: h.band, computedAt: h.computedAt.toISOString() })),
    },
  };
}

export interface ListQuery {
  band?: BandFilter | null;
  limit?: number;
  /** The last externalId of the previous page. */
  cursor?: string | null;
}

/** A page of accounts by externalId, optionally of one band; nextCursor is null on the last page. */
export async function listAccounts(
  db: Database,
  query: ListQuery = {},
): Promise<{ accounts: AccountListEntry[]; nextCursor: string | null }> {
  const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE_SIZE)));
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (query.cursor) where.push(`a."externalId" > ${param(query.cursor)}`);
  if (query.band === "unscored") where.push(`h."accountExternalId" IS NULL`);
  else if (query.band) where.push(`h."band" = ${param(query.band)}`);
  const page = await queryRows<{ id: string }>(
    db,
    db.client,
    `SELECT a."externalId" AS id FROM "Account" a
     LEFT JOIN "AccountHealthCurrent" h ON h."accountExternalId" = a."externalId"
     ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY a."externalId" LIMIT ${limit + 1}`,
    ...params,
  );
  const ids = page.slice(0, limit).map((r) => r.id);
  const [accounts, health] = await Promise.all([
    db.client.account.findMany({ where: { externalId: { in: ids } } }),
    db.client.accountHealthCurrent.findMany({
      where: { accountExternalId: { in: ids } },
      select: { accountExternalId: true, score: true, band: true, computedAt: true },
    }),
  ]);
  const byId = new Map(accounts.map((a) => [a.externalId, a]));
  const healthById = new Map(health.map((h) => [h.accountExternalId, h]));
  return {
    accounts: ids.flatMap((id) => {
      const account = byId.get(id);
      if (!account) return [];
      const h = healthById.get(id);
      return [{ ...view(account), score: h?.score ?? null, band: h?.band ?? "unscored", computedAt: h?.computedAt.toISOString() ?? null }];
    }),
    nextCursor: page.length > limit ? ids[ids.length - 1] : null,
  };
}
