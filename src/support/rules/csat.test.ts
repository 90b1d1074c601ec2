import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  isCsatScore,
  isLowScore,
  isSampled,
  lowScores,
  mayAnswer,
  normalizeComment,
  recentSurveySince,
  sampleFraction,
  sha256,
} from "./csat.ts";

describe("CSAT sampling", () => {
  it("puts every ticket at the same place every time, as it always has (SHA-256 of csat:<id>)", () => {
    for (const id of [1, 2, 3, 42, 999, 123_456, 2 ** 31 - 1]) {
      const expected = createHash("sha256").update(`csat:${id}`).digest().readUInt32BE(0) / 2 ** 32;
      expect(sampleFraction(id)).toBe(expected);
    }
  });

  it("hashes any length exactly", () => {
    for (const text of ["", "abc", "x".repeat(55), "x".repeat(56), "x".repeat(64), "x".repeat(200)]) {
      const words = sha256(new TextEncoder().encode(text));
      const hex = [...words].map((w) => w.toString(16).padStart(8, "0")).join("");
      expect(hex).toBe(createHash("sha256").update(text).digest("hex"));
    }
  });

  it("a rate of 0 samples no ticket, 1 every ticket, 0.5 about half", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(ids.filter((id) => isSampled(id, 0))).toHaveLength(0);
    expect(ids.filter((id) => isSampled(id, 1))).toHaveLength(1000);
    const half = ids.filter((id) => isSampled(id, 0.5)).length;
    expect(half).toBeGreaterThan(450);
    expect(half).toBeLessThan(550);
  });

  it("limits surveys per requester to one within the configured days, or not at all with 0", () => {
    const at = new Date("2026-11-23T10:00:00Z");
    expect(recentSurveySince({ enabled: true, sampleRate: 1, minDaysBetween: 7 }, at)).toEqual(new Date("2026-11-16T10:00:00Z"));
    expect(recentSurveySince({ enabled: true, sampleRate: 1, minDaysBetween: 0 }, at)).toBeNull();
  });
});

describe("CSAT answers", () => {
  const survey = { requesterId: "UEXT1", requesterTeamId: "TACME" };
  it("the requester may answer; so may a colleague in the requester's own (external) workspace", () => {
    expect(mayAnswer(survey, { userId: "UEXT1", teamId: "TACME", homeTeamId: "THOME" })).toBe(true);
    expect(mayAnswer(survey, { userId: "UEXT2", teamId: "TACME", homeTeamId: "THOME" })).toBe(true);
  });
  it("nobody of another workspace, and in the app's own workspace nobody but the requester", () => {
    expect(mayAnswer(survey, { userId: "UGLOBEX", teamId: "TGLOBEX", homeTeamId: "THOME" })).toBe(false);
    expect(mayAnswer(survey, { userId: "UAGENT", teamId: "THOME", homeTeamId: "THOME" })).toBe(false);
    const internal = { requesterId: "UCUST", requesterTeamId: "THOME" };
    expect(mayAnswer(internal, { userId: "UCOLLEAGUE", teamId: "THOME", homeTeamId: "THOME" })).toBe(false);
    // Home workspace unknown: the requester only.
    expect(mayAnswer(survey, { userId: "UEXT2", teamId: "TACME", homeTeamId: null })).toBe(false);
  });
  it("scores are whole numbers from 1 to 5; 1 and 2 are low", () => {
    expect([0, 1, 2.5, 5, 6, Number.NaN].map(isCsatScore)).toEqual([false, true, false, true, false, false]);
    expect([1, 2, 3].map(isLowScore)).toEqual([true, true, false]);
    expect(lowScores()).toEqual(["1", "2"]);
  });
  it("a comment is trimmed and cut at 3000 characters", () => {
    expect(normalizeComment("  Quick and friendly  ")).toBe("Quick and friendly");
    expect(normalizeComment("   ")).toBe("");
    expect(normalizeComment("x".repeat(4000))).toHaveLength(3000);
  });
});
