// `npm run backtest -- <dir> --fit`: the health model's component weights and its red/yellow cut-offs
// fitted to a labelled history, with a time-based split.
//
// - The replayed days are split in two: the model is fitted on the older half and judged on the newer.
// - Fit data: every account's component scores every SAMPLE_EVERY days of the older half; the label is
//   "churned within the horizon after that day". (A label near the split looks up to `horizon` days
//   into the newer half: the churn dates are the labels, not inputs, so no score sees the future.)
// - The fit: a logistic regression of the label on each component's shortfall (100 − score) / 100,
//   with every coefficient held at 0 or above (projected gradient descent on standardised features;
//   a missing component is filled with its mean). A weight is proportional to the coefficient per
//   point of score, scaled so the weights sum to 100; an input whose coefficient is 0 carried no signal.
// - The renewal weighting (how much nearer a renewal a weak score weighs: renewal.weight and withinDays):
//   the pair of RENEWAL_WEIGHTS × RENEWAL_DAYS whose scores rank the fit part best (AUC), the configured
//   one unless another does better.
// - Cut-offs: red below the score that maximises F1 of "red" against the label on the fit part; green
//   from the score below which 80% of the fit part's churn-labelled samples fall (above red).
// - Judged on the newer half: the default and the fitted configuration replayed over the whole span,
//   their alerts, account-days and month-end snapshots counted from the split on.
// - The component scores come from the backtest's own replay when it recorded them (main.ts asks it to
//   with --fit), so `--fit` replays the history twice in all: the report's replay and the judgement.
import { COMPONENTS, parseHealthConfig, type ComponentName, type HealthConfig } from "../../src/success/rules/health-config.ts";
import { loginsOnlyConfig } from "./baseline.ts";
import type { AccountSource } from "./account-source.ts";
import type { History } from "./history.ts";
import { renewalPoints } from "../../src/success/rules/health-model.ts";
import type { ComponentSample, ReplayResult } from "./replay.ts";
import { replayHistory } from "./parallel-replay.ts";
import { countCalibration, formatCalibration, type CalibrationCount } from "./calibrate.ts";
import { aucOf, churnedWithin, figuresOf, fmtAuc, fromDay, textTable, type AucResult, type Figures } from "./report.ts";
import { BASELINE_RUN, figuresJson, MODEL_RUN } from "./run.ts";

/** Component scores are sampled every this many days for the fit. */
export const SAMPLE_EVERY = 7;
export const FITTED_RUN = "fitted";
/** Share of the fit part's churn-labelled samples below the green cut-off. */
const GREEN_RECALL = 0.8;
/** The renewal weightings the fit tries (the schema allows weights 0 to 3 and 1 to 365 days). */
export const RENEWAL_WEIGHTS = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3] as const;
export const RENEWAL_DAYS = [60, 90, 120, 180, 240, 365] as const;

export interface LogisticFit {
  /** Per feature, on the features' own scale; all 0 or more. */
  coefficients: number[];
  intercept: number;
}

/**
 * Logistic regression with non-negative coefficients: gradient descent on the mean log-loss (plus a
 * small L2 penalty) over standardised features, each step's coefficients clipped at 0 (the projection
 * onto the allowed set); the intercept is free. Returns coefficients on the original feature scale.
 */
export function fitNonNegativeLogistic(
  x: readonly (readonly number[])[],
  y: readonly boolean[],
  { iterations = 3000, rate = 0.5, l2 = 1e-4 } = {},
): LogisticFit {
  const n = x.length;
  const k = x[0]?.length ?? 0;
  if (!n || y.length !== n) throw new Error("the fit needs as many labels as rows, and at least one row");
  const mean = Array.from({ length: k }, (_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const sd = Array.from({ length: k }, (_, j) => Math.sqrt(x.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n));
  const z = x.map((r) => r.map((v, j) => (sd[j] > 0 ? (v - mean[j]) / sd[j] : 0)));
  const beta = new Array<number>(k).fill(0);
  const positives = y.filter(Boolean).length;
  let b0 = Math.log(Math.max(positives, 0.5) / Math.max(n - positives, 0.5));
  const grad = new Array<number>(k);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    let g0 = 0;
    for (let i = 0; i < n; i++) {
      let t = b0;
      for (let j = 0; j < k; j++) t += beta[j] * z[i][j];
      const err = 1 / (1 + Math.exp(-t)) - (y[i] ? 1 : 0);
      g0 += err;
      for (let j = 0; j < k; j++) grad[j] += err * z[i][j];
    }
    b0 -= (rate * g0) / n;
    for (let j = 0; j < k; j++) beta[j] = Math.max(0, beta[j] - rate * (grad[j] / n + l2 * beta[j]));
  }
  const coefficients = beta.map((b, j) => (sd[j] > 0 ? b / sd[j] : 0));
  const intercept = b0 - coefficients.reduce((s, c, j) => s + c * mean[j], 0);
  return { coefficients, intercept };
}

/** The health model's score from component scores (as scoreHealth computes it from its inputs). */
export function scoreFromComponents(
  components: readonly (number | null)[],
  config: Pick<HealthConfig, "weights" | "distressWeight">,
): number | null {
  let sum = 0;
  let total = 0;
  COMPONENTS.forEach((name, j) => {
    const s = components[j];
    const w = config.weights[name];
    if (s === null || !(w > 0)) return;
    const eff = w * (1 + config.distressWeight * (1 - s / 100));
    sum += s * eff;
    total += eff;
  });
  return total > 0 ? Math.max(0, Math.min(100, Math.round(sum / total))) : null;
}

export interface ComponentSignal {
  name: ComponentName;
  /** Share of fit samples with data for the component. */
  coverage: number;
  /** Coefficient per standard deviation of shortfall (0: no signal left after the non-negativity constraint). */
  standardised: number;
  weight: number;
  /** The component's own AUC on the fit part (lower score = riskier). */
  auc: AucResult;
}

export interface FitResult {
  split: { fitFrom: string; fitTo: string; heldOutFrom: string; heldOutTo: string; splitDay: number };
  samples: { fit: number; churnLabelled: number };
  signals: ComponentSignal[];
  fitted: HealthConfig;
  /** The file `--write` writes: the given configuration with the fitted weights and bands (and the calibration main.ts adds). */
  file: Record<string, unknown>;
  /** The fitted weights' month-end snapshots on the held-out part, counted by score bucket. */
  calibration: CalibrationCount;
  heldOut: { model: Figures; fitted: Figures; baseline: Figures };
  result: ReplayResult;
  text: string;
}

const labelled = (result: ReplayResult, samples: readonly ComponentSample[], horizon: number) =>
  samples.map((s) => ({ sample: s, churned: churnedWithin(result, s.account, s.day, horizon) }));

/**
 * Fits weights and bands; `fileBase` is the configuration file's own JSON (or {}), kept in what is written.
 * `sampled`: a replay of the same history under `config` (the backtest's own); when it recorded the component
 * scores every SAMPLE_EVERY days, the first pass starts from them instead of replaying again.
 */
export async function runFit(
  history: History | AccountSource,
  config: HealthConfig,
  horizon: number,
  fileBase: Record<string, unknown> = {},
  onAccount?: (done: number, total: number) => void,
  sampled?: ReplayResult,
  /** Threads the replays of a history on disk use (replayHistory). */
  threads?: number,
): Promise<FitResult> {
  // Pass 1: component scores on sampled days.
  const first =
    sampled?.sampleEvery === SAMPLE_EVERY
      ? sampled
      : await replayHistory(history, config, [{ name: MODEL_RUN, config }], { onAccount, sampleEvery: SAMPLE_EVERY, threads });
  const splitDay = first.start + Math.floor((first.end - first.start + 1) / 2);
  const fitSamples = labelled(
    first,
    first.samples.filter((s) => s.day < splitDay && s.day <= first.end - horizon),
    horizon,
  );
  if (!fitSamples.some((s) => s.churned) || fitSamples.every((s) => s.churned))
    throw new Error("the older half of the history needs both accounts that churned within the horizon and accounts that did not");

  // Features: shortfall (100 − score) / 100, a missing component filled with its mean on the fit part.
  const k = COMPONENTS.length;
  const present = Array.from({ length: k }, (_, j) => fitSamples.filter((s) => s.sample.components[j] !== null));
  const fill = present.map((p, j) => (p.length ? p.reduce((s, q) => s + (100 - q.sample.components[j]!) / 100, 0) / p.length : 0));
  const x = fitSamples.map((s) => s.sample.components.map((c, j) => (c === null ? fill[j] : (100 - c) / 100)));
  const y = fitSamples.map((s) => s.churned);
  const model = fitNonNegativeLogistic(x, y);
  const sd = Array.from({ length: k }, (_, j) => {
    const m = x.reduce((s, r) => s + r[j], 0) / x.length;
    return Math.sqrt(x.reduce((s, r) => s + (r[j] - m) ** 2, 0) / x.length);
  });
  const totalCoefficient = model.coefficients.reduce((s, c) => s + c, 0);
  if (!(totalCoefficient > 0)) throw new Error("no input carried signal on the older half of the history: keep the default weights");
  // Whole-number weights summing to about 100; at least one above 0 (the largest coefficient's).
  const weights = Object.fromEntries(COMPONENTS.map((c, j) => [c, Math.round((model.coefficients[j] / totalCoefficient) * 100)])) as Record<
    ComponentName,
    number
  >;
  const signals: ComponentSignal[] = COMPONENTS.map((name, j) => ({
    name,
    coverage: present[j].length / fitSamples.length,
    standardised: model.coefficients[j] * sd[j],
    weight: weights[name],
    auc: aucOf(present[j].map((s) => ({ score: s.sample.components[j]!, churned: s.churned }))),
  }));

  // The fit part's scores under the fitted weights (onboarding samples left out: an onboarding account is
  // never red), then the renewal weighting that ranks them best, as the model applies it.
  const base = fitSamples
    .filter((s) => !s.sample.onboarding)
    .map((s) => ({
      score: scoreFromComponents(s.sample.components, { weights, distressWeight: config.distressWeight }),
      days: s.sample.daysToRenewal,
      churned: s.churned,
    }))
    .filter((s): s is { score: number; days: number | null; churned: boolean } => s.score !== null);
  const withRenewal = (renewal: HealthConfig["renewal"]) =>
    base.map((s) => ({ score: Math.max(0, s.score - renewalPoints(s.score, s.days, { renewal })), churned: s.churned }));
  let renewal = config.renewal;
  let renewalAuc = aucOf(withRenewal(renewal)).value ?? 0;
  for (const withinDays of RENEWAL_DAYS)
    for (const weight of RENEWAL_WEIGHTS) {
      const candidate = { withinDays, weight, below: config.renewal.below };
      const auc = aucOf(withRenewal(candidate)).value ?? 0;
      if (auc > renewalAuc + 1e-9) [renewal, renewalAuc] = [candidate, auc];
    }
  const scored = withRenewal(renewal);
  const positives = scored.filter((s) => s.churned).length;
  let best = { redBelow: config.bands.yellow, f1: -1 };
  for (let cut = 1; cut <= 99; cut++) {
    const flagged = scored.filter((s) => s.score < cut);
    const hits = flagged.filter((s) => s.churned).length;
    const f1 = flagged.length && positives ? (2 * hits) / (flagged.length + positives) : 0;
    if (f1 > best.f1) best = { redBelow: cut, f1 };
  }
  const churnScores = scored
    .filter((s) => s.churned)
    .map((s) => s.score)
    .sort((a, b) => a - b);
  const greenAt = churnScores.length
    ? churnScores[Math.min(churnScores.length - 1, Math.floor(churnScores.length * GREEN_RECALL))] + 1
    : 70;
  const bands = { green: Math.min(100, Math.max(best.redBelow + 1, greenAt)), yellow: best.redBelow };

  const file = { ...fileBase, weights, bands, renewal };
  const fitted = parseHealthConfig(JSON.stringify(file), "the fitted configuration");

  // Pass 2: default, fitted and baseline over the whole span, judged from the split on.
  const runs = [
    { name: MODEL_RUN, config },
    { name: FITTED_RUN, config: fitted },
    { name: BASELINE_RUN, config: loginsOnlyConfig(config) },
  ];
  const full = await replayHistory(history, config, runs, { onAccount, threads });
  const held = fromDay(full, splitDay);
  const [m, f, b] = held.alerts.map((r) => figuresOf(held, r.name, r.alerts, horizon));
  const date = (day: number) => new Date((full.timeline.origin + day) * 86_400_000).toISOString().slice(0, 10);
  const split = {
    fitFrom: date(full.start),
    fitTo: date(splitDay - 1),
    heldOutFrom: date(splitDay),
    heldOutTo: date(full.end),
    splitDay,
  };
  const result: Omit<FitResult, "text"> = {
    split,
    samples: { fit: fitSamples.length, churnLabelled: fitSamples.filter((s) => s.churned).length },
    signals,
    fitted,
    file,
    heldOut: { model: m, fitted: f, baseline: b },
    calibration: countCalibration(held, 1, horizon),
    result: held,
  };
  return { ...result, text: formatFit(result, config, horizon) };
}

const r2 = (v: number | null) => (v === null ? "n/a" : v.toFixed(2));

function formatFit(fit: Omit<FitResult, "text">, config: HealthConfig, horizon: number): string {
  const { model, fitted, baseline } = fit.heldOut;
  const cells = (f: Figures) => [
    `${r2(f.precision.value)} (${f.precision.hits}/${f.precision.of})`,
    `${r2(f.recall.value)} (${f.recall.hits}/${f.recall.of})`,
    f.medianLeadDays === null ? "n/a" : `${f.medianLeadDays} days`,
    f.alertsPer100AccountMonths === null ? "n/a" : f.alertsPer100AccountMonths.toFixed(1),
    fmtAuc(f.auc),
  ];
  const labels = [
    "precision (per account)",
    "recall of churned accounts",
    "median lead time",
    "alerts per 100 account-months",
    "AUC, month-end snapshots",
  ];
  const d = cells(model);
  const ft = cells(fitted);
  const bl = cells(baseline);
  return [
    `Fit: weights and cut-offs fitted on ${fit.split.fitFrom} to ${fit.split.fitTo} (${fit.samples.fit} account samples every ${SAMPLE_EVERY} days, ${fit.samples.churnLabelled} followed by churn within ${horizon} days), judged on ${fit.split.heldOutFrom} to ${fit.split.heldOutTo}.`,
    "",
    "Held-out part:",
    ...textTable([["", "default", "fitted", "logins-only baseline"], ...labels.map((l, i) => [l, d[i], ft[i], bl[i]])]),
    "",
    "Weights and cut-offs:",
    ...textTable([
      ["component", "default", "fitted", "signal (coef. per SD)", "own AUC on fit part", "data on"],
      ...fit.signals.map((s) => [
        s.name,
        String(config.weights[s.name]),
        String(s.weight),
        s.weight > 0
          ? `yes (${s.standardised.toFixed(2)})`
          : s.standardised > 0
            ? `negligible (${s.standardised.toFixed(3)})`
            : s.coverage === 0
              ? "no data"
              : "none (held at 0)",
        s.auc.value === null ? "n/a" : s.auc.value.toFixed(3),
        `${Math.round(s.coverage * 100)}%`,
      ]),
      ["renewal.weight", String(config.renewal.weight), String(fit.fitted.renewal.weight), "", "", ""],
      ["renewal.withinDays", String(config.renewal.withinDays), String(fit.fitted.renewal.withinDays), "", "", ""],
      ["red below (bands.yellow)", String(config.bands.yellow), String(fit.fitted.bands.yellow), "", "", ""],
      ["green from (bands.green)", String(config.bands.green), String(fit.fitted.bands.green), "", "", ""],
    ]),
    "",
    `An input carried signal when its fitted coefficient is above 0 (weights cannot be negative: an input whose fit pulled the other way is held at 0). ` +
      `Renewal: the weighting (of ${RENEWAL_WEIGHTS.length} weights × ${RENEWAL_DAYS.length} spans) whose scores rank the fit part best. ` +
      `Red below: the cut-off with the best F1 on the fit part; green: above ${Math.round(GREEN_RECALL * 100)}% of the fit part's churn-labelled samples. ` +
      `Alerts before ${fit.split.heldOutFrom} are not counted on the held-out part (a red episode already running then has no alert in it).`,
    "",
    formatCalibration(fit.calibration, "fitted weights, held-out part"),
  ].join("\n");
}

/** The fit's figures for `--json`. */
export function fitJson(fit: FitResult) {
  return {
    split: fit.split,
    samples: fit.samples,
    heldOut: {
      model: figuresJson(fit.heldOut.model),
      fitted: figuresJson(fit.heldOut.fitted),
      baseline: figuresJson(fit.heldOut.baseline),
    },
    signals: fit.signals,
    weights: fit.fitted.weights,
    renewal: fit.fitted.renewal,
    bands: fit.fitted.bands,
    calibration: fit.calibration,
  };
}
