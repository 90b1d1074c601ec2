// Alerts as a health check keeps them: where they go, what they say, and which to raise, worsen, keep
// or clear for a slice of scored accounts (pure, no database).
import { describe, expect, it } from "vitest";
import { parseHealthConfig } from "./health-config.ts";
import type { HealthResult } from "./health-model.ts";
import type { RuleHit } from "./risk-rules.ts";
import { alertChannel, alertDetail, clearedReason, syncAlerts, type OpenAlert } from "./alert.ts";

const config = parseHealthConfig(JSON.stringify({ routing: { csmChannels: { UCSM1: "CCSM1" } } }));
const AT = new Date("2026-11-20T06:00:00Z");

const health = (score: number | null, band: HealthResult["band"] = "red"): HealthResult => ({
  score,
  band,
  components: [
    { name: "productBreadth", score: 80, weight: 0.1, evidence: "4 of 5 features used in 30 days" },
    { name: "usageTrend", score: 0, weight: 0.3, evidence: "active users 40 → 4 a day in 30 days (-90%)" },
    { name: "nps", score: 30, weight: 0.2, evidence: "NPS 3" },
    { name: "licenceUtilisation", score: 10, weight: 0.2, evidence: "4 of 50 seats active" },
    { name: "keyEventsTrend", score: 50, weight: 0.1, evidence: "uploads 200 → 100" },
    { name: "supportLoad", score: 55, weight: 0.1, evidence: "3 tickets in 30 days" },
  ],
  missing: ["accountGrowth"],
});
const hit = (rule: RuleHit["rule"], severity: number): RuleHit => ({ rule, severity, reason: `${rule} holds` });
const acme = { externalId: "acme" };

describe("alert routing", () => {
  it("goes to the account's channel, else its CSM's, else ALERTS_CHANNEL, else nowhere", () => {
    expect(alertChannel({ alertChannel: "CACME", csmSlackUserId: "UCSM1" }, config, "CALERTS")).toBe("CACME");
    expect(alertChannel({ alertChannel: null, csmSlackUserId: "UCSM1" }, config, "CALERTS")).toBe("CCSM1");
    expect(alertChannel({ alertChannel: null, csmSlackUserId: "UOTHER" }, config, "CALERTS")).toBe("CALERTS");
    expect(alertChannel({ alertChannel: null, csmSlackUserId: null }, config, undefined)).toBeNull();
  });
});

describe("what an alert says", () => {
  it("gives the rule's reason, the four weakest components under 60 and what had no data", () => {
    const detail = alertDetail(hit("entered_red", 89), health(11), 35, [], new Date("2026-11-20T06:00:00Z"));
    expect(detail).toMatchObject({
      computedAt: "2026-11-20T06:00:00.000Z",
      score: 11,
      band: "red",
      previousScore: 35,
      ruleReason: "entered_red holds",
      missing: ["Account growth"],
    });
    expect(detail.reasons.map((r) => r.source)).toEqual(["Usage trend", "Licence utilisation", "NPS", "Key events trend"]);
    expect(detail.reasons[0].text).toBe("active users 40 → 4 a day in 30 days (-90%)");
  });

  it("says why an alert clears", () => {
    expect(clearedReason("entered_red", health(52, "yellow"), true)).toBe("the account is no longer red (score 52, yellow)");
    expect(clearedReason("score_drop", health(null, "unknown"), true)).toBe("the score has recovered (no score (no data))");
    expect(clearedReason("nps_detractor", health(80, "green"), false)).toBe(
      'the rule "NPS detractor" is turned off in the health configuration',
    );
  });
});

describe("keeping alerts in step with the rules", () => {
  const open = (id: number, rule: string, severity: number, snoozedUntil: Date | null = null): OpenAlert => ({
    id,
    accountExternalId: "acme",
    rule,
    severity,
    snoozedUntil,
  });

  it("raises an alert for a rule that starts to hold", () => {
    const sync = syncAlerts([{ account: acme, health: health(11), hits: [hit("entered_red", 89)], previousScore: 40 }], [], config, AT);
    expect(sync.toRaise).toEqual([{ account: acme, hit: hit("entered_red", 89), health: health(11), previousScore: 40 }]);
    expect(sync).toMatchObject({ toWorsen: [], holding: [], toClear: [] });
  });

  it("keeps an alert that holds unchanged, and worsens it by the rule's step (quietly while snoozed)", () => {
    const scored = [{ account: acme, health: health(11), hits: [hit("entered_red", 89), hit("low_utilisation", 0.92)], previousScore: 12 }];
    const same = syncAlerts(scored, [open(1, "entered_red", 85), open(2, "low_utilisation", 0.9)], config, AT);
    expect(same.holding).toEqual([1, 2]);
    expect(same.toRaise).toEqual([]);
    const snoozed = new Date(AT.getTime() + 86_400_000);
    const worse = syncAlerts(scored, [open(1, "entered_red", 80, snoozed), open(2, "low_utilisation", 0.85)], config, AT);
    expect(worse.toWorsen.map((w) => [w.alertId, w.snoozed])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it("clears an alert whose rule no longer holds or is turned off", () => {
    const off = parseHealthConfig(JSON.stringify({ rules: { ticket_spike: { enabled: false } } }));
    const sync = syncAlerts(
      [{ account: acme, health: health(72, "green"), hits: [], previousScore: 11 }],
      [open(1, "entered_red", 89), open(2, "ticket_spike", 6)],
      off,
      AT,
    );
    expect(sync.toClear).toEqual([
      { alertId: 1, reason: "the account is no longer red (score 72, green)" },
      { alertId: 2, reason: 'the rule "Ticket spike" is turned off in the health configuration' },
    ]);
  });
});
