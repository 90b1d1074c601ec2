// The line that turns a health score into what the company's own history says of it: "About 1 in 4
// accounts scoring 0–39 churned within 90 days (backtest of 12 Nov 2026 on 2,000 accounts)". Shown on an
// account's alert and in `/cs account` only when the health configuration holds a calibration that
// covers the score (src/success/rules/calibration.ts); never otherwise.
import type { ChurnChance } from "../../success/rules/calibration.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-11-12" as "12 Nov 2026". */
export function dayMonthYear(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return `${d} ${MONTHS[m - 1] ?? "?"} ${y}`;
}

const count = (n: number) => n.toLocaleString("en-US");

/** A share of 35% or more reads better as "about 4 in 10" than as "about 1 in 3". */
const AS_TENTHS_FROM = 0.35;

export function churnChanceLine(c: ChurnChance): string {
  const range = `scoring ${c.from}–${c.to}`;
  const within = `churned within ${c.horizonDays} days`;
  const where = `${c.source.kind === "fit" ? "fitted backtest" : "backtest"} of ${dayMonthYear(c.source.date)} on ${count(c.source.accounts)} accounts`;
  if (c.oneIn === null) return `:bar_chart: None of the accounts ${range} ${within} (${count(c.snapshots)} month-end scores, ${where})`;
  const share = c.churned / c.snapshots;
  const about = share >= AS_TENTHS_FROM ? `About ${Math.round(share * 10)} in 10` : `About 1 in ${count(c.oneIn)}`;
  return `:bar_chart: ${about} accounts ${range} ${within} (${where})`;
}
