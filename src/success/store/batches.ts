// Storing customer-success batches: which accounts exist, the stored rows a batch may repeat, and chunked
// multi-row upserts (INSERT ... ON CONFLICT, the same SQL on SQLite and Postgres) of accounts, usage days,
// features seen and NPS answers, inside the ingest's transaction.
//
// Usage batches can be large (250,000 rows): on SQLite one transaction writing them all would hold the only
// writer for seconds while Slack waits for its acknowledgements. So a usage batch is staged (UsageStaging,
// FeatureStaging, under a batch id nobody reads) in many short transactions, then published in one short
// one (an INSERT ... SELECT upsert per table) and its staged rows deleted: all or nothing, as before.
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
  /** The stored usage days of the accounts between the dates, by usageKey (`tx` null: outside any transaction). */
  storedUsage(tx: Tx | null, accountIds: string[], from: string, to: string): Promise<Map<string, UsageState>>;
  writeUsage(tx: Tx, writes: UsageWrite[], features: FeatureSeen[]): Promise<void>;
  /**
   * Stages a part of a usage batch under `batchId` (UsageStaging, FeatureStaging), visible to nobody: a
   * usage day once per batch, a feature's first and last days widened when several parts see it.
   */
  stageUsage(tx: Tx, batchId: string, writes: UsageWrite[], features: FeatureSeen[]): Promise<void>;
  /** Publishes the staged batch: one INSERT ... SELECT upsert into UsageDay and one into AccountFeature. */
  publishUsage(tx: Tx, batchId: string): Promise<void>;
  /** Deletes the batch's staged rows, a few thousand a statement, outside any transaction. */
  dropStagedUsage(batchId: string): Promise<void>;
  /** Deletes staged rows older than `before` (left by a process that stopped mid-batch). */
  dropStaleStaging(before: Date): Promise<void>;
  /** The stored NPS answers of the accounts between the times, by npsKey. */
  storedNps(tx: Tx, accountIds: string[], from: Date, to: Date): Promise<Map<string, { score: number; comment: string | null }>>;
  writeNps(tx: Tx, writes: NpsWrite[]): Promise<void>;
}

const CHUNK_IDS = 500;
/** Staged rows deleted a statement: each delete is a short write that lets the app's writes in between. */
const DELETE_CHUNK = 5000;
/** Rows staged a statement (one JSON parameter). */
const STAGE_STATEMENT_ROWS = 5000;
const USAGE_COLUMNS = ["accountExternalId", "date", "activeUsers", "featuresUsed", "events", "keyEvents", "receivedAt"];
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

  /** DELETE ... WHERE `where`, DELETE_CHUNK rows a statement (each its own short transaction). */
  async function deleteInChunks(table: string, where: string, ...args: unknown[]): Promise<void> {
    const row = db.provider === "postgres" ? "ctid" : "rowid";
    for (;;) {
      const started = performance.now();
      const deleted = await execute(
        db,
        db.client,
        `DELETE FROM ${q(table)} WHERE ${row} IN (SELECT ${row} FROM ${q(table)} WHERE ${where} LIMIT ${DELETE_CHUNK})`,
        ...args,
      );
      if (deleted < DELETE_CHUNK) return;
      // As long a pause as the delete held the writer: another process (the app, while `npm run import`
      // runs) waiting for the lock polls every few tens of milliseconds and must find it free.
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(2, performance.now() - started))));
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
      const reader = tx ?? db.client;
      for (const ids of chunks(accountIds)) {
        const found = await reader.usageDay.findMany({
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

    async stageUsage(tx, batchId, writes, features) {
      // The rows go in as one JSON parameter (json_each / jsonb_array_elements): far cheaper than thousands
      // of bound parameters. Every row of a batch has the same receivedAt (the batch's time).
      const pg = db.provider === "postgres";
      const [elements, text, int, time] = pg
        ? [
            "jsonb_array_elements($2::jsonb) AS j(v)",
            (i: number) => `j.v->>${i}`,
            (i: number) => `(j.v->>${i})::int`,
            "CAST($3 AS TIMESTAMP(3))",
          ]
        : ["json_each($2) AS j", (i: number) => `j.value->>${i}`, (i: number) => `j.value->>${i}`, "$3"];
      const [least, greatest] = pg ? ["LEAST", "GREATEST"] : ["MIN", "MAX"];
      const receivedAt = writes[0]?.receivedAt ?? new Date();
      for (const part of chunks(writes, STAGE_STATEMENT_ROWS)) {
        await execute(
          db,
          tx,
          `INSERT INTO "UsageStaging" ("batchId", ${USAGE_COLUMNS.map(q).join(", ")})
           SELECT $1, ${text(0)}, ${text(1)}, ${int(2)}, ${text(3)}, ${text(4)}, ${int(5)}, ${time} FROM ${elements} WHERE true
           ON CONFLICT ("batchId", "accountExternalId", "date") DO NOTHING`,
          batchId,
          JSON.stringify(part.map((w) => [w.accountExternalId, w.date, w.activeUsers, w.featuresUsed, w.events, w.keyEvents])),
          receivedAt,
        );
      }
      for (const part of chunks(features, STAGE_STATEMENT_ROWS)) {
        await execute(
          db,
          tx,
          `INSERT INTO "FeatureStaging" ("batchId", "accountExternalId", "feature", "firstSeen", "lastSeen", "receivedAt")
           SELECT $1, ${text(0)}, ${text(1)}, ${text(2)}, ${text(3)}, ${time} FROM ${elements} WHERE true
           ON CONFLICT ("batchId", "accountExternalId", "feature") DO UPDATE SET
             "firstSeen" = ${least}("FeatureStaging"."firstSeen", excluded."firstSeen"),
             "lastSeen" = ${greatest}("FeatureStaging"."lastSeen", excluded."lastSeen")`,
          batchId,
          JSON.stringify(part.map((f) => [f.accountExternalId, f.feature, f.firstSeen, f.lastSeen])),
          receivedAt,
        );
      }
    },

    async publishUsage(tx, batchId) {
      // Rows in the keys' byte order, as every batch writes them (see the top of this file).
      const c = db.provider === "postgres" ? ` COLLATE "C"` : "";
      const columns = USAGE_COLUMNS.map(q).join(", ");
      await execute(
        db,
        tx,
        `INSERT INTO "UsageDay" (${columns}) SELECT ${columns} FROM "UsageStaging" WHERE "batchId" = $1
         ORDER BY "accountExternalId"${c}, "date"${c}
         ON CONFLICT ("accountExternalId", "date") DO UPDATE SET ${fromExcluded(USAGE_COLUMNS.slice(2))}`,
        batchId,
      );
      const [least, greatest] = db.provider === "postgres" ? ["LEAST", "GREATEST"] : ["MIN", "MAX"];
      await execute(
        db,
        tx,
        `INSERT INTO "AccountFeature" ("accountExternalId", "feature", "firstSeen", "lastSeen")
         SELECT "accountExternalId", "feature", "firstSeen", "lastSeen" FROM "FeatureStaging" WHERE "batchId" = $1
         ORDER BY "accountExternalId"${c}, "feature"${c}
         ON CONFLICT ("accountExternalId", "feature") DO UPDATE SET
           "firstSeen" = ${least}("AccountFeature"."firstSeen", excluded."firstSeen"), "lastSeen" = ${greatest}("AccountFeature"."lastSeen", excluded."lastSeen")
         WHERE excluded."firstSeen" < "AccountFeature"."firstSeen" OR excluded."lastSeen" > "AccountFeature"."lastSeen"`,
        batchId,
      );
    },

    async dropStagedUsage(batchId) {
      await deleteInChunks("UsageStaging", `"batchId" = $1`, batchId);
      await deleteInChunks("FeatureStaging", `"batchId" = $1`, batchId);
    },

    async dropStaleStaging(before) {
      await deleteInChunks("UsageStaging", `"receivedAt" < $1`, before);
      await deleteInChunks("FeatureStaging", `"receivedAt" < $1`, before);
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
