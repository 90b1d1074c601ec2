// Runs the real app (startApp from src/main.ts) on a real database against the Slack stand-in, and
// talks to it over HTTP with correctly signed requests, as Slack does.
import { createHmac, randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { rmSync } from "node:fs";
import { Writable } from "node:stream";
import pg from "pg";
import { afterEach, beforeEach } from "vitest";
import { openDatabase, type Database } from "../../src/platform/db/client.ts";
import { migrate } from "../../src/platform/db/migrate.ts";
import { loadConfig } from "../../src/platform/config/config.ts";
import { startApp, type RunningApp, type StartOptions } from "../../src/main.ts";
import { SlackStandIn } from "./slack-stand-in.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5".replace(/[^a-f0-9]/g, "a");
export const BOT_TOKEN = "xoxb-test-token";
export const HOME_TEAM = "T0HOME";
export const TRIAGE = "CTRIAGE";
export const SUPPORT = "CSUPPORT";
export const AGENT = "UAGENT1";
export const AGENT2 = "UAGENT2";
export const CUSTOMER = "UCUST1";

export const usePostgres = () => process.env.TEST_DATABASE === "postgres";
const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A fresh database for one test: a SQLite file, or a Postgres database created for it and dropped after. */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `desk_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  if (!usePostgres()) {
    const file = path.join(tmpdir(), `${name}.db`);
    return {
      url: `file:${file}`,
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `TEST_DATABASE=postgres but no Postgres answers at ${POSTGRES_ADMIN_URL} (${(error as Error).message}). ` +
        "Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_POSTGRES_URL.",
      { cause: error },
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * A fresh, migrated database for each test of the file (opened before it, closed and dropped after it):
 * call at the top of a file; the function returned gives the current test's database.
 */
export function useMigratedDatabase(): () => Database {
  let db: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    db = await openDatabase(fresh.url);
    await migrate(db);
  });
  afterEach(async () => {
    await db?.close();
    await drop?.();
    db = undefined;
    drop = undefined;
  });
  return () => {
    if (!db) throw new Error("useMigratedDatabase(): the database exists only while a test runs");
    return db;
  };
}

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return { "x-slack-signature": signature, "x-slack-request-timestamp": String(timestamp) };
}

export interface PostOptions {
  contentType?: string;
  headers?: Record<string, string>;
  /** false: send without a signature; a string: sign with that secret. */
  signWith?: false | string;
  timestamp?: number;
}

let eventCounter = 0;
export const nextEventId = () => `Ev${Date.now().toString(36).toUpperCase()}${(eventCounter++).toString(36).toUpperCase()}`;

export interface Desk {
  app: RunningApp;
  slack: SlackStandIn;
  baseUrl: string;
  databaseUrl: string;
  logs: Record<string, unknown>[];
  post(body: string, options?: PostOptions): Promise<Response>;
  /** Sends an Events API envelope around `event`. */
  event(
    event: Record<string, unknown>,
    options?: { eventId?: string; retryNum?: number; shared?: boolean; teamId?: string },
  ): Promise<Response>;
  /** A customer's message: stored in the stand-in (as Slack would have it) and delivered as an event. */
  customerSays(
    text: string,
    options?: { channel?: string; user?: string; thread_ts?: string; team?: string; shared?: boolean },
  ): Promise<{ ts: string; response: Response }>;
  command(fields: Record<string, string>): Promise<Response>;
  interaction(payload: Record<string, unknown>): Promise<Response>;
  /** Waits until the inbox is worked through and the outbox is sent. */
  settle(timeoutMs?: number): Promise<void>;
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface DeskOptions {
  env?: Record<string, string>;
  slack?: SlackStandIn;
  databaseUrl?: string;
  start?: StartOptions;
}

export function baseEnv(slack: SlackStandIn, databaseUrl: string): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    DATABASE_URL: databaseUrl,
    TRIAGE_CHANNEL: TRIAGE,
    SUPPORT_CHANNELS: SUPPORT,
    AGENT_USER_IDS: `${AGENT},${AGENT2}`,
    // The first agent is also an admin (every role); AGENT2 is an agent only.
    ADMIN_USER_IDS: AGENT,
    OUTBOX_CHANNEL_INTERVAL_MS: "0",
    // Drawing charts costs CPU in every test that posts an alert or a summary: test/charts.test.ts turns them on.
    CHARTS: "off",
    LOG_LEVEL: "info",
  };
}

export async function startDesk(options: DeskOptions = {}): Promise<Desk> {
  const slack = options.slack ?? new SlackStandIn();
  const ownSlack = !options.slack;
  if (ownSlack) await slack.start();
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => {} } : await freshDatabase();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ ...baseEnv(slack, database.url), ...options.env });
  const app = await startApp(config, { logDestination: sink, backoffBaseMs: 50, pollMs: 25, ...options.start });
  const baseUrl = `http://127.0.0.1:${app.port}`;

  const post = (body: string, o: PostOptions = {}) => {
    const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      "content-type": o.contentType ?? "application/json",
      ...(o.signWith === false ? {} : sign(body, timestamp, o.signWith ?? SIGNING_SECRET)),
      ...o.headers,
    };
    return fetch(`${baseUrl}/slack/events`, { method: "POST", headers, body });
  };

  const event: Desk["event"] = (ev, o = {}) => {
    const envelope = {
      token: "verification_token",
      team_id: o.teamId ?? HOME_TEAM,
      api_app_id: "A111",
      event: ev,
      type: "event_callback",
      event_id: o.eventId ?? nextEventId(),
      event_time: Math.floor(Date.now() / 1000),
      is_ext_shared_channel: o.shared ?? false,
    };
    return post(
      JSON.stringify(envelope),
      o.retryNum ? { headers: { "x-slack-retry-num": String(o.retryNum), "x-slack-retry-reason": "http_timeout" } } : {},
    );
  };

  const desk: Desk = {
    app,
    slack,
    baseUrl,
    databaseUrl: database.url,
    logs,
    post,
    event,
    async customerSays(text, o = {}) {
      const channel = o.channel ?? SUPPORT;
      const user = o.user ?? CUSTOMER;
      const msg = slack.seed(channel, { user, text, thread_ts: o.thread_ts, team: o.team });
      const response = await event(
        {
          type: "message",
          channel,
          user,
          text,
          ts: msg.ts,
          ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
          team: o.team ?? HOME_TEAM,
          ...(o.team ? { user_team: o.team, source_team: o.team } : {}),
          event_ts: msg.ts,
          channel_type: "channel",
        },
        { shared: o.shared ?? Boolean(o.team) },
      );
      return { ts: msg.ts, response };
    },
    command(fields) {
      const body = new URLSearchParams({
        token: "fixed-value",
        team_id: HOME_TEAM,
        team_domain: "example",
        channel_id: SUPPORT,
        channel_name: "support",
        user_id: AGENT,
        user_name: "agent",
        command: "/ticket",
        text: "",
        api_app_id: "A111",
        is_enterprise_install: "false",
        response_url: slack.responseUrl(`cmd-${eventCounter++}`),
        trigger_id: "111.222.xxx",
        ...fields,
      }).toString();
      return post(body, { contentType: "application/x-www-form-urlencoded" });
    },
    interaction(payload) {
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      return post(body, { contentType: "application/x-www-form-urlencoded" });
    },
    async settle(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const pendingIn = await app.db.client.inboxEvent.count({ where: { status: "pending" } });
        if (pendingIn === 0 && (await app.dispatcher.idle(Math.max(1, deadline - Date.now())))) {
          const again = await app.db.client.inboxEvent.count({ where: { status: "pending" } });
          if (again === 0) return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error("the app did not settle: events or posts still pending");
    },
    async stop(o = {}) {
      await app.stop();
      if (ownSlack) await slack.stop();
      if (!o.keepDatabase) await database.drop();
    },
  };
  return desk;
}

/** A block_actions payload as Slack sends it for a click on the triage card. */
export function cardAction(
  desk: Desk,
  o: { ticketId: number; actionId: string; user?: string; value?: string; selectedUser?: string; selectedOption?: string; blockN?: number },
) {
  const action: Record<string, unknown> = {
    action_id: o.actionId,
    block_id: `ticket:${o.ticketId}:${o.blockN ?? 1}`,
    action_ts: `${Math.floor(Date.now() / 1000)}.000100`,
  };
  if (o.value !== undefined) Object.assign(action, { type: "button", value: o.value });
  if (o.selectedUser !== undefined) Object.assign(action, { type: "users_select", selected_user: o.selectedUser });
  if (o.selectedOption !== undefined)
    Object.assign(action, {
      type: "static_select",
      selected_option: { text: { type: "plain_text", text: o.selectedOption }, value: o.selectedOption },
    });
  return desk.interaction({
    type: "block_actions",
    user: { id: o.user ?? AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
    api_app_id: "A111",
    token: "verification_token",
    container: { type: "message", message_ts: "1.000100", channel_id: TRIAGE, is_ephemeral: false },
    trigger_id: "12345.98765.abcd2358fdea",
    team: { id: HOME_TEAM, domain: "example" },
    channel: { id: TRIAGE, name: "triage" },
    response_url: desk.slack.responseUrl(`action-${eventCounter++}`),
    actions: [action],
  });
}
