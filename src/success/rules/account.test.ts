// Accounts as people read them: which account a typed name means, a CSM's accounts by health, the
// trend shown in Slack, the page size of the API (pure, no database).
import { describe, expect, it } from "vitest";
import { accountSummary, byHealth, nameMatches, pageSize, type AccountWithHealth } from "./account.ts";

describe("finding an account by name", () => {
  const candidates = [
    { externalId: "a1", name: "Acme" },
    { externalId: "a2", name: "Acme EMEA" },
    { externalId: "a3", name: "acme" },
  ];

  it("prefers exact names (any case), else every name containing the text, at most ten", () => {
    expect(nameMatches(" ACME ", candidates).map((m) => m.externalId)).toEqual(["a1", "a3"]);
    expect(nameMatches("emea", [candidates[1]]).map((m) => m.externalId)).toEqual(["a2"]);
    const many = Array.from({ length: 30 }, (_, i) => ({ externalId: `x${i}`, name: `Xco ${i}` }));
    expect(nameMatches("xco", many)).toHaveLength(10);
    expect(nameMatches("zzz", [])).toEqual([]);
  });
});

describe("a CSM's accounts", () => {
  it("lists the least healthy first, unscored last, then by name", () => {
    const a = (name: string, score: number | null) => ({
      externalId: name,
      name,
      arr: null,
      renewalDate: null,
      score,
      band: null,
      computedAt: null,
    });
    expect(byHealth([a("b", null), a("c", 70), a("a", null), a("d", 11)]).map((x) => x.name)).toEqual(["d", "c", "a", "b"]);
  });
});

describe("an account's summary", () => {
  it("shows the last eight checks oldest first", () => {
    const history = Array.from({ length: 12 }, (_, i) => ({
      score: 90 - i,
      band: "green",
      computedAt: `2026-11-${String(20 - i).padStart(2, "0")}T06:00:00.000Z`,
    }));
    const account: AccountWithHealth = {
      externalId: "acme",
      name: "Acme",
      domain: null,
      tier: null,
      arr: 120000,
      seats: 50,
      renewalDate: null,
      customerSince: null,
      csmSlackUserId: "UCSM1",
      alertChannel: null,
      attributes: null,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      health: { score: 90, band: "green", components: [], computedAt: history[0].computedAt, runId: 1, history },
    };
    const summary = accountSummary(account);
    expect(summary.trend.map((t) => t.score)).toEqual([83, 84, 85, 86, 87, 88, 89, 90]);
    expect(summary.health).toMatchObject({ score: 90, band: "green", computedAt: new Date("2026-11-20T06:00:00Z") });
    expect(accountSummary({ ...account, health: null })).toMatchObject({ health: null, trend: [] });
  });
});

describe("pages of accounts", () => {
  it("keeps the page size from 1 to 1000, 100 by default", () => {
    expect([pageSize(undefined), pageSize(0), pageSize(5000), pageSize(7.9)]).toEqual([100, 1, 1000, 7]);
  });
});
