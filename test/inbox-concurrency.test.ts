// The inbox processor (src/platform/inbox/processor.ts) working on several events at once: independent
// events run side by side, events sharing a key keep their order, and any other event runs alone, after
// everything before it and before everything after it. Each event is worked on once. On SQLite and, with
// TEST_DATABASE=postgres, on Postgres. No timing: a handler that waits for another event to start would
// wait forever (and the test time out) if the two were not worked on together.
// And an event that keeps failing is tried exactly maxAttempts times.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/platform/db/client.ts";
import { Inbox } from "../src/platform/inbox/inbox.ts";
import { InboxProcessor, type ProcessorOptions } from "../src/platform/inbox/processor.ts";
import { createLogger } from "../src/platform/observability/log.ts";
import { useMigratedDatabase } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";

// The database's own afterEach (registered first) runs after this file's, once the processor has stopped.
const database = useMigratedDatabase();
let db: Database;
let processor: InboxProcessor | null = null;

beforeEach(() => {
  db = database();
});

afterEach(async () => {
  await processor?.stop();
  processor = null;
});

/** A processor of the test's database and a fresh inbox, on a test clock: what each test sets is in `o`. */
function processorWith(o: Omit<ProcessorOptions, "db" | "inbox" | "clock" | "log" | "owner">) {
  const clock = new TestClock("2026-12-01T09:00:00Z");
  const inbox = new Inbox(db, clock);
  const made = new InboxProcessor({ db, inbox, clock, log: createLogger("silent"), owner: "test", ...o });
  processor = made; // stopped after each test
  return { clock, inbox, processor: made };
}

/** An event: its name, and its key (null: to be worked on in order with all others). */
type Spec = { name: string; key: string | null };

function signal() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function run(specs: Spec[], waits: Record<string, string> = {}) {
  const log: string[] = [];
  const started = new Map(specs.map((s) => [s.name, signal()]));
  const done = signal();
  let finished = 0;
  const { inbox, processor: worker } = processorWith({
    pollMs: 20,
    concurrency: 3,
    independentKeysOf: (body) => {
      const key = (body as { key: string | null }).key;
      return key === null ? null : [key];
    },
    handle: async (body) => {
      const { name } = body as Spec;
      log.push(`start ${name}`);
      started.get(name)!.resolve();
      // Waits until another event has started: only possible when both are worked on at once.
      if (waits[name]) await started.get(waits[name])!.promise;
      await new Promise((r) => setImmediate(r));
      log.push(`end ${name}`);
      if (++finished === specs.length) done.resolve();
    },
  });
  // Stored in order, in one batch, before the processor looks.
  await Promise.all(
    specs.map((s, i) => inbox.accept({ eventId: `Ev${i}`, eventType: "test", dedupeKey: null, body: JSON.stringify(s), retryNum: 0 })),
  );
  worker.start();
  await done.promise;
  await worker.stop();
  const rows = await db.client.inboxEvent.findMany({ orderBy: { id: "asc" } });
  return { log, rows };
}

const between = (log: string[], name: string) => [log.indexOf(`start ${name}`), log.indexOf(`end ${name}`)] as const;

describe("inbox processor with concurrency", () => {
  it("works on events of different keys together", async () => {
    // a waits for b to start, b for c: all three run at once or the test never ends.
    const { log, rows } = await run(
      [
        { name: "a", key: "u1" },
        { name: "b", key: "u2" },
        { name: "c", key: "u3" },
      ],
      { a: "b", b: "c" },
    );
    // a was still in hand when b started, and b when c started.
    expect(log.indexOf("start b")).toBeLessThan(log.indexOf("end a"));
    expect(log.indexOf("start c")).toBeLessThan(log.indexOf("end b"));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["done", 1],
      ["done", 1],
      ["done", 1],
    ]);
  });

  it("keeps the order of events sharing a key, and runs the others alone and in order", async () => {
    const specs: Spec[] = [
      { name: "a1", key: "u1" },
      { name: "b1", key: "u2" },
      { name: "a2", key: "u1" },
      { name: "x", key: null },
      { name: "b2", key: "u2" },
      { name: "c1", key: "u3" },
      { name: "a3", key: "u1" },
      { name: "y", key: null },
      { name: "z", key: null },
      { name: "c2", key: "u3" },
    ];
    const { log, rows } = await run(specs, { a1: "b1" });
    expect(log).toHaveLength(2 * specs.length);
    // Each event once, and ended after it started.
    for (const s of specs) {
      const [start, end] = between(log, s.name);
      expect(log.filter((l) => l === `start ${s.name}`)).toHaveLength(1);
      expect(end).toBeGreaterThan(start);
    }
    // Same key: the next starts after the previous ended.
    for (const [earlier, later] of [
      ["a1", "a2"],
      ["a2", "a3"],
      ["b1", "b2"],
      ["c1", "c2"],
    ]) {
      expect(between(log, later)[0]).toBeGreaterThan(between(log, earlier)[1]);
    }
    // No key: alone, after everything before it and before everything after it.
    specs.forEach((s, i) => {
      if (s.key !== null) return;
      const [start, end] = between(log, s.name);
      expect(end).toBe(start + 1);
      for (const before of specs.slice(0, i)) expect(between(log, before.name)[1]).toBeLessThan(start);
      for (const after of specs.slice(i + 1)) expect(between(log, after.name)[0]).toBeGreaterThan(end);
    });
    expect(rows.every((r) => r.status === "done" && r.attempts === 1)).toBe(true);
  });
});

describe("inbox processor retries", () => {
  it("works an event whose handler keeps failing exactly maxAttempts times, then keeps it as failed", async () => {
    let calls = 0;
    const {
      clock,
      inbox,
      processor: worker,
    } = processorWith({
      pollMs: 10,
      maxAttempts: 3,
      handle: async () => {
        calls++;
        throw new Error("the database went away");
      },
    });
    await inbox.accept({ eventId: "Ev1", eventType: "test", dedupeKey: null, body: "{}", retryNum: 0 });
    worker.start();
    const deadline = Date.now() + 15_000;
    let row = await db.client.inboxEvent.findFirstOrThrow();
    while (row.status !== "failed" && Date.now() < deadline) {
      clock.advance(60 * 60_000); // past any backoff
      await new Promise((r) => setTimeout(r, 20));
      row = await db.client.inboxEvent.findFirstOrThrow();
    }
    await worker.stop();
    expect(row).toMatchObject({ status: "failed", attempts: 3, lastError: "the database went away" });
    expect(calls).toBe(3);
  });
});
