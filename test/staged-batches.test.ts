// Usage batches are staged in short transactions and published in one (src/success/store/batches.ts):
// a batch larger than one staging transaction is stored whole, and a batch that fails mid-way (while
// staging, or when publishing) publishes nothing and leaves no staged rows. On the real database of the
// run (SQLite, or Postgres with TEST_DATABASE=postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { loadHealthConfig } from "../src/platform/config/settings-files.ts";
import { toolAccess } from "../src/shared/access.ts";
import { jobActor } from "../src/shared/actor.ts";
import type { BatchStore } from "../src/success/store/batches.ts";
import { prismaBatchStore } from "../src/success/store/batches.ts";
import { STAGE_ROWS, ingestBatch, ingestBatchInParts, type IngestContext } from "../src/success/use-cases/ingest-batch.ts";
import { freshDatabase } from "./support/harness.ts";

const ACCOUNTS = 30;
const DAYS = 400; // 12,000 rows: more than two staging transactions
const actor = jobActor("test");
const clock = { now: () => new Date("2027-03-01T12:00:00Z") };

let database: { url: string; drop: () => Promise<void> };
let db: Database;

beforeAll(async () => {
  database = await freshDatabase();
  db = await openDatabase(database.url);
  await migrate(db);
  await ingestBatch(context(), actor, {
    kind: "accounts",
    items: Array.from({ length: ACCOUNTS }, (_, i) => ({ externalId: `acct-${i}`, name: `Account ${i}` })),
  });
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

function context(batches: BatchStore = prismaBatchStore(db)): IngestContext {
  return {
    tx: prismaTransactor(db),
    batches,
    clock,
    config: loadHealthConfig(undefined).config,
    access: toolAccess,
  };
}

/** The real store, failing on the n-th call of one of its methods. */
function failing(method: "stageUsage" | "publishUsage", onCall: number): BatchStore {
  const real = prismaBatchStore(db);
  let calls = 0;
  return {
    ...real,
    [method]: async (...args: unknown[]) => {
      calls += 1;
      if (calls === onCall) throw new Error(`simulated failure in ${method}`);
      return (real[method] as (...a: unknown[]) => Promise<void>)(...args);
    },
  };
}

function usage(activeUsers: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let a = 0; a < ACCOUNTS; a++)
    for (let d = 0; d < DAYS; d++)
      rows.push({
        accountExternalId: `acct-${a}`,
        date: new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10),
        activeUsers,
        featuresUsed: d % 2 ? ["reports"] : ["reports", "exports"],
        events: { login: 1 },
      });
  return rows;
}

async function stored() {
  const c = db.client;
  return {
    usage: await c.usageDay.count(),
    usageWith: async (activeUsers: number) => c.usageDay.count({ where: { activeUsers } }),
    features: await c.accountFeature.count(),
    staged: (await c.usageStaging.count()) + (await c.featureStaging.count()),
  };
}

describe("staged usage batches", () => {
  it("a batch that fails while staging publishes nothing and leaves no staged rows", async () => {
    expect(ACCOUNTS * DAYS).toBeGreaterThan(2 * STAGE_ROWS);
    await expect(ingestBatch(context(failing("stageUsage", 2)), actor, { kind: "usage", items: usage(5) })).rejects.toThrow(
      /simulated failure in stageUsage/,
    );
    expect(await stored()).toMatchObject({ usage: 0, features: 0, staged: 0 });
  });

  it("a batch that fails when publishing publishes nothing and leaves no staged rows", async () => {
    await expect(ingestBatch(context(failing("publishUsage", 1)), actor, { kind: "usage", items: usage(5) })).rejects.toThrow(
      /simulated failure in publishUsage/,
    );
    expect(await stored()).toMatchObject({ usage: 0, features: 0, staged: 0 });
  });

  it("stores a batch larger than a staging transaction whole, with its features, and nothing stays staged", async () => {
    const summary = await ingestBatch(context(), actor, { kind: "usage", items: usage(5) });
    expect(summary).toEqual({ kind: "usage", received: ACCOUNTS * DAYS, created: ACCOUNTS * DAYS, updated: 0, unchanged: 0 });
    const now = await stored();
    expect(now).toMatchObject({ usage: ACCOUNTS * DAYS, features: ACCOUNTS * 2, staged: 0 });
    expect(await now.usageWith(5)).toBe(ACCOUNTS * DAYS);
    const exports = await db.client.accountFeature.findUniqueOrThrow({
      where: { accountExternalId_feature: { accountExternalId: "acct-3", feature: "exports" } },
    });
    expect(exports).toMatchObject({ firstSeen: "2026-01-01", lastSeen: "2027-02-03" });
    // Sent again: nothing changes.
    expect(await ingestBatch(context(), actor, { kind: "usage", items: usage(5) })).toMatchObject({ created: 0, updated: 0 });
  });

  it("an import read in parts that fails when publishing changes nothing stored and leaves no staged rows", async () => {
    const rows = usage(9);
    async function* read() {
      for (let i = 0; i < rows.length; i += 2500) yield { items: rows.slice(i, i + 2500) };
    }
    await expect(ingestBatchInParts(context(failing("publishUsage", 1)), actor, { kind: "usage", read })).rejects.toThrow(
      /simulated failure/,
    );
    const now = await stored();
    expect(now).toMatchObject({ usage: ACCOUNTS * DAYS, staged: 0 });
    expect(await now.usageWith(5)).toBe(ACCOUNTS * DAYS);

    const summary = await ingestBatchInParts(context(), actor, { kind: "usage", read });
    expect(summary).toMatchObject({ received: ACCOUNTS * DAYS, created: 0, updated: ACCOUNTS * DAYS });
    expect(await (await stored()).usageWith(9)).toBe(ACCOUNTS * DAYS);
    expect((await stored()).staged).toBe(0);
  });
});
