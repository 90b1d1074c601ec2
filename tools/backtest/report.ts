// The backtest's figures for each run's red alerts, and their text table.
//
// - An alert is right when the account churns within `horizon` days after it (1..horizon days later).
// - Precision is counted per account: of the accounts alerted, the share whose FIRST red alert was
//   followed by churn within the horizon. Accounts first alerted less than `horizon` days before the
//   end of the data are left out (their outcome is not known yet). Per alert, the same rule gives the
//   share of alerts that were right (secondary figure).
// - Recall: of the accounts that churned inside the replayed span (after its first day), the share
//   with at least one red alert within the horizon before churning.
// - Lead time: for each caught churner, days from its first alert within the horizon to the churn;
//   the median over caught churners (the mean of the two middle values for an even count).
// - Alerts per 100 account-months: red alerts raised per 100 × (account-days scored ÷ 30.44).
// - AUC over month-end snapshots: each account's score on each month-end day (the last day of a
//   calendar month) against whether it churned within the horizon after that day, over month-end days
//   on or before the end minus the horizon (outcome known) and scored accounts; lower score = riskier.
//   By the rank-sum method, ties counted half: the chance that a random churner's snapshot scores
//   below a random other snapshot.
import { dateOfDay } from "./dates.ts";
import type { RedAlert, ReplayResult } from "./replay.ts";

/** Average days in a month (365.25 / 12). */
export const DAYS_PER_MONTH = 365.25 / 12;

export const DEFAULT_HORIZON_DAYS = 90;

export interface Ratio {
  /** null when `of` is 0 */
  value: number | null;
  hits: number;
  of: number;
}

export interface Figures {
  name: string;
  alerts: number;
  accountsAlerted: number;
  /** Per account, over accounts whose first alert leaves the whole horizon inside the data. */
  precision: Ratio;
  /** Accounts left out of precision because their first alert came within `horizon` days of the end. */
  precisionPending: number;
  /** Per alert, over alerts that leave the whole horizon inside the data. */
  alertPrecision: Ratio;
  recall: Ratio;
  /** Lead times of the caught churners, in days, ascending. */
  leadTimes: number[];
  medianLeadDays: number | null;
  /** Red alerts per 100 account-months scored. */
  alertsPer100AccountMonths: number | null;
  /** AUC of the month-end scores (null when the run is not in the replay or a class is empty). */
  auc: AucResult;
}

export interface AucResult {
  value: number | null;
  /** Snapshots of accounts that churned within the horizon, and of the others. */
  churned: number;
  others: number;
}

/**
 * The AUC of scores where a LOWER score means riskier: the share of (churned, other) pairs where the
 * churned one scored lower, ties counted half; by the rank-sum (Mann-Whitney) method.
 */
export function aucOf(items: readonly { score: number; churned: boolean }[]): AucResult {
  const churned = items.filter((i) => i.churned).length;
  const others = items.length - churned;
  if (!churned || !others) return { value: null, churned, others };
  // Rank by risk ascending (highest score first); tied scores share the mean of their ranks.
  const sorted = [...items].sort((a, b) => b.score - a.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j].score === sorted[i].score) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k].churned) rankSum += meanRank;
    i = j;
  }
  return { value: (rankSum - (churned * (churned + 1)) / 2) / (churned * others), churned, others };
}

/** Whether the account churned within `horizon` days after `day`. */
export const churnedWithin = (result: ReplayResult, account: string, day: number, horizon: number): boolean => {
  const churn = result.churn.get(account);
  return churn !== undefined && churn > day && churn - day <= horizon;
};

/** The AUC of run `runIndex`'s month-end scores whose outcome is known. */
export function snapshotAuc(result: ReplayResult, runIndex: number, horizon: number): AucResult {
  if (runIndex < 0) return { value: null, churned: 0, others: 0 };
  const items: { score: number; churned: boolean }[] = [];
  for (const s of result.snapshots) {
    const score = s.scores[runIndex];
    if (s.day > result.end - horizon || score === null || score === undefined) continue;
    items.push({ score, churned: churnedWithin(result, s.account, s.day, horizon) });
  }
  return aucOf(items);
}

/**
 * The replay seen from day `from` on (the held-out part of a fit): alerts and month-end snapshots
 * before it dropped, the account-days counted from it. A red episode that began before `from` has
 * no alert in this view.
 */
export function fromDay(result: ReplayResult, from: number): ReplayResult {
  const accountDays = scoredDays(result, from, result.end);
  return {
    ...result,
    start: from,
    accountDays,
    alerts: result.alerts.map((r) => ({ ...r, alerts: r.alerts.filter((a) => a.day >= from) })),
    snapshots: result.snapshots.filter((s) => s.day >= from),
    samples: result.samples.filter((s) => s.day >= from),
  };
}

const ratio = (hits: number, of: number): Ratio => ({ value: of ? hits / of : null, hits, of });

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function figuresOf(result: ReplayResult, name: string, alerts: readonly RedAlert[], horizon: number): Figures {
  const right = (a: RedAlert) => {
    const churn = result.churn.get(a.account);
    return churn !== undefined && churn > a.day && churn - a.day <= horizon;
  };
  const decidedBy = result.end - horizon;

  const byAccount = new Map<string, RedAlert[]>();
  for (const a of alerts) (byAccount.get(a.account) ?? byAccount.set(a.account, []).get(a.account)!).push(a);

  let precisionHits = 0;
  let precisionOf = 0;
  let pending = 0;
  for (const list of byAccount.values()) {
    const first = list.reduce((m, a) => (a.day < m.day ? a : m));
    if (first.day > decidedBy) {
      pending++;
      continue;
    }
    precisionOf++;
    if (right(first)) precisionHits++;
  }
  const decidedAlerts = alerts.filter((a) => a.day <= decidedBy);

  const leadTimes: number[] = [];
  let churners = 0;
  for (const [account, churn] of result.churn) {
    if (churn <= result.start || churn > result.end) continue;
    churners++;
    const before = (byAccount.get(account) ?? []).filter((a) => a.day < churn && churn - a.day <= horizon);
    if (before.length) leadTimes.push(churn - Math.min(...before.map((a) => a.day)));
  }
  leadTimes.sort((a, b) => a - b);

  return {
    name,
    alerts: alerts.length,
    accountsAlerted: byAccount.size,
    precision: ratio(precisionHits, precisionOf),
    precisionPending: pending,
    alertPrecision: ratio(decidedAlerts.filter(right).length, decidedAlerts.length),
    recall: ratio(leadTimes.length, churners),
    leadTimes,
    medianLeadDays: median(leadTimes),
    alertsPer100AccountMonths: result.accountDays ? (alerts.length / (result.accountDays / DAYS_PER_MONTH)) * 100 : null,
    auc: snapshotAuc(
      result,
      result.alerts.findIndex((r) => r.name === name),
      horizon,
    ),
  };
}

/**
 * The share of scored account-days (on or before the last day whose horizon is inside the data) that
 * churn followed within the horizon: what an alert on a random account and day would score as precision.
 */
export function baseRate(result: ReplayResult, horizon: number): Ratio {
  const decidedBy = result.end - horizon;
  if (decidedBy < result.start) return ratio(0, 0);
  const days = scoredDays(result, result.start, decidedBy);
  let followed = 0;
  for (const [account, churn] of result.churn) {
    const first = Math.max(result.start, result.created.get(account) ?? result.start);
    followed += Math.max(0, Math.min(decidedBy, churn - 1) - Math.max(first, churn - horizon) + 1);
  }
  return ratio(followed, days);
}

/**
 * Account-days scored from `from` to `to`: every account from its creation (when created during the
 * history) to the day before its churn (when it churned).
 */
export function scoredDays(result: ReplayResult, from: number, to: number): number {
  const span = Math.max(0, to - from + 1);
  let days = result.accounts * span;
  for (const [account, created] of result.created) if (!result.churn.has(account)) days -= Math.min(span, Math.max(0, created - from));
  for (const [account, churn] of result.churn) {
    const first = Math.max(from, result.created.get(account) ?? from);
    days += Math.max(0, Math.min(to, churn - 1) - first + 1) - span;
  }
  return days;
}

const fmtRatio = (r: Ratio) => (r.value === null ? "n/a (none)" : `${r.value.toFixed(2)} (${r.hits}/${r.of})`);
const fmtPercent = (r: Ratio) => (r.value === null ? "n/a" : `${(r.value * 100).toFixed(1)}%`);
const fmtDays = (d: number | null) => (d === null ? "n/a" : `${Number.isInteger(d) ? d : d.toFixed(1)} days`);

const fmtRate = (r: number | null) => (r === null ? "n/a" : r.toFixed(1));
export const fmtAuc = (a: AucResult) => (a.value === null ? "n/a" : `${a.value.toFixed(3)} (${a.churned} churned / ${a.others} other)`);

/** Left-aligned columns separated by two spaces, each line indented by two. */
export function textTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c])).join("  ")}`.trimEnd());
}

/** The report: a header on the data, one column per run, and the definitions in a few lines. */
export function formatReport(result: ReplayResult, figures: readonly Figures[], horizon: number): string {
  const t = result.timeline;
  const date = (day: number) => dateOfDay(t.origin + day);
  const churners = figures[0]?.recall.of ?? 0;
  const rows: [string, (f: Figures) => string][] = [
    ["red alerts raised", (f) => String(f.alerts)],
    ["accounts alerted", (f) => String(f.accountsAlerted)],
    ["precision (per account)", (f) => fmtRatio(f.precision)],
    ["precision (per alert)", (f) => fmtRatio(f.alertPrecision)],
    ["recall of churned accounts", (f) => fmtRatio(f.recall)],
    ["median lead time", (f) => fmtDays(f.medianLeadDays)],
    ["alerts per 100 account-months", (f) => fmtRate(f.alertsPer100AccountMonths)],
    ["AUC, month-end snapshots", (f) => fmtAuc(f.auc)],
  ];
  return [
    `Backtest of red alerts: ${result.accounts} accounts, replayed ${date(result.start)} to ${date(result.end)} (${result.end - result.start + 1} days, ${result.accountDays.toLocaleString("en-US")} account-days), horizon ${horizon} days`,
    `Accounts that churned in the replayed span: ${churners}`,
    "",
    ...textTable([["", ...figures.map((f) => f.name)], ...rows.map(([label, cell]) => [label, ...figures.map(cell)])]),
    "",
    `An alert is right when the account churns within ${horizon} days after it. Precision counts accounts by their first red alert, ` +
      `over accounts first alerted on or before ${date(result.end - horizon)} (${figures.map((f) => `${f.name}: ${f.precisionPending}`).join(", ")} alerted later, outcome not yet known).`,
    `Recall: churned accounts with a red alert in the ${horizon} days before churning. Lead time: from the first such alert to the churn date.`,
    `AUC: each account's score on each month-end day up to ${date(result.end - horizon)} against churn within ${horizon} days after it (0.5: no better than chance; lower score = riskier).`,
    `For reference, churn followed within ${horizon} days on ${fmtPercent(baseRate(result, horizon))} of the account-days scored up to ${date(result.end - horizon)} (the precision of alerts raised at random).`,
  ].join("\n");
}

export interface SweepRow {
  /** Scores below this are red. */
  redBelow: number;
  model: Figures;
  baseline: Figures;
}

/** The same figures with red starting at other scores, model and baseline side by side. */
export function formatSweep(rows: readonly SweepRow[], configuredRedBelow: number): string {
  const cells = (f: Figures) => [String(f.alerts), fmtRatio(f.precision), fmtRatio(f.recall), fmtDays(f.medianLeadDays)];
  return [
    `With red starting at other scores (the band floor "bands.yellow"; configured: ${configuredRedBelow}), everything else unchanged:`,
    "",
    ...textTable([
      ["red below", "model: alerts", "precision", "recall", "lead", "baseline: alerts", "precision", "recall", "lead"],
      ...rows.map((r) => [String(r.redBelow), ...cells(r.model), ...cells(r.baseline)]),
    ]),
  ].join("\n");
}

export interface PatternRow {
  pattern: string;
  /** Accounts of the pattern scored on at least one replayed day, and how many of them churned. */
  accounts: number;
  churned: number;
  /** Per run (in the order given): the accounts ever flagged red, of `accounts`. */
  flagged: Ratio[];
}

/**
 * The flag rate per pattern: of the accounts of each pattern that were scored (still customers on the
 * first replayed day), the share with at least one red alert. Patterns in `order` first, in that order,
 * then any others by name.
 */
export function flagRatesByPattern(
  result: ReplayResult,
  patterns: readonly { accountExternalId: string; pattern: string }[],
  runs: readonly (readonly RedAlert[])[],
  order: readonly string[] = [],
): PatternRow[] {
  const flagged = runs.map((alerts) => new Set(alerts.map((a) => a.account)));
  const rows = new Map<string, { accounts: number; churned: number; flagged: number[] }>();
  for (const { accountExternalId: id, pattern } of patterns) {
    const churn = result.churn.get(id);
    if (churn !== undefined && churn <= result.start) continue;
    let row = rows.get(pattern);
    if (!row) rows.set(pattern, (row = { accounts: 0, churned: 0, flagged: runs.map(() => 0) }));
    row.accounts++;
    if (churn !== undefined) row.churned++;
    flagged.forEach((set, r) => set.has(id) && row.flagged[r]++);
  }
  const rank = (p: string) => (order.includes(p) ? order.indexOf(p) : order.length);
  return [...rows.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([pattern, r]) => ({ pattern, accounts: r.accounts, churned: r.churned, flagged: r.flagged.map((n) => ratio(n, r.accounts)) }));
}

/** The flag rate per pattern as a table, one column per run. */
export function formatPatterns(rows: readonly PatternRow[], runNames: readonly string[]): string {
  return [
    "Flag rate per pattern: the share of each pattern's accounts (those still customers when the replay starts) ever flagged red:",
    "",
    ...textTable([
      ["pattern", "accounts", "churned", ...runNames.map((n) => `${n}: flagged`)],
      ...rows.map((r) => [r.pattern, String(r.accounts), String(r.churned), ...r.flagged.map(fmtRatio)]),
    ]),
  ].join("\n");
}
