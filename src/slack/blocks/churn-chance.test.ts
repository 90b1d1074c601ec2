// "About 1 in N similar accounts churned" as an account's alert and `/cs account` show it: only when the
// calibration gives a figure, in words that say how many, in what score range, over what horizon and
// from which backtest.
import { describe, expect, it } from "vitest";
import type { ChurnChance } from "../../success/rules/calibration.ts";
import { churnChanceLine } from "./churn-chance.ts";

const chance = (over: Partial<ChurnChance> = {}): ChurnChance => ({
  from: 0,
  to: 39,
  snapshots: 412,
  churned: 103,
  oneIn: 4,
  horizonDays: 90,
  source: { kind: "backtest", date: "2026-11-12", accounts: 2000 },
  ...over,
});

describe("the churn chance line", () => {
  it("says about 1 in N accounts in the score's range churned, and which backtest counted it", () => {
    expect(churnChanceLine(chance())).toBe(
      ":bar_chart: About 1 in 4 accounts scoring 0–39 churned within 90 days (backtest of 12 Nov 2026 on 2,000 accounts)",
    );
    expect(churnChanceLine(chance({ from: 85, to: 89, snapshots: 2480, churned: 2, oneIn: 1240, horizonDays: 60 }))).toBe(
      ":bar_chart: About 1 in 1,240 accounts scoring 85–89 churned within 60 days (backtest of 12 Nov 2026 on 2,000 accounts)",
    );
    expect(churnChanceLine(chance({ source: { kind: "fit", date: "2027-01-05", accounts: 150 } }))).toContain(
      "(fitted backtest of 5 Jan 2027 on 150 accounts)",
    );
  });

  it("says a high share in tenths, and none when none churned, with the real count", () => {
    expect(churnChanceLine(chance({ snapshots: 200, churned: 140, oneIn: 1 }))).toContain("About 7 in 10 accounts scoring 0–39");
    expect(churnChanceLine(chance({ from: 90, to: 100, snapshots: 3000, churned: 0, oneIn: null }))).toBe(
      ":bar_chart: None of the accounts scoring 90–100 churned within 90 days (3,000 month-end scores, backtest of 12 Nov 2026 on 2,000 accounts)",
    );
  });
});
