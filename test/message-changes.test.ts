// Messages as customers really change them and threads as they really use them: edits and deletions of a
// ticket's messages, replies in threads the app did not start, the :ticket: reaction inside threads, and
// mentions of the app. Events are built from Slack's own payload samples (../shared/slack/payloads/).
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, startDesk, type Desk } from "./support/harness.ts";
import type { Msg } from "./support/slack-stand-in.ts";

const payloads = path.resolve(import.meta.dirname, "../../shared/slack/payloads");
const sample = (name: string) => JSON.parse(readFileSync(path.join(payloads, name), "utf8")) as Record<string, any>;

let desk: Desk;
afterEach(async () => desk?.stop());

const tickets = () => desk.app.db.client.ticket.findMany({ orderBy: { id: "asc" } });
const cards = () => desk.slack.messages(TRIAGE).filter((m) => !m.thread_ts);
const cardOf = (n = 0) => cards()[n];
const cardText = (n = 0) => JSON.stringify(cardOf(n).blocks);
const cardThread = (card: Msg) => desk.slack.messages(TRIAGE).filter((m) => m.thread_ts === card.ts);
const events = (ticketId: number, kind?: string) =>
  desk.app.db.client.ticketEvent.findMany({ where: { ticketId, ...(kind ? { kind } : {}) }, orderBy: { id: "asc" } });

let tsCounter = 0;
/** A Slack ts for an event of now (an edit's or a deletion's own ts). */
const eventTs = () => `${Math.floor(Date.now() / 1000)}.${String(900000 + (tsCounter++ % 99999)).padStart(6, "0")}`;

/** A person's reply in a thread: stored in the stand-in and delivered as Slack sends it. */
async function replyIn(channel: string, threadTs: string, user: string, text: string, team = HOME_TEAM): Promise<Msg> {
  const m = desk.slack.seed(channel, { user, text, thread_ts: threadTs, team });
  await desk.event({ type: "message", channel, user, text, ts: m.ts, thread_ts: threadTs, team, event_ts: m.ts, channel_type: "channel" });
  return m;
}

/**
 * The person edits a message in Slack: the stand-in's copy changes, and the app gets `message_changed`
 * shaped like Slack's (event-message-changed-inner.json: `message` with `edited`, `previous_message`).
 */
function editEvent(m: Msg, text: string): Record<string, unknown> {
  const base = sample("event-message-changed-inner.json");
  const at = eventTs();
  const thread = m.thread_ts ? { thread_ts: m.thread_ts, parent_user_id: m.user } : {};
  const { thread_ts: _t, parent_user_id: _p, ...message } = base.message as Record<string, unknown>;
  const { thread_ts: _pt, parent_user_id: _pp, ...previous } = base.previous_message as Record<string, unknown>;
  const event = {
    ...base,
    channel: m.channel,
    message: {
      ...message,
      text,
      user: m.user,
      team: HOME_TEAM,
      user_team: HOME_TEAM,
      source_team: HOME_TEAM,
      ts: m.ts,
      ...thread,
      edited: { user: m.user, ts: at },
    },
    previous_message: { ...previous, text: m.text, user: m.user, team: HOME_TEAM, ts: m.ts, ...thread },
    event_ts: at,
    ts: at,
  };
  m.history.push({ text: m.text });
  m.text = text;
  return event;
}

/** Deleting a message without replies: `message_deleted` with `deleted_ts` and the message as it was. */
function deleteEvent(m: Msg): Record<string, unknown> {
  const at = eventTs();
  desk.slack.deleteMessage(m.channel, m.ts);
  return {
    type: "message",
    subtype: "message_deleted",
    hidden: true,
    channel: m.channel,
    ts: at,
    deleted_ts: m.ts,
    event_ts: at,
    channel_type: "channel",
    previous_message: {
      type: "message",
      user: m.user,
      text: m.text,
      ts: m.ts,
      team: HOME_TEAM,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    },
  };
}

/** Deleting a message that has replies: `message_changed` whose message is a tombstone. */
function tombstoneEvent(m: Msg): Record<string, unknown> {
  const base = sample("event-message-changed-inner.json");
  const at = eventTs();
  return {
    ...base,
    channel: m.channel,
    message: {
      type: "message",
      subtype: "tombstone",
      text: "This message was deleted.",
      user: "USLACKBOT",
      hidden: true,
      ts: m.ts,
      thread_ts: m.ts,
      reply_count: 1,
    },
    previous_message: { type: "message", text: m.text, user: m.user, team: HOME_TEAM, ts: m.ts, thread_ts: m.ts },
    event_ts: at,
    ts: at,
  };
}

async function openTicket(text: string) {
  const { ts } = await desk.customerSays(text);
  await desk.settle();
  const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
  const message = desk.slack.messages(SUPPORT).find((m) => m.ts === ts)!;
  return { ticket, message, card: cardOf() };
}

describe("edits and deletions of a ticket's messages", () => {
  it("an edit of the message a ticket was made from updates the card's quote, marked edited, and is recorded once", async () => {
    desk = await startDesk();
    const { ticket, message, card } = await openTicket("Exports fail");
    const edit = editEvent(message, "Exports fail with error 500 since 9:00");
    expect((await desk.event(edit)).status).toBe(200);
    await desk.settle();

    const blocks = cardText();
    expect(blocks).toContain("Exports fail with error 500 since 9:00");
    expect(blocks).toContain("(edited)");
    expect(await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({
      text: "Exports fail with error 500 since 9:00",
      sourceState: "edited",
      status: "open",
    });
    const [recorded] = await events(ticket.id, "source_edited");
    expect(recorded).toMatchObject({ actorId: CUSTOMER, fromValue: "Exports fail", toValue: "Exports fail with error 500 since 9:00" });
    // The team is told in the card's thread, with what it said before.
    const said = cardThread(card).map((m) => m.text);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`<@${CUSTOMER}> edited the message this ticket was made from`);
    expect(said[0]).toContain("> Exports fail");
    expect(desk.slack.messages(SUPPORT).filter((m) => m.bot_id)).toHaveLength(1); // the customer gets nothing new

    // The same edit delivered again (under a new event id) changes nothing twice.
    const updates = desk.slack.callsTo("chat.update").length;
    await desk.event(edit);
    await desk.settle();
    expect(desk.slack.callsTo("chat.update")).toHaveLength(updates);
    expect(await events(ticket.id, "source_edited")).toHaveLength(1);
    expect(cardThread(card)).toHaveLength(1);
  });

  it("an edited reply in the ticket's thread updates its mirror in the card's thread", async () => {
    desk = await startDesk();
    const { ticket, message, card } = await openTicket("The dashboard is slow");
    const reply = await replyIn(SUPPORT, message.ts, CUSTOMER, "It takes 30 seconds");
    await desk.settle();
    const mirror = cardThread(card).find((m) => m.text.includes("It takes 30 seconds"))!;
    expect(mirror).toBeDefined();

    const edit = editEvent(reply, "It takes 30 seconds on the Reports page only");
    await desk.event(edit);
    await desk.settle();
    const now = desk.slack.messages(TRIAGE).find((m) => m.ts === mirror.ts)!;
    expect(now.text).toContain("It takes 30 seconds on the Reports page only");
    expect(now.text).toContain("(edited)");
    // Updated in place: no new post in the card's thread, and the card's quote is the first message still.
    expect(cardThread(card).filter((m) => m.text.includes("It takes 30 seconds"))).toHaveLength(1);
    expect(cardText()).toContain("The dashboard is slow");
    expect(cardText()).not.toContain("(edited)");
    const stored = await desk.app.db.client.ticketMessage.findFirstOrThrow({ where: { ts: reply.ts } });
    expect(stored).toMatchObject({ text: "It takes 30 seconds on the Reports page only", state: "edited" });
    expect(await events(ticket.id, "message_edited")).toHaveLength(1);

    await desk.event(edit);
    await desk.settle();
    expect(desk.slack.messages(TRIAGE).find((m) => m.ts === mirror.ts)!.edited).toBe(1);
    expect(await events(ticket.id, "message_edited")).toHaveLength(1);
  });

  it("a deleted first message marks the card, and the ticket stays; with replies it arrives as a tombstone", async () => {
    desk = await startDesk({ env: { INTAKE_MERGE_WINDOW_MINUTES: "0" } });
    const first = await openTicket("Please cancel order 1234");
    const deletion = deleteEvent(first.message);
    await desk.event(deletion);
    await desk.settle();
    expect(cardText(0)).toContain("The customer deleted this message");
    expect(cardText(0)).toContain("Please cancel order 1234");
    expect(await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: first.ticket.id } })).toMatchObject({
      status: "open",
      sourceState: "deleted",
    });
    expect(await events(first.ticket.id, "source_deleted")).toHaveLength(1);
    expect(
      cardThread(first.card)
        .map((m) => m.text)
        .join("\n"),
    ).toContain("was deleted in Slack");

    const updates = desk.slack.callsTo("chat.update").length;
    await desk.event(deletion);
    await desk.settle();
    expect(desk.slack.callsTo("chat.update")).toHaveLength(updates);
    expect(await events(first.ticket.id, "source_deleted")).toHaveLength(1);

    // A first message with replies is deleted as a tombstone.
    const { ts } = await desk.customerSays("The mobile app crashes on start");
    await desk.settle();
    const second = (await tickets())[1];
    await replyIn(SUPPORT, ts, CUSTOMER, "On Android 14");
    await desk.event(tombstoneEvent(desk.slack.messages(SUPPORT).find((m) => m.ts === ts)!));
    await desk.settle();
    expect(cardText(1)).toContain("The customer deleted this message");
    expect(await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ sourceState: "deleted" });
    expect(await tickets()).toHaveLength(2);
  });

  it("ignores edits by the app's own bot and edits of messages that belong to no ticket", async () => {
    desk = await startDesk();
    const { ticket, card } = await openTicket("Invoices are wrong");
    const ack = desk.slack.messages(SUPPORT).find((m) => m.bot_id)!;
    const own = {
      ...editEvent(ack, "edited by the app"),
      message: {
        type: "message",
        text: "edited by the app",
        user: desk.slack.botUserId,
        bot_id: desk.slack.botId,
        ts: ack.ts,
        thread_ts: ack.thread_ts,
        edited: { user: desk.slack.botUserId, ts: eventTs() },
      },
    };
    await desk.event(own);
    const chatter = desk.slack.seed("CRANDOM", { user: CUSTOMER, text: "lunch?" });
    await desk.event(editEvent(chatter, "lunch at 1?"));
    const agentNote = await replyIn(TRIAGE, card.ts, AGENT, "looking");
    await desk.event(editEvent(agentNote, "looking now"));
    await desk.settle();

    expect(await tickets()).toHaveLength(1);
    expect(await events(ticket.id, "source_edited")).toHaveLength(0);
    expect(await events(ticket.id, "message_edited")).toHaveLength(0);
    expect(cardText()).not.toContain("(edited)");
    expect(desk.slack.callsTo("chat.update")).toHaveLength(0);
  });
});

describe("threads the app did not start", () => {
  const permalinkOf = (ts: string) => `https://example.slack.com/archives/${SUPPORT}/p${ts.replace(".", "")}`;

  it("a customer's reply under an agent's announcement opens a ticket in that thread; a second reply there joins it", async () => {
    desk = await startDesk();
    const announcement = desk.slack.seed(SUPPORT, { user: AGENT, text: "Heads-up: maintenance tonight 22:00-23:00 UTC" });
    await desk.event({ type: "message", channel: SUPPORT, user: AGENT, text: announcement.text, ts: announcement.ts, team: HOME_TEAM });
    await desk.settle();
    expect(await tickets()).toHaveLength(0);

    const reply = await replyIn(SUPPORT, announcement.ts, CUSTOMER, "Will the API be down too? Our sync runs at 22:30");
    await desk.settle();
    const [t] = await tickets();
    expect(t).toMatchObject({ sourceTs: reply.ts, threadTs: announcement.ts, requesterId: CUSTOMER, text: reply.text, status: "open" });
    // Acknowledged in that thread, and the card says where the conversation is.
    const acks = desk.slack.messages(SUPPORT).filter((m) => m.bot_id && m.thread_ts === announcement.ts);
    expect(acks).toHaveLength(1);
    expect(acks[0].text).toContain(`#${t.id}`);
    expect(cards()).toHaveLength(1);
    expect(cardText()).toContain(`in a thread of <${permalinkOf(announcement.ts)}|an earlier message>`);

    // The open ticket owns the thread now: another customer's reply there is added to it, no second ticket.
    await replyIn(SUPPORT, announcement.ts, "UCUST2", "Same question from us");
    await desk.settle();
    expect(await tickets()).toHaveLength(1);
    expect(
      cardThread(cardOf())
        .map((m) => m.text)
        .join("\n"),
    ).toContain("Same question from us");
    expect((await desk.app.db.client.ticketMessage.findMany({ where: { ticketId: t.id } })).map((m) => m.text)).toContain(
      "Same question from us",
    );
  });

  it("a reply under another customer's message that made no ticket opens one; the company's own replies and pleasantries do not", async () => {
    desk = await startDesk();
    const { ts } = await desk.customerSays("thanks!", { user: "UCUST2" });
    await desk.settle();
    expect(await tickets()).toHaveLength(0);
    await replyIn(SUPPORT, ts, AGENT, "You're welcome!");
    await replyIn(SUPPORT, ts, CUSTOMER, ":+1:");
    await desk.settle();
    expect(await tickets()).toHaveLength(0);

    const reply = await replyIn(SUPPORT, ts, CUSTOMER, "While you're here: our SSO login loops");
    await desk.settle();
    const [t] = await tickets();
    expect(t).toMatchObject({ sourceTs: reply.ts, threadTs: ts, requesterId: CUSTOMER });
  });

  it("outside support channels a reply in a thread no ticket owns is still ignored", async () => {
    desk = await startDesk();
    const parent = desk.slack.seed("CRANDOM", { user: "UCUST2", text: "Anyone for lunch?" });
    await replyIn("CRANDOM", parent.ts, CUSTOMER, "Me! The export is broken by the way");
    await desk.settle();
    expect(await tickets()).toHaveLength(0);
    expect(desk.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("a late reply under an old resolved ticket's merged message opens a follow-up acknowledged in that thread", async () => {
    desk = await startDesk();
    const first = await desk.customerSays("The dashboard is slow");
    const merged = await desk.customerSays("Also the charts do not load");
    await desk.settle();
    const [t] = await tickets();
    expect(await tickets()).toHaveLength(1);
    await desk.interaction({
      type: "block_actions",
      user: { id: AGENT, team_id: HOME_TEAM },
      team: { id: HOME_TEAM },
      channel: { id: TRIAGE },
      container: { type: "message", message_ts: cardOf().ts, channel_id: TRIAGE },
      trigger_id: "1.2.3",
      response_url: desk.slack.responseUrl("resolve"),
      actions: [{ type: "button", action_id: "ticket_resolve", block_id: `ticket:${t.id}:2`, value: String(t.id), action_ts: "1.1" }],
    });
    await desk.settle();
    expect((await tickets())[0].status).toBe("resolved");

    // Eight days later (past REOPEN_WINDOW, 7d), the customer answers under the merged message.
    const later = `${Math.floor(Date.now() / 1000) + 8 * 86400}.000100`;
    await desk.event({
      type: "message",
      channel: SUPPORT,
      user: CUSTOMER,
      text: "The charts are broken again",
      ts: later,
      thread_ts: merged.ts,
      team: HOME_TEAM,
    });
    await desk.settle();
    const all = await tickets();
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ previousTicketId: t.id, sourceTs: later, threadTs: merged.ts, status: "open" });
    const acks = desk.slack.messages(SUPPORT).filter((m) => m.bot_id && m.text.includes(`#${all[1].id}`));
    expect(acks.map((m) => m.thread_ts)).toEqual([merged.ts]);
    expect(
      desk.slack.messages(SUPPORT).filter((m) => m.bot_id && m.thread_ts === first.ts && m.text.includes(`#${all[1].id}`)),
    ).toHaveLength(0);
  });
});

describe("the :ticket: reaction inside threads", () => {
  /** An agent reacts with :ticket: to a message, as event-reaction-added.json has it. */
  function react(m: Msg, user = AGENT) {
    const base = sample("event-reaction-added.json").event as Record<string, unknown>;
    return desk.event({
      ...base,
      user,
      reaction: "ticket",
      item_user: m.user,
      item: { type: "message", channel: m.channel, ts: m.ts },
      event_ts: eventTs(),
    });
  }

  it("on a reply in a thread no ticket owns opens a ticket whose card thread gets the earlier replies; on an earlier reply it adds that reply to the ticket", async () => {
    desk = await startDesk();
    const parent = desk.slack.seed("CSALES", { user: "UPROSPECT", text: "We are evaluating the Enterprise plan" });
    const first = await replyIn("CSALES", parent.ts, "USALES", "Great, what do you need to know?");
    const request = await replyIn("CSALES", parent.ts, "UPROSPECT", "Our SAML login fails with error 403");
    const after = await replyIn("CSALES", parent.ts, "UPROSPECT", "Said after the request");
    await desk.settle();
    expect(await tickets()).toHaveLength(0);

    await react(request);
    await desk.settle();
    const [t] = await tickets();
    expect(t).toMatchObject({ sourceTs: request.ts, threadTs: parent.ts, origin: "reaction", requesterId: "UPROSPECT" });
    const context = cardThread(cardOf()).map((m) => m.text);
    expect(context).toHaveLength(1);
    expect(context[0]).toContain("Earlier in the thread this ticket was made in (2 messages)");
    expect(context[0]).toContain("<@UPROSPECT>");
    expect(context[0]).toContain("> We are evaluating the Enterprise plan");
    expect(context[0]).toContain("<@USALES>");
    expect(context[0]).toContain("> Great, what do you need to know?");
    expect(context[0]).not.toContain("Said after the request");
    expect(context[0].indexOf("Enterprise plan")).toBeLessThan(context[0].indexOf("what do you need"));
    expect(cardText()).toContain("in a thread of <https://example.slack.com/archives/CSALES/p");

    // :ticket: on a message inside that ticket's thread adds it to the ticket, once; no second ticket.
    await react(after);
    await react(after, AGENT2);
    await react(first);
    await desk.settle();
    expect(await tickets()).toHaveLength(1);
    const recorded = await desk.app.db.client.ticketMessage.findMany({ where: { ticketId: t.id }, orderBy: { at: "asc" } });
    expect(recorded.map((m) => [m.userId, m.text])).toEqual([
      ["USALES", "Great, what do you need to know?"],
      ["UPROSPECT", "Our SAML login fails with error 403"],
      ["UPROSPECT", "Said after the request"],
    ]);
    const added = await events(t.id, "message_added");
    expect(added.map((e) => e.actorId)).toEqual([AGENT, AGENT]);
    const thread = cardThread(cardOf()).map((m) => m.text);
    expect(thread.filter((text) => text.includes("Said after the request"))).toHaveLength(1);
    expect(thread.some((text) => text.includes("wrote in the customer's thread") && text.includes("what do you need to know"))).toBe(true);
    expect(desk.slack.messages("CSALES").filter((m) => m.bot_id)).toHaveLength(1); // one acknowledgement
    expect((await tickets())[0].status).toBe("open");
  });

  it("on a customer's reply already part of a ticket changes nothing", async () => {
    desk = await startDesk();
    const { message } = await openTicket("The API returns 500 on /orders");
    const reply = await replyIn(SUPPORT, message.ts, CUSTOMER, "Also on /invoices");
    await desk.settle();
    const posts = desk.slack.callsTo("chat.postMessage").length;
    await react(reply);
    await react(message);
    await desk.settle();
    expect(await tickets()).toHaveLength(1);
    expect(desk.slack.callsTo("chat.postMessage")).toHaveLength(posts);
  });
});

describe("mentions of the app", () => {
  /**
   * A person mentions the app: Slack sends `app_mention` (shaped as event-app-mention-shared-channel.json,
   * completed with the text, ts and channel it lacks) and, in a channel the app is in, the same message as
   * a `message` event.
   */
  async function mention(
    channel: string,
    text: string,
    o: { user?: string; team?: string; thread_ts?: string; messageFirst?: boolean } = {},
  ) {
    const base = sample("event-app-mention-shared-channel.json");
    const user = o.user ?? base.event.user;
    const team = o.team ?? base.event.user_team;
    const full = `<@${desk.slack.botUserId}> ${text}`.trimEnd();
    const m = desk.slack.seed(channel, { user, text: full, thread_ts: o.thread_ts, team });
    const shared = base.is_ext_shared_channel as boolean;
    const thread = o.thread_ts ? { thread_ts: o.thread_ts } : {};
    const asMention = () =>
      desk.event(
        {
          ...base.event,
          user,
          team: HOME_TEAM,
          user_team: team,
          source_team: team,
          user_profile: { team },
          channel,
          text: full,
          ts: m.ts,
          event_ts: m.ts,
          ...thread,
        },
        { shared },
      );
    const asMessage = () =>
      desk.event(
        {
          type: "message",
          channel,
          user,
          text: full,
          ts: m.ts,
          team: HOME_TEAM,
          user_team: team,
          source_team: team,
          event_ts: m.ts,
          channel_type: "channel",
          ...thread,
        },
        { shared },
      );
    if (o.messageFirst) await asMessage();
    expect((await asMention()).status).toBe(200);
    if (!o.messageFirst) await asMessage();
    return { m, again: asMention };
  }

  it("with words, outside support channels, opens a ticket for whoever wrote it, answered in its thread, once", async () => {
    desk = await startDesk();
    const { m, again } = await mention("CPARTNER", "our invoices fail to export since Monday");
    await desk.settle();
    await again();
    await desk.settle();
    const [t, ...rest] = await tickets();
    expect(rest).toHaveLength(0);
    expect(t).toMatchObject({
      channelId: "CPARTNER",
      sourceTs: m.ts,
      threadTs: m.ts,
      origin: "mention",
      requesterId: "W013QGS7BPF",
      requesterTeamId: "E013Y3SHLAY",
      text: "our invoices fail to export since Monday",
      createdById: null,
    });
    const acks = desk.slack.messages("CPARTNER").filter((x) => x.bot_id);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({ thread_ts: m.ts });
    expect(acks[0].text).toContain(`#${t.id}`);
    expect(cards()).toHaveLength(1);
    expect(cardText()).toContain("our invoices fail to export since Monday");

    // A mention in the ticket's own thread is a reply to it, not a second ticket.
    await mention("CPARTNER", "any news?", { thread_ts: m.ts });
    await desk.settle();
    expect(await tickets()).toHaveLength(1);
    expect(
      cardThread(cardOf())
        .map((x) => x.text)
        .join("\n"),
    ).toContain("any news?");
  });

  it("a bare mention answers only its author with how to ask, once, and opens nothing", async () => {
    desk = await startDesk();
    const { again } = await mention("CPARTNER", "");
    await desk.settle();
    await again();
    await mention("CPARTNER", ":wave:", { user: "UCUST2", team: HOME_TEAM });
    await desk.settle();
    expect(await tickets()).toHaveLength(0);
    expect(desk.slack.ephemerals.map((e) => [e.channel, e.user])).toEqual([
      ["CPARTNER", "W013QGS7BPF"],
      ["CPARTNER", "UCUST2"],
    ]);
    expect(desk.slack.ephemerals[0].text).toContain(`mention <@${desk.slack.botUserId}> with what you need`);
    expect(desk.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("in a support channel, makes one ticket (the message's), whichever event comes first", async () => {
    desk = await startDesk({ env: { INTAKE_MERGE_WINDOW_MINUTES: "0" } });
    const first = await mention(SUPPORT, "the API returns 500");
    const second = await mention(SUPPORT, "and the webhooks stopped", { messageFirst: true });
    await desk.settle();
    const all = await tickets();
    expect(all.map((t) => [t.sourceTs, t.origin, t.text])).toEqual([
      [first.m.ts, "message", "the API returns 500"],
      [second.m.ts, "message", "and the webhooks stopped"],
    ]);
    expect(desk.slack.messages(SUPPORT).filter((x) => x.bot_id)).toHaveLength(2);
    expect(desk.slack.ephemerals).toHaveLength(0);
  });

  it("an agent's mention opens nothing and tells them how agents open tickets; in the triage channel nothing happens", async () => {
    desk = await startDesk();
    await mention("CSALES", "Acme asks for an invoice copy", { user: AGENT, team: HOME_TEAM });
    await mention(TRIAGE, "what is this?", { user: AGENT, team: HOME_TEAM });
    await mention(TRIAGE, "", { user: AGENT, team: HOME_TEAM });
    await desk.settle();
    expect(await tickets()).toEqual([]);
    expect(desk.slack.ephemerals.map((e) => [e.channel, e.user])).toEqual([["CSALES", AGENT]]);
    expect(desk.slack.ephemerals[0].text).toContain("use `/ticket <what they need>`");
  });
});
