// Reading accounts with their health for people in Slack: find an account by id or name, its score,
// trend and components, the accounts a CSM owns ordered by health, and the short context a ticket shows.
import type { Database, Tx } from "../../platform/db/client.ts";
import { queryRows } from "../../platform/db/sql.ts";
import { accountWithHealth } from "./accounts.ts";
import type { Band } from "../rules/health-config.ts";
import type { Component } from "../rules/health-model.ts";

export interface AccountSummary {
  externalId: string;
  name: string;
  tier: string | null;
  arr: number | null;
  seats: number | null;
  renewalDate: string | null;
  csmSlackUserId: string | null;
  health: { score: number; band: Band; computedAt: Date; components: Component[] } | null;
  /** Scores of the recent checks, oldest first. */
  trend: { score: number; band: string; computedAt: Date }[];
}

export type FindResult =
  { kind: "found"; account: AccountSummary } | { kind: "none" } | { kind: "several"; matches: { externalId: string; name: string }[] };

const TREND_POINTS = 8;

export class AccountHealthReader {
  constructor(private readonly db: Database) {}

  /** By exact external id, else by name (exact, case-insensitive; then containing the text). */
  async find(query: string): Promise<FindResult> {
    const q = query.trim();
    if (!q) return { kind: "none" };
    const c = this.db.client;
    const byId = await c.account.findUnique({ where: { externalId: q }, select: { externalId: true } });
    if (byId) return { kind: "found", account: (await this.summary(byId.externalId))! };
    // Case-insensitive on both providers: lower-case both sides; % and _ in the query match literally.
    const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const candidates = await queryRows<{ externalId: string; name: string }>(
      this.db,
      c,
      `SELECT "externalId", "name" FROM "Account" WHERE LOWER("name") LIKE $1 ESCAPE '\\' ORDER BY "name" LIMIT 51`,
      pattern,
    );
    const lower = q.toLowerCase();
    const exact = candidates.filter((a) => a.name.toLowerCase() === lower);
    const matches = exact.length ? exact : candidates;
    if (matches.length === 0) return { kind: "none" };
    if (matches.length > 1) return { kind: "several", matches: matches.slice(0, 10) };
    return { kind: "found", account: (await this.summary(matches[0].externalId))! };
  }

  async summary(externalId: string): Promise<AccountSummary | null> {
    const account = await accountWithHealth(this.db, externalId);
    if (!account) return null;
    const h = account.health;
    return {
      externalId,
      name: account.name,
      tier: account.tier,
      arr: account.arr,
      seats: account.seats,
      renewalDate: account.renewalDate,
      csmSlackUserId: account.csmSlackUserId,
      health: h
        ? { score: h.score, band: h.band as Band, computedAt: new Date(h.computedAt), components: h.components as Component[] }
        : null,
      trend: (h?.history ?? [])
        .slice(0, TREND_POINTS)
        .reverse()
        .map((t) => ({ score: t.score, band: t.band, computedAt: new Date(t.computedAt) })),
    };
  }

  /** The accounts a CSM owns, least healthy first (unscored last). */
  async forCsm(
    userId: string,
    limit = 15,
  ): Promise<{
    accounts: {
      externalId: string;
      name: string;
      arr: number | null;
      renewalDate: string | null;
      score: number | null;
      band: string | null;
    }[];
    total: number;
  }> {
    const c = this.db.client;
    const owned = await c.account.findMany({
      where: { csmSlackUserId: userId },
      select: { externalId: true, name: true, arr: true, renewalDate: true },
      take: 2000,
    });
    const scores = await c.accountHealthCurrent.findMany({
      where: { accountExternalId: { in: owned.map((a) => a.externalId) } },
      select: { accountExternalId: true, score: true, band: true },
    });
    const by = new Map(scores.map((s) => [s.accountExternalId, s]));
    const rows = owned
      .map((a) => ({ ...a, score: by.get(a.externalId)?.score ?? null, band: by.get(a.externalId)?.band ?? null }))
      .sort((a, b) => (a.score ?? 1000) - (b.score ?? 1000) || a.name.localeCompare(b.name));
    return { accounts: rows.slice(0, limit), total: rows.length };
  }
}

export interface CardAccount {
  externalId: string;
  name: string | null;
  arr: number | null;
  band: string | null;
  score: number | null;
  csmSlackUserId: string | null;
}

/** What a ticket's card shows of its account: name, ARR, health band and CSM (name null: not in the CRM data). */
export async function cardAccount(client: Tx | Database["client"], externalId: string): Promise<CardAccount> {
  const account = await client.account.findUnique({ where: { externalId }, select: { name: true, arr: true, csmSlackUserId: true } });
  const current = account
    ? await client.accountHealthCurrent.findUnique({ where: { accountExternalId: externalId }, select: { score: true, band: true } })
    : null;
  return {
    externalId,
    name: account?.name ?? null,
    arr: account?.arr ?? null,
    csmSlackUserId: account?.csmSlackUserId ?? null,
    band: current?.band ?? null,
    score: current?.score ?? null,
  };
}
