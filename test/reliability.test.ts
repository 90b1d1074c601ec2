import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SlackStandIn } from "./support/slack-stand-in.ts";
import {
  CUSTOMER,
  HOME_TEAM,
  SUPPORT,
  TRIAGE,
  baseEnv,
  freshDatabase,
  nextEventId,
  sign,
  startDesk,
  type Desk,
} from "./support/harness.ts";
import { OUTBOX_METADATA_TYPE } from "../src/platform/outbox/dispatcher.ts";

let desk: Desk | undefined;
afterEach(async () => {
  await desk?.stop();
  desk = undefined;
});

const root = path.resolve(import.meta.dirname, "..");

describe("Slack's retries and second deliveries", () => {
  it("makes one ticket, one acknowledgement and one card for retries and for the same message under a new event id", async () => {
    desk = await startDesk();
    const msg = desk.slack.seed(SUPPORT, { user: CUSTOMER, text: "Webhooks stopped arriving" });
    const event = { type: "message", channel: SUPPORT, user: CUSTOMER, text: msg.text, ts: msg.ts, team: HOME_TEAM, event_ts: msg.ts };
    const eventId = nextEventId();
    const answers = await Promise.all([
      desk.event(event, { eventId }),
      desk.event(event, { eventId, retryNum: 1 }),
      desk.event(event, { eventId, retryNum: 2 }),
      desk.event(event, { eventId: nextEventId() }), // the same message again under another event id
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    await desk.settle();
    // After processing, further late deliveries still change nothing.
    await desk.event(event, { eventId, retryNum: 3 });
    await desk.event(event, { eventId: nextEventId() });
    await desk.settle();

    expect(await desk.app.db.client.ticket.count()).toBe(1);
    expect(await desk.app.db.client.inboxEvent.count()).toBe(1);
    expect(desk.slack.messages(SUPPORT).filter((m) => m.bot_id)).toHaveLength(1);
    expect(desk.slack.messages(TRIAGE)).toHaveLength(1);
  });
});

describe("the outbox under Slack's errors", () => {
  it("with 20% of Web API calls answered 429 or 5xx, loses no post and doubles none", async () => {
    const slack = new SlackStandIn();
    await slack.start();
    desk = await startDesk({ slack, env: { INTAKE_MERGE_WINDOW_MINUTES: "0" } });
    slack.faultRate(0.2, { seed: 7, retryAfter: 1 });
    const n = 30;
    const sent: string[] = [];
    for (let i = 0; i < n; i++) {
      const { ts } = await desk.customerSays(`Request ${i}: the report is wrong`, { user: `UCUST${i % 7}` });
      sent.push(ts);
    }
    await desk.settle(90_000);
    slack.faultRate(0);

    const faulted = slack.calls.filter((c) => c.status !== 200);
    expect(faulted.length).toBeGreaterThan(5);
    expect(faulted.some((c) => c.status === 429)).toBe(true);
    expect(faulted.some((c) => c.status >= 500)).toBe(true);

    expect(await desk.app.db.client.ticket.count()).toBe(n);
    for (const ts of sent) {
      expect(slack.messages(SUPPORT).filter((m) => m.thread_ts === ts && m.bot_id)).toHaveLength(1);
    }
    const cards = slack.messages(TRIAGE).filter((m) => !m.thread_ts);
    expect(cards).toHaveLength(n);
    expect(new Set(cards.map((c) => (c.metadata as { event_payload: { outbox_id: number } }).event_payload.outbox_id)).size).toBe(n);
    expect(await desk.app.db.client.outboxMessage.count({ where: { status: { not: "sent" } } })).toBe(0);
    await slack.stop();
  });

  it("waits out a 429's Retry-After before calling that channel again", async () => {
    desk = await startDesk();
    // The acknowledgement in the customer's channel gets the 429 (the card goes to the triage channel at the same time).
    desk.slack.failNext("chat.postMessage", { status: 429, retryAfter: 1 }, 1, SUPPORT);
    await desk.customerSays("Slow down please");
    await desk.settle();
    const attempts = desk.slack.allCallsTo("chat.postMessage").filter((c) => c.args.channel === SUPPORT);
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(950);
  });

  it("keeps about one post per second per channel", async () => {
    desk = await startDesk({ env: { OUTBOX_CHANNEL_INTERVAL_MS: "1000", INTAKE_MERGE_WINDOW_MINUTES: "0" } });
    for (let i = 0; i < 3; i++) await desk.customerSays(`Question ${i}`, { user: `UCUST${i}` });
    await desk.settle();
    const posts = desk.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === SUPPORT);
    expect(posts).toHaveLength(3);
    // Slack counts posts as they arrive: the interval runs from the end of the previous call, so the
    // arrivals themselves are at least the interval apart, however long each call takes.
    for (let i = 1; i < posts.length; i++) expect(posts[i].at - posts[i - 1].at).toBeGreaterThanOrEqual(1000);
  });

  it("stops on a permanent error, keeps the post as failed and reports it in the log and on /healthz", async () => {
    desk = await startDesk();
    desk.slack.notInChannel.add(SUPPORT);
    await desk.customerSays("Anyone there?");
    await desk.settle();
    const failed = await desk.app.db.client.outboxMessage.findMany({ where: { status: "failed" } });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ channelId: SUPPORT, lastError: "not_in_channel", attempts: 1 });
    expect(desk.slack.messages(TRIAGE)).toHaveLength(1); // the card still went out
    expect(desk.logs.some((l) => l.level === "error" && l.error === "not_in_channel" && l.outboxId === failed[0].id)).toBe(true);
    const health = await (await fetch(`${desk.baseUrl}/healthz`)).json();
    expect(health).toMatchObject({
      status: "degraded",
      outbox: { failed: 1, recentFailures: [{ error: "not_in_channel", channel: SUPPORT }] },
    });
  });

  it("does not post twice when a crash came between sending and recording", async () => {
    desk = await startDesk();
    await desk.customerSays("Crash test");
    await desk.settle();
    const db = desk.app.db.client;
    const card = await db.outboxMessage.findFirstOrThrow({ where: { channelId: TRIAGE } });
    // Another card, as a crashed process left it: Slack has the message, the row still says "sending".
    const row = await db.outboxMessage.create({
      data: {
        method: "chat.postMessage",
        channelId: TRIAGE,
        payload: JSON.stringify({ text: "orphan" }),
        status: "sending",
        attempts: 1,
        availableAt: new Date(),
        createdAt: new Date(),
        leaseUntil: new Date(Date.now() - 1000),
      },
    });
    const posted = await fetch(`${desk.slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer xoxb-x" },
      body: JSON.stringify({
        channel: TRIAGE,
        text: "orphan",
        metadata: { event_type: OUTBOX_METADATA_TYPE, event_payload: { outbox_id: row.id } },
      }),
    }).then((r) => r.json() as Promise<{ ts: string }>);
    desk.app.dispatcher.wake();
    await desk.settle();
    const after = await db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ status: "sent", postedTs: posted.ts });
    expect(desk.slack.messages(TRIAGE).filter((m) => m.text === "orphan")).toHaveLength(1);
    expect(card.status).toBe("sent");
  });
});

describe("a process killed right after answering 200", () => {
  it("loses nothing: on restart the ticket, its acknowledgement and its card appear, once", async () => {
    const slack = new SlackStandIn();
    await slack.start();
    const database = await freshDatabase();
    const env = {
      ...process.env,
      ...baseEnv(slack, database.url),
      PORT: String(20000 + Math.floor(Math.random() * 20000)),
      LOG_LEVEL: "warn",
      // When the killed process had already claimed the event (a loaded machine lets it get that far), the
      // restarted one takes it over once the claim's lease runs out: keep that short here.
      LEASE_SECONDS: "5",
    };
    const children: ChildProcess[] = [];
    const launch = async () => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "src/main.ts")], {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      let stderr = "";
      child.stderr!.on("data", (d) => (stderr += String(d)));
      // A liveness bound, not a speed check: a loaded CI machine can take tens of seconds to start tsx.
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const ok = await fetch(`http://127.0.0.1:${env.PORT}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return child;
        if (child.exitCode !== null) throw new Error(`app exited: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`app did not start: ${stderr}`);
    };
    try {
      // Slack is slow to answer, so the first process is killed before it can post anything.
      slack.delayMs = 3000;
      const first = await launch();
      const msg = slack.seed(SUPPORT, { user: CUSTOMER, text: "Killed right after the 200" });
      const body = JSON.stringify({
        type: "event_callback",
        team_id: HOME_TEAM,
        event_id: nextEventId(),
        event: { type: "message", channel: SUPPORT, user: CUSTOMER, text: msg.text, ts: msg.ts, team: HOME_TEAM },
      });
      const res = await fetch(`http://127.0.0.1:${env.PORT}/slack/events`, {
        method: "POST",
        headers: { "content-type": "application/json", ...sign(body) },
        body,
      });
      expect(res.status).toBe(200);
      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      expect(slack.callsTo("chat.postMessage")).toHaveLength(0);

      slack.delayMs = 0;
      const second = await launch();
      await slack.waitFor(
        () => slack.messages(TRIAGE).length === 1 && slack.messages(SUPPORT).some((m) => m.bot_id),
        20_000,
        "ticket after restart",
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(slack.messages(TRIAGE)).toHaveLength(1);
      const acks = slack.messages(SUPPORT).filter((m) => m.bot_id && m.thread_ts === msg.ts);
      expect(acks).toHaveLength(1);
      expect(acks[0].text).toMatch(/#1\b/);
      second.kill("SIGTERM");
      await new Promise((r) => second.once("exit", r));
      expect(second.exitCode).toBe(0);
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
      await slack.stop();
      await database.drop();
    }
  }, 240_000);
});

describe("direct messages", () => {
  const PERSON = "UCSM9";
  const dm = (text: string, o: { status?: string; attempts?: number; leaseUntil?: Date } = {}) =>
    desk!.app.db.client.outboxMessage.create({
      data: {
        method: "chat.postMessage",
        channelId: PERSON, // a person: the post goes to the app's DM with them
        payload: JSON.stringify({ text }),
        status: o.status ?? "pending",
        attempts: o.attempts ?? 0,
        availableAt: new Date(),
        createdAt: new Date(),
        leaseUntil: o.leaseUntil ?? null,
      },
    });

  it("opens the person's DM channel, and a DM whose first send got a 5xx is delivered exactly once", async () => {
    desk = await startDesk();
    desk.slack.failNext("chat.postMessage", { status: 500 });
    const row = await dm("Acme asked for SSO: it has shipped");
    desk.app.dispatcher.wake();
    await desk.settle();

    const channel = desk.slack.dmOf(PERSON);
    expect(await desk.app.db.client.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "sent",
      attempts: 2,
      lastError: null,
    });
    expect(desk.slack.messages(PERSON).map((m) => m.text)).toEqual(["Acme asked for SSO: it has shipped"]);
    // After the uncertain first send, the look-up for an earlier post read the DM channel, not the user ID.
    expect(desk.slack.allCallsTo("chat.postMessage").map((c) => [c.args.channel, c.status])).toEqual([
      [channel, 500],
      [channel, 200],
    ]);
    expect(desk.slack.allCallsTo("conversations.history").map((c) => [c.args.channel, c.error])).toEqual([[channel, undefined]]);

    // A second DM to the same person: the DM channel is remembered.
    await dm("Globex asked too");
    desk.app.dispatcher.wake();
    await desk.settle();
    expect(desk.slack.messages(PERSON)).toHaveLength(2);
    expect(desk.slack.allCallsTo("conversations.open")).toHaveLength(1);
  });

  it("retries when opening the DM channel fails with a 5xx", async () => {
    desk = await startDesk();
    desk.slack.failNext("conversations.open", { status: 503 });
    const row = await dm("Your weekly accounts");
    desk.app.dispatcher.wake();
    await desk.settle();
    expect(await desk.app.db.client.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "sent" });
    expect(desk.slack.messages(PERSON)).toHaveLength(1);
    expect(desk.slack.allCallsTo("conversations.open").map((c) => c.status)).toEqual([503, 200]);
  });

  it("does not send a DM twice when a crash came between sending and recording", async () => {
    desk = await startDesk();
    // As a crashed process left it: Slack has the DM, the row still says "sending", its lease ran out.
    const row = await dm("Sent just before the crash", { status: "sending", attempts: 1, leaseUntil: new Date(Date.now() - 1000) });
    const posted = await fetch(`${desk.slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer xoxb-x" },
      body: JSON.stringify({
        channel: PERSON,
        text: "Sent just before the crash",
        metadata: { event_type: OUTBOX_METADATA_TYPE, event_payload: { outbox_id: row.id } },
      }),
    }).then((r) => r.json() as Promise<{ ts: string }>);
    desk.app.dispatcher.wake();
    await desk.settle();
    expect(await desk.app.db.client.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "sent",
      postedTs: posted.ts,
    });
    expect(desk.slack.messages(PERSON)).toHaveLength(1);
  });
});
