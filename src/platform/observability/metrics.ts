// The app's Prometheus metrics: one registry per app instance (tests start several apps in one
// process, so nothing goes on prom-client's global registry) and every metric the app exposes on
// GET /metrics. Counters and histograms are updated where things happen, by one-line calls; the gauges
// that describe stored state (inbox lag, outbox depth, open tickets) are set from a snapshot read at
// scrape time (src/observability/snapshot.ts).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Failure } from "../outbox/slack-errors.ts";

export type EventOutcome = "done" | "failed" | "skipped" | "retried";
export type SlackCallOutcome = "ok" | "rate_limited" | "transient_error" | "permanent_error";
export type JobOutcome = "done" | "failed" | "skipped";

/** The stored state the gauges show, read at scrape time. */
export interface StateSnapshot {
  inbox: { pending: number; oldestPendingAt: Date | null };
  outbox: { depth: number; oldestPendingAt: Date | null; failed: number };
  /** Tickets not resolved, by status. */
  openTickets: Record<string, number>;
}

export interface DeskMetricsOptions {
  /** Reads the stored state for the gauges; without it those gauges are not set. */
  readState?: () => Promise<StateSnapshot>;
  now?: () => Date;
  /** Register prom-client's process metrics (RSS, CPU, event loop lag, GC) on this registry. */
  processMetrics?: boolean;
}

const OUTCOME_OF_FAILURE: Record<Failure["kind"], SlackCallOutcome> = {
  rate_limited: "rate_limited",
  transient: "transient_error",
  permanent: "permanent_error",
};

/** Ticket statuses shown even at zero, so a dashboard's series do not vanish. */
const OPEN_STATUSES = ["open", "pending"];

export class DeskMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;

  private readonly eventsReceived = new Counter({
    name: "desk_inbox_events_received_total",
    help: "Events API events stored in the inbox (before Slack got its 200), by event type",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });
  private readonly eventsProcessed = new Counter({
    name: "desk_inbox_events_processed_total",
    help: "Stored events worked through, by event type and outcome (done, skipped: unusable shape, retried: failed and will be tried again, failed: gave up)",
    labelNames: ["type", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly inboxPending = new Gauge({
    name: "desk_inbox_pending_events",
    help: "Stored events not yet worked through (at scrape time)",
    registers: [this.registry],
  });
  private readonly inboxLag = new Gauge({
    name: "desk_inbox_oldest_pending_age_seconds",
    help: "Age of the oldest stored event not yet worked through, 0 when none (at scrape time)",
    registers: [this.registry],
  });
  private readonly outboxDepth = new Gauge({
    name: "desk_outbox_depth",
    help: "Posts to Slack waiting or being sent: outbox rows pending or sending (at scrape time)",
    registers: [this.registry],
  });
  private readonly outboxLag = new Gauge({
    name: "desk_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest post waiting or being sent, 0 when none (at scrape time)",
    registers: [this.registry],
  });
  private readonly outboxFailed = new Gauge({
    name: "desk_outbox_failed",
    help: "Posts Slack refused for good, kept as failed until an operator retries or drops them (npm run outbox) (at scrape time)",
    registers: [this.registry],
  });
  private readonly slackCalls = new Counter({
    name: "desk_slack_api_calls_total",
    help: "Web API calls made by the outbox, every attempt including retries, by method and outcome (ok, rate_limited: 429, transient_error: 5xx or network, permanent_error)",
    labelNames: ["method", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly jobRuns = new Counter({
    name: "desk_job_runs_total",
    help: "Scheduled job ticks, by job and outcome (done, failed, skipped: another process ran that tick)",
    labelNames: ["job", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly jobDuration = new Histogram({
    name: "desk_job_duration_seconds",
    help: "How long scheduled job runs took, by job and outcome",
    labelNames: ["job", "outcome"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [this.registry],
  });
  private readonly ticketsOpen = new Gauge({
    name: "desk_tickets_open",
    help: "Tickets not resolved, by status (open, pending: on the customer) (at scrape time)",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  private readonly healthChecks = new Counter({
    name: "desk_health_checks_total",
    help: "Account health checks run, by trigger (scheduled, manual) and status (done, failed)",
    labelNames: ["trigger", "status"] as const,
    registers: [this.registry],
  });
  private readonly alertsRaised = new Counter({
    name: "desk_health_alerts_raised_total",
    help: "Churn-risk alerts raised by health checks",
    registers: [this.registry],
  });
  private readonly databaseUp = new Gauge({
    name: "desk_database_up",
    help: "1 when the scrape could read the database, else 0 (the state gauges then keep their last values)",
    registers: [this.registry],
  });

  constructor(private readonly o: DeskMetricsOptions = {}) {
    if (o.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  eventReceived(type: string): void {
    this.eventsReceived.inc({ type });
  }

  eventProcessed(type: string, outcome: EventOutcome): void {
    this.eventsProcessed.inc({ type, outcome });
  }

  slackCall(method: string, outcome: SlackCallOutcome): void {
    this.slackCalls.inc({ method, outcome });
  }

  /** A failed Web API call, counted only when the error came from Slack's client (not, say, the database). */
  slackCallFailed(method: string, error: unknown, failure: Failure): void {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === "string" && code.startsWith("slack_webapi_")) this.slackCall(method, OUTCOME_OF_FAILURE[failure.kind]);
  }

  /** Starts timing a job run; call the result with the outcome when it ends. */
  jobStarted(job: string): (outcome: Exclude<JobOutcome, "skipped">) => void {
    const end = this.jobDuration.startTimer({ job });
    return (outcome) => {
      end({ outcome });
      this.jobRuns.inc({ job, outcome });
    };
  }

  jobSkipped(job: string): void {
    this.jobRuns.inc({ job, outcome: "skipped" });
  }

  healthCheckRan(summary: { trigger: string; status: string; alertsRaised: number }): void {
    this.healthChecks.inc({ trigger: summary.trigger, status: summary.status });
    if (summary.alertsRaised > 0) this.alertsRaised.inc(summary.alertsRaised);
  }

  /** The text for GET /metrics: reads the stored state, then renders every metric. */
  async scrape(): Promise<string> {
    if (this.o.readState) await this.refreshState(this.o.readState);
    return this.registry.metrics();
  }

  private async refreshState(readState: () => Promise<StateSnapshot>): Promise<void> {
    let state: StateSnapshot;
    try {
      state = await readState();
    } catch {
      this.databaseUp.set(0);
      return;
    }
    this.databaseUp.set(1);
    const now = (this.o.now?.() ?? new Date()).getTime();
    const ageOf = (at: Date | null) => (at ? Math.max(0, (now - at.getTime()) / 1000) : 0);
    this.inboxPending.set(state.inbox.pending);
    this.inboxLag.set(ageOf(state.inbox.oldestPendingAt));
    this.outboxDepth.set(state.outbox.depth);
    this.outboxLag.set(ageOf(state.outbox.oldestPendingAt));
    this.outboxFailed.set(state.outbox.failed);
    this.ticketsOpen.reset();
    for (const status of OPEN_STATUSES) this.ticketsOpen.set({ status }, 0);
    for (const [status, count] of Object.entries(state.openTickets)) this.ticketsOpen.set({ status }, count);
  }
}
