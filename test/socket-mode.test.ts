// Socket Mode (SLACK_APP_TOKEN set): the app connects to the stand-in's WebSocket endpoint and gets the
// same envelopes Slack would send over it. Events are stored in the inbox before they are acknowledged;
// commands are answered with the listener's ack payload.
import { afterEach, describe, expect, it } from "vitest";
import { WebClient } from "@slack/web-api";
import { AGENT, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, nextEventId, startDesk, type Desk } from "./support/harness.ts";
import { SlackStandIn } from "./support/slack-stand-in.ts";
import { Inbox } from "../src/platform/inbox/inbox.ts";

const APP_TOKEN = "xapp-1-A111-1-abc";

let desk: Desk | undefined;
afterEach(async () => {
  await desk?.stop();
  desk = undefined;
});

async function startSocketDesk(): Promise<Desk> {
  const d = await startDesk({ env: { SLACK_APP_TOKEN: APP_TOKEN } });
  desk = d;
  await d.slack.waitFor(() => d.slack.socketConnections() > 0, 10_000, "the app's Socket Mode connection");
  return d;
}

/** An Events API payload (event_callback) for a customer's message that the stand-in already holds. */
function customerMessage(d: Desk, text: string) {
  const msg = d.slack.seed(SUPPORT, { user: CUSTOMER, text });
  const eventId = nextEventId();
  const payload = {
    token: "verification_token",
    team_id: HOME_TEAM,
    api_app_id: "A111",
    event: {
      type: "message",
      channel: SUPPORT,
      user: CUSTOMER,
      text,
      ts: msg.ts,
      team: HOME_TEAM,
      event_ts: msg.ts,
      channel_type: "channel",
    },
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    is_ext_shared_channel: false,
  };
  return { ts: msg.ts, eventId, payload };
}

/**
 * Holds every inbox write of the app for `delayMs` and notes when it finished, so an app that
 * acknowledged before storing would be caught: its ack would arrive while the row is not there yet. The
 * inbox writes its rows with a direct statement (not through Prisma), so the hold is on its `insert`.
 */
function slowInboxWrites(delayMs: number): { storedAt: number[]; restore: () => void } {
  const proto = Inbox.prototype as unknown as { insert: (events: unknown[]) => Promise<void> };
  const original = proto.insert;
  const storedAt: number[] = [];
  proto.insert = async function (this: unknown, events: unknown[]) {
    await new Promise((r) => setTimeout(r, delayMs));
    await original.call(this, events);
    storedAt.push(Date.now());
  };
  return {
    storedAt,
    restore: () => {
      proto.insert = original;
    },
  };
}

describe("Socket Mode", () => {
  it("connects with the app-level token; apps.connections.open refuses any other token", async () => {
    const d = await startSocketDesk();
    const opens = d.slack.callsTo("apps.connections.open");
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens[0].token).toBe(APP_TOKEN);

    const slack = new SlackStandIn();
    await slack.start();
    try {
      const bot = new WebClient("xoxb-not-an-app-token", { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
      await expect(bot.apps.connections.open({})).rejects.toMatchObject({ data: { ok: false, error: "invalid_auth" } });
    } finally {
      await slack.stop();
    }
  });

  it("stores an event in the inbox before acknowledging it, makes one ticket, and a retry makes none", async () => {
    const d = await startSocketDesk();
    const { ts, eventId, payload } = customerMessage(d, "Our exports fail with error 500 since this morning");
    const inboxRows = () => d.app.db.client.inboxEvent.count({ where: { eventId } });

    const slow = slowInboxWrites(300);
    let ack: Awaited<ReturnType<SlackStandIn["socketSend"]>>;
    let ackedAt: number;
    let rowsAtAck: number;
    try {
      ack = await d.slack.socketSend({ type: "events_api", payload });
      ackedAt = Date.now();
      rowsAtAck = await inboxRows();
    } finally {
      slow.restore();
    }
    expect(ack.envelope_id).toEqual(expect.any(String));
    expect(slow.storedAt).toHaveLength(1);
    expect(slow.storedAt[0]).toBeLessThanOrEqual(ackedAt);
    expect(rowsAtAck).toBe(1);

    await d.settle();
    const tickets = await d.app.db.client.ticket.findMany();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ channelId: SUPPORT, sourceTs: ts, threadTs: ts, requesterId: CUSTOMER, origin: "message" });
    const acknowledgements = d.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts && m.bot_id);
    expect(acknowledgements).toHaveLength(1);
    expect(acknowledgements[0].text).toContain(`#${tickets[0].id}`);
    const cards = () => d.slack.messages(TRIAGE).filter((m) => !m.thread_ts);
    expect(cards()).toHaveLength(1);

    // Slack delivers it again (the first ack was late): acknowledged, and nothing new happens.
    const retry = await d.slack.socketSend({ type: "events_api", payload, retry_attempt: 1, retry_reason: "timeout" });
    expect(retry.envelope_id).not.toBe(ack.envelope_id);
    await d.settle();
    expect(await inboxRows()).toBe(1);
    expect(await d.app.db.client.ticket.count()).toBe(1);
    expect(d.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts && m.bot_id)).toHaveLength(1);
    expect(cards()).toHaveLength(1);
  });

  it("answers /ticket with no text through the ack payload", async () => {
    const d = await startSocketDesk();
    const ack = await d.slack.socketSend({
      type: "slash_commands",
      payload: {
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
        response_url: d.slack.responseUrl("socket-cmd"),
        trigger_id: "111.222.xxx",
      },
    });
    expect(ack.payload).toMatchObject({ response_type: "ephemeral" });
    expect((ack.payload as { text: string }).text).toContain("Usage: `/ticket <what the customer needs>`");
    expect(await d.app.db.client.ticket.count()).toBe(0);
  });

  it("reports Socket Mode as on in /healthz", async () => {
    const d = await startSocketDesk();
    const res = await fetch(`${d.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    const health = (await res.json()) as { parts: { socketMode: { enabled: boolean } } };
    expect(health.parts.socketMode.enabled).toBe(true);
  });
});
