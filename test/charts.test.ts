// Charts in Slack: drawn on the server from fixed data to PNGs of the expected size (text included), and
// uploaded through the real app to the Slack stand-in (files.getUploadURLExternal, the upload POST,
// files.completeUploadExternal) after the message they go with; a failed upload leaves the message posted,
// and CHARTS=off uploads nothing.
import { afterEach, describe, expect, it } from "vitest";
import { CHART_HEIGHT, CHART_WIDTH, healthChartSpec, supportTrendSpec } from "../src/slack/charts/specs.ts";
import { CHART_SCALE, chartSvg, renderChart, svgToPng } from "../src/slack/charts/render.ts";
import { CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, startDesk, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";
import { addAccount, addUsage } from "./support/success-fixtures.ts";

const AT = new Date("2026-11-20T06:00:00Z");
const DAY = 86_400_000;
const CSM = "UCSM1";
const ALERTS = "CALERTS";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's header (the IHDR chunk right after the signature). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const EXPECTED = { width: CHART_WIDTH * CHART_SCALE, height: CHART_HEIGHT * CHART_SCALE };

describe("drawing charts", () => {
  it("draws an account's health over 90 days from fixed data as a PNG of the chart's size", async () => {
    const points = Array.from({ length: 90 }, (_, i) => ({
      computedAt: new Date(AT.getTime() - (89 - i) * DAY).toISOString(),
      score: 80 - Math.floor(i / 2),
      components: [
        { name: "usage_trend", score: 90 - i, weight: 0.3 },
        { name: "nps", score: 30, weight: 0.17 },
        { name: "licence_utilisation", score: 10, weight: 0.285 },
        { name: "feature_breadth", score: 40, weight: 0.16 },
        { name: "key_event_trend", score: 50, weight: 0.08 },
      ],
    }));
    const spec = healthChartSpec({ name: "Acme Corp", points });
    const svg = await chartSvg(spec);
    expect(svg).toContain("Acme Corp: health over the last 90 days");
    // The score and the four heaviest components; the lightest is left out.
    for (const label of ["Health score", "Usage trend", "Licence utilisation", "Nps", "Feature breadth"]) expect(svg).toContain(label);
    expect(svg).not.toContain("Key event trend");
    const chart = await renderChart(spec);
    expect({ width: chart.width, height: chart.height }).toEqual(EXPECTED);
    expect(pngSize(chart.png)).toEqual(EXPECTED);
  });

  it("draws tickets and median first response over 12 weeks as a PNG of the chart's size, a week without responses left out", async () => {
    const weeks = Array.from({ length: 12 }, (_, i) => ({
      from: new Date(Date.UTC(2026, 8, 7) + i * 7 * DAY),
      tickets: 10 + i,
      medianFirstResponseSeconds: i === 4 ? null : 1800 * (i + 1),
    }));
    const spec = supportTrendSpec({ weeks });
    const svg = await chartSvg(spec);
    for (const label of ["Tickets and median first response, last 12 weeks", "Sep 7", "Nov 23", "Median first response (hours)"])
      expect(svg).toContain(label);
    const chart = await renderChart(spec);
    expect(pngSize(chart.png)).toEqual(EXPECTED);
  });

  it("draws text with the machine's fonts (a machine without fonts would draw charts without words)", () => {
    const svg = (text: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/>` +
      `<text x="10" y="28" font-family="DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif" font-size="20" fill="black">${text}</text></svg>`;
    const withText = svgToPng(svg("Health 42"), 1);
    const without = svgToPng(svg(""), 1);
    expect(pngSize(withText.png)).toEqual({ width: 200, height: 40 });
    expect(withText.png.equals(without.png)).toBe(false);
  });
});

const desks: Desk[] = [];
afterEach(async () => {
  while (desks.length) await desks.pop()!.stop();
});

async function deskAt(at: Date, env: Record<string, string> = {}) {
  const clock = new TestClock(at);
  const desk = await startDesk({
    env: {
      ALERTS_CHANNEL: ALERTS,
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      ALERT_ESCALATION_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      CHARTS: "on",
      ...env,
    },
    start: { clock },
  });
  desks.push(desk);
  return { desk, clock };
}

/** acme: scored twice (a day apart), red, so it has an alert too. */
async function scoredAccount(desk: Desk) {
  const db = desk.app.db;
  await addAccount(
    db,
    { externalId: "acme", name: "Acme Corp", seats: 50, arr: 120000, renewalDate: "2027-01-10", csmSlackUserId: CSM },
    AT,
  );
  await addUsage(db, "acme", AT, { before: 40, after: 4, features: ["reports", "exports"], uploadsBefore: 200, uploadsAfter: 5 });
  // 25 days earlier the collapse had just begun (too few days before it for a trend): green, no alert; today
  // it is red, a new alert of its own.
  await desk.app.healthChecks.run("manual", new Date(AT.getTime() - 25 * DAY));
  await desk.app.healthChecks.run("manual", AT);
}

const csAccount = (desk: Desk) =>
  desk
    .command({ command: "/cs", text: "account acme", user_id: CSM })
    .then((r) => r.json() as Promise<{ response_type: string; blocks?: unknown[] }>);

describe("/cs account", () => {
  it("answers first, then uploads the account's health chart to the asker's DM with the app", async () => {
    const { desk } = await deskAt(AT, { ALERTS_CHANNEL: "" });
    await scoredAccount(desk);
    const answer = await csAccount(desk);
    expect(answer.response_type).toBe("ephemeral");
    expect(JSON.stringify(answer.blocks)).toContain("Acme Corp");
    const upload = await desk.slack.waitFor(() => desk.slack.uploads[0], 15_000, "the chart upload");
    expect(upload.channel).toBe(desk.slack.dmOf(CSM));
    expect(upload.thread_ts).toBeUndefined();
    expect(upload.filename).toBe("health-acme.png");
    expect(upload.initial_comment).toContain("*Acme Corp*");
    expect(upload.alt_text).toContain("Acme Corp");
    expect(pngSize(upload.bytes)).toEqual(EXPECTED);
    // files.uploadV2's three steps, in order.
    const steps = desk.slack.calls.map((c) => c.method).filter((m) => m.startsWith("files."));
    expect(steps).toEqual(["files.getUploadURLExternal", "files.completeUploadExternal"]);
    expect(desk.slack.uploads).toHaveLength(1);
  });

  it("when Slack refuses the upload, the answer stands and the failure is logged", async () => {
    const { desk } = await deskAt(AT, { ALERTS_CHANNEL: "" });
    await scoredAccount(desk);
    desk.slack.failNext("files.completeUploadExternal", { error: "not_allowed_token_type" });
    const answer = await csAccount(desk);
    expect(answer.response_type).toBe("ephemeral");
    expect(JSON.stringify(answer.blocks)).toContain("Acme Corp");
    const logged = await desk.slack.waitFor(
      () => desk.logs.find((l) => String(l.msg).includes("could not post a chart")),
      15_000,
      "the failure in the log",
    );
    expect(logged).toMatchObject({ level: "warn", chart: "account", accountId: "acme", slackError: "not_allowed_token_type" });
    expect(desk.slack.uploads).toHaveLength(0);
    // The next one goes through.
    await csAccount(desk);
    await desk.slack.waitFor(() => desk.slack.uploads[0], 15_000, "the next chart upload");
  });

  it("uploads nothing for an account never scored", async () => {
    const { desk } = await deskAt(AT, { ALERTS_CHANNEL: "" });
    await scoredAccount(desk);
    await addAccount(desk.app.db, { externalId: "zeta", name: "Zeta Inc", csmSlackUserId: CSM }, AT);
    const answer = (text: string) =>
      desk.command({ command: "/cs", text, user_id: CSM }).then((r) => r.json() as Promise<{ response_type: string }>);
    expect((await answer("account zeta")).response_type).toBe("ephemeral");
    // Charts are drawn in order: once acme's is up, zeta's turn has passed.
    expect((await answer("account acme")).response_type).toBe("ephemeral");
    await desk.slack.waitFor(() => desk.slack.uploads[0], 15_000, "acme's chart");
    await desk.app.charts!.idle();
    expect(desk.slack.uploads.map((u) => u.filename)).toEqual(["health-acme.png"]);
  });
});

describe("a churn-risk alert", () => {
  it("gets the account's health chart in its thread once it is posted", async () => {
    const { desk } = await deskAt(AT);
    await scoredAccount(desk);
    await desk.settle();
    // The alert messages of their own (not the digest or the check's summary, which get no chart).
    const posted = await desk.app.db.client.outboxMessage.findMany({
      where: { method: "chat.postMessage", refKey: { startsWith: "account_alert:" }, status: "sent" },
    });
    expect(posted.length).toBeGreaterThan(0);
    await desk.slack.waitFor(() => desk.slack.uploads.length >= posted.length, 30_000, "a chart per alert");
    await desk.app.charts!.idle();
    expect(desk.slack.uploads.map((u) => [u.channel, u.thread_ts]).sort()).toEqual(posted.map((m) => [m.channelId, m.postedTs]).sort());
    for (const u of desk.slack.uploads) expect(pngSize(u.bytes)).toEqual(EXPECTED);
  });
});

describe("the weekly support summary", () => {
  /** A ticket this week, then the summary's tick; `before` runs first (to make Slack refuse uploads). */
  async function summaryDesk(before: (desk: Desk) => void = () => {}) {
    const clock = new TestClock("2026-11-23T10:00:00Z");
    const desk = await startDesk({ env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "0 9 * * 1", CHARTS: "on" }, start: { clock } });
    desks.push(desk);
    before(desk);
    await desk.event({ type: "message", channel: SUPPORT, user: CUSTOMER, text: "A question this week", ts: clock.ts(), team: HOME_TEAM });
    await desk.settle();
    const slot = new Date("2026-11-30T09:00:00Z");
    clock.set(slot);
    expect(
      await desk.app.scheduler.tick(
        desk.app.jobs.find((j) => j.name === "support-summary")!,
        slot,
      ),
    ).toBe(true);
    await desk.settle();
    const summaries = desk.slack.messages(TRIAGE).filter((m) => m.text.startsWith("Weekly support summary"));
    expect(summaries).toHaveLength(1);
    return { desk, summary: summaries[0] };
  }

  it("gets tickets and median first response per week over 12 weeks in its thread", async () => {
    const { desk, summary } = await summaryDesk();
    const upload = await desk.slack.waitFor(() => desk.slack.uploads[0], 15_000, "the summary chart");
    expect(upload).toMatchObject({ channel: TRIAGE, thread_ts: summary.ts, filename: "support-12-weeks.png" });
    expect(upload.initial_comment).toContain("last 12 weeks");
    expect(pngSize(upload.bytes)).toEqual(EXPECTED);
  });

  it("stays posted when the upload fails, and the failure is logged", async () => {
    const { desk } = await summaryDesk((d) => (d.slack.failUploads = true));
    const logged = await desk.slack.waitFor(
      () => desk.logs.find((l) => String(l.msg).includes("could not post a chart")),
      15_000,
      "the failure in the log",
    );
    expect(logged).toMatchObject({ level: "warn", chart: "support-trend", channel: TRIAGE });
    expect(desk.slack.uploads).toHaveLength(0);
    expect(desk.slack.allCallsTo("files.completeUploadExternal")).toHaveLength(0);
  });
});

describe("CHARTS=off", () => {
  it("uploads nothing: not under /cs account, not with an alert, not with the weekly summary", async () => {
    const { desk, clock } = await deskAt(AT, { CHARTS: "off", SUPPORT_SUMMARY_CRON: "0 9 * * 1" });
    expect(desk.app.charts).toBeUndefined();
    await scoredAccount(desk);
    expect((await csAccount(desk)).response_type).toBe("ephemeral");
    const slot = new Date("2026-11-23T09:00:00Z");
    clock.set(slot);
    expect(
      await desk.app.scheduler.tick(
        desk.app.jobs.find((j) => j.name === "support-summary")!,
        slot,
      ),
    ).toBe(true);
    await desk.settle();
    expect(desk.slack.messages(ALERTS).length).toBeGreaterThan(0);
    expect(desk.slack.messages(TRIAGE).some((m) => m.text.startsWith("Weekly support summary"))).toBe(true);
    expect(desk.slack.calls.filter((c) => c.method.startsWith("files."))).toHaveLength(0);
    const health = (await (await fetch(`${desk.baseUrl}/healthz`)).json()) as { parts: Record<string, { enabled: boolean }> };
    expect(health.parts.charts.enabled).toBe(false);
  });
});
