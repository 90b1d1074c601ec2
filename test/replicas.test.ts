// Several replicas on one Postgres database, as real processes: three app processes started at the same
// moment on an empty database behind the Slack stand-in, 2,000 customer messages spread over them with
// Slack's retries and duplicate deliveries, 20% 429/5xx answers from Slack, one replica killed (SIGKILL)
// half-way. Every message must have exactly one ticket, one acknowledgement and one triage card, and
// every scheduled tick must have run once. Replicas are a Postgres feature (SQLite is for one process), so
// this runs in the Postgres pass of the suite (TEST_DATABASE=postgres), not twice.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { BOT_TOKEN, HOME_TEAM, SIGNING_SECRET, sign, usePostgres } from "./support/harness.ts";
import { SlackStandIn } from "./support/slack-stand-in.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const MESSAGES = 2000;
const CHANNELS = Array.from({ length: 100 }, (_, i) => `CREP${String(i).padStart(3, "0")}`);
const TRIAGE = "CREPTRIAGE";

interface Replica {
  name: string;
  child: ChildProcess;
  port: number;
  alive: boolean;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function createDatabase(): Promise<string> {
  const name = `desk_replicas_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.on("data", (d: Buffer) => stderr.push(String(d)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s: ${stderr.join("").slice(-2000)}`)), 60_000);
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}: ${stderr.join("").slice(-2000)}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === "customer desk started" && entry.port) {
          clearTimeout(timer);
          resolve({ name, child, port: entry.port, alive: true });
        }
      } catch {
        // not a log line
      }
    });
  });
}

async function deliver(replica: Replica, envelope: Record<string, unknown>, retryNum = 0): Promise<number> {
  const body = JSON.stringify(envelope);
  const headers: Record<string, string> = { "content-type": "application/json", ...sign(body) };
  if (retryNum) Object.assign(headers, { "x-slack-retry-num": String(retryNum), "x-slack-retry-reason": "http_timeout" });
  const res = await fetch(`http://127.0.0.1:${replica.port}/slack/events`, {
    method: "POST",
    headers,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  await res.text();
  return res.status;
}

describe.runIf(usePostgres())("three replicas on one Postgres database", () => {
  it("turn 2,000 messages into exactly one ticket, acknowledgement and card each, through faults and a killed replica", async () => {
    const slack = new SlackStandIn();
    await slack.start();
    cleanups.push(() => slack.stop());
    const databaseUrl = await createDatabase();
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: "0",
      DATABASE_URL: databaseUrl,
      TRIAGE_CHANNEL: TRIAGE,
      SUPPORT_CHANNELS: CHANNELS.join(","),
      AGENT_USER_IDS: "UAGENT1",
      OUTBOX_CHANNEL_INTERVAL_MS: "0",
      INTAKE_MERGE_WINDOW_MINUTES: "0",
      INTAKE_IGNORE_PLEASANTRIES: "false",
      CSAT_ENABLED: "false",
      LEASE_SECONDS: "15",
      OUTBOX_RETRY_BASE_MS: "100",
      SLA_SWEEP_CRON: "* * * * *",
      SUPPORT_SUMMARY_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      ALERT_ESCALATION_CRON: "off",
      LOG_LEVEL: "info",
    };

    // All three at the same moment on an empty database: one migrates, all come up.
    const replicas = await Promise.all(["r1", "r2", "r3"].map((name) => startReplica(name, env)));
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    const migrations = await db.query(`SELECT name, COUNT(*) AS n FROM "_app_migrations" GROUP BY name`);
    expect(migrations.rows.length).toBeGreaterThan(0);
    expect(migrations.rows.every((r: { n: string }) => Number(r.n) === 1)).toBe(true);

    // A fifth of posts and updates fail; one fault in ten is a 429, which holds the whole channel for its
    // Retry-After (a second), so the triage channel's 2,000 cards still pause about forty times.
    slack.faultRate(0.2, { methods: ["chat.postMessage", "chat.update"], retryAfter: 1, seed: 7, rateLimitedShare: 0.1 });
    const messages = Array.from({ length: MESSAGES }, (_, i) => {
      const channel = CHANNELS[i % CHANNELS.length];
      const msg = slack.seed(channel, { user: `UCUST${i % 50}`, text: `Request ${i}: the export of report ${i} fails` });
      return { i, channel, ts: msg.ts, text: msg.text, user: `UCUST${i % 50}` };
    });
    const envelope = (m: (typeof messages)[number], eventId: string) => ({
      token: "t",
      team_id: HOME_TEAM,
      api_app_id: "A111",
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: "message",
        channel: m.channel,
        user: m.user,
        text: m.text,
        ts: m.ts,
        team: HOME_TEAM,
        event_ts: m.ts,
        channel_type: "channel",
      },
    });

    let next = 0;
    const live = () => replicas.filter((r) => r.alive);
    // Like a load balancer: round-robin over live replicas; a failed delivery is retried elsewhere, as Slack does.
    const send = async (m: (typeof messages)[number], eventId: string, retryNum = 0): Promise<void> => {
      for (let attempt = 0; attempt < 6; attempt++) {
        const pool = live();
        const replica = pool[next++ % pool.length];
        try {
          if ((await deliver(replica, envelope(m, eventId), retryNum + attempt)) === 200) return;
        } catch {
          // connection refused or reset: the replica is gone; try another
        }
      }
      throw new Error(`message ${m.i} could not be delivered`);
    };
    const worker = async (queue: (typeof messages)[number][]) => {
      for (const m of queue) {
        const eventId = `EvRep${m.i}`;
        await send(m, eventId);
        if (m.i % 10 === 3) await send(m, eventId, 1); // Slack retried: same event id, another replica
        if (m.i % 25 === 7) await send(m, `EvRepAgain${m.i}`); // the same message again under a new event id
        if (m.i === MESSAGES / 2) {
          replicas[1].alive = false;
          replicas[1].child.kill("SIGKILL");
        }
      }
    };
    const lanes = Array.from({ length: 16 }, (_, lane) => messages.filter((m) => m.i % 16 === lane));
    await Promise.all(lanes.map(worker));

    // Everything the survivors hold, and what the killed replica held, is worked through.
    const deadline = Date.now() + 480_000;
    for (;;) {
      const { rows } = await db.query(
        `SELECT (SELECT COUNT(*) FROM "InboxEvent" WHERE status = 'pending') AS inbox, (SELECT COUNT(*) FROM "OutboxMessage" WHERE status IN ('pending', 'sending')) AS outbox`,
      );
      if (Number(rows[0].inbox) === 0 && Number(rows[0].outbox) === 0) break;
      if (Date.now() > deadline) throw new Error(`not drained: ${JSON.stringify(rows[0])}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const tickets = await db.query(`SELECT "channelId", "sourceTs", COUNT(*) AS n FROM "Ticket" GROUP BY 1, 2`);
    expect(tickets.rows).toHaveLength(MESSAGES);
    expect(tickets.rows.every((r: { n: string }) => Number(r.n) === 1)).toBe(true);
    const failed = await db.query(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE status = 'failed'`);
    expect(Number(failed.rows[0].n)).toBe(0);
    for (const m of messages) {
      const acks = slack.messages(m.channel).filter((x) => x.thread_ts === m.ts && x.user === slack.botUserId);
      expect(acks, `acknowledgements of message ${m.i}`).toHaveLength(1);
    }
    const cards = slack.messages(TRIAGE).filter((x) => !x.thread_ts);
    expect(cards).toHaveLength(MESSAGES);
    const numbers = new Set(cards.map((c) => /Ticket #(\d+)/.exec(c.text ?? "")?.[1]));
    expect(numbers.size).toBe(MESSAGES);

    // Every minute's SLA sweep ran once, none left running by the killed replica.
    const runs = await db.query(`SELECT key, status FROM "JobRun" WHERE name = 'sla-sweep' ORDER BY slot`);
    expect(runs.rows.length).toBeGreaterThan(0);
    expect(runs.rows.filter((r: { status: string }) => r.status !== "done")).toEqual([]);
    const slots = await db.query(`SELECT slot FROM "JobRun" WHERE name = 'sla-sweep' ORDER BY slot`);
    const minutes = slots.rows.map((r: { slot: Date }) => new Date(r.slot).getTime() / 60_000);
    for (let k = 1; k < minutes.length; k++) expect(minutes[k] - minutes[k - 1]).toBe(1);
  }, 660_000);
});
