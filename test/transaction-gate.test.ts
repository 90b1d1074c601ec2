// A statement issued outside a transaction never becomes part of one that happens to be open: on SQLite
// the app has one connection, and a row stored meanwhile (an event Slack has been told is received) used to
// vanish when that transaction rolled back. On SQLite and, with TEST_DATABASE=postgres, on Postgres (where
// a transaction has a connection of its own, so this held already).
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/platform/db/client.ts";
import { execute, num, preparedExecute, preparedRows, sqliteAggregateValue } from "../src/platform/db/sql.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { useMigratedDatabase } from "./support/harness.ts";

const database = useMigratedDatabase();
let db: Database;
beforeEach(() => {
  db = database();
});

const at = new Date("2026-11-20T06:00:00.000Z");
const INSERT = `INSERT INTO "InboxEvent" ("eventId", "eventType", "body", "receivedAt", "availableAt") VALUES ($1, 'message', '{}', $2, $2)`;
const eventIds = async () =>
  (await db.client.inboxEvent.findMany({ select: { eventId: true }, orderBy: { eventId: "asc" } })).map((e) => e.eventId);

/**
 * A transaction that stores the event "inside", runs `within` in it, then holds until `carryOn()` and fails
 * with `message` (so it rolls back). `open` resolves once its row is written; `failing` gives the message.
 */
function failingTransaction(message: string, within: () => Promise<void> = async () => {}) {
  let carryOn!: () => void;
  const paused = new Promise<void>((resolve) => (carryOn = resolve));
  let begun!: () => void;
  const open = new Promise<void>((resolve) => (begun = resolve));
  const failing = prismaTransactor(db)
    .transaction(async (t) => {
      await execute(db, t, INSERT, "inside", at);
      await within();
      begun();
      await paused;
      throw new Error(message);
    })
    .catch((error: Error) => error.message);
  return { open, carryOn, failing };
}

describe("statements outside a transaction", () => {
  it("are kept when a transaction open at the time rolls back, through Prisma and through prepared statements", async () => {
    const { open, carryOn, failing } = failingTransaction("the ticket could not be stored", async () => {
      if (db.provider === "sqlite") {
        // The transaction's own work may still use the base client on SQLite's one connection: it runs in
        // the transaction, as before (no waiting for itself).
        expect(await db.client.inboxEvent.count()).toBe(1);
        expect(num((await preparedRows<{ n: unknown }>(db, db.client, 'SELECT COUNT(*) AS n FROM "InboxEvent"'))[0].n)).toBe(1);
      }
    });
    await open;
    // Meanwhile, events arrive: stored through Prisma and through a prepared statement.
    const stored = [execute(db, db.client, INSERT, "outside-prisma", at), preparedExecute(db, db.client, INSERT, "outside-prepared", at)];
    const read = db.client.inboxEvent.count();
    await new Promise((resolve) => setTimeout(resolve, 50));
    carryOn();
    expect(await failing).toBe("the ticket could not be stored");
    expect(await Promise.all(stored)).toEqual([1, 1]);
    // On SQLite a read issued while the transaction was open runs after it, behind the two events stored
    // before it: it sees them, not the transaction's own row, which was never committed.
    if (db.provider === "sqlite") expect(await read).toBe(2);
    else expect(await read).toBeLessThanOrEqual(2);
    expect(await eventIds()).toEqual(["outside-prepared", "outside-prisma"]);
  });

  it("wait no longer than the open transaction, and run before the next one begins", async () => {
    const tx = prismaTransactor(db);
    const order: string[] = [];
    let carryOn!: () => void;
    const paused = new Promise<void>((resolve) => (carryOn = resolve));
    let begun!: () => void;
    const open = new Promise<void>((resolve) => (begun = resolve));
    const first = tx.transaction(async (t) => {
      await execute(db, t, INSERT, "first", at);
      begun();
      await paused;
      order.push("first commits");
    });
    await open;
    const outside = preparedExecute(db, db.client, INSERT, "outside", at).then(() => order.push("outside stored"));
    const second = tx.transaction(async (t) => {
      order.push("second begins");
      await execute(db, t, INSERT, "second", at);
    });
    carryOn();
    await Promise.all([first, outside, second]);
    if (db.provider === "sqlite") expect(order).toEqual(["first commits", "outside stored", "second begins"]);
    expect(await eventIds()).toEqual(["first", "outside", "second"]);
  });

  it("include SQLite's one-pass aggregates (the support metrics): they do not read a transaction's rows before it commits", async () => {
    const countRows = { start: () => ({ n: 0 }), step: (acc: { n: number }) => void acc.n++, result: (acc: { n: number }) => acc.n };
    const count = () => sqliteAggregateValue(db, "test_count_rows", countRows, `SELECT test_count_rows("id") FROM "InboxEvent"`);
    const { open, carryOn, failing } = failingTransaction("rolled back");
    await open;
    const counted = count();
    carryOn();
    expect(await failing).toBe("rolled back");
    // SQLite: counted once the transaction was over, without its row. Postgres has no such aggregate
    // (undefined: the caller takes its portable statements).
    expect(await counted).toBe(db.provider === "sqlite" ? 0 : undefined);
  });
});
