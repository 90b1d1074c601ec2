// The migration that orders the health history by run (account_health_history_by_run), applied to a
// database that already holds history: each run that stored scores gets the moment it scored as of, and
// every account's history reads back whole, in order, through its runs, as before the migration.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { listMigrations, migrate } from "../src/platform/db/migrate.ts";
import { execute, queryRows, dateOf } from "../src/platform/db/sql.ts";
import { prismaAccountStore } from "../src/success/store/accounts.ts";
import { parseHealthConfig } from "../src/success/rules/health-config.ts";
import { freshDatabase } from "./support/harness.ts";
import { addAccount } from "./support/success-fixtures.ts";

const MIGRATION = listMigrations("sqlite")
  .map((m) => m.name)
  .find((n) => n.endsWith("_account_health_history_by_run"))!;
const DAY = 86_400_000;
const AT = new Date("2026-11-20T06:00:00Z");

let database: { url: string; drop: () => Promise<void> };
let db: Database;
/** The runs stored before the migration: three daily checks that scored, one that failed before it scored. */
const runs: { id: number; at: Date | null }[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  db = await openDatabase(database.url);
  await migrate(db);
  // Back to the schema before the migration: no checkedAt, the history indexed by account.
  await execute(db, db.client, `DROP INDEX "HealthCheckRun_checkedAt_idx"`);
  await execute(db, db.client, `DROP INDEX "AccountHealth_runId_accountExternalId_computedAt_score_idx"`);
  await execute(db, db.client, `ALTER TABLE "HealthCheckRun" DROP COLUMN "checkedAt"`);
  await execute(
    db,
    db.client,
    `CREATE INDEX "AccountHealth_accountExternalId_computedAt_score_idx" ON "AccountHealth"("accountExternalId", "computedAt", "score")`,
  );
  await execute(db, db.client, `DELETE FROM "_app_migrations" WHERE "name" = $1`, MIGRATION);

  await addAccount(db, { externalId: "acme", name: "Acme" }, AT);
  await addAccount(db, { externalId: "beta", name: "Beta" }, AT);
  for (const [daysBefore, scored] of [
    [3, true],
    [2, false],
    [1, true],
    [0, true],
  ] as const) {
    const at = new Date(AT.getTime() - daysBefore * DAY);
    await execute(
      db,
      db.client,
      `INSERT INTO "HealthCheckRun" ("trigger", "status", "startedAt", "finishedAt", "accountsScored") VALUES ('scheduled', $1, $2, $2, $3)`,
      scored ? "done" : "failed",
      at,
      scored ? 2 : 0,
    );
    const [{ id }] = await queryRows<{ id: unknown }>(db, db.client, `SELECT MAX("id") AS id FROM "HealthCheckRun"`);
    runs.push({ id: Number(id), at: scored ? at : null });
    if (!scored) continue;
    for (const [account, score] of [
      ["acme", 80 - daysBefore],
      ["beta", 40 + daysBefore],
    ] as const)
      await execute(
        db,
        db.client,
        `INSERT INTO "AccountHealth" ("runId", "accountExternalId", "computedAt", "score", "band", "components") VALUES ($1, $2, $3, $4, $5, $6)`,
        Number(id),
        account,
        at,
        score,
        score >= 70 ? "green" : "yellow",
        JSON.stringify({ usage_trend: [score, 0.3] }),
      );
  }
  await execute(
    db,
    db.client,
    `INSERT INTO "AccountHealthCurrent" ("accountExternalId", "runId", "computedAt", "score", "band", "components") VALUES ('acme', $1, $2, 80, 'green', '[]')`,
    runs[3].id,
    AT,
  );
  expect(await migrate(db)).toEqual([MIGRATION]);
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

describe("the health history ordered by run", () => {
  it("gives each run that scored the moment it scored as of, and none to a run that stored no score", async () => {
    const stored = await db.client.healthCheckRun.findMany({ orderBy: { id: "asc" }, select: { id: true, checkedAt: true } });
    expect(stored.map((r) => ({ id: r.id, at: r.checkedAt }))).toEqual(runs);
  });

  it("reads each account's history whole and in order through its runs", async () => {
    const accounts = prismaAccountStore(db);
    const acme = await accounts.healthHistory("acme", new Date(AT.getTime() - 10 * DAY));
    expect(acme.map((p) => [p.computedAt, p.score])).toEqual([
      [new Date(AT.getTime() - 3 * DAY).toISOString(), 77],
      [new Date(AT.getTime() - DAY).toISOString(), 79],
      [AT.toISOString(), 80],
    ]);
    expect(acme[0].components).toEqual([{ name: "usage_trend", score: 77, weight: 0.3 }]);
    // A shorter period: only the checks within it.
    const beta = await accounts.healthHistory("beta", new Date(AT.getTime() - 1.5 * DAY));
    expect(beta.map((p) => p.score)).toEqual([41, 40]);
    // The account's card: newest first.
    const card = await accounts.withHealth("acme", parseHealthConfig(null));
    expect(card?.health?.history.map((h) => [h.score, h.band])).toEqual([
      [80, "green"],
      [79, "green"],
      [77, "green"],
    ]);
  });

  it("keeps the history's rows as they were, under the new index only", async () => {
    const rows = await queryRows<{ n: unknown; first: unknown }>(
      db,
      db.client,
      `SELECT COUNT(*) AS n, MIN("computedAt") AS first FROM "AccountHealth"`,
    );
    expect(Number(rows[0].n)).toBe(6);
    expect(dateOf(rows[0].first)).toEqual(new Date(AT.getTime() - 3 * DAY));
    const indexes = (
      db.provider === "postgres"
        ? await queryRows<{ name: string }>(
            db,
            db.client,
            `SELECT indexname::text AS name FROM pg_indexes WHERE tablename = 'AccountHealth'`,
          )
        : await queryRows<{ name: string }>(
            db,
            db.client,
            `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'AccountHealth'`,
          )
    ).map((r) => r.name);
    expect(indexes).toContain("AccountHealth_runId_accountExternalId_computedAt_score_idx");
    expect(indexes).not.toContain("AccountHealth_accountExternalId_computedAt_score_idx");
  });
});
