// The triage card in each state (new, assigned, due soon, breached, pending, resolved): what comes first,
// what is left out, and Block Kit's limits.
import { describe, expect, it } from "vitest";
import type { KnownBlock } from "@slack/types";
import type { Ticket } from "../../support/rules/ticket.ts";
import type { SlaStatus } from "../../support/rules/sla.ts";
import type { CardAccount } from "../../success/rules/account.ts";
import { INTERNAL_THREAD_HINT, cardSla, firstWords, ticketCard } from "./ticket-card.ts";
import { LIMITS } from "./limits.ts";

const AT = new Date("2026-11-23T10:00:00Z");
const DUE = new Date("2026-11-23T11:00:00Z");
const unix = (d: Date) => d.getTime() / 1000;

const ticket = (over: Partial<Ticket> = {}): Ticket => ({
  id: 42,
  channelId: "CSUPPORT",
  sourceTs: "1700000000.000100",
  threadTs: "1700000000.000100",
  requesterId: "UCUST",
  requesterTeamId: "TOTHER",
  requesterName: "Pat",
  requesterCompany: "Globex",
  text: "Our CSV export fails with error 500 since this morning, every time we try it on the invoices page",
  sourceState: null,
  permalink: "https://example.slack.com/archives/CSUPPORT/p1700000000000100",
  priority: "high",
  status: "open",
  assigneeId: null,
  origin: "message",
  createdById: "UCUST",
  createdAt: AT,
  firstResponseAt: null,
  firstResponderId: null,
  resolvedAt: null,
  resolvedById: null,
  reopenedAt: null,
  reopenCount: 0,
  lastCustomerMessageAt: AT,
  accountExternalId: "globex",
  tier: null,
  previousTicketId: null,
  agentResponseCount: 0,
  firstResponseSeconds: null,
  firstResponseBusinessSeconds: null,
  resolutionSeconds: null,
  resolutionBusinessSeconds: null,
  updatedAt: AT,
  ...over,
});

const account: CardAccount = {
  externalId: "globex",
  name: "Globex",
  arr: 120000,
  band: "red",
  score: 35,
  computedAt: AT,
  csmSlackUserId: "UCSM",
};

const sla = (state: SlaStatus["state"], over: Partial<SlaStatus> = {}): SlaStatus => ({
  kind: "first_response",
  state,
  dueAt: state === "paused" ? null : DUE,
  leftSeconds: state === "breached" ? -60 : 1800,
  ...over,
});

const textOf = (b: KnownBlock): string =>
  b.type === "section" ? (b.text?.text ?? "") : b.type === "context" ? b.elements.map((e) => ("text" in e ? e.text : "")).join("\n") : "";
const headline = (blocks: KnownBlock[]) => textOf(blocks[0]);
const actionIds = (blocks: KnownBlock[]) =>
  blocks.flatMap((b) => (b.type === "actions" ? b.elements.map((e) => ("action_id" in e ? e.action_id : "")) : []));
const overflowValues = (blocks: KnownBlock[]) =>
  blocks.flatMap((b) =>
    b.type === "actions" ? b.elements.flatMap((e) => (e.type === "overflow" ? e.options.map((o) => o.value ?? "") : [])) : [],
  );
const textBlocks = (blocks: KnownBlock[]) => blocks.filter((b) => b.type === "section" || b.type === "context");

describe("the triage card", () => {
  it("new: the headline says priority, SLA, number, first words and account; the quote is right under it", () => {
    const { blocks, text } = ticketCard(ticket(), sla("running"), account, { feedback: true });
    expect(headline(blocks)).toBe(
      ":large_orange_circle: *High* · :stopwatch: On time · *#42* Our CSV export fails with error 500 since this morning… · *Globex* ARR $120,000 :red_circle: 35 red",
    );
    expect(blocks[1]).toMatchObject({ type: "section" });
    expect(textOf(blocks[1]).startsWith("> Our CSV export fails with error 500")).toBe(true);
    const details = textOf(blocks[2]);
    expect(details).toContain("From <@UCUST> (Globex) in <#CSUPPORT>");
    expect(details).toContain("_Unassigned_");
    expect(details).toContain(`First response due <!date^${unix(DUE)}^{date_short_pretty} at {time}|2026-11-23T11:00:00Z>`);
    expect(details).toContain("CSM <@UCSM>");
    expect(details).toContain("View the conversation");
    expect(details).not.toContain("left");
    expect(JSON.stringify(blocks)).not.toContain("thread is internal");
    expect(actionIds(blocks)).toEqual([
      "ticket_assign_me",
      "ticket_reply",
      "ticket_resolve",
      "ticket_assignee",
      "ticket_priority",
      "ticket_more",
    ]);
    expect(overflowValues(blocks)).toEqual(["status:pending", "feedback"]);
    expect(blocks).toHaveLength(4);
    expect(text).toBe(
      "Ticket #42 from Pat: Our CSV export fails with error 500 since this morning, every time we try it on the invoices page",
    );
  });

  it("assigned: no Assign to me; who has it is in the details", () => {
    const { blocks } = ticketCard(ticket({ assigneeId: "UAGENT" }), sla("running"), account);
    expect(actionIds(blocks)).not.toContain("ticket_assign_me");
    expect(actionIds(blocks)[0]).toBe("ticket_reply");
    expect(textOf(blocks[2])).toContain("Assigned to <@UAGENT>");
    expect(textOf(blocks[2])).not.toContain("Unassigned");
    // Without the product channel there is one choice left: a button, since a menu needs two options.
    expect(overflowValues(blocks)).toEqual([]);
    const more = blocks
      .flatMap((b) => (b.type === "actions" ? b.elements : []))
      .find((e) => "action_id" in e && e.action_id === "ticket_more");
    expect(more).toMatchObject({ type: "button", value: "status:pending", text: { text: "Pending on customer" } });
  });

  it("due soon and breached: the state is in the headline, in bold, and in the notification text", () => {
    const soon = ticketCard(ticket(), sla("warning"), account);
    expect(headline(soon.blocks)).toMatch(/^:large_orange_circle: \*High\* · :warning: \*SLA due soon\* · \*#42\*/);
    const missed = ticketCard(ticket({ assigneeId: "UAGENT" }), sla("breached"), account);
    expect(headline(missed.blocks)).toMatch(/^:large_orange_circle: \*High\* · :rotating_light: \*SLA missed\* · \*#42\*/);
    expect(missed.text.startsWith("SLA missed: Ticket #42")).toBe(true);
    expect(textOf(missed.blocks[2])).toContain(`First response was due <!date^${unix(DUE)}^{date_short_pretty} at {time}|`);
    // Nothing about the SLA in the small print says it is missed: the headline does.
    expect(textOf(missed.blocks[2])).not.toContain("missed");
  });

  it("pending: the menu offers back to open, the details say pending and the SLA is paused", () => {
    const { blocks } = ticketCard(ticket({ status: "pending" }), sla("paused", { leftSeconds: 1800 }), null);
    expect(headline(blocks)).toBe(
      ":large_orange_circle: *High* · :double_vertical_bar: SLA paused · *#42* Our CSV export fails with error 500 since this morning…",
    );
    expect(textOf(blocks[2])).toContain("Pending on customer");
    expect(overflowValues(blocks)).toEqual([]);
    expect(JSON.stringify(blocks)).toContain(
      '"action_id":"ticket_more","text":{"type":"plain_text","text":"Back to open"},"value":"status:open"',
    );
  });

  it("resolved: two lines (what, who resolved it and when) and Reopen; nothing else", () => {
    const resolvedAt = new Date("2026-11-23T12:00:00Z");
    const { blocks, text } = ticketCard(
      ticket({ status: "resolved", assigneeId: "UAGENT", resolvedAt, resolvedById: "UAGENT" }),
      sla("breached"),
      account,
      { feedback: false, hint: true },
    );
    expect(textBlocks(blocks)).toHaveLength(2);
    expect(blocks.map((b) => b.type)).toEqual(["section", "context", "actions"]);
    expect(headline(blocks)).toBe(
      ":white_check_mark: *Resolved* · *#42* Our CSV export fails with error 500 since this morning… · *Globex* ARR $120,000 :red_circle: 35 red",
    );
    expect(textOf(blocks[1])).toContain(`Resolved by <@UAGENT> <!date^${unix(resolvedAt)}^{date_short_pretty} at {time}|`);
    expect(actionIds(blocks)).toEqual(["ticket_reopen"]);
    const all = JSON.stringify(blocks);
    for (const gone of ["Assign to me", 'Resolve"', "SLA missed", "> Our CSV", "thread is internal", "Reply to customer"])
      expect(all).not.toContain(gone);
    expect(text).not.toContain("SLA missed");
  });

  it("a resolved card keeps Tag as feedback as a button when feedback is on (a menu needs two options)", () => {
    const { blocks } = ticketCard(ticket({ status: "resolved", resolvedAt: AT }), null, null, { feedback: true });
    expect(actionIds(blocks)).toEqual(["ticket_reopen", "ticket_feedback"]);
    expect(overflowValues(blocks)).toEqual([]);
  });

  it("carries the internal-thread hint only when asked (the channel's first card of the day)", () => {
    expect(JSON.stringify(ticketCard(ticket(), sla("running"), null, { hint: true }).blocks)).toContain(INTERNAL_THREAD_HINT);
    expect(JSON.stringify(ticketCard(ticket(), sla("running"), null).blocks)).not.toContain("internal");
  });

  it("a /ticket opened for no one names who opened it, not a requester; for a customer, both", () => {
    const self = ticketCard(
      ticket({ origin: "command", requesterId: "UAGENT", createdById: "UAGENT", requesterCompany: null }),
      null,
      null,
    );
    expect(textOf(self.blocks[2])).toContain("Opened by <@UAGENT> with /ticket in <#CSUPPORT>");
    expect(self.text).toBe("Ticket #42: Our CSV export fails with error 500 since this morning, every time we try it on the invoices page");
    const forCustomer = ticketCard(ticket({ origin: "command", createdById: "UAGENT", requesterCompany: null }), null, null);
    expect(textOf(forCustomer.blocks[2])).toContain("From <@UCUST>, opened by <@UAGENT> in <#CSUPPORT>");
  });

  it("escapes the customer's words in the headline and the quote, and keeps within Block Kit's limits", () => {
    const attack = `<!channel> <@U999> <https://evil.example|click> & ${"x".repeat(5000)}`;
    const { blocks, text } = ticketCard(ticket({ text: attack, requesterName: "<!here>" }), sla("breached"), {
      ...account,
      name: "<!everyone>",
    });
    const all = JSON.stringify(blocks);
    expect(all).not.toContain("<!channel>");
    expect(all).not.toContain("<@U999>");
    expect(all).not.toContain("<!everyone>");
    expect(headline(blocks)).toContain("&lt;!channel&gt; &lt;@U999&gt;");
    expect(text).not.toContain("<!here>");
    expect(text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    for (const b of textBlocks(blocks)) expect(textOf(b).length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  });

  it("first words cut at a word and say when there are only files", () => {
    expect(firstWords({ text: "short" })).toBe("short");
    expect(firstWords({ text: "one two three four five six seven eight nine ten eleven twelve thirteen" }, [], 30)).toBe(
      "one two three four five six…",
    );
    expect(firstWords({ text: "  " }, [{ id: "F1" } as never])).toBe("(1 file)");
  });

  it("maps the SLA to the state a card shows", () => {
    expect([null, sla("running"), sla("warning"), sla("breached"), sla("paused")].map(cardSla)).toEqual([
      "none",
      "ok",
      "due_soon",
      "breached",
      "paused",
    ]);
  });
});
