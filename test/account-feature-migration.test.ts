// The migration that makes AccountFeature a WITHOUT ROWID table on SQLite (account_feature_without_rowid),
// applied to a database that already holds features: every feature is kept with its days, the table's rows
// are in key order, its index is there again, and ingestion goes on widening a feature's days as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { listMigrations, migrate } from "../src/platform/db/migrate.ts";
import { execute, queryRows } from "../src/platform/db/sql.ts";
import { prismaBatchStore } from "../src/success/store/batches.ts";
import { freshDatabase, usePostgres } from "./support/harness.ts";
import { addAccount } from "./support/success-fixtures.ts";

const MIGRATION = listMigrations("sqlite")
  .map((m) => m.name)
  .find((n) => n.endsWith("_account_feature_without_rowid"))!;
const AT = new Date("2026-11-20T06:00:00Z");

/** The features stored before the migration: [account, feature, firstSeen, lastSeen]. */
const BEFORE = [
  ["acme", "exports", "2026-01-05", "2026-11-19"],
  ["acme", "sso", "2026-03-01", "2026-06-30"],
  ["beta", "api", "2025-12-24", "2026-11-18"],
  ["beta", "exports", "2026-11-01", "2026-11-01"],
  ["gamma", "audit_log", "2026-02-02", "2026-02-03"],
] as const;

let database: { url: string; drop: () => Promise<void> };
let db: Database;

/** Every stored feature as [account, feature, firstSeen, lastSeen], in key order. */
const features = async () =>
  (
    await queryRows<{ accountExternalId: string; feature: string; firstSeen: string; lastSeen: string }>(
      db,
      db.client,
      `SELECT "accountExternalId", "feature", "firstSeen", "lastSeen" FROM "AccountFeature" ORDER BY "accountExternalId", "feature"`,
    )
  ).map((f) => [f.accountExternalId, f.feature, f.firstSeen, f.lastSeen]);
const tableSql = async () =>
  (await queryRows<{ sql: string }>(db, db.client, `SELECT "sql" FROM sqlite_master WHERE "name" = 'AccountFeature'`))[0].sql;

describe.runIf(!usePostgres())("AccountFeature made a WITHOUT ROWID table (SQLite)", () => {
  beforeAll(async () => {
    database = await freshDatabase();
    db = await openDatabase(database.url);
    await migrate(db);
    // Back to the table before the migration: an ordinary (rowid) table with the same columns and index.
    for (const s of [
      `DROP TABLE "AccountFeature"`,
      `CREATE TABLE "AccountFeature" ("accountExternalId" TEXT NOT NULL, "feature" TEXT NOT NULL, "firstSeen" TEXT NOT NULL,
        "lastSeen" TEXT NOT NULL, PRIMARY KEY ("accountExternalId", "feature"))`,
      `CREATE INDEX "AccountFeature_lastSeen_feature_idx" ON "AccountFeature"("lastSeen", "feature")`,
    ])
      await execute(db, db.client, s);
    await execute(db, db.client, `DELETE FROM "_app_migrations" WHERE "name" = $1`, MIGRATION);
    for (const id of ["acme", "beta", "gamma"]) await addAccount(db, { externalId: id, name: id }, AT);
    for (const row of BEFORE)
      await execute(
        db,
        db.client,
        `INSERT INTO "AccountFeature" ("accountExternalId", "feature", "firstSeen", "lastSeen") VALUES ($1, $2, $3, $4)`,
        ...row,
      );
    expect(await tableSql()).not.toMatch(/WITHOUT ROWID/i);
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("keeps every feature with its days, in a table without rowids, with its index", async () => {
    expect(await migrate(db)).toEqual([MIGRATION]);
    expect(await tableSql()).toMatch(/WITHOUT ROWID/i);
    expect(await features()).toEqual(BEFORE.map((r) => [...r]));
    const indexes = await queryRows<{ name: string }>(
      db,
      db.client,
      `SELECT "name" FROM sqlite_master WHERE "type" = 'index' AND "tbl_name" = 'AccountFeature'`,
    );
    expect(indexes.map((i) => i.name)).toContain("AccountFeature_lastSeen_feature_idx");
    // The check's read of a range of accounts comes from the table's own key, with no lookup.
    const plan = await queryRows<{ detail: string }>(
      db,
      db.client,
      `EXPLAIN QUERY PLAN SELECT "accountExternalId", COUNT(*) FROM "AccountFeature" WHERE "accountExternalId" >= 'a' AND "accountExternalId" <= 'b' AND "firstSeen" <= '2026-12-01' GROUP BY "accountExternalId"`,
    );
    expect(plan.map((p) => p.detail).join(" ")).toMatch(/USING PRIMARY KEY/);
    expect(await migrate(db)).toEqual([]); // applied once
  });

  it("lets ingestion widen a feature's days and add new ones as before", async () => {
    const store = prismaBatchStore(db);
    await db.client.$transaction((tx) =>
      store.writeUsage(
        tx,
        [],
        [
          { accountExternalId: "acme", feature: "exports", firstSeen: "2026-11-20", lastSeen: "2026-11-20" }, // later: lastSeen moves
          { accountExternalId: "acme", feature: "sso", firstSeen: "2026-02-01", lastSeen: "2026-02-01" }, // earlier: firstSeen moves
          { accountExternalId: "beta", feature: "api", firstSeen: "2026-01-01", lastSeen: "2026-11-01" }, // inside: unchanged
          { accountExternalId: "gamma", feature: "sso", firstSeen: "2026-11-20", lastSeen: "2026-11-20" }, // new
        ],
      ),
    );
    expect(await features()).toEqual([
      ["acme", "exports", "2026-01-05", "2026-11-20"],
      ["acme", "sso", "2026-02-01", "2026-06-30"],
      ["beta", "api", "2025-12-24", "2026-11-18"],
      ["beta", "exports", "2026-11-01", "2026-11-01"],
      ["gamma", "audit_log", "2026-02-02", "2026-02-03"],
      ["gamma", "sso", "2026-11-20", "2026-11-20"],
    ]);
  });
});
