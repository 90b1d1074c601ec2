// The health check's first pass (allUsage): every account's usage windows read two slices at a time (on
// SQLite one of them on a reader thread's connection, on Postgres both on the pool) give the same table as
// one slice at a time on the app's connection; a reader that cannot open the file costs nothing but time.
import { spawnSync } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import Sqlite from "better-sqlite3";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { SqliteReader } from "../src/platform/db/sqlite-reader.ts";
import { prismaHealthStore } from "../src/success/store/health-runs.ts";
import { allUsage, sliceUsage, UsageTable, type SliceAccount } from "../src/success/store/health-inputs.ts";
import { freshDatabase } from "./support/harness.ts";
import { tempDirs } from "./support/temp-dirs.ts";
import { addAccount, dayBefore } from "./support/success-fixtures.ts";

const AT = new Date("2026-11-20T06:00:00Z");
const ACCOUNTS = 23;
const newDir = tempDirs("sqlite-reader-");

let database: { url: string; drop: () => Promise<void> };
let db: Database;

beforeAll(async () => {
  database = await freshDatabase();
  db = await openDatabase(database.url);
  await migrate(db);
  // 23 accounts, each with its own usage over 120 days (some days missing), one with none at all.
  for (let a = 0; a < ACCOUNTS; a++) {
    const id = `acct-${String(a).padStart(2, "0")}`;
    await addAccount(db, { externalId: id, name: `Account ${a}`, seats: 20, tier: a % 3 ? "growth" : null }, AT);
    if (a === 7) continue;
    const rows = [];
    for (let d = 0; d < 120; d++) {
      if ((a + d) % 5 === 0) continue;
      rows.push({
        accountExternalId: id,
        date: dayBefore(AT, d),
        activeUsers: 1 + ((a * 7 + d * 3) % 17),
        keyEvents: (a + d) % 11,
        receivedAt: AT,
      });
    }
    await db.client.usageDay.createMany({ data: rows });
  }
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

async function accounts(): Promise<SliceAccount[]> {
  return prismaHealthStore(db).accountsAfter(null, 1000, null);
}

async function* slicesOf(all: SliceAccount[], size: number): AsyncGenerator<SliceAccount[]> {
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

/** Every account's windows as the model reads them. */
function windows(table: UsageTable, all: SliceAccount[]) {
  return all.map((a) => [a.externalId, table.get(a.externalId)]);
}

describe("the health check's usage windows", () => {
  it("are the same read two slices at a time as one at a time, in the same order", async () => {
    const all = await accounts();
    expect(all).toHaveLength(ACCOUNTS);
    const one = new UsageTable();
    for (const slice of [all.slice(0, 4), all.slice(4, 9), all.slice(9)]) await sliceUsage(db, slice, AT, one);
    const opened = vi.spyOn(SqliteReader, "open");
    for (const size of [1, 2, 3, 5, 100]) {
      const two = new UsageTable();
      expect(await allUsage(db, slicesOf(all, size), AT, two)).toEqual({ readerFailure: null });
      expect(two.size).toBe(ACCOUNTS);
      expect(windows(two, all)).toEqual(windows(one, all));
      expect([...two.all()]).toEqual([...one.all()]);
    }
    // A reader thread on SQLite for every book of more than one slice (four of the five sizes); none on Postgres.
    const readers = opened.mock.results.filter((r) => r.value instanceof SqliteReader);
    expect(readers).toHaveLength(db.provider === "sqlite" ? 4 : 0);
    opened.mockRestore();
    // Measured: the last 30 days of an account with usage, nothing for the one without.
    expect(one.get("acct-01")!.usage.daysLast30).toBeGreaterThan(20);
    expect(one.get("acct-07")!.usage.daysLast30).toBe(0);
  });

  it.runIf(!process.env.TEST_DATABASE || process.env.TEST_DATABASE === "sqlite")(
    "keep a script alive while its reader works, and let it end once the reader is closed",
    () => {
      // A process with nothing else to wait for (a tool, a bench) must neither exit before the rows come
      // nor hang after: the reader's thread holds it only while a statement or the close is under way.
      const dir = newDir();
      const script = path.join(dir, "read.mts");
      const reader = pathToFileURL(path.resolve("src/platform/db/sqlite-reader.ts")).href;
      writeFileSync(
        script,
        `import { SqliteReader } from ${JSON.stringify(reader)};
        const r = SqliteReader.open({ provider: "sqlite", sqliteFile: ${JSON.stringify(db.sqliteFile)} });
        const rows = await r.rows('SELECT COUNT(*) AS n FROM "Account" WHERE "externalId" >= $1', "acct-1");
        await r.close();
        console.log(JSON.stringify(rows));`,
      );
      const run = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([{ n: ACCOUNTS - 10 }]);
    },
  );

  it("refuse to read a file put in the place of the one the app opened (a restore), rather than mix two databases", async () => {
    const dir = newDir();
    const [opened, other] = [path.join(dir, "app.db"), path.join(dir, "restored.db")];
    for (const [file, n] of [
      [opened, 1],
      [other, 2],
    ] as const) {
      const sqlite = new Sqlite(file);
      sqlite.exec(`CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (${n});`);
      sqlite.close();
    }
    const reader = SqliteReader.open({ provider: "sqlite", sqliteFile: opened })!;
    renameSync(other, opened); // before the reader's thread has started
    await expect(reader.rows("SELECT n FROM t")).rejects.toThrow("the database file was replaced since the app opened it");
    await reader.close();
    const fresh = SqliteReader.open({ provider: "sqlite", sqliteFile: opened })!;
    expect(await fresh.rows("SELECT n FROM t")).toEqual([{ n: 2 }]);
    await fresh.close();
    await expect(fresh.rows("SELECT n FROM t")).rejects.toThrow("the SQLite reader is closed");
  });

  it.runIf(!process.env.TEST_DATABASE || process.env.TEST_DATABASE === "sqlite")(
    "are read on the app's connection when the reader fails",
    async () => {
      // No file: no reader. A file SQLite cannot read as a database: the reader refuses every statement.
      expect(SqliteReader.open({ provider: "sqlite", sqliteFile: `${db.sqliteFile}-missing` })).toBeNull();
      const dir = newDir();
      const garbage = path.join(dir, "not-a-database.db");
      writeFileSync(garbage, "not a database ".repeat(100));
      const reader = SqliteReader.open({ provider: "sqlite", sqliteFile: garbage })!;
      await expect(reader.rows(`SELECT 1 AS one`)).rejects.toThrow(/file is not a database/);
      await reader.close();

      const all = await accounts();
      const expected = new UsageTable();
      expect(await allUsage(db, slicesOf(all, 100), AT, expected)).toEqual({ readerFailure: null });
      // The app's database with a reader on that file: the first pair's reader slice fails and is read
      // again on the app's connection, and every later slice is read there.
      const opened = vi.spyOn(SqliteReader, "open");
      const table = new UsageTable();
      const { readerFailure } = await allUsage({ ...db, sqliteFile: garbage } as Database, slicesOf(all, 2), AT, table);
      expect(windows(table, all)).toEqual(windows(expected, all));
      // The failure comes back for the check to log.
      expect(String(readerFailure)).toMatch(/file is not a database/);
      expect(opened.mock.results.filter((r) => r.value instanceof SqliteReader)).toHaveLength(1);
      opened.mockRestore();
    },
  );
});
