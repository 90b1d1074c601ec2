// Operating the desk, through the real app: GET /metrics after real traffic, /healthz (liveness) and
// /readyz (readiness), the inbox retention job, and the outbox tool (tools/outbox.ts).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startDesk, SUPPORT, TRIAGE, usePostgres, type Desk } from "./support/harness.ts";
import { slotOf } from "../src/platform/scheduler/scheduler.ts";
import { INBOX_RETENTION_JOB, InboxRetention } from "../src/platform/inbox/retention.ts";
import { runOutboxCommand, type Output } from "../tools/outbox.ts";
import { addAccount } from "./support/success-fixtures.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DAY = 86_400_000;
const METRICS_TOKEN = "metrics-token-0123456789";

let desk: Desk | undefined;
afterEach(async () => {
  await desk?.stop();
  desk = undefined;
});

/** The value of one sample in Prometheus text, matched by name and labels (in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v))
      return Number(match[3]);
  }
  return undefined;
}

async function scrape(d: Desk, token = METRICS_TOKEN): Promise<string> {
  const res = await fetch(`${d.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
  return res.text();
}

const readyz = async (d: Desk) => {
  const res = await fetch(`${d.baseUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

/** Runs `npm run outbox -- <args>` as an operator would, against the test's database. */
function outboxTool(databaseUrl: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "tools/outbox.ts"), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function captured(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe("GET /metrics", () => {
  it("counts events, outcomes and Slack calls (a 429 as rate_limited), shows the state gauges and process metrics, and wants METRICS_TOKEN when set", async () => {
    desk = await startDesk({ env: { METRICS_TOKEN, SLA_SWEEP_CRON: "off" } });
    expect((await fetch(`${desk.baseUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${desk.baseUrl}/metrics`, { headers: { authorization: "Bearer not-the-metrics-token" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "unauthorized", message: expect.stringContaining("METRICS_TOKEN") });

    desk.slack.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    await desk.customerSays("The export to CSV misses a column");
    await desk.settle();
    const text = await scrape(desk);

    expect(sample(text, "desk_inbox_events_received_total", { type: "message" })).toBe(1);
    expect(sample(text, "desk_inbox_events_processed_total", { type: "message", outcome: "done" })).toBe(1);
    expect(sample(text, "desk_slack_api_calls_total", { method: "chat.postMessage", outcome: "rate_limited" })).toBe(1);
    // The acknowledgement and the card, one of them after waiting out the 429.
    expect(sample(text, "desk_slack_api_calls_total", { method: "chat.postMessage", outcome: "ok" })).toBe(2);
    expect(sample(text, "desk_tickets_open", { status: "open" })).toBe(1);
    expect(sample(text, "desk_tickets_open", { status: "pending" })).toBe(0);
    expect(sample(text, "desk_inbox_pending_events")).toBe(0);
    expect(sample(text, "desk_inbox_oldest_pending_age_seconds")).toBe(0);
    expect(sample(text, "desk_outbox_depth")).toBe(0);
    expect(sample(text, "desk_outbox_oldest_pending_age_seconds")).toBe(0);
    expect(sample(text, "desk_outbox_failed")).toBe(0);
    expect(sample(text, "desk_database_up")).toBe(1);
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");

    // A health check that raises alerts, and a scheduled job's tick run here and then claimed elsewhere.
    await addAccount(desk.app.db, { externalId: "acme", name: "Acme", seats: 10 }, new Date());
    await desk.app.db.client.npsResponse.create({
      data: { accountExternalId: "acme", score: 2, comment: "Slow", respondedAt: new Date(Date.now() - DAY), receivedAt: new Date() },
    });
    const summary = await desk.app.healthChecks.run("manual");
    expect(summary.alertsRaised).toBeGreaterThan(0);
    const job = desk.app.jobs.find((j) => j.name === INBOX_RETENTION_JOB)!;
    const slot = slotOf(new Date());
    expect(await desk.app.scheduler.tick(job, slot)).toBe(true);
    expect(await desk.app.scheduler.tick(job, slot)).toBe(false);
    const after = await scrape(desk);
    expect(sample(after, "desk_health_checks_total", { trigger: "manual", status: "done" })).toBe(1);
    expect(sample(after, "desk_health_alerts_raised_total")).toBe(summary.alertsRaised);
    expect(sample(after, "desk_job_runs_total", { job: INBOX_RETENTION_JOB, outcome: "done" })).toBe(1);
    expect(sample(after, "desk_job_runs_total", { job: INBOX_RETENTION_JOB, outcome: "skipped" })).toBe(1);
    expect(sample(after, "desk_job_duration_seconds_count", { job: INBOX_RETENTION_JOB, outcome: "done" })).toBe(1);
  });

  it("shows inbox lag and outbox depth while work waits", async () => {
    desk = await startDesk();
    await desk.app.dispatcher.stop(); // nothing is sent: the posts wait
    const old = new Date(Date.now() - 120_000);
    await desk.app.db.client.outboxMessage.create({
      data: {
        method: "chat.postMessage",
        channelId: SUPPORT,
        payload: JSON.stringify({ text: "waiting" }),
        availableAt: old,
        createdAt: old,
      },
    });
    await desk.app.processor.stop(); // nothing is worked through: the events wait
    await desk.app.db.client.inboxEvent.create({
      data: { eventId: "EvWAITING", eventType: "message", body: "{}", receivedAt: old, availableAt: old },
    });
    await desk.customerSays("Is anyone there?");
    const text = await scrape(desk);
    expect(sample(text, "desk_inbox_events_received_total", { type: "message" })).toBe(1);
    expect(sample(text, "desk_inbox_pending_events")).toBe(2);
    expect(sample(text, "desk_outbox_depth")).toBe(1);
    expect(sample(text, "desk_outbox_oldest_pending_age_seconds")).toBeGreaterThanOrEqual(120);
    expect(sample(text, "desk_inbox_oldest_pending_age_seconds")).toBeGreaterThanOrEqual(120);
    expect(sample(text, "desk_slack_api_calls_total", { method: "chat.postMessage", outcome: "ok" })).toBeUndefined();
  });
});

describe("GET /healthz and GET /readyz", () => {
  it("is ready while the database answers; when the database is gone /readyz answers 503 naming it and /healthz still 200", async () => {
    desk = await startDesk();
    const ready = await readyz(desk);
    expect(ready).toMatchObject({
      status: 200,
      body: { status: "ready", problems: [], database: { reachable: true, migrated: true }, outbox: { stuck: false } },
    });
    if (usePostgres()) {
      // The database server loses the database under the running app.
      const url = new URL(desk.databaseUrl);
      const name = url.pathname.slice(1);
      url.pathname = "/postgres";
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
      const gone = await readyz(desk);
      expect(gone.status).toBe(503);
      expect(gone.body).toMatchObject({ status: "not_ready", database: { reachable: false } });
      expect(gone.body.problems[0]).toContain("the database");
      expect(gone.body.problems[0]).toContain("cannot be reached");
    } else {
      // A SQLite file cannot vanish under an open connection; what can happen is that the app points at
      // a database that is not its own: its migrations are not there.
      await desk.app.db.client.$executeRawUnsafe('DROP TABLE "_app_migrations"');
      const gone = await readyz(desk);
      expect(gone.status).toBe(503);
      expect(gone.body).toMatchObject({ status: "not_ready", database: { reachable: true, migrated: false } });
      expect(gone.body.problems[0]).toContain("not migrated");
    }
    const live = await fetch(`${desk.baseUrl}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: "unavailable" });
  });

  it("is not ready while every post fails for good, and ready again once one goes out (retried with the outbox tool)", async () => {
    desk = await startDesk();
    desk.slack.missingChannels.add(TRIAGE);
    desk.slack.missingChannels.add(SUPPORT);
    await desk.customerSays("Our SSO login loops back to the start page");
    await desk.settle();
    const failed = await desk.app.db.client.outboxMessage.findMany({ where: { status: "failed" }, orderBy: { id: "asc" } });
    expect(failed.map((r) => [r.channelId, r.lastError])).toEqual(
      expect.arrayContaining([
        [SUPPORT, "channel_not_found"],
        [TRIAGE, "channel_not_found"],
      ]),
    );
    const stuck = await readyz(desk);
    expect(stuck.status).toBe(503);
    expect(stuck.body).toMatchObject({
      status: "not_ready",
      database: { reachable: true, migrated: true },
      outbox: { stuck: true, recentFailures: 2, lastSentAt: null },
    });
    expect(stuck.body.problems).toEqual([expect.stringContaining("the outbox is stuck: 2 post(s) to Slack failed for good")]);
    expect((await fetch(`${desk.baseUrl}/healthz`)).status).toBe(200);

    // The operator lists the failed posts, fixes the channel and retries the card.
    const listed = await outboxTool(desk.databaseUrl, ["list"]);
    expect(listed.stderr).toBe("");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("0 pending, 0 sending, 0 sent, 2 failed");
    const card = failed.find((r) => r.channelId === TRIAGE)!;
    const ack = failed.find((r) => r.channelId === SUPPORT)!;
    expect(listed.stdout).toMatch(
      new RegExp(`#${card.id}\\tfailed\\tchat.postMessage\\t${TRIAGE}\\t1\\t\\S+\\tchannel_not_found\\t"[^"]+`),
    );
    desk.slack.missingChannels.delete(TRIAGE);
    const retried = await outboxTool(desk.databaseUrl, ["retry", String(card.id)]);
    expect(retried).toMatchObject({ code: 0, stderr: "" });
    expect(retried.stdout).toContain(`outbox row #${card.id} is pending again`);
    await desk.slack.waitFor(() => desk!.slack.messages(TRIAGE).length === 1, 10_000, "the retried card");
    await desk.settle();
    expect(await desk.app.db.client.outboxMessage.findUniqueOrThrow({ where: { id: card.id } })).toMatchObject({ status: "sent" });
    expect(desk.slack.messages(TRIAGE)).toHaveLength(1);
    expect(await readyz(desk)).toMatchObject({ status: 200, body: { status: "ready", outbox: { stuck: false, recentFailures: 1 } } });

    // Refusals and drop, in process (same code as the command line).
    const io = captured();
    expect(await runOutboxCommand(desk.app.db, ["retry", String(card.id)], io)).toBe(1);
    expect(io.errors.pop()).toBe(`outbox row #${card.id} is sent, not failed: only failed rows can be retried`);
    expect(await runOutboxCommand(desk.app.db, ["drop", "999999"], io)).toBe(1);
    expect(io.errors.pop()).toContain("outbox row #999999 does not exist");
    expect(await runOutboxCommand(desk.app.db, ["drop", String(ack.id)], io)).toBe(0);
    expect(await desk.app.db.client.outboxMessage.findUniqueOrThrow({ where: { id: ack.id } })).toMatchObject({ status: "dropped" });
    expect(await runOutboxCommand(desk.app.db, ["drop", String(ack.id)], io)).toBe(1);
    expect(io.errors.pop()).toBe(`outbox row #${ack.id} is dropped, not failed: only failed rows can be dropped`);
    expect(await runOutboxCommand(desk.app.db, ["retry", "abc"], io)).toBe(2);
    expect(io.errors.pop()).toContain('the outbox row id must be a whole number such as 42, not "abc"');
    expect(await runOutboxCommand(desk.app.db, ["purge"], io)).toBe(2);
    expect(await runOutboxCommand(desk.app.db, ["list", "--status", "dropped"], io)).toBe(0);
    expect(io.lines.join("\n")).toContain(`#${ack.id}\tdropped\tchat.postMessage\t${SUPPORT}`);
  });
});

describe("inbox retention", () => {
  async function seedEvents(d: Desk, now: Date) {
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    const row = (key: string, status: string, daysAgo: number) => ({
      eventId: `Ev${key}`,
      eventType: "message",
      body: "{}",
      receivedAt: at(daysAgo),
      availableAt: at(daysAgo),
      status,
      processedAt: status === "done" ? at(daysAgo) : null,
    });
    await d.app.db.client.inboxEvent.createMany({
      data: [
        row("OLDDONE1", "done", 30),
        row("OLDDONE2", "done", 8),
        row("OLDFAILED", "failed", 30),
        row("RECENTDONE", "done", 6),
        row("TODAYDONE", "done", 0),
      ],
    });
  }

  it("deletes events done longer ago than INBOX_RETENTION, a batch at a time, and keeps failed and recent ones", async () => {
    desk = await startDesk({ env: { INBOX_RETENTION: "7d", SLA_SWEEP_CRON: "off" } });
    const now = new Date();
    await seedEvents(desk, now);
    const job = desk.app.jobs.find((j) => j.name === INBOX_RETENTION_JOB);
    expect(job?.schedule).toBe("30 3 * * *");
    expect(await desk.app.scheduler.tick(job!, slotOf(now))).toBe(true);
    const left = await desk.app.db.client.inboxEvent.findMany({ orderBy: { eventId: "asc" }, select: { eventId: true, status: true } });
    expect(left.map((r) => r.eventId)).toEqual(["EvOLDFAILED", "EvRECENTDONE", "EvTODAYDONE"]);
    const run = await desk.app.db.client.jobRun.findFirstOrThrow({ where: { name: INBOX_RETENTION_JOB } });
    expect(run.status).toBe("done");
    expect(JSON.parse(run.detail!)).toMatchObject({ deleted: 2, batches: 1 });

    // Batches: three statements of at most 2 rows for 5 old rows.
    await desk.app.db.client.inboxEvent.createMany({
      data: [1, 2, 3, 4, 5].map((i) => ({
        eventId: `EvBATCH${i}`,
        eventType: "message",
        body: "{}",
        receivedAt: new Date(now.getTime() - 9 * DAY),
        availableAt: new Date(now.getTime() - 9 * DAY),
        status: "done",
        processedAt: new Date(now.getTime() - 9 * DAY),
      })),
    });
    expect(await new InboxRetention(desk.app.db, 7 * DAY, { batchRows: 2 }).purge(now)).toMatchObject({ deleted: 5, batches: 3 });
    expect(await desk.app.db.client.inboxEvent.count()).toBe(3);
  });

  it("keeps every event when INBOX_RETENTION is off", async () => {
    desk = await startDesk({ env: { INBOX_RETENTION: "off" } });
    expect(desk.app.jobs.map((j) => j.name)).not.toContain(INBOX_RETENTION_JOB);
  });
});
