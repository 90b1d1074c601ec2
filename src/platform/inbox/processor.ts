// Works through the inbox after Slack has its 200, oldest first, each event claimed with a lease
// (src/platform/work/leased-work.ts) so a crashed process's events are taken over once the lease
// expires. A handler that throws is retried with backoff and jitter; after maxAttempts the event is
// kept as failed.
//
// One event at a time, unless `concurrency` > 1 and the wiring says which events are independent
// (`independentKeysOf`): such an event may start while earlier ones are still being worked on, provided
// none of them shares one of its keys (so events of the same key keep their order). Any other event
// waits until everything started before it is done, and nothing after it starts before it is done: it
// is worked on in order with all others. Worth it where an event's database round trips leave the
// process idle and the database takes statements in parallel (Postgres).
import type { Database } from "../db/client.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../observability/log.ts";
import type { Inbox } from "./inbox.ts";
import { WakeableLoop } from "../work/wakeable-loop.ts";
import { DEFAULT_JITTER, DEFAULT_MAX_DELAY_MS, LeasedWork, retryDecision, type RetryPolicy } from "../work/leased-work.ts";
import { preparedRows } from "../db/sql.ts";
import type { IntakeActivity } from "./intake-activity.ts";
import type { DeskMetrics } from "../observability/metrics.ts";
import { parseCleanJson } from "../../shared/text.ts";

export type EventHandler = (body: unknown, meta: { inboxId: number; eventType: string }) => Promise<void>;

/**
 * The keys of an event that may be worked on beside others (two events sharing a key never are, and keep
 * their order), or null for an event to be worked on in order with all others.
 */
export type IndependentKeys = (body: unknown, eventType: string) => readonly string[] | null;

export interface ProcessorOptions {
  db: Database;
  inbox: Inbox;
  clock: Clock;
  log: Logger;
  handle: EventHandler;
  owner: string;
  /** When given, each event waits for a pause in incoming Slack requests (acknowledgements first). */
  activity?: IntakeActivity;
  maxAttempts?: number;
  leaseMs?: number;
  pollMs?: number;
  backoffBaseMs?: number;
  metrics?: DeskMetrics;
  /** Events worked on at once at most (default 1); more than one needs `independentKeysOf`. */
  concurrency?: number;
  independentKeysOf?: IndependentKeys;
}

interface Row {
  id: number;
  body: string;
  eventType: string;
}

/** A stored body, parsed (or why it cannot be). */
type Parsed = { ok: true; body: unknown } | { ok: false };

/** Events read per batch (see batch()). */
const BATCH_SIZE = 200;

export class InboxProcessor {
  private readonly loop: WakeableLoop;
  private unsubscribe: (() => void) | null = null;
  private readonly work: LeasedWork<"InboxEvent">;
  private readonly retry: RetryPolicy;

  constructor(private readonly o: ProcessorOptions) {
    this.work = new LeasedWork(o.db, "InboxEvent", { owner: o.owner, leaseMs: o.leaseMs ?? 60_000, now: () => o.clock.now() });
    this.retry = { baseMs: o.backoffBaseMs ?? 1000, maxMs: DEFAULT_MAX_DELAY_MS, maxAttempts: o.maxAttempts ?? 8, jitter: DEFAULT_JITTER };
    this.loop = new WakeableLoop(
      () => this.batch(),
      o.pollMs ?? 500,
      (error) => this.o.log.error({ err: error }, "inbox batch failed"),
    );
  }

  start(): void {
    this.unsubscribe = this.o.inbox.onStored(() => this.wake());
    this.loop.start();
  }

  /** Finishes the events in hand, then stops; the rest stay pending for the next start. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.loop.stop();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Stored events still to work through, and those given up on (kept for an operator). */
  async counts(): Promise<{ pending: number; failed: number }> {
    const c = this.o.db.client;
    const [pending, failed] = await Promise.all([
      c.inboxEvent.count({ where: { status: "pending" } }),
      c.inboxEvent.count({ where: { status: "failed" } }),
    ]);
    return { pending, failed };
  }

  private async batch(): Promise<boolean> {
    const now = this.o.clock.now();
    // The next events in arrival order. The statement reads every pending event from the (status,
    // availableAt) index and sorts them, about 10 ms with 5,000 pending after a burst: a batch of 200
    // (was 50) reads them a quarter as often. Nothing is claimed until its turn comes.
    const rows = await preparedRows<Row>(
      this.o.db,
      this.o.db.client,
      `SELECT "id", "body", "eventType" FROM "InboxEvent"
       WHERE "status" = 'pending' AND "availableAt" <= $1 AND ("leaseUntil" IS NULL OR "leaseUntil" < $1)
       ORDER BY "id" LIMIT ${BATCH_SIZE}`,
      now,
    );
    const concurrency = this.o.independentKeysOf ? Math.max(1, this.o.concurrency ?? 1) : 1;
    const running = new Set<Promise<void>>();
    const busyKeys = new Set<string>();
    try {
      for (const raw of rows) {
        if (!this.loop.isRunning) break;
        await this.o.activity?.quiet();
        if (!this.loop.isRunning) break;
        const row = { ...raw, id: Number(raw.id) };
        const parsed = parseBody(row.body);
        const keys = concurrency > 1 && parsed.ok ? this.o.independentKeysOf!(parsed.body, row.eventType) : null;
        if (keys === null) {
          // In order with all others: after everything started before it, and before anything after it.
          while (running.size > 0) await Promise.race(running);
          await this.processOne(row, parsed);
          continue;
        }
        while (running.size >= concurrency || keys.some((k) => busyKeys.has(k))) await Promise.race(running);
        for (const k of keys) busyKeys.add(k);
        const work: Promise<void> = this.processOne(row, parsed).finally(() => {
          for (const k of keys) busyKeys.delete(k);
          running.delete(work);
        });
        // Its failure (the database gone during a claim or release) fails the batch through the race
        // below or the final wait; until then it must not count as unhandled (which ends the process).
        work.catch(() => {});
        running.add(work);
      }
    } finally {
      // The events in hand are finished before the batch ends (and before stop() returns).
      await Promise.all(running);
    }
    return rows.length > 0;
  }

  private async processOne(row: Row, parsed: Parsed): Promise<void> {
    const id = row.id;
    // Not before it is due: another replica may have put it back for a retry since this batch was read.
    // Which attempt this is, as the row counts it (the batch's copy may be stale: another replica may have tried it since).
    const attempts = await this.work.claimAttempt(id, { from: "pending", due: true });
    if (attempts === null) return;
    try {
      if (!parsed.ok) throw new SkipEvent("stored body is not JSON");
      await this.o.handle(parsed.body, { inboxId: row.id, eventType: row.eventType });
      await this.work.release(id, { status: "done", processedAt: this.o.clock.now(), lastError: null });
      this.o.metrics?.eventProcessed(row.eventType, "done");
    } catch (error) {
      if (error instanceof SkipEvent) {
        this.o.log.warn({ inboxId: id, eventType: row.eventType, reason: error.message }, "event skipped: unexpected shape");
        await this.work.release(id, { status: "done", processedAt: this.o.clock.now(), lastError: `skipped: ${error.message}` });
        this.o.metrics?.eventProcessed(row.eventType, "skipped");
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const now = this.o.clock.now();
      const next = retryDecision(attempts, this.retry, now);
      await this.work.release(id, {
        status: next.giveUp ? "failed" : "pending",
        availableAt: next.giveUp ? now : next.availableAt,
        lastError: message.slice(0, 500),
      });
      this.o.log.error({ inboxId: id, eventType: row.eventType, err: error, attempts, gaveUp: next.giveUp }, "event processing failed");
      this.o.metrics?.eventProcessed(row.eventType, next.giveUp ? "failed" : "retried");
    }
  }
}

/** Handlers see text a database can store (no U+0000, no unpaired surrogate) on every provider. */
function parseBody(text: string): Parsed {
  try {
    return { ok: true, body: parseCleanJson(text) };
  } catch {
    return { ok: false };
  }
}

/** Thrown by a handler for a payload it cannot use: logged and skipped, never retried. */
export class SkipEvent extends Error {}
