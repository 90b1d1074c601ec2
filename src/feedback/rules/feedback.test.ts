// What is kept of a feedback item's text, and when taking a reaction back withdraws the tag.
import { describe, expect, it } from "vitest";
import { DomainError } from "../../shared/errors.ts";
import { MAX_FEEDBACK_TEXT, feedbackText, openSuggestions, untagDecision, verbatim } from "./feedback.ts";

describe("the verbatim text", () => {
  it("keeps the text as said, trimmed, and cuts a very long one with an ellipsis", () => {
    expect(verbatim("  We need SSO \n")).toBe("We need SSO");
    const long = verbatim("word ".repeat(1000));
    expect(long.length).toBeLessThanOrEqual(MAX_FEEDBACK_TEXT);
    expect(long.endsWith("…")).toBe(true);
  });

  it("refuses a message with nothing to quote", () => {
    expect(() => feedbackText("   ")).toThrow(DomainError);
    expect(feedbackText(" Dark mode ")).toBe("Dark mode");
  });
});

describe("suggestions on a card", () => {
  it("leaves out the themes the item is already tagged with", () => {
    const suggestions = [
      { id: 1, name: "Excel export", similarity: 0.7 },
      { id: 2, name: "SSO", similarity: 0.3 },
    ];
    expect(openSuggestions(suggestions, [{ id: 1, name: "Excel export" }])).toEqual([{ id: 2, name: "SSO", similarity: 0.3 }]);
  });
});

describe("taking a reaction back", () => {
  const at = new Date("2026-11-20T10:00:00Z");
  const grace = 10 * 60_000;
  it("removes the tag within the grace period, keeps it later, and ignores tags not made by reaction", () => {
    const tag = { via: "reaction", taggedAt: at };
    expect(untagDecision(tag, new Date(at.getTime() + grace), grace)).toBe("remove");
    expect(untagDecision(tag, new Date(at.getTime() + grace + 1), grace)).toBe("kept");
    expect(untagDecision({ via: "shortcut", taggedAt: at }, at, grace)).toBe("none");
    expect(untagDecision(null, at, grace)).toBe("none");
  });
});
