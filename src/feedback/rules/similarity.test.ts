// Suggested themes by text similarity (TF-IDF and cosine over stemmed content words): a paraphrase finds
// its theme, unrelated text finds none.
import { describe, expect, it } from "vitest";
import { DEFAULT_SIMILARITY, SimilarityIndex, terms } from "./similarity.ts";

const index = new SimilarityIndex([
  {
    id: 1,
    name: "Excel export",
    documents: [
      "Excel export",
      "We need exports to Excel, the CSV is useless for our finance team",
      "Exporting big reports to Excel times out",
    ],
  },
  {
    id: 2,
    name: "SSO login",
    documents: ["SSO login", "SSO login loops back to the start page", "Okta single sign-on fails for new users"],
  },
  { id: 3, name: "Dark mode", documents: ["Dark mode", "Dark mode please, the white screen hurts at night"] },
  { id: 4, name: "Empty", documents: [] },
]);
const { threshold, maxSuggestions } = DEFAULT_SIMILARITY;
const suggest = (text: string) => index.score(text, threshold, maxSuggestions);

describe("theme suggestions", () => {
  it("suggests the theme a paraphrase is about, with its similarity", () => {
    const [top, ...rest] = suggest("Could we get the report exported as an Excel file? Finance can't use CSV");
    expect(top).toMatchObject({ id: 1, name: "Excel export" });
    expect(top.similarity).toBeGreaterThanOrEqual(threshold);
    expect(rest).toEqual([]);
    expect(suggest("Single sign-on with <https://okta.com|Okta> keeps looping back to the login page :sob:").map((s) => s.name)).toEqual([
      "SSO login",
    ]);
  });

  it("suggests nothing for unrelated text or text without content words", () => {
    expect(suggest("Invoices show the wrong VAT rate for Germany")).toEqual([]);
    expect(suggest("Our team loves the product")).toEqual([]);
    expect(suggest("")).toEqual([]);
  });

  it("builds profiles only for themes with words, and reads content words only", () => {
    expect(index.size).toBe(3);
    expect(terms("<@U123> the exports are failing :fire: https://x.io 42")).toEqual(["export", "fail"]);
  });
});
