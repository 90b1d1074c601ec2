import { describe, expect, it } from "vitest";
import { cleanStrings, cleanText, isCleanText, parseCleanJson } from "./text.ts";

describe("cleanText", () => {
  it("drops U+0000 and replaces each unpaired surrogate with U+FFFD", () => {
    expect(cleanText("a\u0000b\u0000")).toBe("ab");
    expect(cleanText("x\ud800y")).toBe("x\uFFFDy");
    expect(cleanText("x\udc00y")).toBe("x\uFFFDy");
    expect(cleanText("\udc00\ud800")).toBe("\uFFFD\uFFFD");
    expect(cleanText("end\ud83d")).toBe("end\uFFFD");
  });

  it("keeps every other character, pairs (emoji) and control characters Postgres stores included", () => {
    const text = "Help! 😀 <!channel> &amp; tab\tnewline\n\u0001 \uFFFD é 中";
    expect(cleanText(text)).toBe(text);
    expect(isCleanText(text)).toBe(true);
    expect(isCleanText("a\u0000")).toBe(false);
    expect(isCleanText("\ud800")).toBe(false);
  });

  it("is idempotent", () => {
    const once = cleanText("a\u0000\ud800b\udfff");
    expect(cleanText(once)).toBe(once);
  });
});

describe("cleaning parsed JSON", () => {
  it("cleans every string and key, at any depth, without recursion", () => {
    const value = { "k\u0000": ["a\u0000", { b: "\ud800" }], n: 1, t: true, z: null };
    expect(cleanStrings(value)).toEqual({ k: ["a", { b: "\uFFFD" }], n: 1, t: true, z: null });
    let deep: unknown = "\u0000deep";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    let inner = cleanStrings(deep);
    for (let i = 0; i < 100_000; i++) inner = (inner as unknown[])[0];
    expect(inner).toBe("deep");
    expect(cleanStrings("x\u0000")).toBe("x");
    expect(cleanStrings(42)).toBe(42);
  });

  it("parses JSON whose escapes hold U+0000 or lone surrogates into clean text, and other JSON as it is", () => {
    expect(parseCleanJson('{"text":"Help\\u0000 \\ud800!","user_profile":{"display_name":"\\u0000Mallory"}}')).toEqual({
      text: "Help \uFFFD!",
      user_profile: { display_name: "Mallory" },
    });
    // A surrogate pair written as escapes is one character, kept.
    expect(parseCleanJson('["\\ud83d\\ude00", "\\uD83D"]')).toEqual(["😀", "\uFFFD"]);
    expect(parseCleanJson('{"a":"plain"}')).toEqual({ a: "plain" });
    expect(() => parseCleanJson("{")).toThrow(SyntaxError);
  });
});
