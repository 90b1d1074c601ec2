// `npm run demo` (tools/demo.ts) on a real database (SQLite, or Postgres with TEST_DATABASE=postgres): the
// sample book loads with its health check, posts only to the named channel (and the product channel), a
// second run replaces it, and --remove deletes exactly the sample data, leaving every other row as it was.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEMO_PREFIX,
  DEMO_USER,
  DemoRefused,
  LINKED_ACCOUNT,
  SAMPLE_ACCOUNTS,
  loadDemo,
  parseDemoArguments,
  removeDemo,
  type DemoOptions,
} from "../tools/demo.ts";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { loadHealthConfig } from "../src/platform/config/settings-files.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { Outbox } from "../src/platform/outbox/outbox.ts";
import { createLogger } from "../src/platform/observability/log.ts";
import { toolAccess } from "../src/shared/access.ts";
import { jobActor } from "../src/shared/actor.ts";
import { prismaSuccessStores } from "../src/success/store/index.ts";
import { runHealthCheck } from "../src/success/use-cases/run-health-check.ts";
import { SlackAlertPosts } from "../src/slack/posts/alert-posts.ts";
import { addAccount, addUsage } from "./support/success-fixtures.ts";
import { AGENT, freshDatabase, startDesk } from "./support/harness.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DAY_MS = 86_400_000;
const DEMO_CHANNEL = "CDEMOCHAN";
const PRODUCT = "CPRODUCT";
const TRIAGE = "CTRIAGE";
const REAL_SUPPORT = "CREALSUP";
const REAL_ALERTS = "CREALCSM";
const ALERTS = "CALERTS";

const healthConfig = loadHealthConfig(undefined).config;
const options = (o: Partial<DemoOptions>): DemoOptions => ({
  channel: null,
  productChannel: null,
  triageChannel: TRIAGE,
  supportChannels: [],
  healthConfig,
  ...o,
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<{ db: Database; url: string }> {
  const fresh = await freshDatabase();
  const db = await openDatabase(fresh.url);
  cleanups.push(fresh.drop, () => db.close());
  await migrate(db);
  return { db, url: fresh.url };
}

/**
 * A customer's book that is not the demo's: a red account whose alerts go to its own channel (or, with
 * `alertChannel` null, to ALERTS_CHANNEL), its NPS, a ticket in its linked channel, a theme with feedback
 * (named like a sample theme, without the marker), a health check with an open alert, and a queued post.
 */
async function realBook(db: Database, now: Date, alertChannel: string | null): Promise<void> {
  const c = db.client;
  await addAccount(db, { externalId: "acme", name: "Acme Corp", seats: 100, arr: 50_000, alertChannel }, now);
  await addUsage(db, "acme", now, { before: 40, after: 5, features: ["reports"] });
  await c.npsResponse.create({
    data: { accountExternalId: "acme", score: 3, respondedAt: now, respondentEmail: "a@acme.test", receivedAt: now },
  });
  await c.supportChannel.create({ data: { channelId: REAL_SUPPORT, accountExternalId: "acme", linkedById: "UADMIN", linkedAt: now } });
  const ticket = await c.ticket.create({
    data: {
      channelId: REAL_SUPPORT,
      requesterId: "UCUST",
      text: "Export broken",
      origin: "message",
      sourceTs: "1700000000.000100",
      createdAt: now,
      lastCustomerMessageAt: now,
      accountExternalId: "acme",
    },
  });
  await c.ticketEvent.create({ data: { ticketId: ticket.id, kind: "created", at: now } });
  const theme = await c.theme.create({ data: { name: "Bulk export", nameKey: "bulk export", createdById: "UPM", createdAt: now } });
  const item = await c.feedbackItem.create({
    data: {
      origin: "command",
      channelId: REAL_SUPPORT,
      text: "Export please",
      authorId: "UCUST",
      accountExternalId: "acme",
      createdById: "UPM",
      createdAt: now,
    },
  });
  await c.feedbackTheme.create({ data: { itemId: item.id, themeId: theme.id, addedById: "UPM", addedAt: now } });
  await c.feedbackTagger.create({ data: { itemId: item.id, userId: "UPM", via: "command", taggedAt: now } });
  const run = await c.healthCheckRun.create({
    data: { trigger: "scheduled", status: "done", startedAt: now, finishedAt: now, leaseOwner: "app-1" },
  });
  await c.accountHealthCurrent.create({
    data: { accountExternalId: "acme", runId: run.id, computedAt: now, score: 20, band: "red", components: "{}" },
  });
  const alert = await c.healthAlert.create({
    data: {
      accountExternalId: "acme",
      rule: "nps_detractor",
      openKey: "acme:nps_detractor",
      severity: 7,
      raisedAt: now,
      raisedRunId: run.id,
      lastRunId: run.id,
      detail: "{}",
      channelId: alertChannel,
    },
  });
  await c.healthAlertEvent.create({ data: { alertId: alert.id, kind: "raised", at: now } });
  const accountAlert = await c.accountAlert.create({
    data: {
      accountExternalId: "acme",
      openKey: "acme",
      delivery: "realtime",
      stake: 1000,
      raisedAt: now,
      raisedRunId: run.id,
      lastRunId: run.id,
      detail: "{}",
      channelId: alertChannel,
    },
  });
  await c.accountAlertEvent.create({ data: { accountAlertId: accountAlert.id, kind: "raised", at: now } });
  const post = await c.outboxMessage.create({
    data: {
      method: "chat.postMessage",
      channelId: REAL_ALERTS,
      payload: "{}",
      availableAt: now,
      createdAt: now,
      refKey: `alert:${alert.id}`,
    },
  });
  await c.slackMessageRef.create({ data: { subject: "alert", subjectId: alert.id, role: "message", outboxId: post.id } });
}

/** Every row of every table the demo could touch, in a comparable form. */
async function snapshot(db: Database): Promise<Record<string, string[]>> {
  const c = db.client;
  const tables = {
    account: c.account.findMany(),
    accountFigure: c.accountFigure.findMany(),
    usageDay: c.usageDay.findMany(),
    accountFeature: c.accountFeature.findMany(),
    npsResponse: c.npsResponse.findMany(),
    healthCheckRun: c.healthCheckRun.findMany(),
    accountHealth: c.accountHealth.findMany(),
    accountHealthCurrent: c.accountHealthCurrent.findMany(),
    healthAlert: c.healthAlert.findMany(),
    accountAlert: c.accountAlert.findMany(),
    accountAlertEvent: c.accountAlertEvent.findMany(),
    healthAlertEvent: c.healthAlertEvent.findMany(),
    ticket: c.ticket.findMany(),
    ticketEvent: c.ticketEvent.findMany(),
    ticketMessage: c.ticketMessage.findMany(),
    supportChannel: c.supportChannel.findMany(),
    feedbackItem: c.feedbackItem.findMany(),
    feedbackTagger: c.feedbackTagger.findMany(),
    feedbackTheme: c.feedbackTheme.findMany(),
    theme: c.theme.findMany(),
    outboxMessage: c.outboxMessage.findMany(),
    slackMessageRef: c.slackMessageRef.findMany(),
  };
  const out: Record<string, string[]> = {};
  for (const [name, rows] of Object.entries(tables)) out[name] = (await rows).map((r) => JSON.stringify(r)).sort();
  return out;
}

async function demoCounts(db: Database) {
  const c = db.client;
  const demo = { startsWith: DEMO_PREFIX };
  return {
    accounts: await c.account.count({ where: { externalId: demo } }),
    usageDays: await c.usageDay.count({ where: { accountExternalId: demo } }),
    nps: await c.npsResponse.count({ where: { accountExternalId: demo } }),
    tickets: await c.ticket.count({ where: { accountExternalId: demo } }),
    feedback: await c.feedbackItem.count({ where: { accountExternalId: demo } }),
    themes: await c.theme.count({ where: { createdById: DEMO_USER } }),
    scores: await c.accountHealthCurrent.count({ where: { accountExternalId: demo } }),
    history: await c.accountHealth.count({ where: { accountExternalId: demo } }),
    alerts: await c.accountAlert.count({ where: { accountExternalId: demo } }),
    ruleAlerts: await c.healthAlert.count({ where: { accountExternalId: demo } }),
    runs: await c.healthCheckRun.count({ where: { leaseOwner: "demo" } }),
    links: await c.supportChannel.count({ where: { accountExternalId: demo } }),
    posts: await c.outboxMessage.count({ where: { channelId: { in: [DEMO_CHANNEL, PRODUCT] } } }),
  };
}

describe("npm run demo", () => {
  it("loads the sample book, checks only its accounts, posts only to the named and product channels, replaces itself, and --remove deletes exactly its data", async () => {
    const { db } = await database();
    const now = new Date();
    await realBook(db, now, REAL_ALERTS);
    const before = await snapshot(db);
    const lastPost = Math.max(0, ...(await db.client.outboxMessage.findMany({ select: { id: true } })).map((r) => r.id));

    const loaded = await loadDemo(db, options({ channel: DEMO_CHANNEL, productChannel: PRODUCT, supportChannels: [REAL_SUPPORT] }));
    const counts = await demoCounts(db);
    expect(counts).toMatchObject({
      accounts: 12,
      usageDays: 12 * 150,
      tickets: loaded.tickets,
      feedback: 8,
      themes: 2,
      scores: 12,
      runs: 1,
      links: 1,
    });
    expect(loaded.tickets).toBeGreaterThanOrEqual(5);
    expect(counts.nps).toBe(SAMPLE_ACCOUNTS.reduce((n, a) => n + a.nps.length, 0));

    // The health check is recorded, scored the sample accounts only, and found every band.
    const run = await db.client.healthCheckRun.findUniqueOrThrow({ where: { id: loaded.healthCheck.runId } });
    expect(run).toMatchObject({ trigger: "manual", status: "done", accountsScored: 12 });
    expect(run.alertsRaised).toBeGreaterThan(0);
    const scored = await db.client.accountHealth.findMany({ where: { runId: run.id }, select: { accountExternalId: true } });
    expect(scored.every((s) => s.accountExternalId.startsWith(DEMO_PREFIX))).toBe(true);
    expect(loaded.bands.green).toBeGreaterThanOrEqual(3);
    expect(loaded.bands.yellow).toBeGreaterThanOrEqual(2);
    expect(loaded.bands.red).toBeGreaterThanOrEqual(2);

    // The at-risk accounts have alerts (red, renewing soon), the healthy ones none; all go to the named channel.
    const alerts = await db.client.healthAlert.findMany({ where: { accountExternalId: { startsWith: DEMO_PREFIX } } });
    const rulesOf = (id: string) => alerts.filter((a) => a.accountExternalId === id).map((a) => a.rule);
    for (const id of ["demo-cyberdyne", "demo-tyrell"])
      expect(rulesOf(id)).toEqual(expect.arrayContaining(["entered_red", "renewal_risk"]));
    for (const id of ["demo-acme", "demo-hooli", "demo-globex"]) expect(rulesOf(id)).toEqual([]);
    expect(new Set(alerts.map((a) => a.channelId))).toEqual(new Set([DEMO_CHANNEL]));
    expect(alerts.every((a) => a.ownerId === null)).toBe(true);
    const accountAlerts = await db.client.accountAlert.findMany({ where: { accountExternalId: { startsWith: DEMO_PREFIX } } });
    expect(accountAlerts.map((a) => a.accountExternalId)).toEqual(expect.arrayContaining(["demo-cyberdyne", "demo-tyrell"]));
    expect(accountAlerts.map((a) => a.accountExternalId).sort()).toEqual(loaded.atRisk.map((a) => a.externalId).sort());
    expect(new Set(accountAlerts.map((a) => [a.channelId, a.ownerId].join()))).toEqual(new Set([`${DEMO_CHANNEL},`]));

    // Posts: the alerts in the named channel, the digest in the product channel, nothing anywhere else.
    const posts = await db.client.outboxMessage.findMany({ where: { id: { gt: lastPost } } });
    expect(new Set(posts.map((p) => p.channelId))).toEqual(new Set([DEMO_CHANNEL, PRODUCT]));
    expect(posts.filter((p) => p.channelId === DEMO_CHANNEL).length).toBeGreaterThan(0);
    expect(loaded.digest?.themes).toBeGreaterThanOrEqual(2);

    // The named channel is linked to the sample account, as /support link would; the customer's link stays.
    const links = await db.client.supportChannel.findMany({ orderBy: { channelId: "asc" } });
    expect(links.map((l) => [l.channelId, l.accountExternalId])).toEqual([
      [DEMO_CHANNEL, LINKED_ACCOUNT],
      [REAL_SUPPORT, "acme"],
    ]);

    // Again: replaced, not duplicated.
    const again = await loadDemo(db, options({ channel: DEMO_CHANNEL, productChannel: PRODUCT, supportChannels: [REAL_SUPPORT] }));
    expect(again.replaced?.accounts).toBe(12);
    expect(await demoCounts(db)).toEqual(counts);

    const removed = await removeDemo(db);
    expect(removed).toMatchObject({ accounts: 12, usageDays: 12 * 150, themes: 2, supportChannels: 1, healthChecks: 1 });
    expect(await demoCounts(db)).toEqual({
      accounts: 0,
      usageDays: 0,
      nps: 0,
      tickets: 0,
      feedback: 0,
      themes: 0,
      scores: 0,
      history: 0,
      alerts: 0,
      ruleAlerts: 0,
      runs: 0,
      links: 0,
      posts: 0,
    });
    expect(await snapshot(db)).toEqual(before);
    expect((await removeDemo(db)).total).toBe(0);
  }, 180_000);

  it("without --channel links nothing and posts nothing, and the app's later checks post the sample alerts nowhere either", async () => {
    const { db } = await database();
    const now = new Date();
    await realBook(db, now, null);
    await db.client.outboxMessage.deleteMany();

    const loaded = await loadDemo(db, options({}));
    expect(loaded.linkedChannel).toBeNull();
    expect(loaded.healthCheck.alertsRaised).toBeGreaterThan(0);
    expect(await db.client.outboxMessage.count()).toBe(0);
    expect(await db.client.supportChannel.count({ where: { accountExternalId: { startsWith: DEMO_PREFIX } } })).toBe(0);

    // A day later a healthy sample account gets a detractor answer, and the app's scheduled check (every
    // account, ALERTS_CHANNEL set) raises alerts: the customer's go to ALERTS_CHANNEL, the sample account's nowhere.
    const later = new Date(now.getTime() + DAY_MS);
    await db.client.npsResponse.create({
      data: { accountExternalId: "demo-acme", score: 1, respondedAt: now, respondentEmail: "new@acme.example", receivedAt: now },
    });
    await db.client.healthAlert.deleteMany({ where: { accountExternalId: "acme" } });
    await db.client.accountAlert.deleteMany({ where: { accountExternalId: "acme" } });
    const stores = prismaSuccessStores(db, { owner: "app-1", leaseMs: 60_000 });
    const outbox = new Outbox(db);
    const summary = await runHealthCheck(
      {
        ...stores,
        access: toolAccess,
        notifier: new SlackAlertPosts(outbox, db),
        settings: { alertsChannel: ALERTS },
        config: healthConfig,
        tx: prismaTransactor(db),
        clock: { now: () => later },
        log: createLogger("warn"),
      },
      jobActor("health-check"),
      { trigger: "scheduled", at: later },
    );
    expect(summary.accountsScored).toBe(13);
    const raisedLater = await db.client.healthAlert.findMany({ where: { raisedRunId: summary.runId } });
    // The detractor raises its alert (a score drop may come with it): every one of them goes nowhere.
    const sampleAlerts = raisedLater.filter((a) => a.accountExternalId === "demo-acme");
    expect(sampleAlerts.map((a) => a.rule)).toContain("nps_detractor");
    expect(new Set(sampleAlerts.map((a) => a.channelId))).toEqual(new Set([""]));
    expect(raisedLater.some((a) => a.accountExternalId === "acme")).toBe(true);
    // Every post is in ALERTS_CHANNEL (the customer's alert, the check's risk digest and summary), none is a sample account's alert.
    const posts = await db.client.outboxMessage.findMany({ select: { channelId: true, refKey: true } });
    expect(posts.length).toBeGreaterThan(0);
    expect(new Set(posts.map((p) => p.channelId))).toEqual(new Set([ALERTS]));
    const demoAlerts = await db.client.accountAlert.findMany({ where: { accountExternalId: { startsWith: DEMO_PREFIX } } });
    expect(demoAlerts.map((a) => a.channelId)).toEqual(demoAlerts.map(() => ""));
    const demoKeys = new Set(demoAlerts.map((a) => `account_alert:${a.id}`));
    expect(posts.filter((p) => demoKeys.has(p.refKey ?? ""))).toEqual([]);

    // --remove takes the scores the later check gave the sample accounts too, and leaves the customer's.
    await removeDemo(db);
    expect(await db.client.accountHealth.count({ where: { accountExternalId: { startsWith: DEMO_PREFIX } } })).toBe(0);
    expect(await db.client.accountHealth.count({ where: { runId: summary.runId } })).toBe(1);
    expect(await db.client.healthCheckRun.count({ where: { id: summary.runId } })).toBe(1);
  }, 180_000);

  it("with the app running: the alerts reach the named channel, the digest the product channel, /cs account shows the sample account, nothing else is posted", async () => {
    const desk = await startDesk({ env: { PRODUCT_CHANNEL: PRODUCT, ALERTS_CHANNEL: ALERTS } });
    cleanups.push(() => desk.stop());
    await desk.settle();
    const before = desk.slack.calls.length;
    const db = await openDatabase(desk.databaseUrl);
    cleanups.push(() => db.close());
    const loaded = await loadDemo(db, options({ channel: DEMO_CHANNEL, productChannel: PRODUCT, triageChannel: "CTRIAGE" }));
    await desk.slack.waitFor(
      () => desk.slack.callsTo("chat.postMessage").some((c) => c.args.channel === PRODUCT),
      30_000,
      "the digest is posted",
    );
    await desk.settle(30_000);
    const posts = desk.slack.calls.slice(before).filter((c) => c.method.startsWith("chat."));
    expect(new Set(posts.map((c) => c.args.channel))).toEqual(new Set([DEMO_CHANNEL, PRODUCT]));
    const inChannel = posts.filter((c) => c.args.channel === DEMO_CHANNEL);
    expect(inChannel.length).toBeGreaterThan(0);
    expect(loaded.atRisk.length).toBeGreaterThan(0);
    expect(JSON.stringify(inChannel)).toContain("Cyberdyne (demo)");

    const answer = (await (await desk.command({ command: "/cs", text: `account ${LINKED_ACCOUNT}`, user_id: AGENT })).json()) as {
      blocks: unknown[];
    };
    const text = JSON.stringify(answer.blocks);
    for (const expected of ["Cyberdyne (demo)", "red", "Entered red", "Renewal at risk"]) expect(text).toContain(expected);
  }, 180_000);

  it("refuses a channel linked to a customer's account or the triage channel, changing nothing", async () => {
    const { db } = await database();
    const now = new Date();
    await realBook(db, now, REAL_ALERTS);
    const before = await snapshot(db);
    await expect(loadDemo(db, options({ channel: REAL_SUPPORT }))).rejects.toThrow(DemoRefused);
    await expect(loadDemo(db, options({ channel: TRIAGE }))).rejects.toThrow(/triage channel/);
    expect(await snapshot(db)).toEqual(before);
  }, 120_000);

  it("reads its arguments", () => {
    expect(parseDemoArguments([])).toEqual({ remove: false, channel: null });
    expect(parseDemoArguments(["--channel", "C0123ABCD"])).toEqual({ remove: false, channel: "C0123ABCD" });
    expect(parseDemoArguments(["--channel=C0123ABCD"])).toEqual({ remove: false, channel: "C0123ABCD" });
    expect(parseDemoArguments(["--remove"])).toEqual({ remove: true, channel: null });
    expect(() => parseDemoArguments(["--channel", "#general"])).toThrow(/channel ID/);
    expect(() => parseDemoArguments(["--channel"])).toThrow(/channel ID/);
    expect(() => parseDemoArguments(["--remove", "--channel", "C0123ABCD"])).toThrow(/--remove/);
    expect(() => parseDemoArguments(["--all"])).toThrow(/unknown argument/);
  });

  it("runs as npm run demo: says what it loaded and what to look at, then removes it", async () => {
    const { db, url } = await database();
    await db.close();
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const env = { ...process.env, DATABASE_URL: url, PRODUCT_CHANNEL: PRODUCT, TRIAGE_CHANNEL: "", HEALTH_CONFIG_FILE: "" };
        const child = spawn("npx", ["tsx", "tools/demo.ts", ...args], { cwd: root, env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += String(d)));
        child.stderr.on("data", (d) => (stderr += String(d)));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
    const loaded = await run(["--channel", DEMO_CHANNEL]);
    expect(loaded.stderr).toBe("");
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toMatch(/Loaded the sample book .*: 12 accounts/);
    expect(loaded.stdout).toMatch(/Health check #\d+ \(sample accounts only\) done: \d+ green, \d+ yellow, \d+ red; \d+ accounts at risk/);
    expect(loaded.stdout).toContain(`Linked ${DEMO_CHANNEL} to ${LINKED_ACCOUNT}`);
    expect(loaded.stdout).toContain(`/cs account ${LINKED_ACCOUNT}`);
    expect(loaded.stdout).toContain("npm run demo -- --remove");
    const removed = await run(["--remove"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/Removed the sample data .*: 12 accounts/);
    expect((await run(["--remove"])).stdout).toMatch(/nothing to remove/);
  }, 180_000);
});
