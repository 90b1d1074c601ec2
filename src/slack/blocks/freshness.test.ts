// Health figures say when they were computed: what `/cs account` says happened since, and the CSM Home's
// "as of" (once when one check scored every account, else on each line).
import { describe, expect, it } from "vitest";
import { csmHomeBlocks } from "./app-home.ts";
import { sinceLine } from "./cs-account.ts";
import { slackDate } from "./limits.ts";

describe("since the check", () => {
  it("counts new tickets and NPS answers with their scores, in the plural when more than one", () => {
    expect(sinceLine({ tickets: 2, npsScores: [3] })).toBe("Since then: 2 new tickets, 1 NPS answer (score 3)");
    expect(sinceLine({ tickets: 1, npsScores: [] })).toBe("Since then: 1 new ticket");
    expect(sinceLine({ tickets: 0, npsScores: [9, 2] })).toBe("Since then: 2 NPS answers (scores 9, 2)");
    expect(sinceLine({ tickets: 0, npsScores: [] })).toBe("Since then: no new tickets or NPS answers");
  });
});

describe("the CSM Home's scores", () => {
  const morning = new Date("2026-11-20T06:00:00Z");
  const yesterday = new Date("2026-11-19T06:00:00Z");
  const account = (name: string, computedAt: Date | null) => ({
    externalId: name,
    name,
    arr: null,
    renewalDate: null,
    score: computedAt ? 50 : null,
    band: computedAt ? "yellow" : null,
    computedAt,
  });
  const text = (accounts: ReturnType<typeof account>[]) =>
    JSON.stringify(csmHomeBlocks({ accounts, totalAccounts: accounts.length, alerts: [] }, morning));

  it("says the time once when one check scored them all", () => {
    const home = text([account("a", morning), account("b", morning), account("c", null)]);
    expect(home).toContain(`_Health as of ${slackDate(morning)}_`);
    expect(home).not.toContain("(as of");
  });

  it("says it on each line when the scores come from different checks", () => {
    const home = text([account("a", morning), account("b", yesterday)]);
    expect(home).toContain(`*50* (as of ${slackDate(morning)}) · *a*`);
    expect(home).toContain(`*50* (as of ${slackDate(yesterday)}) · *b*`);
  });
});
