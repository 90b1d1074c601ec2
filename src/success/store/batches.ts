// Storing customer-success batches: which accounts exist, the stored rows a batch may repeat, and chunked
// multi-row upserts (INSERT ... ON CONFLICT, the same SQL on SQLite and Postgres) of accounts, usage days,
// features seen and NPS answers, inside the ingest's transaction.
import type { Database, Tx } from "../../platform/db/client.ts";
import { execute, valuesList } from "../../platform/db/sql.ts";
import {
  ACCOUNT_FIELDS,
  usageKey,
  npsKey,
  type AccountFigureWrite,
  type AccountState,
  type AccountWrite,
  type FeatureSeen,
  type NpsWrite,
  type UsageState,
  type UsageWrite,
} from "../rules/batch-changes.ts";

export interface BatchStore {
  /** The externalIds among `ids` that are stored accounts (outside any transaction). */
  existingAccountIds(ids: string[]): Promise<Set<string>>;
  /** The stored accounts among `ids`, by externalId. */
  storedAccounts(tx: Tx, ids: string[]): Promise<Map<string, AccountState & { createdAt: Date }>>;
  writeAccounts(tx: Tx, writes: AccountWrite[], figures: AccountFigureWrite[]): Promise<void>;
  /** The stored usage days of the accounts between the dates, by usageKey. */
  storedUsage(tx: Tx, accountIds: string[], from: string, to: string): Promise<Map<string, UsageState>>;
  writeUsage(tx: Tx, writes: UsageWrite[], features: FeatureSeen[]): Promise<void>;
  /** The stored NPS answers of the accounts between the times, by npsKey. */
  storedNps(tx: Tx, accountIds: string[], from: Date, to: Date): Promise<Map<string, { score: number; comment: string | null }>>;
  writeNps(tx: Tx, writes: NpsWrite[]): Promise<void>;
}

const CHUNK_IDS = 500;
/** Parameters per statement: well under SQLite's 32,766 and Postgres's 65,535. */
const MAX_PARAMS = 6000;

const q = (name: string) => `"${name}"`;

interface Upsert {
  table: string;
  columns: string[];
  conflict: string[];
  /** The SET clause of DO UPDATE (null: DO NOTHING). */
  set: string | null;
  /** Update only when this holds (skips no-op writes). */
  where?: string;
}

const fromExcluded = (columns: string[]) => columns.map((c) => `${q(c)} = excluded.${q(c)}`).join(", ");

function chunks<T>(items: T[], size = CHUNK_IDS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function prismaBatchStore(db: Database): BatchStore {
  /** INSERT ... ON CONFLICT DO UPDATE, many rows a statement. */
  async function upsertMany(tx: Tx, spec: Upsert, rows: unknown[][]): Promise<void> {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / spec.columns.length));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const action = spec.set ? `UPDATE SET ${spec.set}${spec.where ? ` WHERE ${spec.where}` : ""}` : "NOTHING";
      const sql = `INSERT INTO ${q(spec.table)} (${spec.columns.map(q).join(", ")}) VALUES ${valuesList(chunk.length, spec.columns.length)} ON CONFLICT (${spec.conflict.map(q).join(", ")}) DO ${action}`;
      await execute(db, tx, sql, ...chunk.flat());
    }
  }

  return {
    async existingAccountIds(ids) {
      const found = new Set<string>();
      for (const part of chunks(ids)) {
        const rows = await db.client.account.findMany({ where: { externalId: { in: part } }, select: { externalId: true } });
        for (const r of rows) found.add(r.externalId);
      }
      return found;
    },

    async storedAccounts(tx, ids) {
      const stored = new Map<string, AccountState & { createdAt: Date }>();
      for (const part of chunks(ids)) {
        for (const a of await tx.account.findMany({ where: { externalId: { in: part } } })) stored.set(a.externalId, a);
      }
      return stored;
    },

    async writeAccounts(tx, writes, figures) {
      await upsertMany(
        tx,
        {
          table: "Account",
          columns: ["externalId", ...ACCOUNT_FIELDS, "createdAt", "updatedAt"],
          conflict: ["externalId"],
          set: fromExcluded([...ACCOUNT_FIELDS, "updatedAt"]),
        },
        writes.map((w) => [w.externalId, ...ACCOUNT_FIELDS.map((f) => w.state[f]), w.createdAt, w.updatedAt]),
      );
      if (figures.length) await tx.accountFigure.createMany({ data: figures });
    },

    async storedUsage(tx, accountIds, from, to) {
      const stored = new Map<string, UsageState>();
      for (const ids of chunks(accountIds)) {
        const found = await tx.usageDay.findMany({
          where: { accountExternalId: { in: ids }, date: { gte: from, lte: to } },
          select: { accountExternalId: true, date: true, activeUsers: true, featuresUsed: true, events: true, keyEvents: true },
        });
        for (const u of found) stored.set(usageKey(u.accountExternalId, u.date), u);
      }
      return stored;
    },

    async writeUsage(tx, writes, features) {
      await upsertMany(
        tx,
        {
          table: "UsageDay",
          columns: ["accountExternalId", "date", "activeUsers", "featuresUsed", "events", "keyEvents", "receivedAt"],
          conflict: ["accountExternalId", "date"],
          set: fromExcluded(["activeUsers", "featuresUsed", "events", "keyEvents", "receivedAt"]),
        },
        writes.map((w) => [w.accountExternalId, w.date, w.activeUsers, w.featuresUsed, w.events, w.keyEvents, w.receivedAt]),
      );
      const [least, greatest] = db.provider === "postgres" ? ["LEAST", "GREATEST"] : ["MIN", "MAX"];
      await upsertMany(
        tx,
        {
          table: "AccountFeature",
          columns: ["accountExternalId", "feature", "firstSeen", "lastSeen"],
          conflict: ["accountExternalId", "feature"],
          set: `"firstSeen" = ${least}("AccountFeature"."firstSeen", excluded."firstSeen"), "lastSeen" = ${greatest}("AccountFeature"."lastSeen", excluded."lastSeen")`,
          where: `excluded."firstSeen" < "AccountFeature"."firstSeen" OR excluded."lastSeen" > "AccountFeature"."lastSeen"`,
        },
        features.map((f) => [f.accountExternalId, f.feature, f.firstSeen, f.lastSeen]),
      );
    },

    async storedNps(tx, accountIds, from, to) {
      const stored = new Map<string, { score: number; comment: string | null }>();
      for (const ids of chunks(accountIds)) {
        const found = await tx.npsResponse.findMany({
          where: { accountExternalId: { in: ids }, respondedAt: { gte: from, lte: to } },
          select: { accountExternalId: true, respondentEmail: true, respondedAt: true, score: true, comment: true },
        });
        for (const r of found) stored.set(npsKey(r.accountExternalId, r.respondentEmail, r.respondedAt), r);
      }
      return stored;
    },

    async writeNps(tx, writes) {
      await upsertMany(
        tx,
        {
          table: "NpsResponse",
          columns: ["accountExternalId", "respondentEmail", "respondedAt", "score", "comment", "receivedAt"],
          conflict: ["accountExternalId", "respondentEmail", "respondedAt"],
          set: fromExcluded(["score", "comment", "receivedAt"]),
        },
        writes.map((w) => [w.accountExternalId, w.respondentEmail, w.respondedAt, w.score, w.comment, w.receivedAt]),
      );
    },
  };
}
