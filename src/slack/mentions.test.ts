import { describe, expect, it } from "vitest";
import { withoutAppMention } from "./mentions.ts";

describe("the app's own mention in a message", () => {
  it("is taken out of the words, wherever it is", () => {
    expect(withoutAppMention("<@UBOT> our exports fail", "UBOT")).toBe("our exports fail");
    expect(withoutAppMention("<@UBOT|customer-desk>: our exports fail", "UBOT")).toBe("our exports fail");
    expect(withoutAppMention("hey <@UBOT>, can you help?", "UBOT")).toBe("hey can you help?");
    expect(withoutAppMention("thanks <@UBOT>", "UBOT")).toBe("thanks");
    expect(withoutAppMention("<@UBOT>", "UBOT")).toBe("");
    expect(withoutAppMention("  <@UBOT>  \n ", "UBOT")).toBe("");
  });

  it("leaves other mentions and text without one as they are", () => {
    expect(withoutAppMention("<@UOTHER> can you look?", "UBOT")).toBe("<@UOTHER> can you look?");
    expect(withoutAppMention("<@UBOTTOM> hi", "UBOT")).toBe("<@UBOTTOM> hi");
    expect(withoutAppMention("  spaced  ", "UBOT")).toBe("  spaced  ");
    expect(withoutAppMention("<@UBOT> hi", null)).toBe("<@UBOT> hi");
  });
});
