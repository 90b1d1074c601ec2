// Theme names, how a theme is named in a command, the list order and suggestions after a rename or merge.
import { describe, expect, it } from "vitest";
import { DomainError } from "../../shared/errors.ts";
import {
  MAX_THEME_NAME,
  cleanThemeName,
  pairCandidates,
  parseThemeRef,
  pickPair,
  renameSuggestion,
  sortThemeList,
  taggable,
  themeKey,
  type ThemeSummary,
} from "./themes.ts";

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("theme names", () => {
  it("keeps a name tidy and refuses empty, too long and number-like names, saying why", () => {
    expect(cleanThemeName("  Excel   export ")).toBe("Excel export");
    expect(cleanThemeName("y".repeat(MAX_THEME_NAME))).toHaveLength(MAX_THEME_NAME);
    expect(refusal(() => cleanThemeName("   ")).code).toBe("theme.name_empty");
    const long = refusal(() => cleanThemeName("x".repeat(61)));
    expect(long.code).toBe("theme.name_too_long");
    expect(long.details).toMatchObject({ length: 61, max: 60 });
    expect(refusal(() => cleanThemeName("#12")).code).toBe("theme.name_like_number");
    expect(cleanThemeName("#12 exports")).toBe("#12 exports");
  });

  it("treats names differing only in case or spacing as the same theme", () => {
    expect(themeKey(" Excel  EXPORT")).toBe(themeKey("excel export"));
  });

  it("reads `#12` as theme 12 and anything else as a name", () => {
    expect(parseThemeRef("#12")).toEqual({ by: "id", id: 12 });
    expect(parseThemeRef(" Excel Export ")).toEqual({ by: "key", key: "excel export" });
    expect(parseThemeRef("12")).toEqual({ by: "key", key: "12" });
    expect(parseThemeRef("  ")).toBeNull();
  });
});

describe("the theme list", () => {
  it("shows active themes first, the busiest first, then by name; archived ones after", () => {
    const t = (id: number, name: string, items: number, status: ThemeSummary["status"] = "active"): ThemeSummary => ({
      id,
      name,
      items,
      status,
      createdAt: new Date(0),
      shippedAt: null,
    });
    const listed = sortThemeList([t(1, "Old", 50, "archived"), t(2, "b", 3), t(3, "a", 3), t(4, "Busy", 9)]);
    expect(listed.map((x) => x.name)).toEqual(["Busy", "a", "b", "Old"]);
  });
});

describe("tagging with a theme", () => {
  it("refuses an archived or merged-away theme", () => {
    const base = { id: 3, name: "Dark mode", mergedIntoId: null };
    expect(taggable({ ...base, status: "active" }, { themeId: 3 })).toEqual({ id: 3, name: "Dark mode" });
    expect(refusal(() => taggable({ ...base, status: "archived" }, { themeId: 3 })).code).toBe("theme.archived");
    expect(refusal(() => taggable({ ...base, status: "merged" }, { themeId: 3 })).code).toBe("theme.not_found");
    expect(refusal(() => taggable(null, { themeId: 9 })).details).toEqual({ themeId: 9 });
  });
});

describe("suggestions after a rename or merge", () => {
  it("names the theme as it is now, and keeps one suggestion per theme (the closest)", () => {
    const suggestions = [
      { id: 1, name: "Slow exports", similarity: 0.6 },
      { id: 2, name: "Exports", similarity: 0.4 },
      { id: 3, name: "SSO", similarity: 0.3 },
    ];
    expect(renameSuggestion(suggestions, 1, { id: 2, name: "Exports" })).toEqual([
      { id: 2, name: "Exports", similarity: 0.6 },
      { id: 3, name: "SSO", similarity: 0.3 },
    ]);
    expect(renameSuggestion(suggestions, 3, { id: 3, name: "Single sign-on" })[2]).toEqual({
      id: 3,
      name: "Single sign-on",
      similarity: 0.3,
    });
  });
});

describe("splitting `<a> to <b>`", () => {
  it("splits on an arrow at once, and on every separator word otherwise", () => {
    expect(pairCandidates("Onboarding -> Setup", ["->", "→", "to"])).toEqual([["Onboarding", "Setup"]]);
    expect(pairCandidates("time to first value to Time to value", ["->", "→", "to"])).toEqual([
      ["time", "first value to Time to value"],
      ["time to first value", "Time to value"],
      ["time to first value to Time", "value"],
    ]);
    expect(pairCandidates("Onboarding", ["->", "→", "to"])).toEqual([]);
  });

  it("prefers the split whose two sides name themes, then whose left side does", () => {
    const c: [string, string][] = [
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
    ];
    expect(
      pickPair(c, [
        [true, false],
        [true, true],
        [false, false],
      ]),
    ).toEqual(["c", "d"]);
    expect(
      pickPair(c, [
        [false, true],
        [true, false],
        [false, false],
      ]),
    ).toEqual(["c", "d"]);
    expect(
      pickPair(c, [
        [false, false],
        [false, false],
        [false, false],
      ]),
    ).toEqual(["a", "b"]);
  });
});
