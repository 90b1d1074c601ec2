// The platform's moving parts in one place, started and stopped in order: the inbox (events stored before
// their acknowledgement) and its processor, the outbox and its dispatcher, the scheduler, SQLite's
// checkpoints, and the HTTP front door the wiring gives it. Built in two steps, because the contexts need the outbox and the
// transactor before the processor can be given the event handler they make up.
import type { WebClient } from "@slack/web-api";
import type { Config } from "./config/config.ts";
import type { Clock } from "./clock.ts";
import type { Database } from "./db/client.ts";
import { prismaTransactor, type Transactor } from "./db/transactor.ts";
import { SqliteCheckpoints } from "./db/sqlite-checkpoints.ts";
import { Inbox, type IncomingEvent } from "./inbox/inbox.ts";
import { InboxProcessor, type EventHandler, type IndependentKeys } from "./inbox/processor.ts";
import { IntakeActivity } from "./inbox/intake-activity.ts";
import { Outbox } from "./outbox/outbox.ts";
import { OutboxDispatcher, type DispatcherOptions, type OnSent } from "./outbox/dispatcher.ts";
import { Scheduler, type Job, type Sweep } from "./scheduler/scheduler.ts";
import type { Logger } from "./observability/log.ts";
import { DeskMetrics } from "./observability/metrics.ts";
import { readState } from "./observability/snapshot.ts";
import { DatabaseProbe } from "./observability/readiness.ts";

export interface RuntimeTuning {
  /** Process identity in leases. */
  owner: string;
  backoffBaseMs?: number;
  pollMs?: number;
  jobLeaseMs?: number;
  /** Least time between two writes of the readiness probe (default 5 s). */
  writeProbeEveryMs?: number;
  /** How often the scheduler looks for runs left by a dead process and runs the sweeps (default 15 s). */
  recoverEveryMs?: number;
}

export interface RuntimeWork {
  /** Handles a stored Events API envelope (after its acknowledgement). */
  handle: EventHandler;
  /** Which stored events may be worked on beside others (processor.ts); none: one at a time. */
  independentKeysOf?: IndependentKeys;
  /** Posts with this client; `onSent` runs in the transaction that records a post as sent. */
  postClient: WebClient;
  onSent?: OnSent;
  /** Who a post written on behalf of a person shows as (DispatcherOptions.authorOf). */
  authorOf?: DispatcherOptions["authorOf"];
  jobs: Job[];
  /** Run every few seconds beside the jobs (scheduler.ts). */
  sweeps?: Sweep[];
  /** The time zone cron schedules are read in. */
  timezone: string;
}

/**
 * Events worked on at once (processor.ts: only independent ones). On Postgres a ticket's round trips
 * would otherwise leave the process idle (12 drained a burst 1.7× faster than 6 on a busy machine), under
 * the pool's connections (POSTGRES_POOL_SIZE), so intake's inserts and the outbox still find one. SQLite
 * runs its transactions one at a time (transaction-gate.ts), but an event also waits on Slack (users.info
 * for a new customer, tens to hundreds of ms over the internet): with the bench's stand-in answering after
 * 50 ms, one at a time drained 15 events/s and 8 at once 70 (no difference beyond the noise with no delay).
 */
export const INBOX_CONCURRENCY = { postgres: 12, sqlite: 8 } as const;

/** What answers HTTP (src/http/receiver.ts): started after the workers, stopped before them. */
export interface FrontDoor {
  start(port: number): Promise<unknown>;
  stop(timeoutMs: number): Promise<void>;
  readonly port: number | null;
}

export class Runtime {
  readonly outbox: Outbox;
  readonly inbox: Inbox;
  readonly metrics: DeskMetrics;
  readonly tx: Transactor;
  /** The database's state for /healthz and /readyz (a write at most every few seconds). */
  readonly probe: DatabaseProbe;
  private readonly intake = new IntakeActivity();
  private started: { processor: InboxProcessor; dispatcher: OutboxDispatcher; scheduler: Scheduler; receiver: FrontDoor } | null = null;
  private readonly checkpoints: SqliteCheckpoints;

  constructor(
    private readonly config: Config,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly tuning: RuntimeTuning,
  ) {
    this.outbox = new Outbox(db);
    this.inbox = new Inbox(db, clock);
    this.metrics = new DeskMetrics({ readState: () => readState(db), now: () => clock.now() });
    this.tx = prismaTransactor(db, () => this.outbox.wake(), {
      onRetry: (r) => log.info(r, "transaction aborted by the database (deadlock or serialisation failure): running it again"),
      onGiveUp: (r) => log.warn(r, "transaction aborted by the database on every try: the request is answered 503"),
    });
    this.checkpoints = new SqliteCheckpoints(db, log);
    this.probe = new DatabaseProbe(db, { owner: tuning.owner, writeEveryMs: tuning.writeProbeEveryMs });
  }

  /** A scheduled job's lease (LEASE_SECONDS unless tests shorten it); a health check holds one too. */
  get jobLeaseMs(): number {
    return this.tuning.jobLeaseMs ?? this.config.LEASE_SECONDS * 1000;
  }

  /** This process's identity in leases. */
  get owner(): string {
    return this.tuning.owner;
  }

  /** Stores an incoming event (HTTP or Socket Mode), counted once stored. */
  readonly storeEvent = (event: IncomingEvent) => this.inbox.accept(event).then(() => this.metrics.eventReceived(event.eventType));

  /** For the receiver: called for every Slack request taken (background work yields to intake). */
  readonly onSlackRequest = () => this.intake.begin();

  /** Builds the workers (before `start`, so routes can read their state). */
  workers(work: RuntimeWork) {
    const { config, db, clock, log, tuning } = this;
    const common = {
      db,
      clock,
      log,
      owner: tuning.owner,
      leaseMs: config.LEASE_SECONDS * 1000,
      pollMs: tuning.pollMs,
      metrics: this.metrics,
    };
    const dispatcher = new OutboxDispatcher({
      ...{ ...common, client: work.postClient, outbox: this.outbox, onSent: work.onSent, authorOf: work.authorOf },
      ...{ channelIntervalMs: config.OUTBOX_CHANNEL_INTERVAL_MS, maxAttempts: config.OUTBOX_MAX_ATTEMPTS },
      backoffBaseMs: tuning.backoffBaseMs ?? config.OUTBOX_RETRY_BASE_MS,
    });
    const processor = new InboxProcessor({
      ...common,
      inbox: this.inbox,
      handle: work.handle,
      independentKeysOf: work.independentKeysOf,
      concurrency: INBOX_CONCURRENCY[db.provider],
      activity: this.intake,
      backoffBaseMs: tuning.backoffBaseMs,
    });
    const scheduler = new Scheduler(db, clock, log, tuning.owner, work.timezone, {
      ...{ missedTicks: config.MISSED_TICKS, leaseMs: this.jobLeaseMs, metrics: this.metrics, recoverEveryMs: tuning.recoverEveryMs },
    });
    return { dispatcher, processor, scheduler, jobs: work.jobs, sweeps: work.sweeps ?? [] };
  }

  /** Starts the workers and then the receiver; resolves with the port it listens on. */
  async start(workers: ReturnType<Runtime["workers"]>, receiver: FrontDoor): Promise<number> {
    this.started = { ...workers, receiver };
    workers.processor.start();
    workers.dispatcher.start();
    this.checkpoints.start();
    workers.scheduler.start(workers.jobs, workers.sweeps);
    await receiver.start(this.config.PORT);
    return receiver.port ?? this.config.PORT;
  }

  /** Takes no new requests, finishes the work in hand, then closes the database. */
  async stop(beforeWorkers: () => Promise<void> = async () => {}): Promise<void> {
    const s = this.started;
    if (s) await s.receiver.stop(Math.min(5000, this.config.SHUTDOWN_TIMEOUT_MS));
    await beforeWorkers();
    if (s) for (const part of [s.scheduler, s.processor, s.dispatcher]) await part.stop();
    await this.checkpoints.stop();
    await this.db.close();
  }
}
