// One account's assessment in a health check: its score and the rules that fire from the same facts
// (pure, no database).
import { describe, expect, it } from "vitest";
import { parseHealthConfig } from "./health-config.ts";
import { accountStart, assessAccount, dayOf, type AccountFacts } from "./health-check.ts";
import { UNKNOWN_CONTEXT } from "./health-model.ts";

const config = parseHealthConfig(null);

describe("assessing an account", () => {
  const facts: AccountFacts = {
    inputs: {
      seats: 100,
      usage: {
        daysLast30: 30,
        daysPrev30: 30,
        avgActiveLast30: 20,
        avgActivePrev30: 20,
        peakActiveLast30: 20,
        keyEventsLast30: 0,
        keyEventsPrev30: 0,
      },
      featuresUsedLast30: 1,
      knownFeatures: 5,
      supportLinked: false,
      tickets30: { urgent: 0, high: 0, normal: 0, low: 0 },
      experience: { csatAnswers: 0, csatAverage: null, slaStopped: 0, slaBreached: 0, resolved: 0, reopened: 0 },
      nps: { latest: null, previousAverage: null },
      growth: { seatsThen: null, seatsNow: 100, arrThen: null, arrNow: null },
      ...UNKNOWN_CONTEXT,
    },
    ticketsLast7: 0,
    ticketBaselinePerWeek: null,
    recentHighScore: null,
    previousScore: null,
  };

  it("scores the account and fires the rules its facts meet", () => {
    const { health, hits } = assessAccount({ renewalDate: null, seats: 100 }, facts, "2026-11-20", config);
    expect(health.band).toBe("yellow");
    expect(hits).toEqual([{ rule: "low_utilisation", severity: 0.8, reason: "20 of 100 seats active (20%), under 30%" }]);
  });

  it("does not judge utilisation without usage in the last 30 days", () => {
    const idle = { ...facts, inputs: { ...facts.inputs, usage: { ...facts.inputs.usage, daysLast30: 0 } } };
    expect(assessAccount({ renewalDate: null, seats: 100 }, idle, "2026-11-20", config).hits.map((h) => h.rule)).not.toContain(
      "low_utilisation",
    );
  });

  it("counts days in UTC", () => {
    expect(dayOf(new Date("2026-11-20T23:30:00-02:00"))).toBe("2026-11-21");
    expect(dayOf(new Date("2026-03-01T06:00:00Z"), 1)).toBe("2026-02-28");
  });
});

describe("accountStart", () => {
  const stored = new Date("2026-11-01T12:00:00Z");
  it("is the day the account was stored here when nothing earlier is known", () => {
    expect(accountStart(null, { customerSince: null, createdAt: stored })).toBe("2026-11-01");
  });
  it("is the first usage day when usage goes back further", () => {
    expect(accountStart("2025-06-10", { customerSince: null, createdAt: stored })).toBe("2025-06-10");
  });
  it("is the CRM's customer-since day when that is the earliest: a long-standing customer installed today is not new", () => {
    expect(accountStart("2026-11-01", { customerSince: "2019-05-01", createdAt: stored })).toBe("2019-05-01");
  });
  it("never starts later than the evidence of use: a customer-since day after the first usage does not move the start", () => {
    expect(accountStart("2026-10-20", { customerSince: "2026-11-15", createdAt: stored })).toBe("2026-10-20");
  });
});
