// npm run demo [-- --channel C…] | npm run demo -- --remove
//
// Loads a clearly marked sample book into the database named by DATABASE_URL (default ./data/desk.db), like
// the app, applying the migrations first: a dozen accounts (externalIds starting "demo-", names ending
// "(demo)") with 150 days of usage, NPS answers and seats, a few past tickets and feedback items under two
// themes. With --channel it links that channel to one sample account (as `/support link` does) and routes
// the sample accounts' alerts there. Then it runs a health check over the sample accounts only (the job
// actor; its risk digest and summary go to the named channel) and, when PRODUCT_CHANNEL is set, posts the
// voice-of-customer digest there. Everything goes through the outbox: a running app posts it within a minute.
//
// Nothing is posted to a channel that was not named: the sample accounts have no CSM, their alerts go to
// the --channel (and nowhere without it, not to ALERTS_CHANNEL), the check leaves other accounts alone and
// reports to no one else. Every post it writes carries a "demo-" refKey. Running it again replaces the
// sample data (no duplicates). --remove deletes exactly the sample data.
// Exit codes: 0 done, 1 refused (the channel is linked to another account, or is the triage channel), 2 wrong arguments.
import { pathToFileURL } from "node:url";
import { openDatabase, type Database, type Tx } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { loadHealthConfig } from "../src/platform/config/settings-files.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { systemClock, type Clock } from "../src/platform/clock.ts";
import { createLogger } from "../src/platform/observability/log.ts";
import { Outbox, type OutboxPost } from "../src/platform/outbox/outbox.ts";
import { ROLES, toolAccess, type Access } from "../src/shared/access.ts";
import { jobActor, userActor } from "../src/shared/actor.ts";
import { DomainError } from "../src/shared/errors.ts";
import type { HealthConfig } from "../src/success/rules/health-config.ts";
import { prismaSuccessStores } from "../src/success/store/index.ts";
import type { SuccessContext } from "../src/success/use-cases/context.ts";
import { ingestBatch } from "../src/success/use-cases/ingest-batch.ts";
import { runHealthCheck, type HealthCheckSummary } from "../src/success/use-cases/run-health-check.ts";
import { prismaSupportStores } from "../src/support/store/index.ts";
import { linkChannel } from "../src/support/use-cases/link-channel.ts";
import { prismaFeedbackStores } from "../src/feedback/store/index.ts";
import { postDigest, type DigestPosted } from "../src/feedback/use-cases/post-digest.ts";
import { themeKey } from "../src/feedback/rules/themes.ts";
import { SlackAlertPosts } from "../src/slack/posts/alert-posts.ts";
import { SlackDigestPosts } from "../src/slack/posts/voc-digest.ts";

/** Every sample account's externalId starts with this. */
export const DEMO_PREFIX = "demo-";
/** Who "did" what the demo did: Slackbot links the channel, captures the feedback and creates the themes. */
export const DEMO_USER = "USLACKBOT";
/** The lease owner of the demo's health checks: how --remove knows them. */
export const DEMO_RUN_OWNER = "demo";
/** The refKey prefix of the demo's digest post. */
export const DEMO_DIGEST_REF = "demo-digest:";
/** The refKey of the demo's other posts that carry none of their own (risk digest, check summary, thread lines). */
export const DEMO_POST_REF = "demo-post";
/** Where sample tickets and feedback "happened" when no channel is named (never posted to). */
export const DEMO_PLACEHOLDER_CHANNEL = "C0DEMO0000";
const DEMO_CUSTOMER = "U0DEMOCUST";
/** The sample accounts' alert channel when no channel is named: none (see loadDemo). */
export const NO_ALERT_CHANNEL = "";
const THEME_SUFFIX = " (demo)";
const DAY_MS = 86_400_000;
/** Days of usage loaded: the sample customers are established (past the health model's onboarding stage). */
const USAGE_DAYS = 150;
/** Their usage moves from `activeThen` to `activeNow` over the last this many days, and is flat before. */
const TREND_DAYS = 90;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

// ---- The sample book ------------------------------------------------------------------------------

interface SampleAccount {
  id: string;
  name: string;
  domain: string;
  tier: "enterprise" | "growth" | "starter";
  arr: number;
  seats: number;
  /** Days from today to the renewal. */
  renewsIn: number;
  /** Share of seats active on a weekday, 90 days ago (and before) and today (a straight line between). */
  activeThen: number;
  activeNow: number;
  features: string[];
  /** Uploads a day per active user. */
  uploads: number;
  nps: { daysAgo: number; score: number; comment?: string; email: string }[];
  tickets: { daysAgo: number; text: string; priority?: "low" | "normal" | "high" | "urgent"; hoursToFirstResponse: number }[];
}

const ALL_FEATURES = ["reports", "exports", "dashboards", "api", "sso", "uploads", "alerts", "integrations"];
const features = (n: number) => ALL_FEATURES.slice(0, n);

/** The dozen sample accounts: about seven green, three yellow, and two red and renewing soon (a detractor, a ticket spike, low use). */
export const SAMPLE_ACCOUNTS: SampleAccount[] = [
  {
    id: "demo-acme",
    name: "Acme (demo)",
    domain: "acme.example",
    tier: "enterprise",
    arr: 180_000,
    seats: 120,
    renewsIn: 240,
    activeThen: 0.72,
    activeNow: 0.82,
    features: features(8),
    uploads: 3,
    nps: [
      { daysAgo: 70, score: 9, email: "ops@acme.example" },
      { daysAgo: 12, score: 10, comment: "The weekly reports save us hours.", email: "cto@acme.example" },
    ],
    tickets: [{ daysAgo: 40, text: "How do we add a second SSO domain?", hoursToFirstResponse: 1 }],
  },
  {
    id: "demo-globex",
    name: "Globex (demo)",
    domain: "globex.example",
    tier: "enterprise",
    arr: 150_000,
    seats: 90,
    renewsIn: 300,
    activeThen: 0.7,
    activeNow: 0.74,
    features: features(7),
    uploads: 2,
    nps: [{ daysAgo: 30, score: 9, email: "it@globex.example" }],
    tickets: [{ daysAgo: 55, text: "API rate limit question for our nightly sync", hoursToFirstResponse: 2 }],
  },
  {
    id: "demo-initech",
    name: "Initech (demo)",
    domain: "initech.example",
    tier: "growth",
    arr: 48_000,
    seats: 40,
    renewsIn: 180,
    activeThen: 0.75,
    activeNow: 0.78,
    features: features(7),
    uploads: 2,
    nps: [{ daysAgo: 20, score: 9, email: "peter@initech.example" }],
    tickets: [],
  },
  {
    id: "demo-hooli",
    name: "Hooli (demo)",
    domain: "hooli.example",
    tier: "enterprise",
    arr: 210_000,
    seats: 150,
    renewsIn: 330,
    activeThen: 0.68,
    activeNow: 0.8,
    features: features(8),
    uploads: 3,
    nps: [{ daysAgo: 45, score: 10, email: "gavin@hooli.example" }],
    tickets: [{ daysAgo: 25, text: "Can exports include custom fields?", hoursToFirstResponse: 1 }],
  },
  {
    id: "demo-umbrella",
    name: "Umbrella (demo)",
    domain: "umbrella.example",
    tier: "growth",
    arr: 36_000,
    seats: 30,
    renewsIn: 150,
    activeThen: 0.74,
    activeNow: 0.76,
    features: features(6),
    uploads: 2,
    nps: [{ daysAgo: 35, score: 9, email: "admin@umbrella.example" }],
    tickets: [],
  },
  {
    id: "demo-stark",
    name: "Stark Industries (demo)",
    domain: "stark.example",
    tier: "enterprise",
    arr: 120_000,
    seats: 100,
    renewsIn: 200,
    activeThen: 0.6,
    activeNow: 0.42,
    features: features(4),
    uploads: 1,
    nps: [{ daysAgo: 25, score: 7, comment: "Fine, but bulk export is slow for us.", email: "pepper@stark.example" }],
    tickets: [
      { daysAgo: 30, text: "Bulk export of 50k rows times out", priority: "high", hoursToFirstResponse: 5 },
      { daysAgo: 9, text: "Dashboard filters reset after refresh", hoursToFirstResponse: 6 },
    ],
  },
  {
    id: "demo-wonka",
    name: "Wonka (demo)",
    domain: "wonka.example",
    tier: "growth",
    arr: 30_000,
    seats: 40,
    renewsIn: 160,
    activeThen: 0.55,
    activeNow: 0.45,
    features: features(4),
    uploads: 1,
    nps: [{ daysAgo: 40, score: 8, email: "charlie@wonka.example" }],
    tickets: [{ daysAgo: 15, text: "Invoices should show our VAT number", hoursToFirstResponse: 8 }],
  },
  {
    id: "demo-soylent",
    name: "Soylent (demo)",
    domain: "soylent.example",
    tier: "starter",
    arr: 9_600,
    seats: 20,
    renewsIn: 220,
    activeThen: 0.5,
    activeNow: 0.4,
    features: features(3),
    uploads: 1,
    nps: [{ daysAgo: 50, score: 7, email: "team@soylent.example" }],
    tickets: [],
  },
  {
    id: "demo-oscorp",
    name: "Oscorp (demo)",
    domain: "oscorp.example",
    tier: "growth",
    arr: 54_000,
    seats: 60,
    renewsIn: 120,
    activeThen: 0.55,
    activeNow: 0.38,
    features: features(4),
    uploads: 1,
    nps: [
      {
        daysAgo: 6,
        score: 5,
        comment: "We need SSO with Okta before we can roll this out wider.",
        email: "norman@oscorp.example",
      },
    ],
    tickets: [{ daysAgo: 18, text: "Okta SAML setup fails with an audience error", priority: "high", hoursToFirstResponse: 9 }],
  },
  {
    id: "demo-cyberdyne",
    name: "Cyberdyne (demo)",
    domain: "cyberdyne.example",
    tier: "enterprise",
    arr: 140_000,
    seats: 110,
    renewsIn: 45,
    activeThen: 0.6,
    activeNow: 0.12,
    features: features(2),
    uploads: 0.5,
    nps: [
      { daysAgo: 80, score: 7, email: "miles@cyberdyne.example" },
      {
        daysAgo: 4,
        score: 2,
        comment: "Exports keep failing and support takes days to answer.",
        email: "miles@cyberdyne.example",
      },
    ],
    tickets: [
      { daysAgo: 50, text: "Scheduled export did not arrive", hoursToFirstResponse: 20 },
      { daysAgo: 6, text: "Bulk export fails again for the finance team", priority: "urgent", hoursToFirstResponse: 30 },
      { daysAgo: 4, text: "Export to S3 stuck at 0%", priority: "high", hoursToFirstResponse: 26 },
      { daysAgo: 2, text: "Users cannot log in with SSO this morning", priority: "urgent", hoursToFirstResponse: 22 },
      { daysAgo: 1, text: "Still no answer on the export problem", priority: "high", hoursToFirstResponse: 18 },
    ],
  },
  {
    id: "demo-tyrell",
    name: "Tyrell (demo)",
    domain: "tyrell.example",
    tier: "enterprise",
    arr: 96_000,
    seats: 200,
    renewsIn: 60,
    activeThen: 0.4,
    activeNow: 0.08,
    features: features(2),
    uploads: 0.3,
    nps: [{ daysAgo: 15, score: 4, comment: "Most of the team never got onboarded.", email: "eldon@tyrell.example" }],
    tickets: [{ daysAgo: 35, text: "Need help onboarding the second office", hoursToFirstResponse: 12 }],
  },
  {
    id: "demo-wayne",
    name: "Wayne Enterprises (demo)",
    domain: "wayne.example",
    tier: "growth",
    arr: 42_000,
    seats: 50,
    renewsIn: 75,
    activeThen: 0.5,
    activeNow: 0.3,
    features: features(3),
    uploads: 1,
    nps: [{ daysAgo: 28, score: 6, comment: "Reports are hard to share outside the team.", email: "lucius@wayne.example" }],
    tickets: [{ daysAgo: 10, text: "How do we share a report with a guest?", hoursToFirstResponse: 4 }],
  },
];

/** The account a named channel is linked to (the one with the most to show: red, renewing, a ticket spike). */
export const LINKED_ACCOUNT = "demo-cyberdyne";

interface SampleFeedback {
  account: string;
  daysAgo: number;
  text: string;
  kind: "bug" | "feature_request" | "usability" | "praise" | "churn_reason";
  importance: "low" | "medium" | "high" | "critical";
  theme: string | null;
}

/** The two sample themes, and feedback items under them (and one without a theme). */
export const SAMPLE_THEMES = [`Bulk export${THEME_SUFFIX}`, `SSO with Okta${THEME_SUFFIX}`];

export const SAMPLE_FEEDBACK: SampleFeedback[] = [
  {
    account: "demo-cyberdyne",
    daysAgo: 2,
    text: "Bulk export fails above 50k rows.",
    kind: "bug",
    importance: "critical",
    theme: SAMPLE_THEMES[0],
  },
  {
    account: "demo-stark",
    daysAgo: 3,
    text: "We need bulk export to run in the background.",
    kind: "feature_request",
    importance: "high",
    theme: SAMPLE_THEMES[0],
  },
  {
    account: "demo-globex",
    daysAgo: 5,
    text: "Please let us schedule bulk exports to S3.",
    kind: "feature_request",
    importance: "medium",
    theme: SAMPLE_THEMES[0],
  },
  {
    account: "demo-acme",
    daysAgo: 11,
    text: "Exports could include custom fields.",
    kind: "feature_request",
    importance: "low",
    theme: SAMPLE_THEMES[0],
  },
  {
    account: "demo-oscorp",
    daysAgo: 1,
    text: "Okta SSO is a blocker for our wider roll-out.",
    kind: "feature_request",
    importance: "high",
    theme: SAMPLE_THEMES[1],
  },
  {
    account: "demo-tyrell",
    daysAgo: 4,
    text: "Our IT team asks for Okta groups to map to roles.",
    kind: "feature_request",
    importance: "medium",
    theme: SAMPLE_THEMES[1],
  },
  {
    account: "demo-wayne",
    daysAgo: 6,
    text: "Sharing a report with a guest is confusing.",
    kind: "usability",
    importance: "medium",
    theme: null,
  },
  {
    account: "demo-hooli",
    daysAgo: 3,
    text: "The new dashboards are great, the team loves them.",
    kind: "praise",
    importance: "low",
    theme: null,
  },
];

const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const daysBefore = (at: Date, days: number) => new Date(at.getTime() - days * DAY_MS);

/** A small deterministic generator, so the same day gives the same book. */
function random(seed: string): () => number {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return (h >>> 0) / 4294967296;
  };
}

/** The API batches of the sample book as of `now`: accounts, 150 days of usage, NPS answers. */
export function sampleBatches(now: Date, alertChannel: string | null) {
  const today = dayOf(now);
  const accounts = SAMPLE_ACCOUNTS.map((a) => ({
    externalId: a.id,
    name: a.name,
    domain: a.domain,
    tier: a.tier,
    arr: a.arr,
    seats: a.seats,
    renewalDate: dayOf(daysBefore(new Date(`${today}T00:00:00Z`), -a.renewsIn)),
    csmSlackUserId: null,
    alertChannel,
    attributes: { sample: "loaded by npm run demo; npm run demo -- --remove deletes it" },
  }));
  const usage = SAMPLE_ACCOUNTS.flatMap((a) => {
    const next = random(a.id);
    return Array.from({ length: USAGE_DAYS }, (_, i) => {
      const daysAgo = USAGE_DAYS - 1 - i;
      const date = daysBefore(now, daysAgo);
      const share = a.activeNow + ((a.activeThen - a.activeNow) * Math.min(daysAgo, TREND_DAYS - 1)) / (TREND_DAYS - 1);
      const weekend = [0, 6].includes(date.getUTCDay()) ? 0.35 : 1;
      const active = Math.max(0, Math.round(a.seats * share * weekend * (0.9 + next() * 0.2)));
      const used = a.features.filter((_, f) => f < 2 || next() < 0.7);
      return {
        accountExternalId: a.id,
        date: dayOf(date),
        activeUsers: active,
        featuresUsed: active ? used : [],
        events: { uploads: Math.round(active * a.uploads), reports_viewed: active * 2 },
      };
    });
  });
  const nps = SAMPLE_ACCOUNTS.flatMap((a) =>
    a.nps.map((n) => ({
      accountExternalId: a.id,
      score: n.score,
      ...(n.comment ? { comment: n.comment } : {}),
      respondedAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n.daysAgo, 10)).toISOString(),
      respondentEmail: n.email,
    })),
  );
  return { accounts, usage, nps };
}

// ---- Loading and removing ---------------------------------------------------------------------------

export interface DemoOptions {
  /** The one channel the demo may post to: linked to LINKED_ACCOUNT, and where sample alerts go. */
  channel: string | null;
  /** PRODUCT_CHANNEL: the digest is posted there when set. */
  productChannel: string | null;
  /** TRIAGE_CHANNEL: never linked. */
  triageChannel: string | null;
  /** SUPPORT_CHANNELS, as the app reads them. */
  supportChannels: readonly string[];
  healthConfig: HealthConfig;
  clock?: Clock;
  /** The log level of the use cases (default "warn": the demo prints its own lines). */
  logLevel?: string;
}

export interface DemoLoaded {
  replaced: RemovedCounts | null;
  accounts: number;
  usageDays: number;
  npsResponses: number;
  tickets: number;
  feedbackItems: number;
  themes: number;
  linkedChannel: string | null;
  healthCheck: HealthCheckSummary;
  bands: Record<string, number>;
  atRisk: { externalId: string; name: string; rules: string[] }[];
  digest: DigestPosted | null;
}

/** The channel cannot take the demo (refused: exit 1). */
export class DemoRefused extends Error {}

/** Lets the job and Slackbot (the demo's own "person", to link the channel) act; nobody else. */
const demoAccess: Access = {
  standingOf: async (actor) =>
    actor.kind === "user" && actor.userId === DEMO_USER ? { roles: new Set(ROLES), outsider: null } : toolAccess.standingOf(actor),
  async require(actor, duty) {
    if (actor.kind === "user" && actor.userId === DEMO_USER) return;
    await toolAccess.require(actor, duty);
  },
};

const SAMPLE_ROW_CHUNK = 500;

/** The outbox as the demo writes to it: a post without a refKey of its own gets DEMO_POST_REF, so --remove finds it. */
class DemoOutbox extends Outbox {
  override enqueue(tx: Tx, post: OutboxPost, now: Date): Promise<number> {
    return super.enqueue(tx, { ...post, refKey: post.refKey ?? DEMO_POST_REF }, now);
  }
}

/** Loads the sample book (replacing one loaded before), links the channel, runs a health check and posts the digest. */
export async function loadDemo(db: Database, options: DemoOptions): Promise<DemoLoaded> {
  const clock = options.clock ?? systemClock;
  const log = createLogger(options.logLevel ?? "warn");
  const channel = options.channel;
  const supportStores = prismaSupportStores(db, options.supportChannels);
  if (channel) {
    if (channel === options.triageChannel) throw new DemoRefused(`${channel} is the triage channel (TRIAGE_CHANNEL): name another channel`);
    const previous = await supportStores.channels.lookup(db.client, channel);
    if (previous && !(previous.accountExternalId ?? "").startsWith(DEMO_PREFIX))
      throw new DemoRefused(
        `${channel} is already a support channel${previous.accountExternalId ? ` for ${previous.accountExternalId}` : ""}: ` +
          "name a channel of its own for the demo (nothing was changed)",
      );
  }
  const replaced = (await countDemo(db)).total > 0 ? await removeDemo(db) : null;
  const now = clock.now();
  const outbox = new DemoOutbox(db);
  const tx = prismaTransactor(db);
  const stores = prismaSuccessStores(db, { owner: DEMO_RUN_OWNER, leaseMs: 60_000 });
  const success: SuccessContext = {
    ...stores,
    // The check scores the sample accounts only, and reports on their alerts only (its risk digest and
    // summary): the rest of the book is the scheduled checks' business.
    health: { ...stores.health, accountsAfter: (cursor, limit) => demoAccountsAfter(db, cursor, limit) },
    alerts: {
      ...stores.alerts,
      openForReport: (at, listMax) => stores.alerts.openForReport(at, listMax, { accountPrefix: DEMO_PREFIX }),
    },
    access: demoAccess,
    notifier: new SlackAlertPosts(outbox, db),
    // Alerts of the sample accounts, the risk digest and the check's summary go to the named channel (the
    // accounts' alertChannel) or nowhere: never to ALERTS_CHANNEL, a CSM's channel or the escalation lead.
    settings: { alertsChannel: channel ?? undefined },
    config: {
      ...options.healthConfig,
      routing: { ...options.healthConfig.routing, csmChannels: {} },
      escalation: { ...options.healthConfig.escalation, leadUserId: undefined },
    },
    tx,
    clock,
    log,
  };
  const job = jobActor("demo");
  const batches = sampleBatches(now, channel);
  await ingestBatch(success, job, { kind: "accounts", items: batches.accounts });
  for (let i = 0; i < batches.usage.length; i += SAMPLE_ROW_CHUNK)
    await ingestBatch(success, job, { kind: "usage", items: batches.usage.slice(i, i + SAMPLE_ROW_CHUNK) });
  await ingestBatch(success, job, { kind: "nps", items: batches.nps });
  if (!channel)
    // No channel named: an empty alert channel ends the routing at the account (alertChannel() in
    // src/success/rules/alert.ts takes it as set, so neither a CSM channel nor ALERTS_CHANNEL is used) and
    // an alert without a channel is posted nowhere, now and in the app's later scheduled checks.
    await db.client.account.updateMany({ where: { externalId: { startsWith: DEMO_PREFIX } }, data: { alertChannel: NO_ALERT_CHANNEL } });
  const tickets = await writeTickets(db, now, channel ?? DEMO_PLACEHOLDER_CHANNEL);
  const feedback = await writeFeedback(db, now, channel ?? DEMO_PLACEHOLDER_CHANNEL);

  if (channel)
    await linkChannel(
      {
        access: demoAccess,
        store: supportStores,
        db: db.client,
        clock,
        log,
        accounts: stores.accounts,
        settings: { triageChannel: options.triageChannel },
      },
      userActor(DEMO_USER),
      { channelId: channel, accountExternalId: LINKED_ACCOUNT, isChannel: true },
    );

  const healthCheck = await runHealthCheck(success, job, { trigger: "manual" });

  let digest: DigestPosted | null = null;
  if (options.productChannel) {
    const feedbackStores = prismaFeedbackStores(db);
    digest = await postDigest(
      { digests: feedbackStores.digests, digest: new SlackDigestPosts(outbox, options.productChannel), tx, clock, access: demoAccess, log },
      job,
      { refKey: `${DEMO_DIGEST_REF}${now.toISOString()}` },
    );
  }

  const c = db.client;
  const current = await c.accountHealthCurrent.findMany({ where: { accountExternalId: { startsWith: DEMO_PREFIX } } });
  const bands: Record<string, number> = {};
  for (const row of current) bands[row.band] = (bands[row.band] ?? 0) + 1;
  // The rules behind each account's alert (the per-rule history the check keeps beside it).
  const open = await c.healthAlert.findMany({
    where: { accountExternalId: { startsWith: DEMO_PREFIX }, status: "open" },
    select: { accountExternalId: true, rule: true },
    orderBy: [{ accountExternalId: "asc" }, { id: "asc" }],
  });
  const atRisk = new Map<string, string[]>();
  for (const a of open) atRisk.set(a.accountExternalId, [...(atRisk.get(a.accountExternalId) ?? []), a.rule]);
  return {
    replaced,
    accounts: batches.accounts.length,
    usageDays: batches.usage.length,
    npsResponses: batches.nps.length,
    tickets,
    feedbackItems: feedback.items,
    themes: feedback.themes,
    linkedChannel: channel,
    healthCheck,
    bands,
    atRisk: [...atRisk].map(([externalId, rules]) => ({
      externalId,
      name: SAMPLE_ACCOUNTS.find((a) => a.id === externalId)?.name ?? externalId,
      rules,
    })),
    digest,
  };
}

/**
 * The health store's slice read, narrowed to the sample accounts (a prefix range of externalIds). They have
 * no peer group: their only attribute is `sample`, and they are fewer than a peer group needs (MIN_BOOK_ACCOUNTS).
 */
async function demoAccountsAfter(db: Database, cursor: string | null, limit: number) {
  const rows = await db.client.account.findMany({
    where: { externalId: { startsWith: DEMO_PREFIX, ...(cursor === null ? {} : { gt: cursor }) } },
    orderBy: { externalId: "asc" },
    take: limit,
    select: {
      externalId: true,
      name: true,
      arr: true,
      seats: true,
      renewalDate: true,
      customerSince: true,
      csmSlackUserId: true,
      alertChannel: true,
      tier: true,
      createdAt: true,
    },
  });
  return rows.map((a) => ({ ...a, peer: null }));
}

/** Past tickets, resolved, as if opened with /ticket (no Slack message of their own; no SLA clock runs). */
async function writeTickets(db: Database, now: Date, channelId: string): Promise<number> {
  let count = 0;
  await db.client.$transaction(async (tx) => {
    for (const a of SAMPLE_ACCOUNTS)
      for (const t of a.tickets) {
        const createdAt = new Date(daysBefore(now, t.daysAgo).getTime() - 3 * 3_600_000);
        const firstResponseAt = new Date(Math.min(createdAt.getTime() + t.hoursToFirstResponse * 3_600_000, now.getTime() - 60_000));
        const resolvedAt = new Date(Math.min(firstResponseAt.getTime() + 2 * 3_600_000, now.getTime() - 30_000));
        const firstResponseSeconds = Math.round((firstResponseAt.getTime() - createdAt.getTime()) / 1000);
        const resolutionSeconds = Math.round((resolvedAt.getTime() - createdAt.getTime()) / 1000);
        const ticket = await tx.ticket.create({
          data: {
            channelId,
            requesterId: DEMO_CUSTOMER,
            requesterName: `${a.name.replace(THEME_SUFFIX, "")} customer (demo)`,
            requesterCompany: a.name,
            text: t.text,
            priority: t.priority ?? "normal",
            status: "resolved",
            origin: "command",
            createdById: DEMO_USER,
            createdAt,
            firstResponseAt,
            firstResponderId: DEMO_USER,
            resolvedAt,
            resolvedById: DEMO_USER,
            lastCustomerMessageAt: createdAt,
            accountExternalId: a.id,
            tier: a.tier,
            agentResponseCount: 1,
            firstResponseSeconds,
            resolutionSeconds,
          },
          select: { id: true },
        });
        await tx.ticketEvent.createMany({
          data: [
            { ticketId: ticket.id, kind: "created", actorId: DEMO_USER, at: createdAt },
            { ticketId: ticket.id, kind: "first_response", actorId: DEMO_USER, at: firstResponseAt },
            { ticketId: ticket.id, kind: "resolved", actorId: DEMO_USER, toValue: "resolved", at: resolvedAt },
          ],
        });
        count += 1;
      }
  });
  return count;
}

/** The sample themes and feedback items (as if captured with /feedback by Slackbot). */
async function writeFeedback(db: Database, now: Date, channelId: string): Promise<{ items: number; themes: number }> {
  let items = 0;
  await db.client.$transaction(async (tx) => {
    const themeIds = new Map<string, number>();
    for (const [i, name] of SAMPLE_THEMES.entries()) {
      const theme = await tx.theme.create({
        data: { name, nameKey: themeKey(name), createdById: DEMO_USER, createdAt: daysBefore(now, 20 - i) },
        select: { id: true },
      });
      themeIds.set(name, theme.id);
    }
    for (const f of SAMPLE_FEEDBACK) {
      const account = SAMPLE_ACCOUNTS.find((a) => a.id === f.account)!;
      const createdAt = daysBefore(now, f.daysAgo);
      const item = await tx.feedbackItem.create({
        data: {
          origin: "command",
          channelId,
          text: f.text,
          authorId: DEMO_USER,
          authorName: "Slackbot (demo)",
          accountExternalId: account.id,
          accountName: account.name,
          accountArr: account.arr,
          accountTier: account.tier,
          kind: f.kind,
          importance: f.importance,
          createdById: DEMO_USER,
          createdAt,
        },
        select: { id: true },
      });
      await tx.feedbackTagger.create({ data: { itemId: item.id, userId: DEMO_USER, via: "command", taggedAt: createdAt } });
      if (f.theme) await linkTheme(tx, item.id, themeIds.get(f.theme)!, createdAt);
      items += 1;
    }
  });
  return { items, themes: SAMPLE_THEMES.length };
}

const linkTheme = (tx: Tx, itemId: number, themeId: number, at: Date) =>
  tx.feedbackTheme.create({ data: { itemId, themeId, addedById: DEMO_USER, addedAt: at } });

export interface RemovedCounts {
  accounts: number;
  usageDays: number;
  features: number;
  figures: number;
  npsResponses: number;
  healthScores: number;
  healthChecks: number;
  /** Accounts' alerts, and the per-rule history behind them. */
  alerts: number;
  ruleAlerts: number;
  alertEvents: number;
  tickets: number;
  ticketRows: number;
  feedbackItems: number;
  feedbackRows: number;
  themes: number;
  supportChannels: number;
  outbox: number;
  messageRefs: number;
  total: number;
}

/** What identifies the sample data, table by table. */
async function demoKeys(db: Database | Tx) {
  const c = "client" in db ? db.client : db;
  const account = { startsWith: DEMO_PREFIX };
  const [accountAlerts, alerts, tickets, items, themes, runs] = await Promise.all([
    c.accountAlert.findMany({ where: { accountExternalId: account }, select: { id: true } }),
    c.healthAlert.findMany({ where: { accountExternalId: account }, select: { id: true } }),
    c.ticket.findMany({ where: { accountExternalId: account }, select: { id: true } }),
    c.feedbackItem.findMany({ where: { accountExternalId: account, createdById: DEMO_USER }, select: { id: true } }),
    c.theme.findMany({ where: { createdById: DEMO_USER, name: { endsWith: THEME_SUFFIX } }, select: { id: true } }),
    c.healthCheckRun.findMany({ where: { leaseOwner: DEMO_RUN_OWNER }, select: { id: true } }),
  ]);
  const accountAlertIds = accountAlerts.map((a) => a.id);
  const alertIds = alerts.map((a) => a.id);
  const ticketIds = tickets.map((t) => t.id);
  const refs = await c.slackMessageRef.findMany({
    where: {
      OR: [
        { subject: "account_alert", subjectId: { in: accountAlertIds } },
        { subject: "alert", subjectId: { in: alertIds } },
        { subject: "health_check", subjectId: { in: runs.map((r) => r.id) } },
        { subject: { in: ["ticket", "ticket_message"] }, subjectId: { in: ticketIds } },
      ],
    },
    select: { id: true, outboxId: true },
  });
  // The demo's posts (each carries a "demo-" refKey), its alerts' messages, and the updates and thread lines
  // that point at them (also those the app wrote later).
  const roots = await c.outboxMessage.findMany({
    where: {
      OR: [
        { refKey: { in: [...accountAlertIds.map((id) => `account_alert:${id}`), ...alertIds.map((id) => `alert:${id}`)] } },
        { refKey: { startsWith: DEMO_DIGEST_REF } },
        { refKey: DEMO_POST_REF },
        { id: { in: refs.filter((r) => r.outboxId).map((r) => r.outboxId) } },
      ],
    },
    select: { id: true },
  });
  const rootIds = roots.map((r) => r.id);
  const followers = await c.outboxMessage.findMany({
    where: { OR: [{ threadRefId: { in: rootIds } }, { updateRefId: { in: rootIds } }] },
    select: { id: true },
  });
  return {
    accountAlertIds,
    alertIds,
    ticketIds,
    itemIds: items.map((i) => i.id),
    themeIds: themes.map((t) => t.id),
    runIds: runs.map((r) => r.id),
    refIds: refs.map((r) => r.id),
    outboxIds: [...new Set([...rootIds, ...followers.map((f) => f.id)])],
  };
}

/** How many rows of sample data there are (total 0: none loaded). */
export async function countDemo(db: Database): Promise<{ accounts: number; total: number }> {
  const c = db.client;
  const k = await demoKeys(db);
  const accounts = await c.account.count({ where: { externalId: { startsWith: DEMO_PREFIX } } });
  const linked = await c.supportChannel.count({ where: { accountExternalId: { startsWith: DEMO_PREFIX } } });
  const usage = await c.usageDay.count({ where: { accountExternalId: { startsWith: DEMO_PREFIX } } });
  return {
    accounts,
    total:
      accounts +
      linked +
      usage +
      k.accountAlertIds.length +
      k.alertIds.length +
      k.ticketIds.length +
      k.itemIds.length +
      k.themeIds.length +
      k.runIds.length +
      k.outboxIds.length,
  };
}

/** Deletes exactly the sample data, children before parents, in one transaction. */
export async function removeDemo(db: Database): Promise<RemovedCounts> {
  return db.client.$transaction(
    async (tx) => {
      const k = await demoKeys(tx);
      const account = { accountExternalId: { startsWith: DEMO_PREFIX } };
      const ticketId = { ticketId: { in: k.ticketIds } };
      const itemId = { itemId: { in: k.itemIds } };
      const messageRefs = (await tx.slackMessageRef.deleteMany({ where: { id: { in: k.refIds } } })).count;
      // Thread lines and updates first: they point at the message they belong to.
      const outbox =
        (
          await tx.outboxMessage.deleteMany({
            where: { id: { in: k.outboxIds }, OR: [{ threadRefId: { not: null } }, { updateRefId: { not: null } }] },
          })
        ).count + (await tx.outboxMessage.deleteMany({ where: { id: { in: k.outboxIds } } })).count;
      const alertEvents =
        (await tx.accountAlertEvent.deleteMany({ where: { accountAlertId: { in: k.accountAlertIds } } })).count +
        (await tx.healthAlertEvent.deleteMany({ where: { alertId: { in: k.alertIds } } })).count;
      const ruleAlerts = (await tx.healthAlert.deleteMany({ where: { id: { in: k.alertIds } } })).count;
      const alerts = (await tx.accountAlert.deleteMany({ where: { id: { in: k.accountAlertIds } } })).count;
      const healthScores =
        (await tx.accountHealthCurrent.deleteMany({ where: account })).count +
        // The history is ordered by run, then account: one range a run (every run, so other checks' scores of
        // the sample accounts go too), not a scan of every row.
        (
          await tx.accountHealth.deleteMany({
            where: { runId: { in: (await tx.healthCheckRun.findMany({ select: { id: true } })).map((r) => r.id) }, ...account },
          })
        ).count;
      // A demo run scored the sample accounts only; what other runs scored of them is gone with the line above.
      const healthChecks = (await tx.healthCheckRun.deleteMany({ where: { id: { in: k.runIds } } })).count;
      const ticketRows =
        (await tx.ticketEvent.deleteMany({ where: ticketId })).count +
        (await tx.ticketMessage.deleteMany({ where: ticketId })).count +
        (await tx.threadLink.deleteMany({ where: ticketId })).count +
        (await tx.slaTimer.deleteMany({ where: ticketId })).count +
        (await tx.csatResponse.deleteMany({ where: ticketId })).count +
        (await tx.csatSurvey.deleteMany({ where: ticketId })).count;
      const tickets = (await tx.ticket.deleteMany({ where: { id: { in: k.ticketIds } } })).count;
      const feedbackRows =
        (await tx.feedbackTheme.deleteMany({ where: { OR: [itemId, { themeId: { in: k.themeIds } }] } })).count +
        (await tx.feedbackTagger.deleteMany({ where: itemId })).count;
      const feedbackItems = (await tx.feedbackItem.deleteMany({ where: { id: { in: k.itemIds } } })).count;
      const themes = (await tx.theme.deleteMany({ where: { id: { in: k.themeIds } } })).count;
      const supportChannels = (await tx.supportChannel.deleteMany({ where: account })).count;
      const usageDays = (await tx.usageDay.deleteMany({ where: account })).count;
      const features = (await tx.accountFeature.deleteMany({ where: account })).count;
      const figures = (await tx.accountFigure.deleteMany({ where: account })).count;
      const npsResponses = (await tx.npsResponse.deleteMany({ where: account })).count;
      const accounts = (await tx.account.deleteMany({ where: { externalId: { startsWith: DEMO_PREFIX } } })).count;
      const counts = {
        accounts,
        usageDays,
        features,
        figures,
        npsResponses,
        healthScores,
        healthChecks,
        alerts,
        ruleAlerts,
        alertEvents,
        tickets,
        ticketRows,
        feedbackItems,
        feedbackRows,
        themes,
        supportChannels,
        outbox,
        messageRefs,
      };
      return { ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
    },
    { timeout: 120_000, maxWait: 120_000 },
  );
}

// ---- The command ------------------------------------------------------------------------------------

const USAGE = `Usage: npm run demo [-- --channel C…]   load the sample book (accounts "demo-…"), run a health check, post the digest
       npm run demo -- --remove            delete exactly the sample data
(reads DATABASE_URL, default ./data/desk.db; PRODUCT_CHANNEL, TRIAGE_CHANNEL, SUPPORT_CHANNELS, HEALTH_CONFIG_FILE as the app does)`;

class UsageError extends Error {}

export function parseDemoArguments(argv: string[]): { remove: boolean; channel: string | null } {
  let remove = false;
  let channel: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--remove") remove = true;
    else if (arg === "--channel" || arg.startsWith("--channel=")) {
      const value = arg === "--channel" ? argv[++i] : arg.slice("--channel=".length);
      if (!value || !CHANNEL_ID.test(value))
        throw new UsageError(
          `--channel needs a channel ID such as C0123ABCD (the channel's details in Slack show it)${value ? `, not "${value}"` : ""}`,
        );
      channel = value;
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  if (remove && channel) throw new UsageError("--remove takes no --channel: it removes all the sample data");
  return { remove, channel };
}

const env = (name: string) => process.env[name]?.trim() || null;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** The lines the command prints after loading. */
export function loadedLines(loaded: DemoLoaded, location: string): string[] {
  const lines: string[] = [];
  if (loaded.replaced) lines.push(`Replaced the sample data loaded before (${plural(loaded.replaced.total, "row")}).`);
  lines.push(
    `Loaded the sample book into ${location}: ${plural(loaded.accounts, "account")} (demo-…, names ending "(demo)"), ` +
      `${plural(loaded.usageDays, "usage day")}, ${plural(loaded.npsResponses, "NPS answer")}, ${plural(loaded.tickets, "past ticket")}, ` +
      `${plural(loaded.feedbackItems, "feedback item")} under ${plural(loaded.themes, "theme")}.`,
  );
  const h = loaded.healthCheck;
  const bands = ["green", "yellow", "red"].map((b) => `${loaded.bands[b] ?? 0} ${b}`).join(", ");
  lines.push(
    `Health check #${h.runId} (sample accounts only) ${h.status}: ${bands}; ${plural(loaded.atRisk.length, "account")} at risk` +
      (loaded.atRisk.length ? `: ${loaded.atRisk.map((a) => `${a.externalId} (${a.rules.join(", ")})`).join("; ")}.` : "."),
  );
  if (loaded.linkedChannel)
    lines.push(
      `Linked ${loaded.linkedChannel} to ${LINKED_ACCOUNT}, as /support link does; the sample accounts' alerts go to ${loaded.linkedChannel}.`,
    );
  else lines.push("No --channel named: no channel linked, and the sample alerts are recorded but posted nowhere.");
  lines.push(
    loaded.digest?.messageId === null
      ? "Voice-of-customer digest not posted: no feedback in the last 7 days."
      : loaded.digest
        ? `Voice-of-customer digest queued for PRODUCT_CHANNEL (${plural(loaded.digest.themes, "theme")}, ${plural(loaded.digest.items, "item")}).`
        : "PRODUCT_CHANNEL is not set: no digest posted.",
  );
  const look = [
    loaded.linkedChannel ? `the alerts in ${loaded.linkedChannel}` : null,
    loaded.digest?.messageId ? "the digest in the product channel" : null,
    `/cs account ${LINKED_ACCOUNT} (or any demo-… account)`,
    loaded.linkedChannel ? "/support channels" : null,
    "/feedback themes",
  ].filter(Boolean);
  lines.push(`Next: with the app running (npm start), within a minute look at ${look.join(", ")}.`);
  lines.push("Remove it all with: npm run demo -- --remove");
  return lines;
}

async function main(argv: string[]): Promise<number> {
  let args: { remove: boolean; channel: string | null };
  try {
    args = parseDemoArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  const db = await openDatabase(env("DATABASE_URL") ?? undefined);
  try {
    await migrate(db);
    if (args.remove) {
      const removed = await removeDemo(db);
      process.stdout.write(
        removed.total === 0
          ? `No sample data in ${db.location}: nothing to remove.\n`
          : `Removed the sample data from ${db.location}: ${plural(removed.accounts, "account")} and ${plural(removed.total - removed.accounts, "row")} that belonged to them ` +
              `(usage, NPS, health scores and alerts, ${plural(removed.tickets, "ticket")}, ${plural(removed.feedbackItems, "feedback item")}, ` +
              `${plural(removed.themes, "theme")}, ${plural(removed.supportChannels, "channel link")}, ${plural(removed.outbox, "queued or sent post")}). Nothing else was touched.\n`,
      );
      return 0;
    }
    const loaded = await loadDemo(db, {
      channel: args.channel,
      productChannel: env("PRODUCT_CHANNEL"),
      triageChannel: env("TRIAGE_CHANNEL"),
      supportChannels: (env("SUPPORT_CHANNELS") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      healthConfig: loadHealthConfig(env("HEALTH_CONFIG_FILE") ?? undefined).config,
    });
    process.stdout.write(`${loadedLines(loaded, db.location).join("\n")}\n`);
    return 0;
  } catch (error) {
    if (error instanceof DemoRefused) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    if (error instanceof DomainError) {
      process.stderr.write(`refused: ${error.code} ${JSON.stringify(error.details)}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
