// The composition root: reads the configuration, opens and migrates the database, wires the desk,
// Slack, the inbox, the outbox and HTTP together, and stops them in order. Nothing else wires.
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { DestinationStream } from "pino";
import { ConfigError, loadConfig, type Config } from "./platform/config/config.ts";
import { describeParts, partsOf } from "./platform/config/parts.ts";
import { loadHealthConfig, loadSlaPolicy, StartupError } from "./platform/config/settings-files.ts";
import { systemClock, type Clock } from "./platform/clock.ts";
import { createLogger, type Logger } from "./platform/observability/log.ts";
import { openDatabase, type Database } from "./platform/db/client.ts";
import { migrate } from "./platform/db/migrate.ts";
import { SqliteCheckpoints } from "./platform/db/sqlite-checkpoints.ts";
import { Inbox } from "./platform/inbox/inbox.ts";
import { InboxProcessor } from "./platform/inbox/processor.ts";
import { IntakeActivity } from "./platform/inbox/intake-activity.ts";
import { Outbox } from "./platform/outbox/outbox.ts";
import { OutboxDispatcher } from "./platform/outbox/dispatcher.ts";
import type { SupportContext } from "./support/use-cases/context.ts";
import { prismaSupportStores } from "./support/store/index.ts";
import { sweepSla } from "./support/use-cases/sweep-sla.ts";
import { postWeeklySummary } from "./support/use-cases/post-weekly-summary.ts";
import { SlackSupportSummary } from "./slack/posts/support-summary.ts";
import { Scheduler, type Job } from "./platform/scheduler/scheduler.ts";
import { SlackDirectory } from "./slack/directory.ts";
import { SlackTicketPosts } from "./slack/posts/ticket-posts.ts";
import { linkTicketThreads } from "./slack/posts/thread-links.ts";
import { createEventRouter } from "./slack/events/index.ts";
import { createBoltApp } from "./slack/app.ts";
import { createSocketModeIngress } from "./slack/socket-mode.ts";
import { DeskReceiver } from "./http/receiver.ts";
import { Router } from "./http/router.ts";
import { supportRoutes } from "./http/routes/support.ts";
import { DeskMetrics } from "./platform/observability/metrics.ts";
import { readState } from "./platform/observability/snapshot.ts";
import { operationsRoutes } from "./http/routes/operations.ts";
import { inboxRetentionJob } from "./platform/inbox/retention.ts";
import { successRoutes } from "./http/routes/success.ts";
import { feedbackRoutes } from "./http/routes/feedback.ts";
import { SlackDigestPosts } from "./slack/posts/voc-digest.ts";
import type { SlackDeps } from "./slack/deps.ts";
import type { HealthConfig } from "./success/rules/health-config.ts";
import { runHealthCheck, type HealthCheckSummary } from "./success/use-cases/run-health-check.ts";
import { escalateAlerts } from "./success/use-cases/escalate-alerts.ts";
import type { SuccessContext } from "./success/use-cases/context.ts";
import { prismaSuccessStores } from "./success/store/index.ts";
import { SlackAlertPosts } from "./slack/posts/alert-posts.ts";
import { SlackFeedbackPosts } from "./slack/posts/feedback-posts.ts";
import { SlackNotices } from "./slack/posts/notices.ts";
import { prismaTransactor } from "./platform/db/transactor.ts";
import { apiActor, jobActor } from "./shared/actor.ts";
import { feedbackContext } from "./feedback/use-cases/context.ts";
import { prismaFeedbackStores } from "./feedback/store/index.ts";
import { postDigest } from "./feedback/use-cases/post-digest.ts";

export interface StartOptions {
  clock?: Clock;
  logDestination?: DestinationStream;
  /** Process identity in leases (defaults to a random id). */
  owner?: string;
  /** Tuning for tests: first retry delay and polling intervals. */
  backoffBaseMs?: number;
  pollMs?: number;
  /** How long a scheduled run's claim lasts without renewal (tests shorten it). */
  jobLeaseMs?: number;
}

export interface RunningApp {
  config: Config;
  scheduler: Scheduler;
  jobs: Job[];
  slaSweep: { run(now: Date): Promise<{ warned: number; breached: number }> };
  healthConfig: HealthConfig;
  success: SuccessContext;
  healthChecks: { run(trigger: "scheduled" | "manual", at?: Date): Promise<HealthCheckSummary> };
  alerts: { escalate(): Promise<number> };
  db: Database;
  port: number;
  log: Logger;
  dispatcher: OutboxDispatcher;
  processor: InboxProcessor;
  stop(): Promise<void>;
}

const FATAL_AUTH_ERRORS = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"]);

export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const clock = options.clock ?? systemClock;
  const log = createLogger(config.LOG_LEVEL, options.logDestination);
  const owner = options.owner ?? randomUUID();
  const parts = partsOf(config);

  for (const [part, state] of Object.entries(describeParts(config))) {
    if (!state.enabled) log.warn({ part }, `${part} is off: ${state.reason}`);
  }

  const { policy, source: policySource } = loadSlaPolicy(config.SLA_POLICY_FILE);
  log.info({ slaPolicy: policySource, timezone: policy.calendar.timezone }, "SLA policy loaded");
  const { config: healthConfig, source: healthSource } = loadHealthConfig(config.HEALTH_CONFIG_FILE);
  log.info({ healthConfig: healthSource }, "health configuration loaded");
  const db = await openDatabase(config.DATABASE_URL);
  try {
    const applied = await migrate(db);
    log.info({ database: db.location, applied }, applied.length ? "database migrated" : "database up to date");
  } catch (error) {
    await db.close();
    throw new StartupError(`could not prepare the database at ${db.location}: ${error instanceof Error ? error.message : String(error)}`);
  }

  const clientOptions: WebClientOptions = { ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}) };
  // Posts: no retries inside the client; the dispatcher owns retrying, pacing and 429s.
  const postClient = new WebClient(config.SLACK_BOT_TOKEN, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
  });
  // Reads after Slack has its answer: a couple of quick retries, never a long wait.
  const readClient = new WebClient(config.SLACK_BOT_TOKEN, {
    ...clientOptions,
    retryConfig: { retries: 2, maxTimeout: 2000 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });

  const directory = new SlackDirectory(readClient, log, config.AGENT_USER_IDS, config.AGENT_USERGROUP_ID);
  try {
    await directory.identify();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code && FATAL_AUTH_ERRORS.has(code)) {
      await db.close();
      throw new StartupError(
        `SLACK_BOT_TOKEN was refused by Slack (${code}): copy the Bot User OAuth Token again from OAuth & Permissions`,
      );
    }
    log.warn({ err: error }, "could not reach Slack to read the app's identity; retrying in the background");
    const retry = setInterval(() => {
      directory.identify().then(
        () => clearInterval(retry),
        () => {},
      );
    }, 30_000);
    retry.unref();
  }
  directory.startGroupRefresh();

  const outbox = new Outbox(db.provider);
  const inbox = new Inbox(db, clock);
  const intakeActivity = new IntakeActivity();
  const metrics = new DeskMetrics({ readState: () => readState(db), now: () => clock.now() });
  const transactor = prismaTransactor(db, () => outbox.wake());
  const success: SuccessContext = {
    ...prismaSuccessStores(db),
    tx: transactor,
    notifier: new SlackAlertPosts(outbox, db.provider),
    clock,
    log,
    config: healthConfig,
    settings: { alertsChannel: config.ALERTS_CHANNEL },
    metrics,
  };
  const support: SupportContext = {
    tx: transactor,
    db: db.client,
    store: prismaSupportStores(db, config.SUPPORT_CHANNELS),
    notifier: new SlackTicketPosts(
      outbox,
      db.provider,
      config.TRIAGE_CHANNEL,
      config.AGENT_USERGROUP_ID,
      Boolean(config.PRODUCT_CHANNEL),
      success,
    ),
    summary: new SlackSupportSummary(outbox, config.TRIAGE_CHANNEL),
    people: directory,
    accounts: success.accounts,
    clock,
    log,
    settings: {
      triageChannel: config.TRIAGE_CHANNEL ?? null,
      intake: {
        ignorePleasantries: config.INTAKE_IGNORE_PLEASANTRIES,
        mergeWindowMs: config.INTAKE_MERGE_WINDOW_MINUTES * 60_000,
        reopenWindowMs: config.REOPEN_WINDOW,
      },
      csat: { enabled: config.CSAT_ENABLED, sampleRate: config.CSAT_SAMPLE_RATE, minDaysBetween: config.CSAT_MIN_DAYS_BETWEEN },
      sla: policy,
      adminIds: config.ADMIN_USER_IDS,
    },
  };
  const slaSweep = { run: (now: Date) => sweepSla(support, jobActor("sla-sweep"), { now }) };
  const scheduler = new Scheduler(db, clock, log, owner, policy.calendar.timezone, {
    missedTicks: config.MISSED_TICKS,
    leaseMs: options.jobLeaseMs ?? config.LEASE_SECONDS * 1000,
    metrics,
  });
  const jobs: Job[] = [];
  if (parts.inboxRetention) jobs.push(inboxRetentionJob(db, parts.inboxRetention.retentionMs, () => clock.now()));
  if (config.SLA_SWEEP_CRON) jobs.push({ name: "sla-sweep", schedule: config.SLA_SWEEP_CRON, run: () => slaSweep.run(clock.now()) });
  if (config.SUPPORT_SUMMARY_CRON && config.TRIAGE_CHANNEL) {
    jobs.push({
      name: "support-summary",
      schedule: config.SUPPORT_SUMMARY_CRON,
      run: (slot) => postWeeklySummary(support, jobActor("support-summary"), { runKey: `support-summary:${slot.toISOString()}` }),
    });
  }
  const healthChecks = {
    run: (trigger: "scheduled" | "manual", at?: Date) =>
      runHealthCheck(success, trigger === "scheduled" ? jobActor("health-check") : apiActor, { trigger, at }),
  };
  const alerts = { escalate: () => escalateAlerts(success, jobActor("alert-escalation")) };
  if (config.HEALTH_CHECK_CRON) {
    jobs.push({
      name: "health-check",
      schedule: config.HEALTH_CHECK_CRON,
      run: async () => {
        const { runId, accountsScored, alertsRaised, alertsWorsened, alertsCleared, status } = await healthChecks.run("scheduled");
        if (status === "failed") throw new Error(`health check run ${runId} failed`);
        return { runId, accountsScored, alertsRaised, alertsWorsened, alertsCleared };
      },
    });
  }
  if (config.ALERT_ESCALATION_CRON && healthConfig.escalation.leadUserId) {
    jobs.push({
      name: "alert-escalation",
      schedule: config.ALERT_ESCALATION_CRON,
      run: async () => ({ escalated: await alerts.escalate() }),
    });
  }
  const feedbackStores = prismaFeedbackStores(db);
  const feedback = config.PRODUCT_CHANNEL
    ? feedbackContext({
        tx: transactor,
        ...feedbackStores,
        notifier: new SlackFeedbackPosts(outbox, config.PRODUCT_CHANNEL),
        digest: new SlackDigestPosts(outbox, config.PRODUCT_CHANNEL),
        clock,
        log,
        settings: { withdrawGraceMs: config.FEEDBACK_WITHDRAW_GRACE },
      })
    : undefined;
  if (feedback && config.VOC_DIGEST_CRON) {
    jobs.push({
      name: "voc-digest",
      schedule: config.VOC_DIGEST_CRON,
      run: async (slot) => ({ ...(await postDigest(feedback, jobActor("voc-digest"), { refKey: `voc-digest:${slot.toISOString()}` })) }),
    });
  }
  const deps: SlackDeps = {
    support,
    success,
    feedback,
    notify: new SlackNotices(transactor, outbox, clock),
    directory,
    client: readClient,
    settings: {
      triageChannel: config.TRIAGE_CHANNEL,
      ticketEmoji: config.TICKET_EMOJI,
      feedbackEmoji: config.FEEDBACK_EMOJI,
      productChannel: config.PRODUCT_CHANNEL,
    },
    clock,
    log,
  };

  const dispatcher = new OutboxDispatcher({
    db,
    client: postClient,
    outbox,
    clock,
    log,
    channelIntervalMs: config.OUTBOX_CHANNEL_INTERVAL_MS,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    leaseMs: config.LEASE_SECONDS * 1000,
    owner,
    backoffBaseMs: options.backoffBaseMs ?? config.OUTBOX_RETRY_BASE_MS,
    pollMs: options.pollMs,
    metrics,
    onSent: linkTicketThreads(db.provider),
  });
  const processor = new InboxProcessor({
    db,
    inbox,
    clock,
    log,
    owner,
    handle: createEventRouter(deps),
    leaseMs: config.LEASE_SECONDS * 1000,
    activity: intakeActivity,
    backoffBaseMs: options.backoffBaseMs,
    pollMs: options.pollMs,
    metrics,
  });

  // Counted here rather than in the receiver, so events arriving over Socket Mode count too.
  const storeEvent = (event: Parameters<Inbox["accept"]>[0]) => inbox.accept(event).then(() => metrics.eventReceived(event.eventType));
  const receiver = new DeskReceiver({
    signingSecret: config.SLACK_SIGNING_SECRET,
    log,
    storeEvent,
    onSlackRequest: () => intakeActivity.begin(),
    router: new Router(log).add(
      ...supportRoutes({ db, token: config.INGEST_API_TOKEN, now: () => clock.now() }),
      ...feedbackRoutes({ feedback: feedbackStores, token: config.INGEST_API_TOKEN, now: () => clock.now() }),
      ...successRoutes({ success, token: config.INGEST_API_TOKEN }),
      ...operationsRoutes({
        db,
        now: () => clock.now(),
        metrics,
        metricsToken: config.METRICS_TOKEN,
        parts: describeParts(config),
        outboxStats: () => dispatcher.stats(),
        inboxCounts: () => processor.counts(),
        slackIdentity: () => directory.identity,
      }),
    ),
  });
  const app = createBoltApp(
    {
      token: config.SLACK_BOT_TOKEN,
      receiver,
      clientOptions: { ...clientOptions, retryConfig: { retries: 1 }, rejectRateLimitedCalls: true },
      botId: directory.identity.botId ?? undefined,
      botUserId: directory.identity.botUserId ?? undefined,
      log,
    },
    deps,
  );

  const checkpoints = new SqliteCheckpoints(db, log);
  processor.start();
  dispatcher.start();
  checkpoints.start();
  scheduler.start(jobs);
  await receiver.start(config.PORT);
  const socket = parts.socketMode
    ? createSocketModeIngress({ appToken: parts.socketMode.appToken, slackApiUrl: config.SLACK_API_URL, app, storeEvent, log })
    : null;
  if (socket) {
    socket.start().catch((error: unknown) => log.error({ err: error }, "socket mode could not connect; HTTP still works"));
  }
  const port = receiver.port ?? config.PORT;
  log.info({ port, database: db.provider, socketMode: Boolean(socket), triage: config.TRIAGE_CHANNEL ?? null }, "customer desk started");

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      log.info("stopping: no new requests; finishing work in hand");
      await receiver.stop(Math.min(5000, config.SHUTDOWN_TIMEOUT_MS));
      await socket?.stop().catch(() => {});
      await scheduler.stop();
      await processor.stop();
      await dispatcher.stop();
      await checkpoints.stop();
      directory.stop();
      await db.close();
      log.info("stopped");
    })());

  return { config, db, port, log, dispatcher, processor, scheduler, jobs, slaSweep, healthConfig, success, healthChecks, alerts, stop };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Cannot start: fix the configuration and try again.\n${error.problems.map((p) => `  ${p}`).join("\n")}\n`);
      process.exit(1);
    }
    throw error;
  }
  let running: RunningApp;
  try {
    running = await startApp(config);
  } catch (error) {
    process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    running.log.info({ signal }, "signal received");
    const force = setTimeout(() => {
      running.log.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
