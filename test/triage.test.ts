import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, cardAction, startDesk, type Desk } from "./support/harness.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

async function openTicket(text = "The invoice PDF is empty") {
  const { ts } = await desk.customerSays(text);
  await desk.settle();
  const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
  const card = desk.slack.messages(TRIAGE).find((m) => !m.thread_ts)!;
  return { ticket, ts, card };
}

const cardThread = (cardTs: string) => desk.slack.messages(TRIAGE).filter((m) => m.thread_ts === cardTs);
const customerThread = (ts: string) => desk.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts);
const events = (ticketId: number) => desk.app.db.client.ticketEvent.findMany({ where: { ticketId }, orderBy: { id: "asc" } });
const reply = (ts: string, user: string, text: string, team = HOME_TEAM) => {
  const m = desk.slack.seed(SUPPORT, { user, text, thread_ts: ts, team });
  return desk.event({ type: "message", channel: SUPPORT, user, text, ts: m.ts, thread_ts: ts, team }).then(() => m);
};

describe("the triage card's controls", () => {
  it("assign to me, assignee picker, priority, status and resolve update the card in place and log who did it", async () => {
    desk = await startDesk();
    const { ticket, card } = await openTicket();
    const id = ticket.id;

    expect((await cardAction(desk, { ticketId: id, actionId: "ticket_assign_me", value: String(id) })).status).toBe(200);
    await desk.settle();
    expect(JSON.stringify(desk.slack.messages(TRIAGE)[0].blocks)).toContain(`<@${AGENT}>`);

    await cardAction(desk, { ticketId: id, actionId: "ticket_assignee", selectedUser: AGENT2 });
    await cardAction(desk, { ticketId: id, actionId: "ticket_priority", selectedOption: "urgent" });
    await cardAction(desk, { ticketId: id, actionId: "ticket_status", selectedOption: "pending" });
    await cardAction(desk, { ticketId: id, actionId: "ticket_resolve", value: String(id), user: AGENT2, blockN: 2 });
    await desk.settle();

    const stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ assigneeId: AGENT2, priority: "urgent", status: "resolved", resolvedById: AGENT2 });
    expect(stored.resolvedAt).not.toBeNull();

    // The card is one message, edited in place.
    const cardNow = desk.slack.messages(TRIAGE).find((m) => m.ts === card.ts)!;
    expect(desk.slack.messages(TRIAGE).filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(cardNow.edited).toBeGreaterThanOrEqual(1);
    // Resolved, the card is two lines (what, who resolved it) and Reopen.
    const blocks = JSON.stringify(cardNow.blocks);
    expect(cardNow.blocks!.map((b) => (b as { type: string }).type)).toEqual(["section", "context", "actions"]);
    expect(blocks).toContain(":white_check_mark: *Resolved*");
    expect(blocks).toContain(`Resolved by <@${AGENT2}>`);
    expect(blocks).toContain('"action_id":"ticket_reopen"');
    expect(blocks).not.toContain('"action_id":"ticket_resolve"');
    expect(blocks).not.toContain('"action_id":"ticket_assign_me"');

    const log = cardThread(card.ts).map((m) => m.text);
    expect(log).toEqual([
      `<@${AGENT}> took the ticket.`,
      `<@${AGENT}> assigned the ticket to <@${AGENT2}> (was <@${AGENT}>).`,
      `<@${AGENT}> set priority to *Urgent* (was Normal).`,
      `<@${AGENT}> set status to *Pending on customer* (was Open).`,
      `:white_check_mark: <@${AGENT2}> resolved the ticket.`,
    ]);

    const kinds = (await events(id)).map((e) => [e.kind, e.actorId, e.fromValue, e.toValue]);
    expect(kinds).toEqual([
      ["created", CUSTOMER, null, "message"],
      ["assignee_changed", AGENT, null, AGENT],
      ["assignee_changed", AGENT, AGENT, AGENT2],
      ["priority_changed", AGENT, "normal", "urgent"],
      ["status_changed", AGENT, "open", "pending"],
      ["status_changed", AGENT2, "pending", "resolved"],
      ["resolved", AGENT2, null, null],
    ]);
  });

  it("controls fit the state: Assign to me goes once assigned, status is in the menu, Reopen opens a resolved ticket", async () => {
    desk = await startDesk();
    const { ticket, card } = await openTicket();
    const id = ticket.id;
    const cardNow = () => desk.slack.messages(TRIAGE).find((m) => m.ts === card.ts)!;
    const actionIds = () => JSON.stringify(cardNow().blocks).match(/"action_id":"[a-z_]+"/g);
    expect(actionIds()).toEqual([
      '"action_id":"ticket_assign_me"',
      '"action_id":"ticket_reply"',
      '"action_id":"ticket_resolve"',
      '"action_id":"ticket_assignee"',
      '"action_id":"ticket_priority"',
      '"action_id":"ticket_more"',
    ]);

    await cardAction(desk, { ticketId: id, actionId: "ticket_assign_me", value: String(id) });
    await desk.settle();
    expect(actionIds()).not.toContain('"action_id":"ticket_assign_me"');
    expect(JSON.stringify(cardNow().blocks)).toContain(`Assigned to <@${AGENT}>`);

    // The overflow menu sets the status.
    await desk.interaction({
      type: "block_actions",
      user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
      api_app_id: "A111",
      token: "verification_token",
      container: { type: "message", message_ts: card.ts, channel_id: TRIAGE, is_ephemeral: false },
      trigger_id: "12345.98765.abcd2358fdea",
      team: { id: HOME_TEAM, domain: "example" },
      channel: { id: TRIAGE, name: "triage" },
      response_url: desk.slack.responseUrl("more-1"),
      actions: [
        {
          type: "overflow",
          action_id: "ticket_more",
          block_id: `ticket:${id}:1`,
          selected_option: { text: { type: "plain_text", text: "Pending on customer" }, value: "status:pending" },
          action_ts: "1.3",
        },
      ],
    });
    await desk.settle();
    expect(await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "pending" });
    expect(JSON.stringify(cardNow().blocks)).toContain("Back to open");

    await cardAction(desk, { ticketId: id, actionId: "ticket_resolve", value: String(id) });
    await desk.settle();
    expect(actionIds()).toEqual(['"action_id":"ticket_reopen"']);

    await cardAction(desk, { ticketId: id, actionId: "ticket_reopen", value: String(id), user: AGENT2 });
    await desk.settle();
    expect(await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "open", reopenCount: 1 });
    expect(actionIds()).toContain('"action_id":"ticket_resolve"');
    expect(cardThread(card.ts).map((m) => m.text)).toContain(`:leftwards_arrow_with_hook: <@${AGENT2}> reopened the ticket.`);
  });

  it("says the card's thread is internal on the triage channel's first card of the day only", async () => {
    desk = await startDesk();
    await desk.customerSays("The invoice PDF is empty");
    await desk.customerSays("The export hangs", { user: "UCUST2" });
    await desk.settle();
    const cards = desk.slack.messages(TRIAGE).filter((m) => !m.thread_ts);
    expect(cards).toHaveLength(2);
    const withHint = cards.filter((c) => JSON.stringify(c.blocks).includes("thread is internal"));
    expect(withHint).toHaveLength(1);
    expect(JSON.stringify(withHint[0].blocks)).toContain("The invoice PDF is empty");
    // The hint stays on that card when it is updated.
    const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ orderBy: { id: "asc" } });
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_assign_me", value: String(ticket.id) });
    await desk.settle();
    const updated = desk.slack.messages(TRIAGE).find((m) => m.ts === withHint[0].ts)!;
    expect(updated.edited).toBe(1);
    expect(JSON.stringify(updated.blocks)).toContain("thread is internal");
  });

  it("a click that changes nothing logs nothing; a click on a ticket that does not exist is answered privately", async () => {
    desk = await startDesk();
    const { ticket, card } = await openTicket();
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_priority", selectedOption: "normal" });
    await cardAction(desk, { ticketId: 999, actionId: "ticket_assign_me", value: "999" });
    await desk.settle();
    expect(cardThread(card.ts)).toHaveLength(0);
    const r = await desk.slack.waitFor(() => desk.slack.responses[0], 5000, "ephemeral answer");
    expect(r.body).toMatchObject({ response_type: "ephemeral", text: "Ticket #999 no longer exists." });
  });

  it("Reply to customer opens a modal; sending it posts in the customer's thread and records the first response", async () => {
    desk = await startDesk();
    const { ticket, ts, card } = await openTicket("How do I add a user?");
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_reply", value: String(ticket.id), blockN: 2 });
    const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "modal");
    expect(opened.view.callback_id).toBe("ticket_reply_modal");
    expect(JSON.stringify(opened.view.blocks)).toContain("How do I add a user?");

    const submit = (value: string) =>
      desk.interaction({
        type: "view_submission",
        team: { id: HOME_TEAM, domain: "example" },
        user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
        api_app_id: "A111",
        token: "verification_token",
        trigger_id: "1.2.3",
        view: { ...opened.view, id: opened.id, state: { values: { reply: { text: { type: "plain_text_input", value } } } } },
        response_urls: [],
      });

    const empty = await submit("   ");
    expect(await empty.json()).toMatchObject({ response_action: "errors", errors: { reply: "Write the reply the customer should see." } });

    const sent = await submit("Go to Settings > Users & click <Invite>.");
    expect(sent.status).toBe(200);
    await desk.settle();
    const answers = customerThread(ts).filter((m) => !m.text.includes("logged your request"));
    expect(answers.map((m) => m.text)).toEqual(["Go to Settings &gt; Users &amp; click &lt;Invite&gt;."]);
    const stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored.firstResponderId).toBe(AGENT);
    expect(stored.firstResponseAt).not.toBeNull();
    expect(
      cardThread(card.ts)
        .map((m) => m.text)
        .join("\n"),
    ).toContain(`<@${AGENT}> replied to the customer through the app`);
    expect((await events(ticket.id)).map((e) => e.kind)).toContain("first_response");
  });
});

describe("threads: the customer's thread and the card's internal thread", () => {
  it("mirrors the customer's later messages into the card's thread; agents' replies there count as responses", async () => {
    desk = await startDesk();
    const { ticket, ts, card } = await openTicket();
    const t0 = Date.now();
    const agentReply = await reply(ts, AGENT, "Could you send a screenshot?");
    await reply(ts, CUSTOMER, "Here it is");
    await reply(ts, AGENT2, "Thanks, fixing it");
    await desk.settle();

    const stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored.firstResponderId).toBe(AGENT);
    expect(stored.firstResponseAt!.getTime()).toBe(Math.floor(Number(agentReply.ts) * 1000));
    expect(stored.firstResponseAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000 - 1000);

    const msgs = await desk.app.db.client.ticketMessage.findMany({ where: { ticketId: ticket.id }, orderBy: { id: "asc" } });
    expect(msgs.map((m) => [m.role, m.userId])).toEqual([
      ["customer", CUSTOMER],
      ["agent", AGENT],
      ["customer", CUSTOMER],
      ["agent", AGENT2],
    ]);
    expect((await events(ticket.id)).map((e) => e.kind)).toEqual(["created", "first_response", "customer_message", "response"]);
    const mirrored = cardThread(card.ts).map((m) => m.text);
    expect(mirrored).toHaveLength(3);
    expect(mirrored[1]).toContain(`<@${CUSTOMER}> wrote in the customer's thread`);
    expect(mirrored[1]).toContain("Here it is");
  });

  it("keeps what agents write in the card's thread internal: nothing reaches the customer's channel", async () => {
    desk = await startDesk();
    const { ticket, ts, card } = await openTicket();
    const before = desk.slack.messages(SUPPORT).length;
    for (const text of ["Customer is on the legacy plan", "reply: tell them it's fixed", "@customer we fixed it"]) {
      const m = desk.slack.seed(TRIAGE, { user: AGENT, text, thread_ts: card.ts });
      await desk.event({ type: "message", channel: TRIAGE, user: AGENT, text, ts: m.ts, thread_ts: card.ts, team: HOME_TEAM });
    }
    await desk.settle();
    expect(desk.slack.messages(SUPPORT)).toHaveLength(before);
    expect(desk.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === SUPPORT)).toHaveLength(1); // the acknowledgement only
    expect(
      customerThread(ts)
        .map((m) => m.text)
        .join(),
    ).not.toContain("fixed");
    const notes = await desk.app.db.client.ticketMessage.findMany({ where: { ticketId: ticket.id, role: "internal" } });
    expect(notes).toHaveLength(3);
    const stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored.firstResponseAt).toBeNull(); // internal notes are not responses
  });

  it("a customer's reply reopens a resolved ticket and brings a pending one back to open", async () => {
    desk = await startDesk();
    const { ticket, ts, card } = await openTicket();
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_status", selectedOption: "pending" });
    await reply(ts, CUSTOMER, "Here are the details you asked for");
    await desk.settle();
    expect((await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("open");

    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_resolve", value: String(ticket.id), blockN: 2 });
    await desk.settle();
    await reply(ts, CUSTOMER, "It broke again");
    await desk.settle();

    const stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored).toMatchObject({ status: "open", reopenCount: 1, resolvedAt: null });
    expect(stored.reopenedAt).not.toBeNull();
    const kinds = (await events(ticket.id)).map((e) => `${e.kind}:${e.fromValue ?? ""}>${e.toValue ?? ""}`);
    expect(kinds).toEqual([
      "created:>message",
      "status_changed:open>pending",
      "customer_message:>",
      "status_changed:pending>open",
      "status_changed:open>resolved",
      "resolved:>",
      "customer_message:>",
      "reopened:resolved>open",
    ]);
    const log = cardThread(card.ts)
      .map((m) => m.text)
      .join("\n");
    expect(log).toContain("the ticket is reopened");
    const cardNow = desk.slack.messages(TRIAGE).find((m) => m.ts === card.ts)!;
    expect(JSON.stringify(cardNow.blocks)).toContain("reopened 1×");
  });

  it("in threads that are not tickets, the team's own replies and bare pleasantries open nothing (a customer's question does: test/message-changes.test.ts)", async () => {
    desk = await startDesk();
    const parent = desk.slack.seed(SUPPORT, { user: AGENT, text: "Announcement" });
    await reply(parent.ts, AGENT2, "More details in the docs");
    await reply(parent.ts, CUSTOMER, "thanks!");
    await desk.settle();
    expect(await desk.app.db.client.ticket.count()).toBe(0);
  });
});
