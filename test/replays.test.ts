// Replayed Slack requests take effect once: a captured signed request posted again (within the 5 minutes
// its signature holds) is acknowledged and ignored, while a person doing the same thing again (a new
// request from Slack, with its own trigger_id) is not.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, HOME_TEAM, SUPPORT, TRIAGE, cardAction, startDesk, type Desk } from "./support/harness.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

const FORM = "application/x-www-form-urlencoded";

/** Posts the very same signed bytes `times` times (one timestamp, one signature), as an attacker replaying a capture. */
async function replay(body: string, times: number): Promise<number[]> {
  const timestamp = Math.floor(Date.now() / 1000);
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await desk.post(body, { contentType: FORM, timestamp })).status);
  return statuses;
}

const replayLogs = () => desk.logs.filter((l) => String(l.msg).startsWith("ignored a replayed Slack interaction"));

describe("replayed interactions", () => {
  it("a Reply to customer submission posted 3 times reaches the customer once; replying again is a new reply", async () => {
    desk = await startDesk();
    const { ts } = await desk.customerSays("How do I add a user?");
    await desk.settle();
    const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
    const answers = () => desk.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts && !m.text.includes("logged your request"));

    const openModal = async (n: number) => {
      await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_reply", value: String(ticket.id), blockN: 2 });
      return desk.slack.waitFor(() => desk.slack.views.filter((v) => v.method === "views.open")[n - 1], 5000, `modal ${n}`);
    };
    const submission = (view: Awaited<ReturnType<typeof openModal>>, triggerId: string, text: string) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: "view_submission",
          team: { id: HOME_TEAM, domain: "example" },
          user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
          api_app_id: "A111",
          token: "verification_token",
          trigger_id: triggerId,
          view: { ...view.view, id: view.id, state: { values: { reply: { text: { type: "plain_text_input", value: text } } } } },
          response_urls: [],
        }),
      }).toString();

    const first = await openModal(1);
    expect(await replay(submission(first, "1001.2.a", "Settings, then Users."), 3)).toEqual([200, 200, 200]);
    await desk.settle();
    expect(answers().map((m) => m.text)).toEqual(["Settings, then Users."]);
    expect(await desk.app.db.client.ticketEvent.count({ where: { ticketId: ticket.id, kind: "first_response" } })).toBe(1);
    expect(replayLogs()).toHaveLength(2);
    expect(replayLogs()[0]).toMatchObject({ level: "info", kind: "view_submission", userId: AGENT });

    // The agent opens the modal again and sends the same words: Slack makes that a new request.
    const second = await openModal(2);
    await replay(submission(second, "1002.2.b", "Settings, then Users."), 1);
    await desk.settle();
    expect(answers().map((m) => m.text)).toEqual(["Settings, then Users.", "Settings, then Users."]);
  });

  it("a /ticket command posted 3 times opens one ticket; typing it again opens another", async () => {
    desk = await startDesk();
    const command = (triggerId: string) =>
      new URLSearchParams({
        token: "fixed-value",
        team_id: HOME_TEAM,
        team_domain: "example",
        channel_id: "CSALES",
        channel_name: "sales",
        user_id: AGENT,
        user_name: "agent",
        command: "/ticket",
        text: "Acme cannot export invoices",
        api_app_id: "A111",
        response_url: desk.slack.responseUrl(`cmd-${triggerId}`),
        trigger_id: triggerId,
      }).toString();

    expect(await replay(command("2001.1.a"), 3)).toEqual([200, 200, 200]);
    await desk.settle();
    expect(await desk.app.db.client.ticket.count()).toBe(1);
    expect(desk.slack.messages("CSALES").filter((m) => m.bot_id && !m.thread_ts)).toHaveLength(1);
    expect(desk.slack.messages(TRIAGE).filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(replayLogs().map((l) => l.kind)).toEqual(["/ticket", "/ticket"]);

    await replay(command("2002.1.b"), 1);
    await desk.settle();
    expect(await desk.app.db.client.ticket.count()).toBe(2);
  });

  it("a replayed card click is acknowledged and ignored: the ticket changes once", async () => {
    desk = await startDesk();
    const { ts } = await desk.customerSays("The invoice PDF is empty");
    await desk.settle();
    const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
    const click = new URLSearchParams({
      payload: JSON.stringify({
        type: "block_actions",
        user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
        api_app_id: "A111",
        token: "verification_token",
        container: { type: "message", message_ts: "1.000100", channel_id: TRIAGE, is_ephemeral: false },
        trigger_id: "3001.1.a",
        team: { id: HOME_TEAM, domain: "example" },
        channel: { id: TRIAGE, name: "triage" },
        response_url: desk.slack.responseUrl("click"),
        actions: [
          {
            action_id: "ticket_priority",
            block_id: `ticket:${ticket.id}:1`,
            type: "static_select",
            selected_option: { text: { type: "plain_text", text: "urgent" }, value: "urgent" },
            action_ts: "1700000000.000100",
          },
        ],
      }),
    }).toString();
    expect(await replay(click, 3)).toEqual([200, 200, 200]);
    await desk.settle();
    expect((await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).priority).toBe("urgent");
    expect(await desk.app.db.client.ticketEvent.count({ where: { ticketId: ticket.id, kind: "priority_changed" } })).toBe(1);
    expect(replayLogs().map((l) => l.kind)).toEqual(["block_actions", "block_actions"]);
  });
});
