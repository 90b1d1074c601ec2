// The customer's thread as the customer sees it: an agent's answer through Reply to customer shows the
// agent's name and picture (or the app's, when Slack refuses them), and the acknowledgement can be off.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, HOME_TEAM, SUPPORT, TRIAGE, cardAction, startDesk, type Desk } from "./support/harness.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

async function openTicket(text = "How do I add a user?") {
  const { ts } = await desk.customerSays(text);
  await desk.settle();
  const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
  const card = desk.slack.messages(TRIAGE).find((m) => !m.thread_ts)!;
  return { ticket, ts, card };
}

const customerThread = (ts: string) => desk.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts);

/** Reply to customer on the card, then the modal sent with `text`. */
async function replyThroughApp(ticketId: number, text: string) {
  await cardAction(desk, { ticketId, actionId: "ticket_reply", value: String(ticketId), blockN: 2 });
  const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "modal");
  const sent = await desk.interaction({
    type: "view_submission",
    team: { id: HOME_TEAM, domain: "example" },
    user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
    api_app_id: "A111",
    token: "verification_token",
    trigger_id: "1.2.3",
    view: { ...opened.view, id: opened.id, state: { values: { reply: { text: { type: "plain_text_input", value: text } } } } },
    response_urls: [],
  });
  expect(sent.status).toBe(200);
  await desk.settle();
}

const agentProfile = () =>
  desk.slack.users.set(AGENT, {
    id: AGENT,
    name: "ada",
    real_name: "Ada Lovelace",
    team_id: HOME_TEAM,
    profile: { display_name: "Ada <Support> & Co", image_72: "https://avatars.example.com/ada-72.png" },
  });

describe("Reply to customer, as the customer sees it", () => {
  it("shows the agent's Slack name (escaped) and picture instead of the app's", async () => {
    desk = await startDesk();
    agentProfile();
    const { ticket, ts } = await openTicket();
    await replyThroughApp(ticket.id, "Settings, then Users.");
    const answer = customerThread(ts).find((m) => m.text === "Settings, then Users.");
    expect(answer).toMatchObject({ username: "Ada &lt;Support&gt; &amp; Co", icon_url: "https://avatars.example.com/ada-72.png" });
    // The acknowledgement stays the app's own.
    expect(customerThread(ts).find((m) => m.text.includes("logged your request"))?.username).toBeUndefined();
  });

  it("without chat:write.customize the answer is posted once under the app's name, and later answers too", async () => {
    desk = await startDesk();
    agentProfile();
    desk.slack.missingScopes.add("chat:write.customize");
    const { ticket, ts } = await openTicket();
    await replyThroughApp(ticket.id, "Settings, then Users.");
    await replyThroughApp(ticket.id, "Then Invite.");
    const answers = customerThread(ts).filter((m) => !m.text.includes("logged your request"));
    expect(answers.map((m) => [m.text, m.username ?? null])).toEqual([
      ["Settings, then Users.", null],
      ["Then Invite.", null],
    ]);
    const outbox = await desk.app.db.client.outboxMessage.findMany({ where: { channelId: SUPPORT } });
    expect(outbox.every((r) => r.status === "sent")).toBe(true);
    // Refused once; the second answer did not ask again.
    const refused = desk.slack.calls.filter((c) => c.method === "chat.postMessage" && c.error === "missing_scope");
    expect(refused).toHaveLength(1);
  });
});

describe("CUSTOMER_ACK", () => {
  it("off: a new ticket is tracked (card, first response clock) with nothing posted in the customer's thread", async () => {
    desk = await startDesk({ env: { CUSTOMER_ACK: "off" } });
    const { ticket, ts, card } = await openTicket("The invoice PDF is empty");
    expect(ticket.status).toBe("open");
    expect(card).toBeDefined();
    expect(customerThread(ts)).toEqual([]);
    // Answering still works: the reply goes into the customer's thread.
    await replyThroughApp(ticket.id, "Looking into it.");
    expect(customerThread(ts).map((m) => m.text)).toEqual(["Looking into it."]);
  });

  it("on by default (and when set empty): the customer is acknowledged", async () => {
    desk = await startDesk({ env: { CUSTOMER_ACK: "" } });
    const { ts } = await openTicket();
    expect(
      customerThread(ts)
        .map((m) => m.text)
        .join("\n"),
    ).toContain("logged your request");
  });
});
