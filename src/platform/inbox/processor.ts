// Works through the inbox after Slack has its 200: one stored event at a time, oldest first, each
// claimed with a lease (src/platform/work/leased-work.ts) so a crashed process's events are taken over
// once the lease expires. A handler that throws is retried with backoff and jitter; after maxAttempts
// the event is kept as failed.
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
}

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

  /** Finishes the event in hand, then stops; the rest stay pending for the next start. */
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
    const rows = await preparedRows<{ id: number; attempts: number; body: string; eventType: string }>(
      this.o.db,
      this.o.db.client,
      `SELECT "id", "attempts", "body", "eventType" FROM "InboxEvent"
       WHERE "status" = 'pending' AND "availableAt" <= $1 AND ("leaseUntil" IS NULL OR "leaseUntil" < $1)
       ORDER BY "id" LIMIT 50`,
      now,
    );
    for (const row of rows) {
      if (!this.loop.isRunning) break;
      await this.o.activity?.quiet();
      await this.processOne({ ...row, id: Number(row.id), attempts: Number(row.attempts) + 1 });
    }
    return rows.length > 0;
  }

  private async processOne(row: { id: number; attempts: number; body: string; eventType: string }): Promise<void> {
    const id = row.id;
    if (!(await this.work.claim(id, { from: "pending" }))) return;
    try {
      let body: unknown;
      try {
        // Handlers see text a database can store (no U+0000, no unpaired surrogate) on every provider.
        body = parseCleanJson(row.body);
      } catch {
        throw new SkipEvent("stored body is not JSON");
      }
      await this.o.handle(body, { inboxId: row.id, eventType: row.eventType });
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
      const next = retryDecision(row.attempts, this.retry, now);
      await this.work.release(id, {
        status: next.giveUp ? "failed" : "pending",
        availableAt: next.giveUp ? now : next.availableAt,
        lastError: message.slice(0, 500),
      });
      this.o.log.error(
        { inboxId: id, eventType: row.eventType, err: error, attempts: row.attempts, gaveUp: next.giveUp },
        "event processing failed",
      );
      this.o.metrics?.eventProcessed(row.eventType, next.giveUp ? "failed" : "retried");
    }
  }
}

/** Thrown by a handler for a payload it cannot use: logged and skipped, never retried. */
export class SkipEvent extends Error {}
