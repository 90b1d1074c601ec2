// The bulk statements of batch jobs (src/platform/db/sql.ts: on SQLite they run on the driver adapter's
// own connection, not through Prisma) store and read what Prisma's raw queries do, and take part in the
// transaction they run in: a health check's writes that fail half-way leave nothing behind. On SQLite and,
// with TEST_DATABASE=postgres, on Postgres. The same for the prepared statements of the intake hot path
// (a new ticket's rows, its outbox posts and message refs).
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/platform/db/client.ts";
import { bulkExecute, bulkRows, num, preparedRows, queryRows, valuesList } from "../src/platform/db/sql.ts";
import { prismaTransactor, type Tx } from "../src/platform/db/transactor.ts";
import { Outbox } from "../src/platform/outbox/outbox.ts";
import { messageRefs } from "../src/slack/store/message-refs.ts";
import { prismaSupportStores } from "../src/support/store/index.ts";
import { TICKET_FIELDS } from "../src/support/store/tickets.ts";
import { useMigratedDatabase } from "./support/harness.ts";

const database = useMigratedDatabase();
let db: Database;
beforeEach(() => {
  db = database();
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

describe("a new ticket's prepared statements (the intake hot path)", () => {
  const stores = () => prismaSupportStores(db, []);
  const newTicket = (sourceTs: string) => ({
    channelId: "CSUPPORT",
    sourceTs,
    threadTs: sourceTs,
    requesterId: "UCUST",
    requesterTeamId: "T1",
    requesterName: "Ada",
    requesterCompany: null,
    text: "Exports fail",
    permalink: null,
    origin: "message",
    createdById: null,
    createdAt: at,
    lastCustomerMessageAt: at,
    accountExternalId: null,
    tier: null,
    previousTicketId: null,
  });

  /** Writes what a new ticket writes, through the stores and the outbox, inside `t`. */
  async function writeTicket(t: Tx, sourceTs: string) {
    const s = stores();
    const ticket = await s.tickets.insert(t, newTicket(sourceTs));
    await s.timers.createAll(t, ticket.id, [
      { kind: "first_response", targetSeconds: 3600, startedAt: at, consumedSeconds: 0, runningSince: at, dueAt: at, warnAt: at },
      { kind: "resolution", targetSeconds: 86400, startedAt: at, consumedSeconds: 0, runningSince: at, dueAt: null, warnAt: null },
    ]);
    await s.events.record(t, { ticketId: ticket.id, kind: "created", actorId: "UCUST", toValue: "message", at });
    const messageId = await s.messages.add(t, {
      ticketId: ticket.id,
      channelId: "CSUPPORT",
      ts: sourceTs,
      userId: "UCUST",
      role: "customer",
      text: "Exports fail",
      at,
    });
    await s.threads.add(t, { channelId: "CSUPPORT", threadTs: sourceTs, ticketId: ticket.id, role: "customer" });
    const card = await new Outbox(db).enqueue(t, { method: "chat.postMessage", channel: "CTRIAGE", payload: { text: "card" } }, at);
    await messageRefs.setFirst(t, db, "ticket", ticket.id, { card }, { card: "{}" });
    return { ticket, messageId, card };
  }

  const counts = async (c: Tx) => ({
    tickets: await c.ticket.count(),
    timers: await c.slaTimer.count(),
    events: await c.ticketEvent.count(),
    messages: await c.ticketMessage.count(),
    threads: await c.threadLink.count(),
    outbox: await c.outboxMessage.count(),
    refs: await c.slackMessageRef.count(),
  });

  it("store what Prisma reads back, and the ticket they return is the one Prisma reads", async () => {
    const { ticket, messageId, card } = await prismaTransactor(db).transaction((t) => writeTicket(t, "1700000000.000100"));
    if (db.provider === "sqlite") expect(db.sqliteDriver()).toBeTruthy();
    const read = await db.client.ticket.findUnique({ where: { id: ticket.id }, select: TICKET_FIELDS });
    expect(ticket).toEqual(read);
    expect(ticket).toMatchObject({ status: "open", priority: "normal", reopenCount: 0, createdAt: at, sourceState: null });
    expect(await stores().tickets.bySource(db.client, "CSUPPORT", "1700000000.000100")).toEqual(read);
    expect(await db.client.ticketMessage.findUnique({ where: { id: messageId }, select: { ticketId: true, at: true } })).toEqual({
      ticketId: ticket.id,
      at,
    });
    expect(
      await db.client.slaTimer.findMany({ where: { ticketId: ticket.id }, orderBy: { kind: "asc" }, select: { kind: true, dueAt: true } }),
    ).toEqual([
      { kind: "first_response", dueAt: at },
      { kind: "resolution", dueAt: null },
    ]);
    expect(await messageRefs.get(db.client, "ticket", ticket.id, "card")).toBe(card);
    expect(await messageRefs.has(db.client, db, "ticket", ticket.id, "card")).toBe(true);
    expect(await counts(db.client)).toEqual({ tickets: 1, timers: 2, events: 1, messages: 1, threads: 1, outbox: 1, refs: 1 });
  });

  it("are undone with the use case's transaction when it fails, and a second ticket of one message is refused", async () => {
    const tx = prismaTransactor(db);
    await tx.transaction((t) => writeTicket(t, "1700000000.000100"));
    await expect(
      tx.transaction(async (t) => {
        await writeTicket(t, "1700000000.000200");
        expect((await counts(t)).tickets).toBe(2);
        throw new Error("the card could not be made");
      }),
    ).rejects.toThrow("the card could not be made");
    expect(await counts(db.client)).toEqual({ tickets: 1, timers: 2, events: 1, messages: 1, threads: 1, outbox: 1, refs: 1 });

    await expect(tx.transaction((t) => writeTicket(t, "1700000000.000100"))).rejects.toMatchObject({ code: "ticket.duplicate_source" });
    expect(await counts(db.client)).toEqual({ tickets: 1, timers: 2, events: 1, messages: 1, threads: 1, outbox: 1, refs: 1 });
  });

  it("run in their own transaction when several are open at once: each one's rows commit or roll back with it", async () => {
    const tx = prismaTransactor(db);
    const sources = Array.from({ length: 12 }, (_, i) => `1700000001.${String(i).padStart(6, "0")}`);
    const outcomes = await Promise.allSettled(
      sources.map((sourceTs, i) =>
        tx.transaction(async (t) => {
          // Interleave with the others: each statement waits for a turn of the event loop.
          await new Promise((r) => setImmediate(r));
          const { ticket } = await writeTicket(t, sourceTs);
          // The prepared statements and Prisma's own see the same transaction (Postgres: the same backend and transaction id).
          expect((await counts(t)).tickets).toBeGreaterThanOrEqual(1);
          expect(await t.ticket.findUnique({ where: { id: ticket.id }, select: { sourceTs: true } })).toEqual({ sourceTs });
          if (db.provider === "postgres") {
            expect(db.postgresDriver!(t)).not.toBeNull(); // on pg directly, not through Prisma
            const [prisma] = await t.$queryRawUnsafe<{ id: string }[]>(`SELECT txid_current()::text AS "id"`);
            const [prepared] = await preparedRows<{ id: string }>(db, t, `SELECT txid_current()::text AS "id"`);
            expect(prepared.id).toBe(prisma.id);
          }
          await new Promise((r) => setImmediate(r));
          if (i % 2 === 1) throw new Error(`roll back ${i}`);
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(sources.map((_, i) => (i % 2 === 1 ? "rejected" : "fulfilled")));
    const kept = await db.client.ticket.findMany({ orderBy: { sourceTs: "asc" }, select: { sourceTs: true } });
    expect(kept.map((k) => k.sourceTs)).toEqual(sources.filter((_, i) => i % 2 === 0));
    expect(await counts(db.client)).toEqual({ tickets: 6, timers: 12, events: 6, messages: 6, threads: 6, outbox: 6, refs: 6 });
  });
});
