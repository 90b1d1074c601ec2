// A backtest end to end: replay the history under the health model's configuration and under the
// logins-only baseline, then the figures and the report text.
import type { HealthConfig } from "../../src/success/rules/health-config.ts";
import { LOGIN_COMPONENTS, loginsOnlyConfig } from "./baseline.ts";
import { dateOfDay } from "./dates.ts";
import type { AccountSource } from "./account-source.ts";
import { countCalibration, formatCalibration, type CalibrationCount } from "./calibrate.ts";
import type { History } from "./history.ts";
import type { ReplayResult } from "./replay.ts";
import { replayHistory } from "./parallel-replay.ts";
import { PATTERNS } from "./generate-plan.ts";
import {
  figuresOf,
  flagRatesByPattern,
  formatPatterns,
  formatReport,
  formatSweep,
  type Figures,
  type PatternRow,
  type SweepRow,
} from "./report.ts";

export const MODEL_RUN = "health model";
export const BASELINE_RUN = "logins-only baseline";

/** Red thresholds ("red below") tried besides the configured one. */
export const DEFAULT_SWEEP = [50, 55, 60, 65];

export interface Backtest {
  result: ReplayResult;
  model: Figures;
  baseline: Figures;
  /** The same figures with red starting at other scores (empty when no sweep was asked for). */
  sweep: SweepRow[];
  /** The flag rate per pattern, model then baseline (null when the history has no patterns.csv). */
  patterns: PatternRow[] | null;
  /** The health model's month-end snapshots counted by score bucket (what `--write` puts in the configuration). */
  calibration: CalibrationCount;
  text: string;
}

/** The configuration with scores below `redBelow` red (green moved up if needed; it does not affect red alerts). */
const withRedBelow = (config: HealthConfig, redBelow: number): HealthConfig => ({
  ...config,
  bands: { green: Math.max(config.bands.green, redBelow + 1), yellow: redBelow },
});

/** A run's figures for `--json`: the ratios as values with their counts. */
export function figuresJson(f: Figures) {
  return {
    name: f.name,
    alerts: f.alerts,
    accountsAlerted: f.accountsAlerted,
    precision: f.precision,
    precisionPending: f.precisionPending,
    alertPrecision: f.alertPrecision,
    recall: f.recall,
    medianLeadDays: f.medianLeadDays,
    alertsPer100AccountMonths: f.alertsPer100AccountMonths,
    auc: f.auc,
  };
}

/** The backtest's figures as one object (what `--json` prints). */
export function backtestJson(b: Backtest, horizon: number) {
  const r = b.result;
  const date = (day: number) => dateOfDay(r.timeline.origin + day);
  return {
    horizonDays: horizon,
    replayed: { from: date(r.start), to: date(r.end), days: r.end - r.start + 1, accounts: r.accounts, accountDays: r.accountDays },
    churnedInSpan: b.model.recall.of,
    model: figuresJson(b.model),
    baseline: figuresJson(b.baseline),
    sweep: b.sweep.map((row) => ({ redBelow: row.redBelow, model: figuresJson(row.model), baseline: figuresJson(row.baseline) })),
    flagRateByPattern:
      b.patterns?.map((r) => ({
        pattern: r.pattern,
        accounts: r.accounts,
        churned: r.churned,
        model: r.flagged[0],
        baseline: r.flagged[1],
      })) ?? null,
    calibration: b.calibration,
  };
}

export async function runBacktest(
  history: History | AccountSource,
  config: HealthConfig,
  horizon: number,
  sweep: readonly number[] = DEFAULT_SWEEP,
  onAccount?: (done: number, total: number) => void,
  /** Also record the component scores every this many days (`result.samples`; 0: none), for `--fit` to reuse. */
  sampleEvery = 0,
  /** Threads the replay of a history on disk uses (replayHistory; default: one per core, at most 2). */
  threads?: number,
): Promise<Backtest> {
  if (!Number.isInteger(horizon) || horizon < 1) throw new Error(`the horizon must be a whole number of days, 1 or more (not ${horizon})`);
  const baselineConfig = loginsOnlyConfig(config);
  const thresholds = [...new Set(sweep)].filter((y) => y !== config.bands.yellow).sort((a, b) => a - b);
  const result = await replayHistory(
    history,
    config,
    [
      { name: MODEL_RUN, config },
      { name: BASELINE_RUN, config: baselineConfig, book: false },
      ...thresholds.flatMap((y) => [
        { name: `${MODEL_RUN} <${y}`, config: withRedBelow(config, y) },
        { name: `${BASELINE_RUN} <${y}`, config: withRedBelow(baselineConfig, y), book: false },
      ]),
    ],
    { onAccount, sampleEvery, threads },
  );
  const figures = result.alerts.map((run) => figuresOf(result, run.name, run.alerts, horizon));
  const [model, baseline] = figures;
  const rows: SweepRow[] = [
    { redBelow: config.bands.yellow, model, baseline },
    ...thresholds.map((redBelow, i) => ({ redBelow, model: figures[2 + 2 * i], baseline: figures[3 + 2 * i] })),
  ].sort((a, b) => a.redBelow - b.redBelow);
  const source = history as { patterns?: History["patterns"] };
  const patterns = source.patterns
    ? flagRatesByPattern(result, source.patterns, [result.alerts[0].alerts, result.alerts[1].alerts], PATTERNS)
    : null;
  const calibration = countCalibration(result, 0, horizon);
  const weights = LOGIN_COMPONENTS.map((c) => `${c} ${baselineConfig.weights[c]}`).join(", ");
  const text = [
    formatReport(result, [model, baseline], horizon),
    `The logins-only baseline is the same replay with only the components computed from active users (${weights}; every other weight 0).`,
    ...(thresholds.length ? ["", formatSweep(rows, config.bands.yellow)] : []),
    ...(patterns ? ["", formatPatterns(patterns, [MODEL_RUN, BASELINE_RUN])] : []),
    "",
    formatCalibration(calibration, MODEL_RUN),
  ].join("\n");
  return { result, model, baseline, sweep: thresholds.length ? rows : [], patterns, calibration, text };
}
