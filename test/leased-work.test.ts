// Claims of the leased-work primitive (src/platform/work/leased-work.ts) on a real database: a row is taken
// by one process at a time, and with `due` (the inbox's and the outbox's claims) not before its "availableAt". A replica reads
// a batch of pending events; another fails one of them and puts it back for a retry a minute later; the
// first must not take it as soon as it reaches it in its batch, which would skip the backoff. On SQLite and,
// with TEST_DATABASE=postgres, on Postgres.
import { describe, expect, it } from "vitest";
import { LeasedWork } from "../src/platform/work/leased-work.ts";
import { useMigratedDatabase } from "./support/harness.ts";

const database = useMigratedDatabase();

const now = new Date("2026-12-01T12:00:00.000Z");
const replica = (owner: string) => new LeasedWork(database(), "InboxEvent", { owner, leaseMs: 60_000, now: () => now });

async function event(availableAt: Date): Promise<number> {
  const row = await database().client.inboxEvent.create({
    data: { eventId: `Ev${availableAt.getTime()}`, eventType: "message", body: "{}", receivedAt: now, availableAt },
  });
  return row.id;
}

describe("leased work claims", () => {
  it("give a pending row to one process at a time", async () => {
    const id = await event(now);
    expect(await replica("a").claim(id, { from: "pending", due: true })).toBe(true);
    expect(await replica("b").claim(id, { from: "pending", due: true })).toBe(false);
    const row = await database().client.inboxEvent.findUniqueOrThrow({ where: { id } });
    expect(row.leaseOwner).toBe("a");
    expect(row.attempts).toBe(1);
  });

  it("with `due`, leave a row put back for a retry later until its time has come", async () => {
    const later = await event(new Date(now.getTime() + 60_000));
    expect(await replica("a").claim(later, { from: "pending", due: true })).toBe(false);
    const row = await database().client.inboxEvent.findUniqueOrThrow({ where: { id: later } });
    expect(row.leaseOwner).toBeNull();
    expect(row.attempts).toBe(0);
    // Without `due` (work that has no schedule of its own) the time is not looked at.
    expect(await replica("a").claim(later, { from: "pending" })).toBe(true);
  });

  it("say which attempt a claim is from the row itself, not from a copy read before another replica tried it", async () => {
    const id = await event(now);
    // Replica a reads the pending row (attempts 0) in its batch. Meanwhile b claims it, fails, and puts it back.
    const stale = await database().client.inboxEvent.findUniqueOrThrow({ where: { id } });
    expect(stale.attempts).toBe(0);
    expect(await replica("b").claimAttempt(id, { from: "pending", due: true })).toBe(1);
    await replica("b").release(id, { status: "pending" });
    // a's claim is the second attempt, though its copy says none was made.
    expect(await replica("a").claimAttempt(id, { from: "pending", due: true })).toBe(2);
    expect(await replica("b").claimAttempt(id, { from: "pending", due: true })).toBeNull();
    const row = await database().client.inboxEvent.findUniqueOrThrow({ where: { id } });
    expect([row.leaseOwner, row.attempts]).toEqual(["a", 2]);
  });

  it("refuse to count attempts on a table that does not count them", async () => {
    const job = new LeasedWork(database(), "JobRun", { owner: "a", leaseMs: 60_000, now: () => now });
    await expect(job.claimAttempt("daily:2026-12-01", { from: "running" })).rejects.toThrow("JobRun does not count attempts");
  });
});
