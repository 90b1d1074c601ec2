// Scheduled health checks through the real app: scores stored, one alert per account at risk routed and
// posted (or listed in the daily risk digest), worsening and clearing in the alert's thread, the cap on
// alerts of their own, the check's summary, the alert's buttons, escalation, /cs, and one run per tick
// with two processes on one database.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { scoringFingerprint } from "../src/success/rules/calibration.ts";
import { parseHealthConfig } from "../src/success/rules/health-config.ts";
import { scoreHealth } from "../src/success/rules/health-model.ts";
import { sliceFacts, sliceUsage, UsageTable } from "../src/success/store/health-inputs.ts";
import { prismaHealthStore } from "../src/success/store/health-runs.ts";
import { runHealthCheck } from "../src/success/use-cases/run-health-check.ts";
import { jobActor } from "../src/shared/actor.ts";
import { HOME_TEAM, startDesk, usePostgres, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";
import { addAccount, addEarlierScores, addUsage, dayBefore, setRecentUsage, shownHealth } from "./support/success-fixtures.ts";

const AT = new Date("2026-11-20T06:00:00Z");
const DAY = 86_400_000;
const CSM = "UCSM1";
const LEAD = "ULEAD1";
const CSM_CHANNEL = "CCSMONE";
const ALERTS = "CALERTS";
const BETA_CHANNEL = "CBETA";

const dir = mkdtempSync(path.join(tmpdir(), "health-"));
const configFile = path.join(dir, "health.json");
// The scoring is pinned here (weights, bands, distress weighting, no renewal weighting), so the scores these tests work out by
// hand hold whatever defaults the backtest tunes; the defaults are judged by the backtest and the rules' tests.
const SCORING = {
  weights: {
    productBreadth: 10,
    licenceUtilisation: 15,
    usageTrend: 20,
    keyEventsTrend: 15,
    supportLoad: 10,
    supportExperience: 10,
    nps: 10,
    accountGrowth: 10,
    // The features given up and the last 7 days are weighed in their own test below.
    featureRetention: 0,
    recentActivity: 0,
  },
  bands: { green: 70, yellow: 40 },
  distressWeight: 1,
  renewal: { weight: 0 },
};
writeFileSync(
  configFile,
  JSON.stringify({ ...SCORING, routing: { csmChannels: { [CSM]: CSM_CHANNEL } }, escalation: { leadUserId: LEAD, afterHours: 24 } }),
);

const desks: Desk[] = [];
afterEach(async () => {
  while (desks.length) await desks.pop()!.stop();
});

async function deskAt(at: Date, env: Record<string, string> = {}, databaseUrl?: string, slack?: Desk["slack"]) {
  const clock = new TestClock(at);
  const desk = await startDesk({
    slack,
    env: {
      ALERTS_CHANNEL: ALERTS,
      HEALTH_CONFIG_FILE: configFile,
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      ALERT_ESCALATION_CRON: "off",
      // Checks run when a test runs them (a scheduled one could slip in when the test clock moves).
      HEALTH_CHECK_CRON: "off",
      // UCSM2 owns no account: a CSM by the list.
      CSM_USER_IDS: "UCSM2",
      ...env,
    },
    start: { clock },
    databaseUrl,
  });
  desks.push(desk);
  return { desk, clock };
}

/**
 * acme: red (usage collapsed, detractor NPS, renewal soon); beta: healthy; gamma: yellow with few seats used.
 * All three were scored by an earlier check (green), unless `newBook`.
 */
async function seed(desk: Desk, o: { newBook?: boolean } = {}) {
  const db = desk.app.db;
  await addAccount(
    db,
    { externalId: "acme", name: "Acme Corp", seats: 50, arr: 120000, renewalDate: "2027-01-10", csmSlackUserId: CSM },
    AT,
  );
  await addUsage(db, "acme", AT, { before: 40, after: 4, features: ["reports", "exports"], uploadsBefore: 200, uploadsAfter: 5 });
  await db.client.npsResponse.create({
    data: {
      accountExternalId: "acme",
      score: 3,
      comment: "Exports keep failing",
      respondedAt: new Date(AT.getTime() - 3 * DAY),
      receivedAt: AT,
    },
  });
  await addAccount(db, { externalId: "beta", name: "Beta Ltd", seats: 10, arr: 30000, alertChannel: BETA_CHANNEL }, AT);
  await addUsage(db, "beta", AT, { before: 8, after: 8, features: ["reports", "exports", "dashboards", "api", "sso"] });
  await addAccount(db, { externalId: "gamma", name: "Gamma GmbH", seats: 100, arr: 50000 }, AT);
  await addUsage(db, "gamma", AT, { before: 20, after: 20, features: ["reports"] });
  if (!o.newBook) await addEarlierScores(db, ["acme", "beta", "gamma"], AT);
}

const topLevel = (desk: Desk, channel: string) => desk.slack.messages(channel).filter((m) => !m.thread_ts);
const thread = (desk: Desk, channel: string, ts: string) =>
  desk.slack
    .messages(channel)
    .filter((m) => m.thread_ts === ts)
    .map((m) => m.text);
/** A date as Slack shows it in the reader's time zone (`<!date^…>`), spelled out here as the user's client receives it. */
const slackDateOf = (d: Date, format = "{date_short_pretty} {time}") =>
  `<!date^${Math.floor(d.getTime() / 1000)}^${format}|${d.toISOString().replace(/\.\d{3}Z$/, "Z")}>`;
const blocksText = (m: { blocks?: unknown[]; text: string }) => JSON.stringify(m.blocks ?? []) + m.text;

describe("health checks", () => {
  it("scores every account, keeps the per-rule history, and posts one explained alert per account where it belongs", async () => {
    // Scheduled daily, so the summary can say when the next check runs.
    const { desk } = await deskAt(AT, { HEALTH_CHECK_CRON: "0 6 * * *" });
    await seed(desk);
    const summary = await desk.app.healthChecks.run("manual", AT);
    expect(summary).toMatchObject({ status: "done", accountsScored: 3, alertsRaised: 2, alertsCleared: 0, alertsPosted: 1, digests: 1 });
    await desk.settle();

    const current = await desk.app.db.client.accountHealthCurrent.findMany({ orderBy: { accountExternalId: "asc" } });
    // acme: breadth 2/5 → 40, licences 4/50 → 10, usage and uploads trend → 0, NPS 3 → 30, weighted
    // w × (2 − s/100): (40×16 + 10×28.5 + 0×40 + 0×30 + 30×17) / 131.5 = 10.9
    expect(current.map((c) => [c.accountExternalId, c.score, c.band])).toEqual([
      ["acme", 11, "red"],
      ["beta", expect.any(Number), "green"],
      ["gamma", expect.any(Number), "yellow"],
    ]);
    expect(await desk.app.db.client.accountHealth.count()).toBe(3);
    const run = await desk.app.db.client.healthCheckRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run).toMatchObject({ status: "done", accountsScored: 3, alertsRaised: 2, trigger: "manual" });
    expect(run.finishedAt).not.toBeNull();
    // The per-rule history: four rules on acme, one on gamma, each part of its account's alert.
    const rules = await desk.app.db.client.healthAlert.findMany({ orderBy: [{ accountExternalId: "asc" }, { rule: "asc" }] });
    expect(rules.map((r) => [r.accountExternalId, r.rule])).toEqual([
      ["acme", "entered_red"],
      ["acme", "low_utilisation"],
      ["acme", "nps_detractor"],
      ["acme", "renewal_risk"],
      ["gamma", "low_utilisation"],
    ]);
    const accountAlerts = await desk.app.db.client.accountAlert.findMany({ orderBy: { accountExternalId: "asc" } });
    expect(accountAlerts.map((a) => [a.accountExternalId, a.delivery])).toEqual([
      ["acme", "realtime"],
      ["gamma", "digest"],
    ]);
    expect(new Set(rules.map((r) => r.accountAlertId))).toEqual(new Set(accountAlerts.map((a) => a.id)));

    // Four rules fire on acme: one message in its CSM's channel, mentioning the CSM once, each piece of evidence once.
    const acme = topLevel(desk, CSM_CHANNEL);
    expect(acme).toHaveLength(1);
    const text = blocksText(acme[0]);
    expect(acme[0].text).toContain(`<@${CSM}>`);
    expect(acme[0].text).toContain("Entered red, Renewal at risk, NPS detractor, Low licence utilisation");
    expect(JSON.stringify(acme[0].blocks).split(`<@${CSM}>`).length - 1).toBe(2); // the header, and the owner line
    for (const expected of [
      "Acme Corp",
      "$120,000",
      "2027-01-10",
      "*11* red (−64 from 75)",
      "*Entered red*: health score 11 is red (below 40)",
      "*Renewal at risk*: renews on 2027-01-10",
      "*NPS detractor*: NPS 3 on",
      "*Low licence utilisation*: 4 of 50 seats active (8%), under 30%",
      "active users 40 → 4 a day in 30 days (-90%)",
      "Support load, Support experience, Account growth",
      "alert_acknowledge",
      "alert_snooze",
      "alert_reassign",
      "alert_note",
    ]) {
      expect(text).toContain(expected);
    }
    expect(text.split("Exports keep failing").length - 1).toBe(1);
    // No calibration in the configuration: no probability.
    expect(text).not.toContain("churned within");

    // gamma fires only a digest rule: a line in the daily risk digest of ALERTS_CHANNEL, with the check's summary.
    const alerts = topLevel(desk, ALERTS);
    expect(alerts).toHaveLength(2);
    const digest = blocksText(alerts.find((m) => m.text.startsWith("Daily risk digest"))!);
    expect(digest).toContain("1 account at risk");
    expect(digest).toContain("*Gamma GmbH* `gamma` · ARR $50,000");
    expect(digest).toContain("Low licence utilisation: 20 of 100 seats active (20%), under 30%");
    expect(digest).toContain("risk_digest_view");
    const report = blocksText(alerts.find((m) => m.text.startsWith("Health check done"))!);
    expect(report).toContain("3 accounts scored, 2 accounts at risk");
    expect(report).toContain("1 red · :large_yellow_circle: 1 yellow");
    expect(report).toContain("New: 2 · worse: 0 · cleared: 0 · ARR at risk: $170,000");
    expect(report).toContain(`next check ${slackDateOf(new Date("2026-11-21T06:00:00Z"))}`);
    // The check said it started, in one line the summary then replaced.
    const started = desk.slack.calls.filter(
      (c) => c.method === "chat.postMessage" && String(c.args.text).startsWith("Health check running"),
    );
    expect(started.map((c) => c.args.text)).toEqual(["Health check running: scoring 3 accounts"]);
    expect(desk.slack.calls.filter((c) => c.method === "chat.update" && String(c.args.text).startsWith("Health check done"))).toHaveLength(
      1,
    );
    expect(topLevel(desk, BETA_CHANNEL)).toHaveLength(0);
  });

  it("posts the summary and the digest, not an alert per account, for a first check over a new book", async () => {
    const { desk } = await deskAt(AT, { HEALTH_CHECK_CRON: "0 6 * * *" });
    await seed(desk, { newBook: true });
    const summary = await desk.app.healthChecks.run("manual", AT);
    expect(summary).toMatchObject({ alertsRaised: 2, alertsPosted: 0, digests: 2 });
    await desk.settle();
    // acme is red, but nobody had seen a score of it before: it leads its channel's digest.
    const csm = topLevel(desk, CSM_CHANNEL);
    expect(csm).toHaveLength(1);
    expect(csm[0].text).toBe("Daily risk digest: 1 account at risk");
    expect(blocksText(csm[0])).toContain("1. :red_circle: *Acme Corp* `acme` · ARR $120,000 · score 11 — Entered red");
    expect(blocksText(csm[0])).toContain("(+3 more)");
    const report = blocksText(topLevel(desk, ALERTS).find((m) => m.text.startsWith("Health check done"))!);
    expect(report).toContain(`next check ${slackDateOf(new Date("2026-11-21T06:00:00Z"))}`);

    // The digest's View opens the account as /cs account shows it.
    const view = await desk.interaction({
      type: "block_actions",
      user: { id: CSM, username: "csm", name: "csm", team_id: HOME_TEAM },
      api_app_id: "A111",
      token: "verification_token",
      container: { type: "message", message_ts: csm[0].ts, channel_id: CSM_CHANNEL, is_ephemeral: false },
      trigger_id: "12345.98765.view",
      team: { id: HOME_TEAM, domain: "example" },
      channel: { id: CSM_CHANNEL, name: "csm" },
      response_url: desk.slack.responseUrl("digest-view"),
      actions: [{ action_id: "risk_digest_view", block_id: "b1", type: "button", value: "acme", action_ts: "1.2" }],
    });
    expect(view.status).toBe(200);
    const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"));
    const modal = JSON.stringify(opened.args.view);
    for (const part of ["Acme Corp", "*11* red", "Entered red", "NPS detractor", "in the daily risk digest of <#CCSMONE>"])
      expect(modal).toContain(part);
  });

  it("does not repeat an alert while it holds, says in its thread when it worsens, and clears it when it ends", async () => {
    // Low utilisation asks for a message of its own here (it goes to the digest by default).
    const realtimeFile = path.join(dir, "health-realtime.json");
    writeFileSync(
      realtimeFile,
      JSON.stringify({
        ...SCORING,
        routing: { csmChannels: { [CSM]: CSM_CHANNEL } },
        rules: { low_utilisation: { delivery: "realtime" } },
      }),
    );
    const { desk, clock } = await deskAt(AT, { HEALTH_CONFIG_FILE: realtimeFile, INGEST_API_TOKEN: "ingest-token-0123456789" });
    await seed(desk);
    await desk.app.healthChecks.run("manual", AT);
    await desk.settle();
    const alertMsg = topLevel(desk, ALERTS).find((m) => m.text.includes("Gamma GmbH"))!;
    expect(alertMsg.text).toContain("Churn risk: Gamma GmbH — Low licence utilisation");
    const before = topLevel(desk, ALERTS).length;

    clock.set(new Date(AT.getTime() + DAY));
    const again = await desk.app.healthChecks.run("manual", AT);
    expect(again).toMatchObject({ alertsRaised: 0, alertsWorsened: 0, alertsCleared: 0, alertsPosted: 0 });
    await desk.settle();
    // Nothing new but the check's summary.
    expect(topLevel(desk, ALERTS).filter((m) => !m.text.startsWith("Health check done"))).toHaveLength(before - 1);
    expect(topLevel(desk, CSM_CHANNEL)).toHaveLength(1);
    expect(thread(desk, ALERTS, alertMsg.ts)).toEqual([]);

    // Twice the seats for the same users: utilisation halves, the rest of the score barely moves.
    await desk.app.db.client.account.update({ where: { externalId: "gamma" }, data: { seats: 200 } });
    const worse = await desk.app.healthChecks.run("manual", AT);
    expect(worse).toMatchObject({ alertsRaised: 0, alertsWorsened: 1 });
    await desk.settle();
    expect(topLevel(desk, ALERTS).filter((m) => m.text.includes("Gamma GmbH"))).toHaveLength(1);
    expect(thread(desk, ALERTS, alertMsg.ts)).toEqual([expect.stringContaining("• Worse: 20 of 200 seats active (10%), under 30%")]);
    expect(blocksText(desk.slack.messages(ALERTS).find((m) => m.ts === alertMsg.ts)!)).toContain("20 of 200 seats active (10%)");

    // A new rule on the same account: the same message, one more thread line.
    await desk.app.db.client.npsResponse.create({
      data: { accountExternalId: "gamma", score: 2, comment: null, respondedAt: AT, receivedAt: AT },
    });
    expect(await desk.app.healthChecks.run("manual", AT)).toMatchObject({ alertsRaised: 0, alertsWorsened: 1 });
    await desk.settle();
    expect(thread(desk, ALERTS, alertMsg.ts)[1]).toContain("• New: NPS detractor: NPS 2 on 2026-11-20");
    expect(blocksText(desk.slack.messages(ALERTS).find((m) => m.ts === alertMsg.ts)!)).toContain("*NPS detractor*");
    await desk.app.db.client.npsResponse.deleteMany({ where: { accountExternalId: "gamma" } });

    await desk.app.db.client.account.update({ where: { externalId: "gamma" }, data: { seats: 40 } });
    const better = await desk.app.healthChecks.run("manual", AT);
    expect(better).toMatchObject({ alertsRaised: 0, alertsCleared: 1 });
    await desk.settle();
    expect(thread(desk, ALERTS, alertMsg.ts)[2]).toContain("Cleared: no risk rule holds any more");
    const cleared = desk.slack.messages(ALERTS).find((m) => m.ts === alertMsg.ts)!;
    expect(cleared.text).toContain("Churn risk cleared: Gamma GmbH");
    expect(blocksText(cleared)).not.toContain("alert_acknowledge");
    expect(await desk.app.db.client.accountAlert.findFirstOrThrow({ where: { accountExternalId: "gamma" } })).toMatchObject({
      status: "cleared",
      openKey: null,
    });
    // The per-rule history keeps each rule's own story.
    const history = await desk.app.db.client.healthAlert.findMany({ where: { accountExternalId: "gamma" }, orderBy: { id: "asc" } });
    expect(history.every((h) => h.status === "cleared")).toBe(true);
    expect(history.map((h) => h.rule)).toEqual(expect.arrayContaining(["low_utilisation", "nps_detractor"]));

    // The API tells the account's alert with each rule's own story.
    const listed = await fetch(`${desk.baseUrl}/api/v1/accounts/gamma/alerts`, {
      headers: { authorization: "Bearer ingest-token-0123456789" },
    });
    expect(listed.status).toBe(200);
    const { alerts } = (await listed.json()) as {
      alerts: { status: string; events: { kind: string }[]; ruleHistory: { rule: string; events: { kind: string }[] }[] }[];
    };
    expect(alerts).toHaveLength(1);
    expect(alerts[0].status).toBe("cleared");
    expect(alerts[0].events.map((e) => e.kind)).toEqual(["raised", "posted", "worsened", "worsened", "cleared"]);
    const utilisation = alerts[0].ruleHistory.find((h) => h.rule === "low_utilisation")!;
    expect(utilisation.events.map((e) => e.kind)).toEqual(["raised", "worsened", "cleared"]);
    const unknown = await fetch(`${desk.baseUrl}/api/v1/accounts/nobody/alerts`, {
      headers: { authorization: "Bearer ingest-token-0123456789" },
    });
    expect(unknown.status).toBe(404);

    // It comes back: a new alert, a new message.
    await desk.app.db.client.account.update({ where: { externalId: "gamma" }, data: { seats: 300 } });
    expect(await desk.app.healthChecks.run("manual", AT)).toMatchObject({ alertsRaised: 1, alertsPosted: 1 });
    await desk.settle();
    expect(topLevel(desk, ALERTS).filter((m) => m.text.includes("Gamma GmbH"))).toHaveLength(2);
  });

  it("posts at most the cap of alerts of their own per channel, the most at stake, and lists the rest in one digest", async () => {
    const { desk } = await deskAt(AT, { ALERT_REALTIME_CAP: "10" });
    const db = desk.app.db;
    const ids: string[] = [];
    const usage = [];
    const accounts = [];
    const since = new Date(AT.getTime() - 365 * DAY); // established customers, past onboarding
    // 300 accounts collapse; 320 others hold steady, so the book did not dip with them.
    for (let i = 0; i < 320; i++) {
      const id = `steady-${String(i).padStart(3, "0")}`;
      accounts.push({ externalId: id, name: `Steady ${i}`, seats: 50, arr: 500, createdAt: since, updatedAt: AT });
      for (let d = 0; d < 60; d++)
        usage.push({
          accountExternalId: id,
          date: new Date(AT.getTime() - d * DAY).toISOString().slice(0, 10),
          activeUsers: 40,
          featuresUsed: "[]",
          events: JSON.stringify({ uploads: 100 }),
          keyEvents: 100,
          receivedAt: AT,
        });
    }
    for (let i = 0; i < 300; i++) {
      const id = `acct-${String(i).padStart(3, "0")}`;
      ids.push(id);
      accounts.push({ externalId: id, name: `Account ${i}`, seats: 50, arr: 1000 * (i + 1), createdAt: since, updatedAt: AT });
      for (let d = 0; d < 60; d++)
        usage.push({
          accountExternalId: id,
          date: new Date(AT.getTime() - d * DAY).toISOString().slice(0, 10),
          activeUsers: d < 30 ? 2 : 40,
          featuresUsed: "[]",
          events: JSON.stringify({ uploads: d < 30 ? 1 : 100 }),
          keyEvents: d < 30 ? 1 : 100,
          receivedAt: AT,
        });
    }
    await db.client.account.createMany({ data: accounts });
    await db.client.usageDay.createMany({ data: usage });
    await addEarlierScores(db, ids, AT);
    const summary = await desk.app.healthChecks.run("manual", AT);
    expect(summary).toMatchObject({ alertsRaised: 300, alertsPosted: 10, alertsHeldBack: 290, digests: 1 });
    await desk.settle();
    const top = topLevel(desk, ALERTS);
    expect(top).toHaveLength(12);
    // The ten alerts of their own are the ten largest accounts.
    const own = top.filter((m) => m.text.includes("Churn risk:"));
    expect(own.map((m) => /Account (\d+)/.exec(m.text)![1]).sort()).toEqual([
      "290",
      "291",
      "292",
      "293",
      "294",
      "295",
      "296",
      "297",
      "298",
      "299",
    ]);
    const digest = top.find((m) => m.text.startsWith("Daily risk digest"))!;
    expect(digest.text).toBe("Daily risk digest: 290 accounts at risk");
    const digestText = blocksText(digest);
    expect(digestText).toContain("290 accounts would have had an alert of their own, past this check's cap of 10 per channel");
    expect(digestText).toContain("10 more with an alert of their own in this channel");
    expect(digestText).toContain("1. :red_circle: *Account 289*");
    expect((digest.blocks ?? []).length).toBeLessThanOrEqual(50);
    // The rest, in the digest's thread, all of them, in order.
    const rest = desk.slack
      .messages(ALERTS)
      .filter((m) => m.thread_ts === digest.ts)
      .map((m) => blocksText(m))
      .join("");
    expect(rest).toContain("16. :red_circle: *Account 274*");
    expect(rest).toContain("290. :red_circle: *Account 0*");
    expect(top.filter((m) => m.text.startsWith("Health check done"))).toHaveLength(1);

    // They all recover: the next check clears all 300 (more than one transaction's batch), each with its
    // event and its rules' history, and the ten messages of their own say so in place and in their thread.
    await db.client.usageDay.updateMany({
      where: { accountExternalId: { startsWith: "acct-" } },
      data: { activeUsers: 40, keyEvents: 100, events: JSON.stringify({ uploads: 100 }) },
    });
    const recovered = await desk.app.healthChecks.run("manual", AT);
    expect(recovered).toMatchObject({ alertsRaised: 0, alertsCleared: 300, alertsPosted: 0, digests: 0 });
    await desk.settle();
    expect(await db.client.accountAlert.count({ where: { status: "open" } })).toBe(0);
    expect(await db.client.healthAlert.count({ where: { status: "open" } })).toBe(0);
    expect(await db.client.accountAlertEvent.count({ where: { kind: "cleared" } })).toBe(300);
    expect(await db.client.healthAlertEvent.count({ where: { kind: "cleared" } })).toBe(await db.client.healthAlert.count());
    const after = topLevel(desk, ALERTS).filter((m) => own.some((o) => o.ts === m.ts));
    expect(after).toHaveLength(10);
    for (const m of after) {
      expect(m.text).toContain("Churn risk cleared: Account");
      expect(thread(desk, ALERTS, m.ts).at(-1)).toContain("Cleared: no risk rule holds any more");
    }
    // Nothing new at the top but the check's summary.
    expect(topLevel(desk, ALERTS)).toHaveLength(13);
  }, 180_000); // three checks over 620 accounts: about 15 s alone, several times that beside the replica test on a 2-core machine

  /**
   * delta (20 seats, 16 users a day, a linked channel) is checked at `firstAt`, then falls: 13 users a day
   * over the last 30 days and 4 urgent tickets this week with none in the twelve weeks before; checked again
   * at AT. Gives both checks, the score after each, and the rules that fired.
   */
  async function deltaFalls(firstAt: Date) {
    const { desk } = await deskAt(AT);
    const db = desk.app.db;
    await addAccount(db, { externalId: "delta", name: "Delta", seats: 20, csmSlackUserId: CSM }, AT);
    await addUsage(db, "delta", AT, { before: 16, after: 16, features: ["reports"] });
    await db.client.supportChannel.create({
      data: { channelId: "CDELTA", accountExternalId: "delta", linkedById: "UADMIN", linkedAt: AT },
    });
    const score = async () => (await db.client.accountHealthCurrent.findUniqueOrThrow({ where: { accountExternalId: "delta" } })).score;
    const first = await desk.app.healthChecks.run("manual", firstAt);
    const before = await score();
    await setRecentUsage(db, "delta", AT, 13);
    for (let i = 0; i < 4; i++) {
      await db.client.ticket.create({
        data: {
          channelId: "CDELTA",
          sourceTs: `1.00${i}`,
          requesterId: "UCUST",
          text: "Down again",
          priority: "urgent",
          origin: "message",
          createdAt: new Date(AT.getTime() - (i + 1) * 3_600_000),
          lastCustomerMessageAt: AT,
          accountExternalId: "delta",
          permalink: `https://example.slack.com/archives/CDELTA/p100${i}`,
        },
      });
    }
    const second = await desk.app.healthChecks.run("manual", AT);
    const after = await score();
    const rules = (await db.client.healthAlert.findMany({ where: { accountExternalId: "delta" } })).map((a) => a.rule).sort();
    return { desk, first, second, before, after, rules };
  }

  it("fires score_drop against the account's own recent scores and ticket_spike against its own baseline", async () => {
    const { desk, first, second, before, after, rules } = await deltaFalls(new Date(AT.getTime() - 5 * DAY));
    expect(first.alertsRaised).toBe(0);
    expect(before - after).toBeGreaterThanOrEqual(15);
    expect(rules).toEqual(["score_drop", "ticket_spike"]);
    // One account, one alert: the drop asks for a message of its own, and the spike is in it.
    expect(second).toMatchObject({ alertsRaised: 1, alertsPosted: 1 });
    await desk.settle();
    expect(topLevel(desk, CSM_CHANNEL)).toHaveLength(1);
    const spike = blocksText(topLevel(desk, CSM_CHANNEL)[0]);
    expect(spike).toContain("*Score dropped*: health score fell");
    expect(spike).toContain("4 tickets in 7 days, none usually");
    expect(spike).toContain("https://example.slack.com/archives/CDELTA/p1000|#1 (urgent, open)");
    expect(spike).toContain("4 tickets in 30 days (4 urgent) for 20 seats");
  });

  it("judges score_drop only against the scores of its window (14 days): an older, higher score does not count", async () => {
    // Scored 20 days before: outside the window. The same fall as in the test above follows.
    const { before, after, rules } = await deltaFalls(new Date(AT.getTime() - 20 * DAY));
    expect(before - after).toBeGreaterThanOrEqual(15);
    expect(rules).toEqual(["ticket_spike"]);
  });
});

describe("the inputs of the features given up and of the last 7 days", () => {
  it("are read in the check's own passes: features used in 90 days against 30, the last 7 days' usage", async () => {
    const { desk } = await deskAt(AT);
    const db = desk.app.db;
    await addAccount(db, { externalId: "eps", name: "Epsilon", seats: 40, tier: "growth" }, AT);
    // 90 days of use: 20 users and 20 uploads a day, 10 of each in the last 7 days; reports used throughout,
    // exports until 31 days ago, api until 40 days ago (both given up: not used in the last 30 days).
    const rows = [];
    for (let d = 0; d < 90; d++) {
      const active = d < 7 ? 10 : 20;
      const features = d <= 30 ? ["reports"] : d <= 40 ? ["reports", "exports", "api"] : ["reports", "exports"];
      rows.push({
        accountExternalId: "eps",
        date: dayBefore(AT, d),
        activeUsers: active,
        featuresUsed: JSON.stringify(features),
        events: JSON.stringify({ uploads: active }),
        keyEvents: active,
        receivedAt: AT,
      });
    }
    await db.client.usageDay.createMany({ data: rows });
    for (const [feature, lastSeen] of [
      ["reports", 0],
      ["exports", 31],
      ["api", 40],
    ] as const)
      await db.client.accountFeature.create({
        data: { accountExternalId: "eps", feature, firstSeen: dayBefore(AT, 89), lastSeen: dayBefore(AT, lastSeen) },
      });
    const account = {
      externalId: "eps",
      name: "Epsilon",
      arr: null,
      seats: 40,
      renewalDate: null,
      csmSlackUserId: null,
      alertChannel: null,
      tier: "growth",
      peer: null,
      customerSince: null,
      createdAt: new Date(AT.getTime() - 365 * DAY),
    };
    const config = parseHealthConfig(null);
    const usage = new UsageTable();
    await sliceUsage(db, [account], AT, usage);
    const facts = (await sliceFacts(db, config, [account], 3, AT, usage)).get("eps")!;
    expect(facts.inputs.featuresUsedLast30).toBe(1);
    expect(facts.inputs.featuresUsedLast90).toBe(3);
    expect(facts.inputs.usage).toMatchObject({
      daysLast7: 7,
      avgActiveLast7: 10,
      keyEventsLast7: 70,
      days61to90: 30,
      avgActive61to90: 20,
      keyEvents61to90: 600,
    });
    const by = Object.fromEntries(scoreHealth(facts.inputs, config).components.map((c) => [c.name, c]));
    // 2 of 3 features given up: 100 − 200 × 2/3, clamped at 0.
    expect(by.featureRetention).toMatchObject({
      score: 0,
      evidence: "stopped using 2 of the 3 features used in 90 days (not used in the last 30)",
    });
    // Users and uploads halved against 61-90 days before, shrunk by 20 / (20 + 3): 70 − 150 × 0.435 = 5.
    expect(by.recentActivity.score).toBe(5);
    expect(by.recentActivity.evidence).toBe(
      "last 7 days against 61-90 days before: active users 20 → 10 a day (-50%); key events 20 → 10 a day (-50%)",
    );
  });
});

describe("an account stored while a check runs", () => {
  it("is scored on its own usage, not as an account without any, when the first pass did not see it", async () => {
    const { desk } = await deskAt(AT);
    await seed(desk, { newBook: true });
    const success = desk.app.success;
    const scores = async () =>
      Object.fromEntries(
        (await desk.app.db.client.accountHealthCurrent.findMany({ orderBy: { accountExternalId: "asc" } })).map((c) => [
          c.accountExternalId,
          [c.score, c.band],
        ]),
      );
    const seen = await runHealthCheck(success, jobActor("test"), { trigger: "manual", at: AT });
    expect(seen.status).toBe("done");
    const expected = await scores();
    expect(expected.beta).toEqual([expect.any(Number), "green"]);
    // The same check again, but beta is stored after the first pass (usage windows, for the book) read its slice.
    const health = success.health;
    const late = {
      ...health,
      accountGroupsAfter: async (...args: Parameters<typeof health.accountGroupsAfter>) =>
        (await health.accountGroupsAfter(...args)).filter((a) => a.externalId !== "beta"),
    };
    const summary = await runHealthCheck({ ...success, health: late }, jobActor("test"), { trigger: "manual", at: AT });
    expect(summary).toMatchObject({ status: "done", accountsScored: 3, alertsRaised: 0 });
    expect(await scores()).toEqual(expected);
  });
});

describe("a usage reader that fails", () => {
  it("is logged as a warning, and the check scores every account all the same", async () => {
    const { desk } = await deskAt(AT);
    await seed(desk);
    const success = desk.app.success;
    const health = success.health;
    // The first pass's reader thread failed (its slices read again on the app's connection, as allUsage does).
    const failing = {
      ...health,
      allUsage: async (...args: Parameters<typeof health.allUsage>) => {
        await health.allUsage(...args);
        return { readerFailure: new Error("the SQLite reader thread stopped") };
      },
    };
    const summary = await runHealthCheck({ ...success, health: failing }, jobActor("test"), { trigger: "manual", at: AT });
    expect(summary).toMatchObject({ status: "done", accountsScored: 3, accountsUnscored: 0 });
    const warning = desk.logs.find((l) => String(l.msg).startsWith("the health check's usage reader failed"));
    expect(warning).toMatchObject({ level: "warn", runId: summary.runId, err: { message: "the SQLite reader thread stopped" } });
  });
});

describe("a check over many slices", () => {
  it("scores, stores and alerts the same with slices of one account as in one slice", async () => {
    const outcome = async (desk: Desk) => ({
      current: (await desk.app.db.client.accountHealthCurrent.findMany({ orderBy: { accountExternalId: "asc" } })).map((c) => [
        c.accountExternalId,
        c.score,
        c.band,
        c.components,
      ]),
      rules: (await desk.app.db.client.healthAlert.findMany({ orderBy: [{ accountExternalId: "asc" }, { rule: "asc" }] })).map((r) => [
        r.accountExternalId,
        r.rule,
        r.severity,
      ]),
      alerts: (await desk.app.db.client.accountAlert.findMany({ orderBy: { accountExternalId: "asc" } })).map((a) => [
        a.accountExternalId,
        a.status,
        a.delivery,
        a.stake,
        a.detail,
      ]),
    });
    const { desk: whole } = await deskAt(AT);
    await seed(whole);
    expect(await runHealthCheck(whole.app.success, jobActor("test"), { trigger: "manual", at: AT })).toMatchObject({
      status: "done",
      accountsScored: 3,
      alertsRaised: 2,
    });
    const { desk } = await deskAt(AT);
    await seed(desk);
    const success = { ...desk.app.success, settings: { ...desk.app.success.settings, sliceSize: 1 } };
    const summary = await runHealthCheck(success, jobActor("test"), { trigger: "manual", at: AT });
    expect(summary).toMatchObject({ status: "done", accountsScored: 3, alertsRaised: 2 });
    expect(await outcome(desk)).toEqual(await outcome(whole));
  });
});

describe("peer groups (peerAttribute)", () => {
  const region = (value: unknown) => JSON.stringify({ region: value, owner: "sales" });

  it("reads each account's peer from its attributes: strings and numbers, not lists or objects", async () => {
    const { desk } = await deskAt(AT);
    const db = desk.app.db;
    const attrs: [string, string | null][] = [
      ["p1", region("europe")],
      ["p2", region(44)],
      ["p3", region(["europe"])],
      ["p4", region({ name: "europe" })],
      ["p5", JSON.stringify({ owner: "sales" })],
      ["p6", null],
      ["p8", region(true)],
      ["p9", region(2.5)],
      ["p7", JSON.stringify({ "sales region": "nordics", "a.b": "dotted" })],
    ];
    for (const [id, attributes] of attrs) {
      await addAccount(db, { externalId: id, name: id }, AT);
      await db.client.account.update({ where: { externalId: id }, data: { attributes, tier: id > "p4" ? "enterprise" : null } });
    }
    const store = prismaHealthStore(db);
    const peers = async (attribute: string | null) =>
      Object.fromEntries((await store.accountsAfter(null, 100, attribute)).map((a) => [a.externalId, a.peer]));
    expect(await peers("region")).toEqual({
      p1: "europe",
      p2: "44",
      p3: null,
      p4: null,
      p5: null,
      p6: null,
      p7: null,
      p8: "true",
      p9: "2.5",
    });
    expect((await peers("sales region")).p7).toBe("nordics");
    expect((await peers("a.b")).p7).toBe("dotted");
    expect(Object.values(await peers(null)).every((p) => p === null)).toBe(true);
    // The cursor still pages by id with the attribute's parameter before it.
    expect((await store.accountsAfter("p5", 100, "region")).map((a) => a.externalId)).toEqual(["p6", "p7", "p8", "p9"]);
    // The first pass's narrower read gives the same ids, tiers and peers, page by page.
    for (const attribute of ["region", "sales region", null])
      for (const cursor of [null, "p2", "p5"])
        expect(await store.accountGroupsAfter(cursor, 3, attribute)).toEqual(
          (await store.accountsAfter(cursor, 3, attribute)).map((a) => ({ externalId: a.externalId, tier: a.tier, peer: a.peer })),
        );
  });

  it("judges a dip the account's region shares against its region, and says so; an account without one against the book", async () => {
    const { desk } = await deskAt(AT);
    const db = desk.app.db;
    // 21 European accounts all down 30% (a summer lull), 25 elsewhere steady, one more down 30% with no region.
    for (let i = 0; i < 47; i++) {
      const id = `acc-${String(i).padStart(2, "0")}`;
      const value = i < 21 ? "europe" : i < 46 ? "americas" : null;
      await addAccount(db, { externalId: id, name: `Account ${i}`, seats: 30 }, AT);
      if (value) await db.client.account.update({ where: { externalId: id }, data: { attributes: region(value) } });
      await addUsage(db, id, AT, { before: 20, after: value === "americas" ? 20 : 14, features: ["reports"] });
    }
    const summary = await desk.app.healthChecks.run("manual", AT);
    expect(summary).toMatchObject({ status: "done", accountsScored: 47 });
    const trendOf = async (id: string) => (await shownHealth(desk.app.success, id)).components.find((c) => c.name === "usageTrend")!;
    const european = await trendOf("acc-00");
    expect(european.evidence).toBe("active users 20 → 14 a day in 30 days (-30% while europe accounts were -30%: +0% relative)");
    expect(european.score).toBe(70);
    const alone = await trendOf("acc-46");
    expect(alone.evidence).toBe("active users 20 → 14 a day in 30 days (-30% while the book was flat)");
    expect(alone.score).toBeLessThan(40);
  });
});

describe("alert buttons", () => {
  async function withAlert() {
    const { desk, clock } = await deskAt(AT);
    await seed(desk);
    await desk.app.healthChecks.run("manual", AT);
    await desk.settle();
    const alert = await desk.app.db.client.accountAlert.findFirstOrThrow({ where: { accountExternalId: "acme" } });
    const message = topLevel(desk, CSM_CHANNEL)[0];
    const click = (actionId: string, extra: Record<string, unknown>, user = CSM) =>
      desk.interaction({
        type: "block_actions",
        user: { id: user, username: "csm", name: "csm", team_id: HOME_TEAM },
        api_app_id: "A111",
        token: "verification_token",
        container: { type: "message", message_ts: message.ts, channel_id: CSM_CHANNEL, is_ephemeral: false },
        trigger_id: "12345.98765.abcd2358fdea",
        team: { id: HOME_TEAM, domain: "example" },
        channel: { id: CSM_CHANNEL, name: "csm" },
        response_url: desk.slack.responseUrl(`alert-${actionId}-${Math.random()}`),
        actions: [{ action_id: actionId, block_id: `alert:${alert.id}:1`, action_ts: "1.2", ...extra }],
      });
    return { desk, clock, alert, message, click };
  }

  it("acknowledge, snooze, reassign and add a note each act on the account's alert, update it in place and log in its thread", async () => {
    const { desk, alert, message, click } = await withAlert();
    expect((await click("alert_acknowledge", { type: "button", value: String(alert.id) })).status).toBe(200);
    await desk.settle();
    expect(blocksText(desk.slack.messages(CSM_CHANNEL)[0])).toContain(`Acknowledged by <@${CSM}>`);
    expect(blocksText(desk.slack.messages(CSM_CHANNEL)[0])).not.toContain("alert_acknowledge");

    await click("alert_snooze", {
      type: "static_select",
      selected_option: { text: { type: "plain_text", text: "Snooze 14 days" }, value: "14" },
    });
    await desk.settle();
    expect(blocksText(desk.slack.messages(CSM_CHANNEL)[0])).toContain("Snoozed until");
    const snoozed = await desk.app.db.client.accountAlert.findUniqueOrThrow({ where: { id: alert.id } });
    expect(snoozed.snoozedUntil!.getTime() - AT.getTime()).toBe(14 * DAY);

    await click("alert_reassign", { type: "users_select", selected_user: "UCSM2" });
    await desk.settle();
    expect(blocksText(desk.slack.messages(CSM_CHANNEL)[0])).toContain("Owner: <@UCSM2>");

    await click("alert_note", { type: "button", value: String(alert.id) });
    const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"));
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("alert_note_modal");
    const submit = (text: string) =>
      desk.interaction({
        type: "view_submission",
        team: { id: HOME_TEAM, domain: "example" },
        user: { id: CSM, username: "csm", name: "csm", team_id: HOME_TEAM },
        api_app_id: "A111",
        token: "verification_token",
        trigger_id: "1.2.3",
        view: {
          id: "V1",
          team_id: HOME_TEAM,
          type: "modal",
          callback_id: "alert_note_modal",
          private_metadata: view.private_metadata,
          state: { values: { alert_note: { text: { type: "plain_text_input", value: text } } } },
          hash: "h",
        },
      });
    const empty = await submit("   ");
    expect(await empty.json()).toEqual({
      response_action: "errors",
      errors: { alert_note: "The note is empty: write what you learned or did." },
    });
    expect((await submit("Called Dana; they are moving to SSO next month.")).status).toBe(200);
    await desk.settle();

    expect(thread(desk, CSM_CHANNEL, message.ts)).toEqual([
      `:eyes: <@${CSM}> acknowledged this alert`,
      expect.stringMatching(new RegExp(`^:zzz: <@${CSM}> snoozed this alert for 14 days`)),
      `:bust_in_silhouette: <@${CSM}> made <@UCSM2> the owner (was <@${CSM}>)`,
      `:memo: Note from <@${CSM}>:\n> Called Dana; they are moving to SSO next month.`,
    ]);
    const events = await desk.app.db.client.accountAlertEvent.findMany({ where: { accountAlertId: alert.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.kind, e.actorId])).toEqual([
      ["raised", null],
      ["posted", null],
      ["acknowledged", CSM],
      ["snoozed", CSM],
      ["reassigned", CSM],
      ["note", CSM],
    ]);

    // A second acknowledgement says who did it first and changes nothing.
    await click("alert_acknowledge", { type: "button", value: String(alert.id) }, "UCSM2");
    const answer = await desk.slack.waitFor(() =>
      desk.slack.responses.find((r) => JSON.stringify(r.body).includes("already acknowledged")),
    );
    expect(JSON.stringify(answer.body)).toContain(`already acknowledged by <@${CSM}>`);
  });

  it("escalates an unacknowledged red alert once, after the configured hours, to the CSM lead", async () => {
    const { desk, clock } = await deskAt(AT);
    await seed(desk);
    await desk.app.healthChecks.run("manual", AT);
    await desk.settle();
    clock.set(new Date(AT.getTime() + 23 * 3_600_000));
    expect(await desk.app.alerts.escalate()).toBe(0);
    clock.set(new Date(AT.getTime() + 25 * 3_600_000));
    expect(await desk.app.alerts.escalate()).toBe(1);
    expect(await desk.app.alerts.escalate()).toBe(0);
    await desk.settle();
    const red = topLevel(desk, CSM_CHANNEL).find((m) => blocksText(m).includes("Entered red"))!;
    expect(thread(desk, CSM_CHANNEL, red.ts)).toEqual([
      `:rotating_light: <@${LEAD}> this red alert has not been acknowledged for 24 hours`,
    ]);
  });
});

describe("/cs account", () => {
  it("answers only to the asker with the account's health, trend, components and open alerts", async () => {
    const { desk } = await deskAt(AT);
    await seed(desk);
    await desk.app.healthChecks.run("manual", new Date(AT.getTime() - DAY));
    await desk.app.healthChecks.run("manual", AT);
    const answer = (text: string) =>
      desk
        .command({ command: "/cs", text, user_id: CSM })
        .then((r) => r.json() as Promise<{ response_type: string; text: string; blocks?: unknown[] }>);
    const byName = await answer("account acme corp");
    expect(byName.response_type).toBe("ephemeral");
    const text = JSON.stringify(byName.blocks);
    for (const expected of [
      "Acme Corp",
      "*11* red",
      "$120,000",
      `<@${CSM}>`,
      "Usage trend *0*",
      "Entered red",
      "NPS detractor",
      "Open tickets*: none",
    ])
      expect(text).toContain(expected);
    expect(text).toMatch(/Trend: \d+ → 11/);
    expect(text).not.toContain("churned within");
    expect(JSON.stringify((await answer("account gamma")).blocks)).toContain("Gamma GmbH");
    expect((await answer("account nobody")).text).toContain("No account matches “nobody”");
    expect((await answer("account a")).text).toContain("Several accounts match “a”");
    expect((await answer("account")).text).toContain("Which account?");
    expect((await answer("alerts")).text).toContain("Your open alerts:");
    // `/cs` alone is a request for help, not an unknown subcommand.
    for (const empty of ["", "   "]) {
      const help = (await answer(empty)).text;
      expect(help.startsWith("*/cs* commands:")).toBe(true);
      expect(help).not.toContain("I don't know");
    }
    expect((await answer("bogus")).text).toContain("I don't know `/cs bogus`");
  });
});

describe("churn probability from a calibration", () => {
  const routing = { routing: { csmChannels: { [CSM]: CSM_CHANNEL } } };
  /** What `npm run backtest -- <dir> --write` writes: churn per score bucket, counted under `scoring`'s settings. */
  const calibration = (scoring: Record<string, unknown>) => ({
    horizonDays: 90,
    date: "2026-11-12",
    source: { kind: "backtest", history: "acme-2026", accounts: 2000, snapshots: 4000, from: "2026-01-31", to: "2026-08-31" },
    scoredWith: scoringFingerprint(parseHealthConfig(JSON.stringify(scoring))),
    buckets: [
      { from: 0, to: 39, snapshots: 400, churned: 100 },
      { from: 40, to: 100, snapshots: 3600, churned: 90 },
    ],
  });
  const fileWith = (content: Record<string, unknown>) => {
    const file = path.join(dir, `calibrated-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const csAccount = async (desk: Desk, name: string) =>
    JSON.stringify(
      ((await (await desk.command({ command: "/cs", text: `account ${name}`, user_id: CSM })).json()) as { blocks: unknown[] }).blocks,
    );

  it("shows about 1 in N similar accounts churned on the alert and in /cs account", async () => {
    const { desk } = await deskAt(AT, { HEALTH_CONFIG_FILE: fileWith({ ...routing, calibration: calibration({}) }) });
    await seed(desk);
    await desk.app.healthChecks.run("manual", AT);
    await desk.settle();
    const line = "About 1 in 4 accounts scoring 0–39 churned within 90 days (backtest of 12 Nov 2026 on 2,000 accounts)";
    // acme scores 11: the 0-39 bucket, where 100 of 400 churned.
    const red = topLevel(desk, CSM_CHANNEL).find((m) => blocksText(m).includes("Entered red"))!;
    expect(blocksText(red)).toContain(line);
    expect(await csAccount(desk, "acme")).toContain(line);
    // gamma (yellow) is in the 40-100 bucket: 90 of 3,600.
    expect(await csAccount(desk, "gamma")).toContain("About 1 in 40 accounts scoring 40–100 churned within 90 days");
  });

  it("shows nothing when the calibration was counted under other weights", async () => {
    const reweighted = { weights: { nps: 30 } };
    const { desk } = await deskAt(AT, { HEALTH_CONFIG_FILE: fileWith({ ...routing, ...reweighted, calibration: calibration({}) }) });
    await seed(desk);
    await desk.app.healthChecks.run("manual", AT);
    await desk.settle();
    const red = topLevel(desk, CSM_CHANNEL).find((m) => blocksText(m).includes("Entered red"))!;
    expect(blocksText(red)).toContain("Acme Corp");
    expect(blocksText(red)).not.toContain("churned within");
    expect(await csAccount(desk, "acme")).not.toContain("churned within");
    // The start-up log says why, and what brings it back.
    const stale = (d: Desk) => d.logs.filter((l) => String(l.msg).includes("counted under other scoring settings"));
    expect(stale(desk)).toHaveLength(1);
    expect(String(stale(desk)[0].msg)).toContain("--write");
    // Counted under those weights, it shows again.
    const { desk: second } = await deskAt(
      AT,
      { HEALTH_CONFIG_FILE: fileWith({ ...routing, ...reweighted, calibration: calibration(reweighted) }) },
      desk.databaseUrl,
      desk.slack,
    );
    expect(await csAccount(second, "acme")).toContain("About 1 in 4 accounts scoring 0–39");
    expect(stale(second)).toHaveLength(0);
  });
});

describe("honest freshness", () => {
  const TOKEN = "ingest-token-0123456789";

  it("says when each health figure was computed, and /cs account adds the tickets and NPS answers since", async () => {
    const { desk, clock } = await deskAt(AT, { INGEST_API_TOKEN: TOKEN });
    await seed(desk);
    await desk.app.healthChecks.run("manual", AT);
    await desk.settle();
    const asOf = `as of ${slackDateOf(AT)}`;
    // The alert's score says which check computed it.
    const red = topLevel(desk, CSM_CHANNEL).find((m) => blocksText(m).includes("Entered red"))!;
    expect(blocksText(red)).toContain(`*Health*\\n:red_circle: *11* red (−64 from 75)\\n${asOf}`);

    // After the 06:00 check: two tickets in acme's channel and one NPS answer.
    await desk.command({ command: "/support", text: "link acme", channel_id: "CACME", user_id: "UAGENT1" });
    await desk.customerSays("Exports fail again", { channel: "CACME" });
    await desk.customerSays("And the dashboard is blank", { channel: "CACME", user: "UCUSTOMER2" });
    await desk.settle();
    const cards = desk.slack.messages("CTRIAGE").filter((m) => !m.thread_ts);
    expect(cards).toHaveLength(2);
    for (const card of cards) {
      expect(JSON.stringify(card.blocks)).toContain(":red_circle: 11 red");
      expect(JSON.stringify(card.blocks)).toContain(`Health as of ${slackDateOf(AT, "{date_short_pretty}")}`);
    }
    clock.advance(2 * 3600_000);
    const nps = await fetch(`${desk.baseUrl}/api/v1/nps`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ responses: [{ accountExternalId: "acme", score: 3, respondedAt: clock.now().toISOString() }] }),
    });
    expect(nps.status).toBe(200);

    const answer = (await (await desk.command({ command: "/cs", text: "account acme", user_id: CSM })).json()) as { blocks: unknown[] };
    const text = JSON.stringify(answer.blocks);
    expect(text).toContain(`:red_circle: *11* red\\n${asOf}`);
    expect(text).toContain(`*Components* (${asOf})`);
    expect(text).toContain("Since then: 2 new tickets, 1 NPS answer (score 3)");
    expect(text).toMatch(
      /\*Open tickets\*\\n• <[^|]+\|#2 \(normal, open\)> And the dashboard is blank\\n• <[^|]+\|#1 \(normal, open\)> Exports fail again/,
    );

    // gamma: nothing since its check.
    const gamma = (await (await desk.command({ command: "/cs", text: "account gamma", user_id: CSM })).json()) as { blocks: unknown[] };
    expect(JSON.stringify(gamma.blocks)).toContain("Since then: no new tickets or NPS answers");
  });
});

describe("scheduled health checks", () => {
  it("run once per tick with two processes on one database", async () => {
    const a = await deskAt(AT, { HEALTH_CHECK_CRON: "0 6 * * *" });
    await seed(a.desk);
    const b = await deskAt(AT, { HEALTH_CHECK_CRON: "0 6 * * *" }, a.desk.databaseUrl, a.desk.slack);
    const jobA = a.desk.app.jobs.find((j) => j.name === "health-check")!;
    const jobB = b.desk.app.jobs.find((j) => j.name === "health-check")!;
    // Postgres: truly at once. SQLite is for one process: two clients in one test process would wait on
    // each other's write lock with the event loop blocked, so there they take turns (the claim is the same).
    const ran = usePostgres()
      ? await Promise.all([a.desk.app.scheduler.tick(jobA, AT), b.desk.app.scheduler.tick(jobB, AT)])
      : [await a.desk.app.scheduler.tick(jobA, AT), await a.desk.settle().then(() => b.desk.app.scheduler.tick(jobB, AT))];
    expect(ran.filter(Boolean)).toHaveLength(1);
    await a.desk.settle();
    await b.desk.settle();
    expect(await a.desk.app.db.client.healthCheckRun.count()).toBe(1);
    expect(await a.desk.app.db.client.healthAlert.count()).toBe(5);
    expect(await a.desk.app.db.client.accountAlert.count()).toBe(2);
    expect(topLevel(a.desk, CSM_CHANNEL)).toHaveLength(1);
    const job = await a.desk.app.db.client.jobRun.findUniqueOrThrow({ where: { key: `health-check:${AT.toISOString()}` } });
    expect(job.status).toBe("done");
    expect(JSON.parse(job.detail!)).toMatchObject({ accountsScored: 3, alertsRaised: 2 });
  });
});

describe("App Home for CSMs", () => {
  it("lists my accounts by health and my open alerts, within Block Kit's limits", async () => {
    const { desk } = await deskAt(AT);
    await seed(desk);
    await desk.app.healthChecks.run("manual", AT);
    await desk.event({ type: "app_home_opened", user: CSM, channel: "D1", tab: "home", event_ts: "1.1" });
    const published = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.publish"), 5000, "views.publish");
    const view = published.args.view as { blocks: { type: string; text?: { text: string } }[] };
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const texts = view.blocks.map((b) => b.text?.text ?? "");
    expect(texts[0]).toBe("My accounts by health");
    expect(texts[1]).toContain(":red_circle: *11* · *Acme Corp* · ARR $120,000 · renews 2027-01-10");
    // One check scored them all: the time is said once.
    expect(texts[1]).toContain(`_Health as of ${slackDateOf(AT)}_`);
    expect(texts).toContain("My open alerts");
    // One entry per account: its rules, its tickets, and the controls.
    const acme = texts.filter((t) => t.startsWith("*Acme Corp* · "));
    expect(acme).toHaveLength(1);
    expect(acme[0]).toContain("Entered red, Renewal at risk, NPS detractor, Low licence utilisation");
    expect(acme[0]).toContain("no open tickets");
    expect(view.blocks.filter((b) => b.type === "actions")).toHaveLength(1);
    // A CSM who is not an agent sees no support queue.
    expect(texts).not.toContain("My open tickets");
  });
});

describe("support and success joined", () => {
  it("shows the account's name, ARR, health band and CSM on the triage card of a linked channel's ticket", async () => {
    const { desk } = await deskAt(AT);
    await seed(desk);
    await desk.app.healthChecks.run("manual", AT);
    const link = await desk.command({ command: "/support", text: "link acme", channel_id: "CACME", user_id: "UAGENT1" });
    expect(((await link.json()) as { text: string }).text).toContain("<#CACME> is now a support channel for account `acme`");
    const unknown = await desk.command({ command: "/support", text: "link zeta", channel_id: "CZETA", user_id: "UAGENT1" });
    expect(((await unknown.json()) as { text: string }).text).toContain("No account `zeta` has been imported yet");

    await desk.customerSays("Exports fail again", { channel: "CACME" });
    await desk.settle();
    const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { channelId: "CACME" } });
    expect(ticket.accountExternalId).toBe("acme");
    const card = desk.slack.messages("CTRIAGE").find((m) => !m.thread_ts)!;
    // The headline names the account with its ARR and health; the small print says when that health was computed and who the CSM is.
    const [head, , details] = card.blocks as { text?: { text: string }; elements?: { text: string }[] }[];
    expect(head.text!.text).toContain("*Acme Corp* ARR $120,000 :red_circle: 11 red");
    expect(details.elements![0].text).toContain(`Health as of ${slackDateOf(AT, "{date_short_pretty}")} · CSM <@${CSM}>`);

    // The ticket now counts for the account's health (its time is the Slack message's, so check after it).
    await desk.app.healthChecks.run("manual", new Date(ticket.createdAt.getTime() + 3_600_000));
    const { components } = await shownHealth(desk.app.success, "acme");
    expect(components.find((c) => c.name === "supportLoad")?.evidence).toBe("1 ticket in 30 days for 50 seats");
  });
});

describe("a health check whose process died while it ran", () => {
  const TOKEN = "ingest-token-0123456789";
  const api = (desk: Desk, path: string, method = "GET") =>
    fetch(`${desk.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as Record<string, any>,
    }));
  /** A run as a killed process leaves it: running, its lease (renewed while it lived) run out. */
  const leftRunning = (desk: Desk, o: { leaseUntil: Date; owner?: string }) =>
    desk.app.db.client.healthCheckRun.create({
      data: {
        trigger: "scheduled",
        status: "running",
        startedAt: new Date(AT.getTime() - 3600_000),
        accountsScored: 0,
        leaseOwner: o.owner ?? "a-process-killed-mid-run",
        leaseUntil: o.leaseUntil,
      },
    });

  it("is marked abandoned by the next check, shown so in the API and the log, and the new check runs", async () => {
    const { desk } = await deskAt(AT, { INGEST_API_TOKEN: TOKEN });
    await seed(desk);
    const dead = await leftRunning(desk, { leaseUntil: new Date(Date.now() - 1000) });
    // Another process's check still under way (its lease live) is left alone.
    const live = await leftRunning(desk, { leaseUntil: new Date(Date.now() + 600_000), owner: "a-live-process" });

    const started = await api(desk, "/api/v1/health-checks", "POST");
    expect(started).toMatchObject({ status: 201, body: { status: "done", accountsScored: 3 } });

    const listed = await api(desk, "/api/v1/health-checks");
    expect(listed.status).toBe(200);
    expect(listed.body.runs.map((r: { runId: number; status: string }) => [r.runId, r.status])).toEqual([
      [started.body.runId, "done"],
      [live.id, "running"],
      [dead.id, "abandoned"],
    ]);
    const one = await api(desk, `/api/v1/health-checks/${dead.id}`);
    expect(one).toMatchObject({
      status: 200,
      body: { runId: dead.id, trigger: "scheduled", status: "abandoned", finishedAt: expect.stringMatching(/^\d{4}-/) },
    });
    expect(one.body.error).toContain("stopped before it finished");
    const logged = desk.logs.filter((l) => l.msg === "health check abandoned: its process stopped while it ran");
    expect(logged).toEqual([expect.objectContaining({ level: "warn", runId: dead.id, owner: "a-process-killed-mid-run" })]);
    // The new check did its work: every account scored, the alerts posted.
    await desk.settle();
    expect(await desk.app.db.client.accountHealthCurrent.count()).toBe(3);
    expect(topLevel(desk, CSM_CHANNEL)).toHaveLength(1);

    expect((await api(desk, "/api/v1/health-checks?limit=1")).body.runs).toHaveLength(1);
    expect(await api(desk, "/api/v1/health-checks/999999")).toMatchObject({ status: 404, body: { error: "health_check_not_found" } });
    expect(await api(desk, "/api/v1/health-checks/abc")).toMatchObject({ status: 400, body: { parameter: "runId" } });
  });

  it("is marked abandoned by the scheduler's sweep when no check follows", async () => {
    const desk = await startDesk({
      env: { INGEST_API_TOKEN: TOKEN, HEALTH_CHECK_CRON: "off", SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off" },
      start: { recoverEveryMs: 50 },
    });
    desks.push(desk);
    const dead = await leftRunning(desk, { leaseUntil: new Date(Date.now() - 1000) });
    const deadline = Date.now() + 10_000;
    const logged = () => desk.logs.some((l) => l.msg === "health check abandoned: its process stopped while it ran" && l.runId === dead.id);
    let status = "running";
    // The sweep stores the new status, then logs it: wait for both (a busy machine can poll in between).
    while ((status === "running" || !logged()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await api(desk, `/api/v1/health-checks/${dead.id}`)).body.status as string;
    }
    expect(status).toBe("abandoned");
    expect(logged()).toBe(true);
  });

  it("renews its lease while it runs, so a check that outlives its lease is not abandoned", async () => {
    const desk = await startDesk({ env: { INGEST_API_TOKEN: TOKEN, HEALTH_CHECK_CRON: "off" }, start: { jobLeaseMs: 3000 } });
    desks.push(desk);
    // A check under way (started, not finished) for longer than its lease: its heartbeat renews it every second.
    const run = await desk.app.success.health.startRun("manual", new Date(), new Date());
    await new Promise((r) => setTimeout(r, 4500));
    await desk.app.scheduler.sweep();
    expect((await api(desk, `/api/v1/health-checks/${run.id}`)).body.status).toBe("running");
    const counts = { accountsScored: 0, alertsRaised: 0, alertsCleared: 0, alertsWorsened: 0, error: null };
    await desk.app.success.health.finishRun(run.id, { status: "done", finishedAt: new Date(), ...counts });
    expect(await desk.app.db.client.healthCheckRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "done",
      leaseUntil: null,
    });
  });
});
