import { describe, expect, it } from "vitest";
import { planMessageChange } from "./message-changes.ts";

describe("an edit or a deletion in Slack", () => {
  it("gives an edited message its new text", () => {
    expect(planMessageChange({ text: "Export fails", state: null }, { kind: "edited", text: "Export fails with error 500" })).toEqual({
      text: "Export fails with error 500",
      state: "edited",
    });
    expect(planMessageChange({ text: "v2", state: "edited" }, { kind: "edited", text: "v3" })).toEqual({ text: "v3", state: "edited" });
  });

  it("changes nothing when the text is the same (a second delivery, an unfurl, a pin)", () => {
    expect(planMessageChange({ text: "Export fails", state: null }, { kind: "edited", text: "Export fails" })).toBeNull();
    expect(planMessageChange({ text: "v2", state: "edited" }, { kind: "edited", text: "v2" })).toBeNull();
  });

  it("marks a deleted message deleted once, keeping its text, and changes nothing after", () => {
    expect(planMessageChange({ text: "Export fails", state: "edited" }, { kind: "deleted" })).toEqual({
      text: "Export fails",
      state: "deleted",
    });
    expect(planMessageChange({ text: "Export fails", state: "deleted" }, { kind: "deleted" })).toBeNull();
    expect(planMessageChange({ text: "Export fails", state: "deleted" }, { kind: "edited", text: "back" })).toBeNull();
  });
});
