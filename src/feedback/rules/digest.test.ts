// Ranking themes and composing the digest on hand-made figures (pure, no database): what a product
// manager reads first is the theme whose accounts are worth the most, ties broken in a stable order,
// with last period's figures beside it.
import { describe, expect, it } from "vitest";
import {
  DIGEST_NEW_THEMES,
  NO_FIGURES,
  checkPeriod,
  composeDigest,
  lastDays,
  nothingHappened,
  previousPeriod,
  rankThemes,
  unrankedNewThemes,
  type PeriodTotals,
  type ThemePeriodRow,
} from "./digest.ts";

const TO = new Date("2026-11-23T09:00:00Z");
const DAY = 86_400_000;
const PERIOD = { from: new Date(TO.getTime() - 7 * DAY), to: TO };
const OLD = new Date("2026-01-01T00:00:00Z");

function row(themeId: number, name: string, arr: number, items: number, o: Partial<ThemePeriodRow> = {}): ThemePeriodRow {
  return {
    themeId,
    name,
    status: "active",
    createdAt: OLD,
    totalItems: items,
    figures: { items, accounts: 1, arr, atRiskArr: 0, atRiskAccounts: 0 },
    ...o,
  };
}

const TOTALS: PeriodTotals = { items: 0, accounts: 0, arr: 0, atRiskArr: 0, atRiskAccounts: 0, untagged: 0 };

describe("ranking themes", () => {
  it("puts the theme asked for by the most ARR first, whatever the number of items", () => {
    const ranking = rankThemes(PERIOD, [row(1, "Dark mode", 40_000, 9), row(2, "Excel export", 210_000, 2), row(3, "SSO", 80_000, 5)], []);
    expect(ranking.themes.map((t) => [t.rank, t.name])).toEqual([
      [1, "Excel export"],
      [2, "SSO"],
      [3, "Dark mode"],
    ]);
    expect(ranking.themesWithFeedback).toBe(3);
  });

  it("breaks ties on ARR by items, then by name (byte order), then by id", () => {
    const ranking = rankThemes(
      PERIOD,
      [row(4, "b", 40_000, 3), row(3, "a", 40_000, 1), row(2, "a", 40_000, 3), row(1, "B", 40_000, 3), row(5, "a", 40_000, 3)],
      [],
    );
    expect(ranking.themes.map((t) => [t.name, t.themeId])).toEqual([
      ["B", 1],
      ["a", 2],
      ["a", 5],
      ["b", 4],
      ["a", 3],
    ]);
  });

  it("shows last period's figures beside this period's, zeros for a theme that had none", () => {
    const before = { items: 1, accounts: 1, arr: 40_000, atRiskArr: 0, atRiskAccounts: 0 };
    const ranking = rankThemes(
      PERIOD,
      [row(1, "Excel export", 210_000, 5), row(2, "SSO", 80_000, 2)],
      [{ ...row(1, "Excel export", 40_000, 1), figures: before }, row(9, "Gone", 5_000, 1)],
    );
    expect(ranking.themes[0].previous).toEqual(before);
    expect(ranking.themes[1].previous).toEqual(NO_FIGURES);
    // Themes only in the previous period are not listed now.
    expect(ranking.themes.map((t) => t.name)).not.toContain("Gone");
  });

  it("marks a theme created in the period as new, not one created before it or at its end", () => {
    const ranking = rankThemes(
      PERIOD,
      [
        row(1, "Fresh", 3, 1, { createdAt: new Date(PERIOD.from.getTime() + DAY) }),
        row(2, "At start", 2, 1, { createdAt: PERIOD.from }),
        row(3, "Old", 1, 1),
        row(4, "At end", 0, 1, { createdAt: PERIOD.to }),
      ],
      [],
    );
    expect(ranking.themes.map((t) => [t.name, t.isNew])).toEqual([
      ["Fresh", true],
      ["At start", true],
      ["Old", false],
      ["At end", false],
    ]);
  });

  it("lists at most the limit but counts every theme with feedback", () => {
    const ranking = rankThemes(PERIOD, [row(1, "a", 3, 1), row(2, "b", 2, 1), row(3, "c", 1, 1)], [], 2);
    expect(ranking.themes.map((t) => t.name)).toEqual(["a", "b"]);
    expect(ranking.themesWithFeedback).toBe(3);
    expect(() => rankThemes(PERIOD, [], [], 0)).toThrow(RangeError);
  });
});

describe("periods", () => {
  it("compares with the period of the same length just before", () => {
    expect(previousPeriod(PERIOD)).toEqual({ from: new Date(TO.getTime() - 14 * DAY), to: PERIOD.from });
    expect(lastDays(TO, 7)).toEqual(PERIOD);
    expect(() => lastDays(TO, 0)).toThrow(RangeError);
    expect(() => checkPeriod({ from: TO, to: TO })).toThrow(RangeError);
    expect(() => checkPeriod({ from: new Date("x"), to: TO })).toThrow(RangeError);
  });
});

describe("composing the digest", () => {
  it("adds quotes to the ranked themes, counts those left out, and names new themes with their items", () => {
    const created = [
      { id: 2, name: "SSO", createdAt: new Date(PERIOD.from.getTime() + DAY) },
      { id: 7, name: "Billing", createdAt: new Date(PERIOD.from.getTime() + 2 * DAY) },
    ];
    const ranking = rankThemes(PERIOD, [row(1, "Excel export", 210_000, 5), row(2, "SSO", 80_000, 2), row(3, "Dark mode", 1, 1)], [], 2);
    expect(unrankedNewThemes(ranking, created)).toEqual([7]);
    const quote = {
      itemId: 11,
      text: "Excel please",
      permalink: null,
      accountName: "Acme",
      accountArr: 120_000,
      internal: false,
      createdAt: TO,
    };
    const digest = composeDigest({
      period: PERIOD,
      ranking,
      totals: { ...TOTALS, items: 8 },
      previousTotals: TOTALS,
      quotes: new Map([[1, [quote]]]),
      created,
      unrankedItems: new Map([[7, 4]]),
    });
    expect(digest.previousPeriod).toEqual(previousPeriod(PERIOD));
    expect(digest.themes.map((t) => [t.name, t.quotes.length])).toEqual([
      ["Excel export", 1],
      ["SSO", 0],
    ]);
    expect(digest.moreThemes).toBe(1);
    expect(digest.newThemes.map((t) => [t.name, t.items])).toEqual([
      ["SSO", 2],
      ["Billing", 4],
    ]);
    expect(digest.moreNewThemes).toBe(0);
  });

  it("names at most the first new themes and counts the rest", () => {
    const created = Array.from({ length: DIGEST_NEW_THEMES + 3 }, (_, i) => ({ id: i + 1, name: `T${i + 1}`, createdAt: PERIOD.from }));
    const digest = composeDigest({
      period: PERIOD,
      ranking: { themes: [], themesWithFeedback: 0 },
      totals: TOTALS,
      previousTotals: TOTALS,
      quotes: new Map(),
      created,
      unrankedItems: new Map(),
    });
    expect(digest.newThemes).toHaveLength(DIGEST_NEW_THEMES);
    expect(digest.newThemes[0]).toMatchObject({ name: "T1", items: 0 });
    expect(digest.moreNewThemes).toBe(3);
  });
});

describe("nothingHappened", () => {
  const totals = (items: number): PeriodTotals => ({ ...NO_FIGURES, items, untagged: 0 });
  const newTheme = { themeId: 1, name: "SSO", createdAt: TO, items: 0 };
  it("is true only with no feedback and no new theme in the period", () => {
    expect(nothingHappened({ totals: totals(0), newThemes: [], moreNewThemes: 0 })).toBe(true);
    expect(nothingHappened({ totals: totals(1), newThemes: [], moreNewThemes: 0 })).toBe(false);
    expect(nothingHappened({ totals: totals(0), newThemes: [newTheme], moreNewThemes: 0 })).toBe(false);
    expect(nothingHappened({ totals: totals(0), newThemes: [], moreNewThemes: 2 })).toBe(false);
  });
});
