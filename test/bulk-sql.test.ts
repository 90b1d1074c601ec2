// The bulk statements of batch jobs (src/platform/db/sql.ts: on SQLite they run on the driver adapter's
// own connection, not through Prisma) store and read what Prisma's raw queries do, and take part in the
// transaction they run in: a health check's writes that fail half-way leave nothing behind. On SQLite and,
// with TEST_DATABASE=postgres, on Postgres.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { bulkExecute, bulkRows, num, queryRows, valuesList } from "../src/platform/db/sql.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { freshDatabase } from "./support/harness.ts";

let db: Database;
let drop: () => Promise<void>;

beforeEach(async () => {
  const fresh = await freshDatabase();
  drop = fresh.drop;
  db = await openDatabase(fresh.url);
  await migrate(db);
});

afterEach(async () => {
  await db.close();
  await drop();
});

const at = new Date("2026-11-20T06:00:00.000Z");
const insertAccounts = (n: number) =>
  `INSERT INTO "Account" ("externalId", "name", "arr", "seats", "createdAt", "updatedAt") VALUES ${valuesList(n, 6)}`;
const account = (id: string, arr: number | null, seats: number | null) => [id, `Account ${id}`, arr, seats, at, at];

describe("bulk statements of batch jobs", () => {
  it("store rows that Prisma reads back as written, and read what Prisma's raw queries read", async () => {
    const changed = await bulkExecute(
      db,
      db.client,
      insertAccounts(3),
      ...account("a-1", 1200.5, 10),
      ...account("a-2", null, 3),
      ...account("a-3", 90, null),
    );
    expect(changed).toBe(3);
    // On SQLite they ran on the adapter's own connection (the path under test), not through Prisma.
    if (db.provider === "sqlite") expect(db.sqliteDriver()).toBeTruthy();

    const stored = await db.client.account.findMany({
      orderBy: { externalId: "asc" },
      select: { externalId: true, arr: true, seats: true, createdAt: true },
    });
    expect(stored).toEqual([
      { externalId: "a-1", arr: 1200.5, seats: 10, createdAt: at },
      { externalId: "a-2", arr: null, seats: 3, createdAt: at },
      { externalId: "a-3", arr: 90, seats: null, createdAt: at },
    ]);

    // Parameters out of order and repeated, and a datetime compared with the stored one.
    const sql = `SELECT "externalId", "seats", "createdAt" FROM "Account" WHERE "createdAt" <= $3 AND ("externalId" = $2 OR "externalId" = $1 OR "name" = $2) ORDER BY "externalId"`;
    const bulk = await bulkRows<{ externalId: string; seats: unknown; createdAt: Date | string }>(db, db.client, sql, "a-3", "a-1", at);
    const raw = await queryRows<{ externalId: string; seats: unknown; createdAt: Date | string }>(db, db.client, sql, "a-3", "a-1", at);
    const plain = (rows: typeof bulk) =>
      rows.map((r) => ({ id: r.externalId, seats: num(r.seats), createdAt: new Date(r.createdAt).toISOString() }));
    expect(plain(bulk)).toEqual([
      { id: "a-1", seats: 10, createdAt: at.toISOString() },
      { id: "a-3", seats: null, createdAt: at.toISOString() },
    ]);
    expect(plain(bulk)).toEqual(plain(raw));
  });

  it("take part in the transaction they run in: kept when it commits, undone when it fails", async () => {
    const tx = prismaTransactor(db);
    await tx.transaction(async (t) => {
      await bulkExecute(db, t, insertAccounts(2), ...account("kept-1", 1, 1), ...account("kept-2", 2, 2));
    });
    await expect(
      tx.transaction(async (t) => {
        await bulkExecute(db, t, insertAccounts(2), ...account("lost-1", 1, 1), ...account("lost-2", 2, 2));
        const inside = await bulkRows<{ n: unknown }>(db, t, `SELECT COUNT(*) AS n FROM "Account"`);
        expect(num(inside[0].n)).toBe(4);
        throw new Error("the job failed half-way");
      }),
    ).rejects.toThrow("the job failed half-way");

    const ids = (await db.client.account.findMany({ orderBy: { externalId: "asc" }, select: { externalId: true } })).map(
      (a) => a.externalId,
    );
    expect(ids).toEqual(["kept-1", "kept-2"]);
  });
});
