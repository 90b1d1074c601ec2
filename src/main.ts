// The composition root: reads the configuration, opens the database, builds the three contexts with their
// Slack adapters, and hands the platform (src/platform/runtime.ts) the event handler, the jobs and the
// routes they make up. Optional parts are switched on in one place (`partsOf`): a part that is off is not built.
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { DestinationStream } from "pino";
import type { Config } from "./platform/config/config.ts";
import { describeAccess, describeParts, logOffParts, partsOf } from "./platform/config/parts.ts";
import { loadSettingsFiles } from "./platform/config/settings-files.ts";
import { systemClock, type Clock } from "./platform/clock.ts";
import { createLogger, type Logger } from "./platform/observability/log.ts";
import type { Database } from "./platform/db/client.ts";
import { openMigratedDatabase } from "./platform/db/open.ts";
import { Runtime, type RuntimeTuning } from "./platform/runtime.ts";
import { runProcess } from "./platform/process.ts";
import { nextSlot } from "./platform/scheduler/scheduler.ts";
import { appJobs } from "./jobs.ts";
import { supportSettings, type SupportContext } from "./support/use-cases/context.ts";
import { prismaSupportStores } from "./support/store/index.ts";
import type { SuccessContext } from "./success/use-cases/context.ts";
import { prismaSuccessStores } from "./success/store/index.ts";
import { feedbackContext } from "./feedback/use-cases/context.ts";
import { prismaFeedbackStores } from "./feedback/store/index.ts";
import { connectDirectory, slackClients } from "./slack/clients.ts";
import * as posts from "./slack/posts/index.ts";
import { createEventRouter, independentKeysOf } from "./slack/events/index.ts";
import { createBoltApp } from "./slack/app.ts";
import { prismaInteractionLog } from "./slack/store/interactions.ts";
import { SlackAccess } from "./slack/access.ts";
import { SlackFiles } from "./slack/files.ts";
import { SlackCharts } from "./slack/charts/post.ts";
import { postedAs } from "./slack/blocks/posted-as.ts";
import { createSocketModeIngress } from "./slack/socket-mode.ts";
import { DeskReceiver } from "./http/receiver.ts";
import { Router } from "./http/router.ts";
import { feedbackRoutes, operationsRoutes, segmentRoutes, successRoutes, supportRoutes } from "./http/routes/index.ts";

/** The process identity in leases (`owner`) defaults to a random id; tests shorten retries, polls, job leases and the write probe's interval. */
export interface StartOptions extends Partial<RuntimeTuning> {
  clock?: Clock;
  logDestination?: DestinationStream;
}

export type RunningApp = Awaited<ReturnType<typeof startApp>>;

export async function startApp(config: Config, options: StartOptions = {}) {
  const clock = options.clock ?? systemClock;
  const log: Logger = createLogger(config.LOG_LEVEL, { destination: options.logDestination, format: config.LOG_FORMAT });
  const parts = partsOf(config);
  logOffParts(config, log);
  const { policy, healthConfig } = loadSettingsFiles(config, log);
  const db: Database = await openMigratedDatabase(config.DATABASE_URL, log);
  const clients = slackClients(config.SLACK_BOT_TOKEN, config.SLACK_API_URL);
  const people = { agentIds: config.AGENT_USER_IDS, groups: parts.roles.groups };
  const directory = await connectDirectory(clients.read, log, people, () => db.close());
  const runtime = new Runtime(config, db, clock, log, { ...options, owner: options.owner ?? randomUUID() });
  const { outbox, tx, metrics, probe } = runtime;

  const successStores = prismaSuccessStores(db, { owner: runtime.owner, leaseMs: runtime.jobLeaseMs });
  const csms = {
    isAccountCsm: (userId: string) => successStores.accounts.isCsm(userId),
    escalationLead: () => healthConfig.escalation.leadUserId ?? null,
  };
  const access = new SlackAccess(parts.roles, directory, csms, log);
  const success: SuccessContext = {
    ...successStores,
    access,
    notifier: new posts.SlackAlertPosts(outbox, db, healthConfig),
    settings: {
      alertsChannel: parts.alertsChannel?.channel,
      realtimeCap: config.ALERT_REALTIME_CAP,
      nextCheckAt: (after: Date) => (parts.healthChecks ? nextSlot(parts.healthChecks.schedule, policy.calendar.timezone, after) : null),
    },
    config: healthConfig,
    tx,
    clock,
    log,
    metrics,
  };
  const triage = parts.triage?.channel;
  const product = parts.feedback?.productChannel;
  const supportStores = prismaSupportStores(db, config.SUPPORT_CHANNELS);
  const support: SupportContext = {
    access,
    store: supportStores,
    notifier: new posts.SlackTicketPosts(
      outbox,
      db,
      triage,
      { groupId: config.AGENT_USERGROUP_ID, agentIds: config.AGENT_USER_IDS },
      Boolean(product),
      success,
      { store: supportStores },
      (c, ts) => directory.permalink(c, ts),
      undefined,
      config.CUSTOMER_ACK,
    ),
    summary: new posts.SlackSupportSummary(outbox, triage),
    settings: supportSettings(config, policy),
    people: directory,
    files: new SlackFiles(clients.read, log),
    accounts: success.accounts,
    db: db.client,
    tx,
    clock,
    log,
  };
  const feedbackStores = prismaFeedbackStores(db);
  const feedback = product
    ? feedbackContext({
        ...feedbackStores,
        access,
        notifier: new posts.SlackFeedbackPosts(outbox, product),
        digest: new posts.SlackDigestPosts(outbox, product),
        settings: { withdrawGraceMs: config.FEEDBACK_WITHDRAW_GRACE, shipLinkDomains: config.SHIP_LINK_DOMAINS },
        tx,
        clock,
        log,
      })
    : undefined;

  const { jobs, sweeps, slaSweep, cardRefresh, healthChecks, alerts } = appJobs(parts, db, clock, { support, success, feedback });

  // Slack in: events are stored before their acknowledgement, then handled; Bolt takes interactivity and
  // commands. Slack out: every post goes through the outbox.
  const settings = {
    triageChannel: triage,
    ticketEmoji: config.TICKET_EMOJI,
    feedbackEmoji: config.FEEDBACK_EMOJI,
    productChannel: product,
  };
  const notify = new posts.SlackNotices(tx, outbox, clock);
  const charts = parts.charts ? new SlackCharts(clients.read, { success, support }, log) : undefined;
  const cardLinks = new posts.SlackCardLinks(db, (c, ts) => directory.permalink(c, ts));
  const deps = { support, success, feedback, notify, directory, client: clients.read, settings, charts, cardLinks, clock, log };
  const linkThreads = posts.linkTicketThreads(db.provider, (c, ts) => directory.permalink(c, ts));
  const handle = createEventRouter(deps);
  const workers = runtime.workers({
    handle,
    independentKeysOf: independentKeysOf(deps),
    postClient: clients.post,
    // Reply to customer shows the agent's name and picture (users.info, cached by the directory).
    authorOf: async (userId: string) => postedAs(await directory.profile(userId)),
    onSent: async (tx, sent) => {
      await linkThreads(tx, sent);
      charts?.afterSent(sent);
    },
    jobs,
    sweeps,
    timezone: policy.calendar.timezone,
  });
  const token = config.INGEST_API_TOKEN;
  const router = new Router(log).add(
    ...supportRoutes({ support, token, now: () => clock.now() }),
    ...feedbackRoutes({ feedback: { ...feedbackStores, access }, token, now: () => clock.now() }),
    ...successRoutes({ success, token }),
    ...segmentRoutes({ segment: { ...success, segment: successStores.segment, people: directory }, writeKey: parts.segment?.writeKey }),
    ...operationsRoutes({
      ...{
        db,
        probe,
        now: () => clock.now(),
        metrics,
        metricsToken: config.METRICS_TOKEN,
        parts: describeParts(config),
        access: { mode: parts.roles.mode, description: describeAccess(parts.roles) },
      },
      ...{
        outboxStats: () => workers.dispatcher.stats(),
        inboxCounts: () => workers.processor.counts(),
        slackIdentity: () => directory.identity,
      },
    }),
  );
  const { storeEvent, onSlackRequest } = runtime;
  const receiver = new DeskReceiver({ signingSecret: config.SLACK_SIGNING_SECRET, log, storeEvent, onSlackRequest, router });
  const identity = { botId: directory.identity.botId ?? undefined, botUserId: directory.identity.botUserId ?? undefined };
  const interactions = prismaInteractionLog(db);
  const app = createBoltApp({ token: config.SLACK_BOT_TOKEN, receiver, clientOptions: clients.bolt, ...identity, log, interactions }, deps);
  const port = await runtime.start(workers, receiver);
  const appToken = parts.socketMode?.appToken;
  const socket = appToken ? createSocketModeIngress({ appToken, slackApiUrl: config.SLACK_API_URL, app, storeEvent, log }) : null;
  socket?.start().catch((error: unknown) => log.error({ err: error }, "socket mode could not connect; HTTP still works"));
  log.info(
    { port, database: db.provider, socketMode: Boolean(socket), triage: triage ?? null, access: parts.roles.mode },
    "customer desk started",
  );
  log.info({ access: parts.roles.mode }, describeAccess(parts.roles));

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      log.info("stopping: no new requests; finishing work in hand");
      // Charts being drawn get a moment to finish (they read the database); they never hold a stop up for long.
      if (charts) await Promise.race([charts.idle(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      await runtime.stop(async () => void (await socket?.stop().catch(() => {})));
      directory.stop();
      log.info("stopped");
    })());
  return { ...workers, config, db, port, log, healthConfig, support, success, slaSweep, cardRefresh, healthChecks, alerts, charts, stop };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void runProcess(startApp);
