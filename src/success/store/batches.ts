// Storing customer-success batches: which accounts exist, the stored rows a batch may repeat, and chunked
// multi-row upserts (INSERT ... ON CONFLICT, the same SQL on SQLite and Postgres) of accounts, usage days,
// features seen and NPS answers, inside the ingest's transaction.
//
// Concurrent batches: an account row is read and rewritten whole (a field left out keeps its stored value),
// so `lockAccounts` first claims every account of the batch for the transaction (new ones inserted, stored
// ones locked with FOR UPDATE on Postgres; SQLite has one writer at a time) and only then reads them: a
// batch sent at the same time waits, then reads what this one wrote. Rows are claimed and written in one
// order, the keys' byte order (Postgres's COLLATE "C"), so two batches never wait on each other in a cycle.
import type { Database, Tx } from "../../platform/db/client.ts";
import { execute, queryRows, valuesList } from "../../platform/db/sql.ts";
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
  /**
   * Claims the accounts for the transaction, in key order, until it ends: inserts those not stored yet
   * (name only: writeAccounts completes them) and locks the others. Answers the accounts that were stored
   * before, as they are now, by externalId (not the ones it inserted).
   */
  lockAccounts(
    tx: Tx,
    accounts: { externalId: string; name: string }[],
    now: Date,
  ): Promise<Map<string, AccountState & { createdAt: Date }>>;
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

/** Byte order of the UTF-8 keys: Postgres's COLLATE "C", the one order every batch takes its locks in. */
export function sortByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, bytes: Buffer.from(key(item), "utf8") }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((x) => x.item);
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

    async lockAccounts(tx, accounts, now) {
      const sorted = sortByKey(accounts, (a) => a.externalId);
      const inserted = new Set<string>();
      const perStatement = Math.floor(MAX_PARAMS / 4);
      for (let start = 0; start < sorted.length; start += perStatement) {
        const part = sorted.slice(start, start + perStatement);
        // A key another transaction is inserting makes this statement wait for it, then skip the key.
        const rows = await queryRows<{ externalId: string }>(
          db,
          tx,
          `INSERT INTO "Account" ("externalId", "name", "createdAt", "updatedAt") VALUES ${valuesList(part.length, 4)}
           ON CONFLICT ("externalId") DO NOTHING RETURNING "externalId"`,
          ...part.flatMap((a) => [a.externalId, a.name, now, now]),
        );
        for (const r of rows) inserted.add(r.externalId);
      }
      const ids = sorted.map((a) => a.externalId).filter((id) => !inserted.has(id));
      const stored = new Map<string, AccountState & { createdAt: Date }>();
      for (const part of chunks(ids)) {
        if (db.provider === "postgres") {
          await queryRows(
            db,
            tx,
            `SELECT "externalId" FROM "Account" WHERE "externalId" IN (${part.map((_, i) => `$${i + 1}`).join(", ")})
             ORDER BY "externalId" COLLATE "C" FOR UPDATE`,
            ...part,
          );
        }
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
        sortByKey(writes, (w) => w.externalId).map((w) => [
          w.externalId,
          ...ACCOUNT_FIELDS.map((f) => w.state[f]),
          w.createdAt,
          w.updatedAt,
        ]),
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
        sortByKey(writes, (w) => usageKey(w.accountExternalId, w.date)).map((w) => [
          w.accountExternalId,
          w.date,
          w.activeUsers,
          w.featuresUsed,
          w.events,
          w.keyEvents,
          w.receivedAt,
        ]),
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
        sortByKey(features, (f) => `${f.accountExternalId}\u0000${f.feature}`).map((f) => [
          f.accountExternalId,
          f.feature,
          f.firstSeen,
          f.lastSeen,
        ]),
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
        sortByKey(writes, (w) => npsKey(w.accountExternalId, w.respondentEmail, w.respondedAt)).map((w) => [
          w.accountExternalId,
          w.respondentEmail,
          w.respondedAt,
          w.score,
          w.comment,
          w.receivedAt,
        ]),
      );
    },
  };
}
