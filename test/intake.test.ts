import { afterEach, describe, expect, it } from "vitest";
import { AGENT, CUSTOMER, SUPPORT, TRIAGE, startDesk, type Desk } from "./support/harness.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

describe("intake: a customer's message becomes a ticket", () => {
  it("acknowledges in the customer's thread and posts one triage card", async () => {
    desk = await startDesk();
    const { ts, response } = await desk.customerSays("Our exports fail with error 500 since this morning");
    expect(response.status).toBe(200);
    await desk.settle();

    const tickets = await desk.app.db.client.ticket.findMany();
    expect(tickets).toHaveLength(1);
    const t = tickets[0];
    expect(t).toMatchObject({ channelId: SUPPORT, sourceTs: ts, requesterId: CUSTOMER, status: "open", priority: "normal", origin: "message" });

    const ack = desk.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts && m.bot_id);
    expect(ack).toHaveLength(1);
    expect(ack[0].text).toContain(`#${t.id}`);

    const cards = desk.slack.messages(TRIAGE).filter((m) => !m.thread_ts);
    expect(cards).toHaveLength(1);
    const cardText = JSON.stringify(cards[0].blocks);
    expect(cardText).toContain(`Ticket #${t.id}`);
    expect(cardText).toContain("Our exports fail with error 500");
    expect(cardText).toContain(`<#${SUPPORT}>`);
    expect(cardText).toContain("Assign to me");
  });
});
