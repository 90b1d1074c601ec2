// `/feedback <text>`: subcommands, feedback, and a first word that looks like a mistyped subcommand.
import { describe, expect, it } from "vitest";
import { editDistance, mistypedSubcommand, parseFeedbackCommand } from "./feedback-command.ts";

describe("editDistance", () => {
  it("counts insertions, deletions and substitutions", () => {
    expect(editDistance("themes", "themes")).toBe(0);
    expect(editDistance("theme", "themes")).toBe(1);
    expect(editDistance("digset", "digest")).toBe(2);
    expect(editDistance("", "ship")).toBe(4);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});

describe("mistypedSubcommand", () => {
  it("finds the subcommand a word is one or two edits away from", () => {
    expect(mistypedSubcommand("theme")).toBe("themes");
    expect(mistypedSubcommand("Theme")).toBe("themes");
    expect(mistypedSubcommand("digset")).toBe("digest");
    expect(mistypedSubcommand("hlep")).toBe("help");
    expect(mistypedSubcommand("shp")).toBe("ship");
    expect(mistypedSubcommand("shipp")).toBe("ship");
  });

  it("leaves subcommands themselves, other words and short greetings alone", () => {
    for (const word of [
      "themes",
      "help",
      "digest",
      "ship",
      "exports",
      "customers",
      "shipping",
      "the",
      "hi",
      "hey",
      "she",
      "a",
      "Help!",
      "theme:",
      "ship-ready",
      "",
    ])
      expect(mistypedSubcommand(word), word).toBeNull();
  });
});

describe("parseFeedbackCommand", () => {
  it("tells subcommands, feedback, typos and nothing apart", () => {
    expect(parseFeedbackCommand("   ")).toEqual({ kind: "empty" });
    expect(parseFeedbackCommand("themes add Excel export")).toEqual({ kind: "subcommand", name: "themes", rest: "add Excel export" });
    expect(parseFeedbackCommand("DIGEST 30d")).toEqual({ kind: "subcommand", name: "digest", rest: "30d" });
    expect(parseFeedbackCommand("Exports to Excel time out")).toEqual({
      kind: "feedback",
      text: "Exports to Excel time out",
      forAccount: null,
    });
    expect(parseFeedbackCommand("theme add Excel export")).toEqual({
      kind: "mistyped",
      suggestion: "themes",
      text: "theme add Excel export",
    });
    expect(parseFeedbackCommand(" digset ")).toEqual({ kind: "mistyped", suggestion: "digest", text: "digset" });
  });

  it("sends what follows `--` as feedback, whatever its first word", () => {
    expect(parseFeedbackCommand("-- theme park tickets are missing")).toEqual({
      kind: "feedback",
      text: "theme park tickets are missing",
      forAccount: null,
    });
    expect(parseFeedbackCommand("-- ship it faster")).toEqual({ kind: "feedback", text: "ship it faster", forAccount: null });
    expect(parseFeedbackCommand("--")).toEqual({ kind: "empty" });
  });

  it("reads the account named with `for:` before the text", () => {
    expect(parseFeedbackCommand("for:globex Bulk edit please")).toEqual({
      kind: "feedback",
      text: "Bulk edit please",
      forAccount: "globex",
    });
    expect(parseFeedbackCommand('FOR:"Acme Corp" SSO with Okta')).toEqual({
      kind: "feedback",
      text: "SSO with Okta",
      forAccount: "Acme Corp",
    });
    expect(parseFeedbackCommand("for:“Acme Corp” SSO")).toEqual({ kind: "feedback", text: "SSO", forAccount: "Acme Corp" });
    // Naming an account says it is feedback: a subcommand's word after it is text.
    expect(parseFeedbackCommand("for:globex themes are confusing")).toEqual({
      kind: "feedback",
      text: "themes are confusing",
      forAccount: "globex",
    });
    expect(parseFeedbackCommand("for:globex -- ship it")).toEqual({ kind: "feedback", text: "ship it", forAccount: "globex" });
    expect(parseFeedbackCommand("for: globex text")).toEqual({ kind: "noAccount" });
    expect(parseFeedbackCommand('for:"" text')).toEqual({ kind: "noAccount" });
    expect(parseFeedbackCommand("for:globex")).toEqual({ kind: "empty" });
    expect(parseFeedbackCommand("format is wrong")).toEqual({ kind: "feedback", text: "format is wrong", forAccount: null });
  });
});
