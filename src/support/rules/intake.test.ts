import { describe, expect, it } from "vitest";
import { classifyAuthor, isPleasantry, tsToDate } from "./intake.ts";

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
