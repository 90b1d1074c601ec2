import { describe, expect, it } from "vitest";
import {
  classifyAuthor,
  externalTeam,
  isLateFollowUp,
  isPleasantry,
  joinsRecentTicket,
  judgeTopLevelMessage,
  judgeUnownedThreadReply,
  tsToDate,
} from "./intake.ts";

describe("what counts as noise", () => {
  it.each([
    "thanks",
    "Thanks!",
    "thank you",
    "Thank you so much!!",
    "thx",
    "ty",
    "hi",
    "Hello team",
    "hey",
    "ok",
    "okay 👍",
    ":+1:",
    ":pray: :tada:",
    "🙏",
    "👍🏽",
    "  ",
    "cheers",
    "sounds good",
    "got it.",
  ])("%j is a pleasantry", (text) => expect(isPleasantry(text)).toBe(true));
  it.each([
    "thanks, but the export still fails",
    "hi, can you reset my password?",
    "ok so the API returns 500",
    "hello? anyone? our site is down",
    ":warning: invoices are wrong",
    "help",
  ])("%j is a request", (text) => expect(isPleasantry(text)).toBe(false));
});

describe("who is a customer", () => {
  const base = { userId: "U1", authorTeamId: "THOME", homeTeamId: "THOME", sharedChannel: false, isAgent: false };
  it("a user of another workspace is always a customer, even if listed as an agent", () => {
    expect(classifyAuthor({ ...base, authorTeamId: "TOTHER", sharedChannel: true, isAgent: true })).toBe("customer");
  });
  it("in an internal channel anyone who is not an agent is a customer", () => {
    expect(classifyAuthor(base)).toBe("customer");
    expect(classifyAuthor({ ...base, isAgent: true })).toBe("agent");
  });
  it("in a Slack Connect channel the home workspace speaks for the company", () => {
    expect(classifyAuthor({ ...base, sharedChannel: true })).toBe("agent");
  });
});

describe("Slack timestamps", () => {
  it("turn into the exact millisecond", () => {
    expect(tsToDate("1700000000.123456").toISOString()).toBe("2023-11-14T22:13:20.123Z");
    expect(tsToDate("1700000000.000100").getTime()).toBe(1700000000000);
  });
});

describe("what a top-level message becomes", () => {
  const policy = { ignorePleasantries: true, mergeWindowMs: 5 * 60_000 };
  const at = new Date("2026-11-23T10:00:00Z");
  const message = { supportChannel: true, role: "customer" as const, text: "The export fails", at };

  it("a customer's request in a support channel may join their ticket of the last five minutes", () => {
    expect(judgeTopLevelMessage(message, policy)).toEqual({ action: "request", mergeSince: new Date("2026-11-23T09:55:00Z") });
  });
  it("with the merge window off, every request opens a ticket", () => {
    expect(judgeTopLevelMessage(message, { ...policy, mergeWindowMs: 0 })).toEqual({ action: "request", mergeSince: null });
  });
  it("other channels, the company's own people and bare pleasantries open nothing", () => {
    expect(judgeTopLevelMessage({ ...message, supportChannel: false }, policy)).toEqual({
      action: "ignore",
      reason: "not_a_support_channel",
    });
    expect(judgeTopLevelMessage({ ...message, role: "agent" }, policy)).toEqual({ action: "ignore", reason: "not_a_customer" });
    expect(judgeTopLevelMessage({ ...message, text: "thanks!" }, policy)).toEqual({ action: "ignore", reason: "pleasantry" });
  });
  it("a pleasantry is a request when that rule is off", () => {
    expect(judgeTopLevelMessage({ ...message, text: "thanks!" }, { ...policy, ignorePleasantries: false }).action).toBe("request");
  });
  it("a second delivery of a ticket's own first message does not join that ticket", () => {
    expect(joinsRecentTicket({ sourceTs: "1.000100" }, "2.000100")).toBe(true);
    expect(joinsRecentTicket({ sourceTs: "1.000100" }, "1.000100")).toBe(false);
    expect(joinsRecentTicket(null, "1.000100")).toBe(false);
  });
});

describe("a reply in a thread no ticket owns", () => {
  const policy = { ignorePleasantries: true };
  const message = {
    supportChannel: true,
    role: "customer" as const,
    text: "Same here, since the update",
    at: new Date("2026-11-23T10:00:00Z"),
  };

  it("a customer's request in a support channel opens a ticket there, never joining another", () => {
    expect(judgeUnownedThreadReply(message, policy)).toEqual({ action: "request" });
  });
  it("other channels, the company's own people and bare pleasantries open nothing", () => {
    expect(judgeUnownedThreadReply({ ...message, supportChannel: false }, policy)).toEqual({
      action: "ignore",
      reason: "not_a_support_channel",
    });
    expect(judgeUnownedThreadReply({ ...message, role: "agent" }, policy)).toEqual({ action: "ignore", reason: "not_a_customer" });
    expect(judgeUnownedThreadReply({ ...message, text: "thanks!" }, policy)).toEqual({ action: "ignore", reason: "pleasantry" });
  });
});

describe("a reply in a resolved ticket's thread", () => {
  const resolvedAt = new Date("2026-11-23T10:00:00Z");
  const ticket = { status: "resolved", resolvedAt };
  const policy = { reopenWindowMs: 2 * 3_600_000 };
  const reply = (minutes: number, role: "customer" | "agent" = "customer") => ({
    role,
    at: new Date(resolvedAt.getTime() + minutes * 60_000),
  });

  it("within the reopen window reopens the ticket; later, it starts a follow-up ticket", () => {
    expect(isLateFollowUp(ticket, reply(120), policy)).toBe(false);
    expect(isLateFollowUp(ticket, reply(121), policy)).toBe(true);
  });
  it("an agent's late reply, or a reply on a ticket that is not resolved, is just added", () => {
    expect(isLateFollowUp(ticket, reply(600, "agent"), policy)).toBe(false);
    expect(isLateFollowUp({ status: "open", resolvedAt: null }, reply(600), policy)).toBe(false);
  });
});

describe("the requester's company", () => {
  it("is their workspace when it is another company's", () => {
    expect(externalTeam("TACME", "THOME")).toBe("TACME");
    expect(externalTeam("THOME", "THOME")).toBeNull();
    expect(externalTeam(null, "THOME")).toBeNull();
    expect(externalTeam("TACME", null)).toBeNull();
  });
});
