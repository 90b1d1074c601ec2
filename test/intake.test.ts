import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, startDesk, type Desk } from "./support/harness.ts";

const payloads = path.resolve(import.meta.dirname, "../../shared/slack/payloads");
const sample = (name: string) => JSON.parse(readFileSync(path.join(payloads, name), "utf8")) as { event: Record<string, unknown> };

let desk: Desk;
afterEach(async () => desk?.stop());

// In the order of the customers' messages: different people's new messages are worked on at once, so their
// tickets' ids need not follow that order.
const tickets = () => desk.app.db.client.ticket.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
const cards = () => desk.slack.messages(TRIAGE).filter((m) => !m.thread_ts);
const botRepliesIn = (channel: string, threadTs: string) =>
  desk.slack.messages(channel).filter((m) => m.thread_ts === threadTs && m.bot_id);

describe("intake: a customer's message in a support channel becomes a ticket", () => {
  it("acknowledges once in the customer's thread with the number and posts one triage card", async () => {
    desk = await startDesk();
    const { ts, response } = await desk.customerSays("Our exports fail with error 500 since this morning");
    expect(response.status).toBe(200);
    await desk.settle();

    const [t, ...rest] = await tickets();
    expect(rest).toHaveLength(0);
    expect(t).toMatchObject({
      channelId: SUPPORT,
      sourceTs: ts,
      threadTs: ts,
      requesterId: CUSTOMER,
      status: "open",
      priority: "normal",
      origin: "message",
    });
    expect(t.createdAt.getTime()).toBe(Math.floor(Number(ts) * 1000));

    const ack = botRepliesIn(SUPPORT, ts);
    expect(ack).toHaveLength(1);
    expect(ack[0].text).toContain(`#${t.id}`);

    expect(cards()).toHaveLength(1);
    const card = JSON.stringify(cards()[0].blocks);
    const headline = (cards()[0].blocks as { text?: { text: string } }[])[0].text!.text;
    expect(headline).toMatch(new RegExp(`^:large_blue_circle: \\*Normal\\* · :stopwatch: On time · \\*#${t.id}\\* Our exports fail`));
    for (const expected of [
      "Our exports fail with error 500",
      `<#${SUPPORT}>`,
      `<@${CUSTOMER}>`,
      "Normal",
      "Unassigned",
      "Assign to me",
      "Reply to customer",
      "Resolve",
    ]) {
      expect(card).toContain(expected);
    }
    expect(card).toContain(`https://example.slack.com/archives/${SUPPORT}/p${ts.replace(".", "")}`);
  });

  it("trims a very long first message on the card to Block Kit's limit", async () => {
    desk = await startDesk();
    await desk.customerSays(`Long story: ${"x".repeat(5000)}`);
    await desk.settle();
    expect(cards()).toHaveLength(1);
    const blocks = cards()[0].blocks as { text?: { text: string } }[];
    for (const b of blocks) expect((b.text?.text ?? "").length).toBeLessThanOrEqual(3000);
    expect((await tickets())[0].text).toHaveLength(5000 + "Long story: ".length);
  });

  it("treats a user of another workspace in a Slack Connect channel as a customer, with their company", async () => {
    desk = await startDesk({ env: { AGENT_USER_IDS: "" } });
    desk.slack.teams.set("TACME", { id: "TACME", name: "Acme Corp" });
    await desk.customerSays("Is the API down?", { user: "UEXT1", team: "TACME" });
    // Someone of our own workspace who is not a listed agent speaks for the company in a shared channel.
    await desk.customerSays("Looking into it now", { user: "UCOLLEAGUE", shared: true });
    await desk.settle();
    const all = await tickets();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ requesterId: "UEXT1", requesterTeamId: "TACME", requesterCompany: "Acme Corp" });
    expect(JSON.stringify(cards()[0].blocks)).toContain("Acme Corp");
  });

  it("does not make tickets of agents' messages, bots, the app itself, edits, deletions or joins", async () => {
    desk = await startDesk();
    await desk.customerSays("Heads-up: maintenance tonight", { user: AGENT });
    for (const file of ["event-bot-message.json", "event-bot-message-app.json", "event-message-changed.json"]) {
      const ev = { ...sample(file).event, channel: SUPPORT };
      expect((await desk.event(ev)).status).toBe(200);
    }
    const base = { type: "message", channel: SUPPORT, user: CUSTOMER, ts: "1700000100.000100" };
    await desk.event({ ...base, subtype: "message_deleted", hidden: true, deleted_ts: "1700000000.000100" });
    await desk.event({ ...base, ts: "1700000101.000100", subtype: "channel_join", text: "<@UCUST1> has joined the channel" });
    await desk.event({ ...base, ts: "1700000102.000100", text: "from our own bot", user: desk.slack.botUserId, bot_id: desk.slack.botId });
    await desk.settle();
    expect(await tickets()).toHaveLength(0);
    expect(desk.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("ignores a bare pleasantry or emoji, unless that rule is turned off", async () => {
    desk = await startDesk({ env: { INTAKE_MERGE_WINDOW_MINUTES: "0" } });
    for (const text of ["thanks!", "Thank you so much", "hi", ":+1:", "🙏", "ok"]) await desk.customerSays(text);
    await desk.settle();
    expect(await tickets()).toHaveLength(0);
    await desk.customerSays("hi, the login page shows a blank screen");
    await desk.settle();
    expect(await tickets()).toHaveLength(1);
    await desk.stop();

    desk = await startDesk({ env: { INTAKE_IGNORE_PLEASANTRIES: "false" } });
    await desk.customerSays("thanks!");
    await desk.settle();
    expect(await tickets()).toHaveLength(1);
  });

  it("joins a customer's further top-level messages within the window to their open ticket", async () => {
    desk = await startDesk();
    const base = Math.floor(Date.now() / 1000);
    const say = (text: string, seconds: number, user = CUSTOMER) =>
      desk.event({ type: "message", channel: SUPPORT, user, text, ts: `${base + seconds}.000100`, team: HOME_TEAM });
    await say("The dashboard is slow", 0);
    await say("Also the charts do not load", 60);
    await say("Another customer, another problem", 90, "UCUST2");
    await say("And now exports time out", 60 + 4 * 60); // within 5 minutes of the previous message
    await say("A new question entirely", 60 + 4 * 60 + 6 * 60); // 6 minutes later: a new ticket
    await desk.settle();

    const all = await tickets();
    expect(all.map((t) => [t.requesterId, t.text])).toEqual([
      [CUSTOMER, "The dashboard is slow"],
      ["UCUST2", "Another customer, another problem"],
      [CUSTOMER, "A new question entirely"],
    ]);
    const messages = await desk.app.db.client.ticketMessage.findMany({ where: { ticketId: all[0].id }, orderBy: { at: "asc" } });
    expect(messages.map((m) => m.text)).toEqual(["The dashboard is slow", "Also the charts do not load", "And now exports time out"]);
    // One acknowledgement per ticket; the joined messages are mirrored into the card's thread.
    expect(desk.slack.messages(SUPPORT).filter((m) => m.bot_id)).toHaveLength(3);
    const cardTs = cards().find((m) => JSON.stringify(m.blocks ?? m.text).includes("The dashboard is slow"))!.ts;
    const mirrored = desk.slack.messages(TRIAGE).filter((m) => m.thread_ts === cardTs);
    expect(mirrored.map((m) => m.text).join("\n")).toContain("Also the charts do not load");
    expect(mirrored.map((m) => m.text).join("\n")).toContain("And now exports time out");
  });

  it("opens a ticket per message when the window is turned off", async () => {
    desk = await startDesk({ env: { INTAKE_MERGE_WINDOW_MINUTES: "0" } });
    await desk.customerSays("First problem");
    await desk.customerSays("Second problem");
    await desk.settle();
    expect(await tickets()).toHaveLength(2);
  });

  it("ignores channels that are not support channels", async () => {
    desk = await startDesk();
    await desk.customerSays("Random chatter", { channel: "CRANDOM" });
    await desk.settle();
    expect(await tickets()).toHaveLength(0);
  });
});

describe("intake by hand", () => {
  it("makes a ticket when someone reacts with :ticket: to a message anywhere the app is", async () => {
    desk = await startDesk();
    const msg = desk.slack.seed("CSALES", { user: "UPROSPECT", text: "Can you look at invoice 42?" });
    const react = (reaction: string, user = AGENT) =>
      desk.event({
        type: "reaction_added",
        user,
        reaction,
        item_user: "UPROSPECT",
        item: { type: "message", channel: "CSALES", ts: msg.ts },
        event_ts: `${Date.now() / 1000}`,
      });
    await react("heart_eyes");
    await desk.settle();
    expect(await tickets()).toHaveLength(0);

    await react("ticket");
    await react("ticket", AGENT2_ID);
    await desk.settle();
    const all = await tickets();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      channelId: "CSALES",
      sourceTs: msg.ts,
      requesterId: "UPROSPECT",
      createdById: AGENT,
      origin: "reaction",
      text: "Can you look at invoice 42?",
    });
    expect(botRepliesIn("CSALES", msg.ts)).toHaveLength(1);
    expect(cards()).toHaveLength(1);
  });

  it("uses the configured emoji and reads thread replies too", async () => {
    desk = await startDesk({ env: { TICKET_EMOJI: ":sos:" } });
    const parent = desk.slack.seed("CSALES", { user: "UPROSPECT", text: "parent" });
    const reply = desk.slack.seed("CSALES", { user: "UPROSPECT", text: "the actual request, in a thread", thread_ts: parent.ts });
    await desk.event({
      type: "reaction_added",
      user: AGENT,
      reaction: "sos",
      item: { type: "message", channel: "CSALES", ts: reply.ts },
      event_ts: "1.1",
    });
    await desk.settle();
    const [t] = await tickets();
    expect(t).toMatchObject({ sourceTs: reply.ts, threadTs: parent.ts, text: "the actual request, in a thread" });
    expect(botRepliesIn("CSALES", parent.ts)).toHaveLength(1);
  });

  it("makes a ticket with the message shortcut and says so; a second time says it exists", async () => {
    desk = await startDesk();
    const msg = desk.slack.seed("CSALES", { user: "UPROSPECT", text: "<@W222> our SSO broke" });
    const shortcut = (responseId: string) =>
      desk.interaction({
        type: "message_action",
        token: "verification_token",
        action_ts: "1583637157.207593",
        team: { id: HOME_TEAM, domain: "example" },
        user: { id: AGENT, name: "agent" },
        channel: { id: "CSALES", name: "sales" },
        callback_id: "create_ticket",
        trigger_id: "111.222.xxx",
        message_ts: msg.ts,
        message: { type: "message", text: msg.text, user: "UPROSPECT", ts: msg.ts, team: HOME_TEAM },
        response_url: desk.slack.responseUrl(responseId),
      });
    expect((await shortcut("first")).status).toBe(200);
    await desk.settle();
    const [t] = await tickets();
    expect(t).toMatchObject({ origin: "shortcut", createdById: AGENT, requesterId: "UPROSPECT", text: "<@W222> our SSO broke" });
    await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.id === "first"), 5000, "shortcut confirmation");
    expect(desk.slack.responses.find((r) => r.id === "first")!.body.text).toContain(`#${t.id}`);

    expect((await shortcut("second")).status).toBe(200);
    await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.id === "second"), 5000, "duplicate notice");
    expect(desk.slack.responses.find((r) => r.id === "second")!.body.text).toContain("already ticket");
    expect(await tickets()).toHaveLength(1);
  });

  it("warns when the shortcut is used in a channel the app is not in", async () => {
    desk = await startDesk();
    desk.slack.notInChannel.add("CPRIVATE");
    const res = await desk.interaction({
      type: "message_action",
      team: { id: HOME_TEAM },
      user: { id: AGENT },
      channel: { id: "CPRIVATE" },
      callback_id: "create_ticket",
      trigger_id: "1.2.3",
      message_ts: "1700000000.000100",
      message: { type: "message", text: "help", user: "UX", ts: "1700000000.000100" },
      response_url: desk.slack.responseUrl("private"),
    });
    expect(res.status).toBe(200);
    const r = await desk.slack.waitFor(() => desk.slack.responses.find((x) => x.id === "private"), 5000, "warning");
    expect(r.body.text).toContain("not a member");
    expect(r.body.text).toContain("/invite");
  });

  it("/ticket <text> opens a ticket whose thread is the app's post in the channel", async () => {
    desk = await startDesk();
    const res = await desk.command({ command: "/ticket", text: "Acme cannot export invoices", channel_id: "CSALES", user_id: AGENT });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toMatch(/Ticket \*#\d+\* created/);
    await desk.settle();
    const [t] = await tickets();
    expect(t).toMatchObject({ origin: "command", channelId: "CSALES", text: "Acme cannot export invoices", requesterId: AGENT });
    const post = desk.slack.messages("CSALES").find((m) => m.bot_id && !m.thread_ts)!;
    expect(post.text).toContain(`#${t.id}`);
    expect(post.text).toContain("Acme cannot export invoices");

    // A reply in that post's thread belongs to the ticket.
    const reply = desk.slack.seed("CSALES", { user: "UPROSPECT", text: "Here is the file", thread_ts: post.ts });
    await desk.event({
      type: "message",
      channel: "CSALES",
      user: "UPROSPECT",
      text: reply.text,
      ts: reply.ts,
      thread_ts: post.ts,
      team: HOME_TEAM,
    });
    await desk.settle();
    const messages = await desk.app.db.client.ticketMessage.findMany({ where: { ticketId: t.id } });
    expect(messages.map((m) => m.text)).toContain("Here is the file");
  });

  it("/ticket @customer <text> records the customer as the requester and the agent as who opened it", async () => {
    desk = await startDesk();
    const res = await desk.command({
      command: "/ticket",
      text: "<@UPROSPECT|pat> Acme cannot export invoices",
      channel_id: "CSALES",
      user_id: AGENT,
    });
    expect(res.status).toBe(200);
    await desk.settle();
    const [t] = await tickets();
    expect(t).toMatchObject({
      origin: "command",
      requesterId: "UPROSPECT",
      requesterName: "pat",
      createdById: AGENT,
      text: "Acme cannot export invoices",
    });
    const post = desk.slack.messages("CSALES").find((m) => m.bot_id && !m.thread_ts)!;
    expect(post.text).toContain(`opened by <@${AGENT}> for <@UPROSPECT>`);
    const card = JSON.stringify(cards()[0].blocks);
    expect(card).toContain(`From <@UPROSPECT>, opened by <@${AGENT}> in <#CSALES>`);
    expect(cards()[0].text).toContain("Ticket #1 from pat: Acme cannot export invoices");

    // The post in the channel is the request: once it is in Slack, the ticket links to it, and the card sweep puts the link on the card.
    const link = `https://example.slack.com/archives/CSALES/p${post.ts.replace(".", "")}`;
    expect((await tickets())[0].permalink).toBe(link);
    expect(await desk.app.cardRefresh.run(new Date())).toEqual({ refreshed: 1 });
    await desk.settle();
    expect(JSON.stringify(cards()[0].blocks)).toContain(`<${link}|View the conversation>`);
    expect(await desk.app.cardRefresh.run(new Date())).toEqual({ refreshed: 0 });
  });

  it("/ticket with no text answers with the right form and stores nothing", async () => {
    desk = await startDesk();
    const res = await desk.command({ command: "/ticket", text: "   " });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { text: string; response_type: string };
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toContain("Usage: `/ticket <what the customer needs>`");
    expect(await tickets()).toHaveLength(0);
  });
});

describe("/support link and unlink", () => {
  it("links a channel at run time (stored), so customers' messages there become tickets, and unlinks it", async () => {
    desk = await startDesk();
    const link = await desk.command({ command: "/support", text: "link acme-corp", channel_id: "CACME", user_id: AGENT });
    expect(((await link.json()) as { text: string }).text).toContain("is now a support channel for account `acme-corp`");
    expect(await desk.app.db.client.supportChannel.findUnique({ where: { channelId: "CACME" } })).toMatchObject({
      accountExternalId: "acme-corp",
      linkedById: AGENT,
    });

    await desk.customerSays("Please reset my password", { channel: "CACME" });
    await desk.settle();
    expect((await tickets())[0]).toMatchObject({ channelId: "CACME", accountExternalId: "acme-corp" });

    const list = await desk.command({ command: "/support", text: "channels" });
    const listed = ((await list.json()) as { text: string }).text;
    expect(listed).toContain("<#CACME>");
    expect(listed).toContain(`<#${SUPPORT}>`);

    const unlink = await desk.command({ command: "/support", text: "unlink", channel_id: "CACME", user_id: AGENT });
    expect(((await unlink.json()) as { text: string }).text).toContain("no longer a support channel");
    await desk.customerSays("Another question", { channel: "CACME", user: "UCUST9" });
    await desk.settle();
    expect(await tickets()).toHaveLength(1);
  });

  it("answers bad arguments with what is wrong and the right form", async () => {
    desk = await startDesk();
    const ask = async (text: string, user = AGENT, channel = "CACME") =>
      (await (await desk.command({ command: "/support", text, user_id: user, channel_id: channel })).json()) as {
        text: string;
        response_type: string;
      };
    const extra = await ask("link acme corp");
    expect(extra.response_type).toBe("ephemeral");
    expect(extra.text).toContain("at most one account external id");
    expect((await ask("link acme!corp")).text).toContain("may use letters, digits");
    expect((await ask("frobnicate")).text).toContain("I don't know `/support frobnicate`");
    expect((await ask("unlink now")).text).toContain("takes no arguments");
    expect((await ask("link", CUSTOMER)).text).toContain("Sorry, this is for support admins");
    expect((await ask("link", AGENT, TRIAGE)).text).toContain("triage channel");
    expect(await desk.app.db.client.supportChannel.count()).toBe(0);
  });
});

const AGENT2_ID = "UAGENT2";
