// The replay: from day 60 of the history (so trends have two 30-day windows) to its last day, every
// account still a customer is scored as of each day from the data up to that day, under each
// configuration, and the red alerts the scheduled check would raise are recorded: an `entered_red`
// hit on a day the account was not red the day before (one alert per red episode).
import { bandOf, COMPONENTS, type HealthConfig } from "../../src/success/rules/health-config.ts";
import {
  BookGroups,
  componentScores,
  scoreHealth,
  TREND_KINDS,
  type BookContext,
  type HealthResult,
} from "../../src/success/rules/health-model.ts";
import { evaluateRules, type RuleFacts } from "../../src/success/rules/risk-rules.ts";
import { AccountSeries, peerOf, trendsOf } from "./account-series.ts";
import { sourceOf, type AccountSource } from "./account-source.ts";
import { dateOfDay } from "./dates.ts";
import { HistoryError, type History, type HistoryAccount } from "./history.ts";
import { knownFeaturesByDay } from "./known-features.ts";
import { dayIndex, type Timeline } from "./timeline.ts";

export { rowsByAccount } from "./account-source.ts";

/** The replay starts this many days after the first day of usage. */
export const WARM_UP_DAYS = 60;

export interface ReplayRun {
  name: string;
  config: HealthConfig;
  /** false: scored without the book's trends (the logins-only baseline); default true. */
  book?: boolean;
}

export interface RedAlert {
  account: string;
  /** Timeline index and date of the day the alert was raised. */
  day: number;
  date: string;
  score: number;
}

/** An account's score under each run on a month-end day (null: no component had data). */
export interface Snapshot {
  account: string;
  day: number;
  scores: (number | null)[];
}

/** An account's component scores (in the order of COMPONENTS, null: no data) on a sampled day, for fitting weights. */
export interface ComponentSample {
  account: string;
  day: number;
  components: (number | null)[];
  /** Days to the renewal (null: none), for the renewal weighting applied after the weighted mean. */
  daysToRenewal: number | null;
  /** Whether the account was onboarding (never red then, and scored on activation rather than these components). */
  onboarding: boolean;
}

export interface ReplayOptions {
  onAccount?: (done: number, total: number) => void;
  /** Record each account's component scores every this many days from the first replayed day (0: never). */
  sampleEvery?: number;
}

export interface ReplayResult {
  timeline: Timeline;
  /** Timeline indexes of the first and last replayed days. */
  start: number;
  end: number;
  accounts: number;
  /** Churn day (timeline index) per account that churned. */
  churn: Map<string, number>;
  /** The day (timeline index) each account created during the history became a customer: it is scored from then on. */
  created: Map<string, number>;
  /** Per run, in the order given: the red alerts raised, by day then account. */
  alerts: { name: string; config: HealthConfig; alerts: RedAlert[] }[];
  /** Account-days scored (per run). */
  accountDays: number;
  /** Every scored account on every month-end day (the last day of a calendar month) in the replayed span. */
  snapshots: Snapshot[];
  /** Component scores on sampled days (empty unless `sampleEvery` was given). */
  samples: ComponentSample[];
  /** Every how many days `samples` were recorded (0: none were). */
  sampleEvery: number;
}

/**
 * What every part of a replay shares, computed from the history's book-wide facts (the same in a
 * worker thread as in the main one): the span, the churn and creation days, the known features per
 * day, and which runs share a score.
 */
export interface ReplaySetup {
  t: Timeline;
  /** Timeline indexes of the first and last replayed days. */
  start: number;
  end: number;
  span: number;
  dates: string[];
  monthEnd: boolean[];
  churn: Map<string, number>;
  created: Map<string, number>;
  known: Int32Array;
  inputsConfig: HealthConfig;
  runs: ReplayRun[];
  sampleEvery: number;
  /** Runs with the same weights object (and book use) share each day's score: one weight group each. */
  weightGroups: { weights: HealthConfig["weights"]; book: boolean }[];
  weightGroupOf: number[];
  scoringConfig: HealthConfig[];
  /** Runs that share a weight group and a score-drop window share the recent high score: one high group each. */
  highGroupOf: number[];
  highWeightGroup: number[];
  highDays: number[];
}

/** The replay's setup (see ReplaySetup); throws a HistoryError when the history is too short to replay. */
export function replaySetup(h: AccountSource, inputsConfig: HealthConfig, runs: ReplayRun[], sampleEvery = 0): ReplaySetup {
  const t = h.timeline();
  const start = t.first + WARM_UP_DAYS;
  const end = t.last;
  if (start > end) {
    throw new HistoryError([
      `usage.csv covers ${t.last - t.first + 1} days (${dateOfDay(t.origin + t.first)} to ${dateOfDay(t.origin + t.last)}); the replay needs more than ${WARM_UP_DAYS} days of usage so trends have history`,
    ]);
  }
  const span = end - start + 1;
  const dates = Array.from({ length: span }, (_, i) => dateOfDay(t.origin + start + i));
  // Runs with the same weights object share each day's score (scored under the first such run's
  // configuration, the band then set per run), hence the same score history and, for the same
  // score-drop window, the same recent high score: each is computed once per day.
  const weightGroups: { weights: HealthConfig["weights"]; book: boolean }[] = [];
  const weightGroupOf = runs.map((r) => {
    const withBook = r.book !== false;
    const g = weightGroups.findIndex((w) => w.weights === r.config.weights && w.book === withBook);
    return g >= 0 ? g : weightGroups.push({ weights: r.config.weights, book: withBook }) - 1;
  });
  const scoringConfig = weightGroups.map((w) => runs[weightGroupOf.indexOf(weightGroups.indexOf(w))].config);
  const highKeys: string[] = [];
  const highGroupOf = runs.map((r, i) => {
    const key = `${weightGroupOf[i]} ${r.config.rules.score_drop.days}`;
    const k = highKeys.indexOf(key);
    return k >= 0 ? k : highKeys.push(key) - 1;
  });
  return {
    t,
    start,
    end,
    span,
    dates,
    monthEnd: dates.map((_, i) => dateOfDay(t.origin + start + i + 1).endsWith("-01")),
    churn: new Map(h.churn.map((c) => [c.accountExternalId, dayIndex(t, c.churnDate)])),
    created: createdDays(h, t),
    known: knownFeaturesByDay(h, t, inputsConfig),
    inputsConfig,
    runs,
    sampleEvery,
    weightGroups,
    weightGroupOf,
    scoringConfig,
    highGroupOf,
    highWeightGroup: highKeys.map((_, k) => weightGroupOf[highGroupOf.indexOf(k)]),
    highDays: highKeys.map((_, k) => runs[highGroupOf.indexOf(k)].config.rules.score_drop.days),
  };
}

/** The part of a replay's result that a range of accounts gives (see replayAccounts). */
export interface ReplayPart {
  /** Per run, in the order given: the red alerts raised, account by account. */
  alerts: RedAlert[][];
  snapshots: Snapshot[];
  samples: ComponentSample[];
  accountDays: number;
}

/** The replay's result from its parts, in the order of the accounts they cover. */
export function replayResult(setup: ReplaySetup, accounts: number, parts: readonly ReplayPart[]): ReplayResult {
  const alerts = setup.runs.map((r, i) => ({
    name: r.name,
    config: r.config,
    alerts: parts.flatMap((p) => p.alerts[i]).sort((x, y) => x.day - y.day || x.account.localeCompare(y.account)),
  }));
  return {
    timeline: setup.t,
    start: setup.start,
    end: setup.end,
    accounts,
    churn: setup.churn,
    created: setup.created,
    alerts,
    accountDays: parts.reduce((n, p) => n + p.accountDays, 0),
    snapshots: parts.flatMap((p) => p.snapshots),
    samples: parts.flatMap((p) => p.samples),
    sampleEvery: setup.sampleEvery,
  };
}

/**
 * Replays the history under each run's configuration. The inputs (key events, known features, rule
 * windows) are computed with `inputsConfig`; the runs may differ in weights, bands and rule switches.
 * Runs that share the same `weights` object share each day's score (only the band is recomputed).
 * Accounts are replayed one at a time (from an open history, read one at a time): only the results
 * stay in memory. In this thread: `replayInWorkers` (parallel-replay.ts) shares the same work out.
 */
export function replay(
  input: History | AccountSource,
  inputsConfig: HealthConfig,
  runs: ReplayRun[],
  options: ReplayOptions | ((done: number, total: number) => void) = {},
): ReplayResult {
  const { onAccount, sampleEvery = 0 } = typeof options === "function" ? { onAccount: options } : options;
  const h = sourceOf(input);
  const setup = replaySetup(h, inputsConfig, runs, sampleEvery);
  const n = h.accounts.length;
  const trends = bookTrendArrays(n, setup.span);
  accountTrends(h, setup, trends, 0, n);
  const book = bookOfDays(h.accounts, setup, trends, 0, setup.span);
  const part = replayAccounts(h, setup, book, 0, n, (done) => onAccount?.(done, n));
  return replayResult(setup, n, [part]);
}

/**
 * The replay of accounts [from, to) of the source (their index in `accounts`), with the book's trends of
 * each replayed day (index 0: `start`). `onAccount(done)` before each account (done: accounts of the
 * range finished).
 */
export function replayAccounts(
  h: AccountSource,
  setup: ReplaySetup,
  book: readonly BookContext[],
  from: number,
  to: number,
  onAccount?: (done: number) => void,
): ReplayPart {
  const { t, start, end, span, dates, monthEnd, churn, known, inputsConfig, runs, sampleEvery } = setup;
  const { weightGroups, weightGroupOf, scoringConfig, highGroupOf, highWeightGroup, highDays } = setup;
  const alerts = runs.map(() => [] as RedAlert[]);
  const scores = weightGroups.map(() => new Float64Array(span));
  const scored: HealthResult[] = new Array(weightGroups.length);
  const recentHigh: (number | null)[] = new Array(highDays.length);
  const snapshots: Snapshot[] = [];
  const samples: ComponentSample[] = [];
  let accountDays = 0;

  let accountsDone = 0;
  // An account's rows are let go once its series is built: only the series is held while it is replayed.
  const eachAccount = h.eachAccount({ from, to })[Symbol.iterator]();
  const nextAccount = () => {
    const next = eachAccount.next();
    return next.done ? null : { series: new AccountSeries(next.value, t, inputsConfig, known), account: next.value.account };
  };
  try {
    for (let item = nextAccount(); item !== null; item = nextAccount()) {
      onAccount?.(accountsDone++);
      const { series, account } = item;
      const id = account.externalId;
      const churnDay = churn.get(id);
      // The churn date is the first day the account is no longer a customer: it is scored up to the day before.
      const lastScored = churnDay === undefined ? end : Math.min(end, churnDay - 1);
      const wasRed = runs.map(() => false);
      for (const s of scores) s.fill(NaN);
      // Not a customer before its creation date: scored from then on.
      for (let day = Math.max(start, series.createdDay ?? start); day <= lastScored; day++) {
        accountDays++;
        const facts = series.factsOn(day);
        const today = dates[day - start];
        const snapshot: Snapshot | null = monthEnd[day - start] ? { account: id, day, scores: [] } : null;
        if (snapshot) snapshots.push(snapshot);
        if (sampleEvery > 0 && (day - start) % sampleEvery === 0) {
          const raw = componentScores(facts.inputs, inputsConfig, book[day - start], false);
          const age = facts.inputs.lifecycle.ageDays;
          samples.push({
            account: id,
            day,
            components: COMPONENTS.map((c) => raw[c]?.score ?? null),
            daysToRenewal: facts.inputs.daysToRenewal,
            onboarding: age !== null && age < inputsConfig.onboardingDays,
          });
        }
        for (let g = 0; g < weightGroups.length; g++)
          scored[g] = scoreHealth(facts.inputs, scoringConfig[g], weightGroups[g].book ? book[day - start] : null, { evidence: false });
        for (let k = 0; k < highDays.length; k++) {
          const history = scores[highWeightGroup[k]];
          let high: number | null = null;
          for (let back = Math.max(start, day - highDays[k]); back < day; back++) {
            const s = history[back - start];
            if (!Number.isNaN(s) && (high === null || s > high)) high = s;
          }
          recentHigh[k] = high;
        }
        for (let g = 0; g < weightGroups.length; g++) scores[g][day - start] = scored[g].score ?? NaN;
        // The rule facts of the day; only the health result and the recent high score differ by run.
        const ruleFacts: RuleFacts = {
          today,
          health: scored[0],
          recentHighScore: null,
          renewalDate: account.renewalDate,
          seats: facts.inputs.seats,
          peakActiveLast30: facts.inputs.usage.daysLast30 ? facts.inputs.usage.peakActiveLast30 : null,
          ticketsLast7: facts.ticketsLast7,
          ticketBaselinePerWeek: facts.ticketBaselinePerWeek,
          nps: facts.inputs.nps.latest,
        };
        for (let r = 0; r < runs.length; r++) {
          const config = runs[r].config;
          const own = scored[weightGroupOf[r]];
          const band = own.score === null ? own.band : bandOf(own.score, config);
          const health: HealthResult = band === own.band ? own : { ...own, band };
          snapshot?.scores.push(health.score);
          ruleFacts.health = health;
          ruleFacts.recentHighScore = recentHigh[highGroupOf[r]];
          const hits = evaluateRules(ruleFacts, config);
          // A flag: red, or (for an onboarding account, which is never red) a stalled onboarding.
          const red = hits.some((hit) => hit.rule === "entered_red" || hit.rule === "onboarding_stalled");
          if (red && !wasRed[r]) alerts[r].push({ account: id, day, date: today, score: health.score! });
          wasRed[r] = red;
        }
      }
    }
  } finally {
    eachAccount.return?.();
  }
  return { alerts, snapshots, samples, accountDays };
}

/** The creation day (timeline index) of each account with a createdDate. */
export function createdDays(h: AccountSource, t: Timeline): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of h.accounts) if (a.createdDate) out.set(a.externalId, dayIndex(t, a.createdDate));
  return out;
}

/** One array per trend kind (TREND_KINDS) of `accounts` × `span` trends, all NaN (none yet); `shared`: over SharedArrayBuffers, for worker threads to fill. */
export function bookTrendArrays(accounts: number, span: number, shared = false): Float32Array[] {
  const bytes = accounts * span * Float32Array.BYTES_PER_ELEMENT;
  return TREND_KINDS.map(() => (shared ? new Float32Array(new SharedArrayBuffer(bytes)) : new Float32Array(accounts * span)).fill(NaN));
}

/**
 * The book's first pass over accounts [from, to): each account's usage and key-event trends on each
 * replayed day while it is a customer, into `trends` (account i's days at i × span). Only the usage rows
 * are read.
 */
export function accountTrends(h: AccountSource, setup: ReplaySetup, trends: Float32Array[], from: number, to: number): void {
  const { t, start, end, span, churn, inputsConfig } = setup;
  let a = from;
  for (const rows of h.eachAccount({ usageOnly: true, from, to })) {
    const churnDay = churn.get(rows.account.externalId);
    const last = churnDay === undefined ? end : Math.min(end, churnDay - 1);
    if (last >= start) trendsOf(rows, t, inputsConfig, start, last, { trends, offset: a * span });
    a++;
  }
}

/**
 * The book's median trends on replayed days [from, to) (index 0: `start`), over the accounts still
 * customers with a measured trend, for all, per tier and per peer group (peerAttribute), as bookTrends
 * gives them to the app's check.
 */
export function bookOfDays(
  accounts: readonly HistoryAccount[],
  setup: ReplaySetup,
  trends: readonly Float32Array[],
  from: number,
  to: number,
): BookContext[] {
  const { span, inputsConfig } = setup;
  const tierOf = accounts.map((a) => a.tier);
  const peerOfAccount = accounts.map((a) => peerOf(a, inputsConfig));
  const out: BookContext[] = [];
  for (let d = from; d < to; d++) {
    const book = new BookGroups(inputsConfig.peerAttribute !== null);
    for (let i = 0; i < accounts.length; i++) {
      const into = book.listsOf(tierOf[i], peerOfAccount[i]);
      for (let k = 0; k < TREND_KINDS.length; k++) {
        const v = trends[k][i * span + d];
        if (Number.isNaN(v)) continue;
        for (const l of into) l[k].push(v);
      }
    }
    out.push(book.context());
  }
  return out;
}
