// Data integrity under concurrency: account batches sent at the same time change only the fields they
// carry (no lost updates) and never fail with a deadlock, on SQLite and on Postgres (where the batches
// really run in parallel on separate connections).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDesk, usePostgres, type Desk } from "./support/harness.ts";

const TOKEN = "ingest-token-0123456789";

let desk: Desk;

beforeAll(async () => {
  desk = await startDesk({ env: { INGEST_API_TOKEN: TOKEN } });
});

afterAll(async () => {
  await desk?.stop();
});

function postAccounts(accounts: Record<string, unknown>[]): Promise<Response> {
  return fetch(`${desk.baseUrl}/api/v1/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ accounts }),
  });
}

const account = async (externalId: string) =>
  (await (
    await fetch(`${desk.baseUrl}/api/v1/accounts/${encodeURIComponent(externalId)}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as Record<string, unknown>;

describe("concurrent account batches", () => {
  it("two batches touching the same accounts at once, 30 times: each keeps the field it sent", async () => {
    expect((await postAccounts([{ externalId: "shared", name: "Shared Inc" }])).status).toBe(200);
    const lost: string[] = [];
    for (let round = 1; round <= 30; round++) {
      // One account that exists already and one that neither batch has seen yet.
      const fresh = `fresh-${round}`;
      const [seats, arr] = await Promise.all([
        postAccounts([
          { externalId: "shared", name: "Shared Inc", seats: round },
          { externalId: fresh, name: `Fresh ${round}`, seats: round },
        ]),
        postAccounts([
          { externalId: fresh, name: `Fresh ${round}`, arr: round * 1000 },
          { externalId: "shared", name: "Shared Inc", arr: round * 1000 },
        ]),
      ]);
      expect([seats.status, arr.status]).toEqual([200, 200]);
      for (const id of ["shared", fresh]) {
        const a = await account(id);
        if (a.seats !== round || a.arr !== round * 1000) lost.push(`round ${round}, ${id}: seats ${String(a.seats)}, arr ${String(a.arr)}`);
      }
    }
    expect(lost).toEqual([]);
    // The growth history saw every change: the shared account's last figure holds both fields.
    const figures = await desk.app.db.client.accountFigure.findMany({ where: { accountExternalId: "shared" }, orderBy: { id: "asc" } });
    expect(figures.at(-1)).toMatchObject({ seats: 30, arr: 30_000 });
  });

  it("three batches over the same accounts in different orders at once, repeated: no error, every row right", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `order-${String(i).padStart(2, "0")}`);
    await postAccounts(ids.map((externalId) => ({ externalId, name: externalId })));
    const shuffled = (round: number) =>
      [...ids].sort((a, b) => ((a.charCodeAt(7) * 31 + round) % 7) - ((b.charCodeAt(7) * 31 + round) % 7));
    const statuses: number[] = [];
    for (let round = 1; round <= 10; round++) {
      const batches = [
        ids.map((externalId) => ({ externalId, name: externalId, seats: round })),
        [...ids].reverse().map((externalId) => ({ externalId, name: externalId, arr: round * 10 })),
        shuffled(round).map((externalId) => ({ externalId, name: externalId, tier: `tier-${round}` })),
      ];
      const answers = await Promise.all(batches.map((b) => postAccounts(b)));
      statuses.push(...answers.map((a) => a.status));
      for (const id of ids) expect(await account(id)).toMatchObject({ seats: round, arr: round * 10, tier: `tier-${round}` });
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});

// Postgres only: a trigger stands in for the deadlock (SQLSTATE 40P01) a busy database reports.
describe.runIf(usePostgres())("a transaction the database aborts as a deadlock", () => {
  it("is run again; when every try is aborted the batch gets 503 with Retry-After, never 500, and nothing is stored", async () => {
    const c = desk.app.db.client;
    await c.$executeRawUnsafe(`CREATE SEQUENCE deadlock_once`);
    await c.$executeRawUnsafe(`
      CREATE FUNCTION fake_deadlock() RETURNS trigger AS $$
      BEGIN
        IF NEW."externalId" = 'always-deadlocks' OR (NEW."externalId" = 'deadlocks-once' AND nextval('deadlock_once') = 1) THEN
          RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await c.$executeRawUnsafe(
      `CREATE TRIGGER fake_deadlock BEFORE INSERT OR UPDATE ON "Account" FOR EACH ROW EXECUTE FUNCTION fake_deadlock()`,
    );
    try {
      const once = await postAccounts([{ externalId: "deadlocks-once", name: "Once", seats: 3 }]);
      expect(once.status).toBe(200);
      expect(await account("deadlocks-once")).toMatchObject({ seats: 3 });

      const always = await postAccounts([
        { externalId: "aaa-innocent", name: "Innocent" },
        { externalId: "always-deadlocks", name: "Always" },
      ]);
      expect(always.status).toBe(503);
      expect(always.headers.get("retry-after")).toBe("1");
      expect(await always.json()).toMatchObject({ error: "database_busy", message: expect.stringContaining("send it again") });
      expect(await c.account.count({ where: { externalId: { in: ["aaa-innocent", "always-deadlocks"] } } })).toBe(0);
      expect(desk.logs.some((l) => String(l.msg).includes("running it again"))).toBe(true);
    } finally {
      await c.$executeRawUnsafe(`DROP TRIGGER fake_deadlock ON "Account"`);
    }
  });
});
