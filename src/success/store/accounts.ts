// Reading customer-success accounts: by external id or by name, one account with its current health and
// score history, a page of accounts by health band (ordered by externalId; the cursor is the last
// externalId of the previous page), the accounts a CSM owns, an account's open tickets, and the short
// context a ticket's card shows. Reads run on their own, outside any transaction, unless given one.
import type { Database, Tx } from "../../platform/db/client.ts";
import { dateOf, num, queryRows } from "../../platform/db/sql.ts";
import {
  HISTORY_LIMIT,
  pageSize,
  type AccountPage,
  type AccountView,
  type AccountWithHealth,
  type CardAccount,
  type HealthHistoryPoint,
  type ListQuery,
  type OpenTicketLine,
  type OwnedAccount,
  type SinceCheck,
} from "../rules/account.ts";
import type { HealthConfig } from "../rules/health-config.ts";
import { componentViews } from "../rules/health-record.ts";

export interface AccountStore {
  /** How many accounts there are. */
  count(): Promise<number>;
  /** Whether an account has exactly this external id. */
  exists(externalId: string): Promise<boolean>;
  /** The account's name, or null when there is no such account. */
  nameOf(externalId: string): Promise<string | null>;
  /** Accounts whose name contains `text` (case-insensitive; % and _ match literally), by name, at most `limit`. */
  nameContains(text: string, limit: number): Promise<{ externalId: string; name: string }[]>;
  /**
   * The account with its current health (null when never scored), or null when there is no such account.
   * The components' evidence is worded from the check's figures with `config` (componentViews).
   */
  withHealth(externalId: string, config: HealthConfig): Promise<AccountWithHealth | null>;
  /** A page of accounts by externalId, optionally of one band; nextCursor is null on the last page. */
  page(query: ListQuery): Promise<AccountPage>;
  /** Whether someone is the CSM of at least one account. */
  isCsm(userId: string): Promise<boolean>;
  /** The accounts a CSM owns with their current score, in no particular order (at most `limit`). */
  ownedBy(userId: string, limit: number): Promise<OwnedAccount[]>;
  /** The account's tickets not resolved yet, newest first. */
  openTickets(externalId: string, limit: number): Promise<OpenTicketLine[]>;
  /** Tickets opened and NPS answers received for the account after `since` (its score's computedAt). */
  sinceCheck(externalId: string, since: Date): Promise<SinceCheck>;
  /** What a ticket's card shows of its account, read in the ticket's transaction. */
  card(tx: Tx, externalId: string): Promise<CardAccount>;
  /** The account's scores computed at or after `since`, oldest first, with each component's score (for charts). */
  healthHistory(externalId: string, since: Date): Promise<HealthHistoryPoint[]>;
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

/** History keeps components as { name: [score, weight] } (compactComponents in health-runs.ts). */
function componentScores(raw: Record<string, unknown>): HealthHistoryPoint["components"] {
  const out: HealthHistoryPoint["components"] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value) && typeof value[0] === "number") out.push({ name, score: value[0], weight: Number(value[1]) || 0 });
  }
  return out;
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
    customerSince: a.customerSince,
    csmSlackUserId: a.csmSlackUserId,
    alertChannel: a.alertChannel,
    attributes: parseJson<Record<string, unknown> | null>(a.attributes, null),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/**
 * An account's ($1) rows of the health history, through the runs: the history's index is ordered by run,
 * then account (so a check appends its entries), and every run that scored has its checkedAt. CROSS JOIN:
 * SQLite then loops over the runs (a few hundred a year) and seeks the account in each, the order the
 * history needs, which its planner would not choose without statistics; Postgres plans it as any join.
 */
const HISTORY_BY_RUN = `FROM "HealthCheckRun" r CROSS JOIN "AccountHealth" h WHERE h."runId" = r."id" AND h."accountExternalId" = $1`;

export function prismaAccountStore(db: Database): AccountStore {
  const c = db.client;
  return {
    count() {
      return c.account.count();
    },

    async exists(externalId) {
      return (await c.account.findUnique({ where: { externalId }, select: { externalId: true } })) !== null;
    },

    async nameOf(externalId) {
      return (await c.account.findUnique({ where: { externalId }, select: { name: true } }))?.name ?? null;
    },

    nameContains(text, limit) {
      const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      return queryRows<{ externalId: string; name: string }>(
        db,
        c,
        `SELECT "externalId", "name" FROM "Account" WHERE LOWER("name") LIKE $1 ESCAPE '\\' ORDER BY "name" LIMIT ${Math.floor(limit)}`,
        pattern,
      );
    },

    async healthHistory(externalId, since) {
      // The history is ordered by run, then account: the account's rows are one seek a run (HISTORY_BY_RUN).
      const rows = await queryRows<{ score: unknown; computedAt: unknown; components: string }>(
        db,
        c,
        `SELECT h."score", h."computedAt", h."components" ${HISTORY_BY_RUN} AND h."computedAt" >= $2
        AND r."checkedAt" >= $2 ORDER BY h."computedAt", h."id"`,
        externalId,
        since,
      );
      return rows.map((r) => ({
        computedAt: dateOf(r.computedAt)!.toISOString(),
        score: num(r.score)!,
        components: componentScores(parseJson<Record<string, unknown>>(r.components, {})),
      }));
    },

    async withHealth(externalId, config) {
      const account = await c.account.findUnique({ where: { externalId } });
      if (!account) return null;
      const current = await c.accountHealthCurrent.findUnique({ where: { accountExternalId: externalId } });
      if (!current) return { ...view(account), health: null };
      // The check's book: what the account's trends were judged against, for wording its evidence.
      const run = await c.healthCheckRun.findUnique({ where: { id: current.runId }, select: { book: true } });
      const history = (
        await queryRows<{ score: unknown; band: string; computedAt: unknown }>(
          db,
          c,
          `SELECT h."score", h."band", h."computedAt" ${HISTORY_BY_RUN}
          AND r."checkedAt" IS NOT NULL ORDER BY h."computedAt" DESC, h."id" DESC LIMIT ${HISTORY_LIMIT}`,
          externalId,
        )
      ).map((h) => ({ score: num(h.score)!, band: h.band, computedAt: dateOf(h.computedAt)! }));
      return {
        ...view(account),
        health: {
          score: current.score,
          band: current.band,
          components: componentViews(parseJson<unknown>(current.components, []), config, parseJson<unknown>(run?.book ?? null, null)),
          computedAt: current.computedAt.toISOString(),
          runId: current.runId,
          history: history.map((h) => ({ score: h.score, band: h.band, computedAt: h.computedAt.toISOString() })),
        },
      };
    },

    async page(query) {
      const limit = pageSize(query.limit);
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
        c,
        `SELECT a."externalId" AS id FROM "Account" a
     LEFT JOIN "AccountHealthCurrent" h ON h."accountExternalId" = a."externalId"
     ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY a."externalId" LIMIT ${limit + 1}`,
        ...params,
      );
      const ids = page.slice(0, limit).map((r) => r.id);
      const [accounts, health] = await Promise.all([
        c.account.findMany({ where: { externalId: { in: ids } } }),
        c.accountHealthCurrent.findMany({
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
          return [
            { ...view(account), score: h?.score ?? null, band: h?.band ?? "unscored", computedAt: h?.computedAt.toISOString() ?? null },
          ];
        }),
        nextCursor: page.length > limit ? ids[ids.length - 1] : null,
      };
    },

    async isCsm(userId) {
      return (await c.account.findFirst({ where: { csmSlackUserId: userId }, select: { externalId: true } })) !== null;
    },

    async ownedBy(userId, limit) {
      const owned = await c.account.findMany({
        where: { csmSlackUserId: userId },
        select: { externalId: true, name: true, arr: true, renewalDate: true },
        take: limit,
      });
      const scores = await c.accountHealthCurrent.findMany({
        where: { accountExternalId: { in: owned.map((a) => a.externalId) } },
        select: { accountExternalId: true, score: true, band: true, computedAt: true },
      });
      const by = new Map(scores.map((s) => [s.accountExternalId, s]));
      return owned.map((a) => {
        const s = by.get(a.externalId);
        return { ...a, score: s?.score ?? null, band: s?.band ?? null, computedAt: s?.computedAt ?? null };
      });
    },

    openTickets(externalId, limit) {
      return c.ticket.findMany({
        where: { accountExternalId: externalId, status: { not: "resolved" } },
        orderBy: { createdAt: "desc" },
        take: limit,
        select: { id: true, priority: true, status: true, permalink: true, text: true },
      });
    },

    async sinceCheck(externalId, since) {
      const [tickets, nps] = await Promise.all([
        c.ticket.count({ where: { accountExternalId: externalId, createdAt: { gt: since } } }),
        c.npsResponse.findMany({
          where: { accountExternalId: externalId, receivedAt: { gt: since } },
          orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
          select: { score: true },
        }),
      ]);
      return { tickets, npsScores: nps.map((n) => n.score) };
    },

    async card(tx, externalId) {
      const account = await tx.account.findUnique({ where: { externalId }, select: { name: true, arr: true, csmSlackUserId: true } });
      const current = account
        ? await tx.accountHealthCurrent.findUnique({
            where: { accountExternalId: externalId },
            select: { score: true, band: true, computedAt: true },
          })
        : null;
      return {
        externalId,
        name: account?.name ?? null,
        arr: account?.arr ?? null,
        csmSlackUserId: account?.csmSlackUserId ?? null,
        band: current?.band ?? null,
        score: current?.score ?? null,
        computedAt: current?.computedAt ?? null,
      };
    },
  };
}
