// What an account's current score keeps of the check that computed it (AccountHealthCurrent.components):
// each component's score and weight, and the figures its evidence is worded from (the account's inputs;
// the book's trends it was judged against are kept once per check, HealthCheckRun.book), not the words.
// A check of 100,000 accounts then words only the evidence its alerts show (the words took about half of
// the model's time, and made each current score's JSON about 1.3 KB); a person reading an account gets
// the evidence worded when shown, the same words the check would have written (health-record.test.ts).
//
// Current scores written before this format hold the worded components themselves (an array); they are
// read as they are until the next check rewrites them.
import type { HealthComponentView } from "./account.ts";
import { COMPONENTS, type ComponentName, type HealthConfig } from "./health-config.ts";
import { scoreHealth, type BookContext, type BookTrend, type HealthInputs, type HealthResult } from "./health-model.ts";

/**
 * The stored form (version 2): components as [name, score, weight], the inputs as a list of figures in a
 * fixed order (encodeInputs: about a third of their size as an object), and the check's onboarding length.
 * The book's trends are the same for every account of a check: the check keeps them once (its run's book).
 */
export interface HealthRecord {
  v: 2;
  components: [ComponentName, number, number][];
  inputs: (number | string | boolean | null)[];
  /** The onboarding length of the check (whether the account was scored on its activation). */
  onboardingDays: number;
  /** The key events the check counted (their names label the key events' evidence; none: all events). */
  keyEvents: string[];
}

/** The weight kept of each component: 4 decimals (what a person sees is a whole percentage). */
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** What the current score keeps of a check of one account (scored with or without evidence: the same figures). */
export function healthRecord(
  health: HealthResult,
  inputs: HealthInputs,
  config: Pick<HealthConfig, "onboardingDays" | "keyEvents">,
): HealthRecord {
  return {
    v: 2,
    components: health.components.map((c) => [c.name, c.score, round4(c.weight)]),
    inputs: encodeInputs(inputs),
    onboardingDays: config.onboardingDays,
    keyEvents: config.keyEvents,
  };
}

const hasTrends = (t: BookTrend | undefined) =>
  t !== undefined && [t.usage, t.keyEvents, t.usage90, t.keyEvents90, t.usage7, t.keyEvents7].some((v) => v !== null && v !== undefined);

/**
 * The book as a check keeps it: its groups (tiers, peers) without a single median trend left out (too few
 * accounts: no account is judged against them, so the words are the same), so a peer attribute with a value
 * per account does not make a book of one group per account.
 */
export function keptBook(book: BookContext): BookContext {
  const keep = (groups: Record<string, BookTrend>) => Object.fromEntries(Object.entries(groups).filter(([, t]) => hasTrends(t)));
  return { all: book.all, byTier: keep(book.byTier), ...(book.byPeer ? { byPeer: keep(book.byPeer) } : {}) };
}

/** A stored book that has the shape the model reads (else: none). */
function bookOrNull(book: unknown): BookContext | null {
  if (typeof book !== "object" || book === null) return null;
  const b = book as Partial<BookContext>;
  const isGroups = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isGroups(b.all) || !isGroups(b.byTier) || (b.byPeer !== undefined && !isGroups(b.byPeer))) return null;
  return b as BookContext;
}

const isRecord = (v: unknown): v is HealthRecord =>
  typeof v === "object" &&
  v !== null &&
  (v as { v?: unknown }).v === 2 &&
  Array.isArray((v as { components?: unknown }).components) &&
  Array.isArray((v as { inputs?: unknown }).inputs) &&
  (v as { inputs: unknown[] }).inputs.length === INPUT_FIGURES &&
  (v as { components: unknown[] }).components.every(
    (c) => Array.isArray(c) && COMPONENTS.includes(c[0] as ComponentName) && typeof c[1] === "number" && typeof c[2] === "number",
  );

/**
 * The components of a stored current score, each with its evidence worded now from the check's figures
 * (the scores and weights are the check's). `book`: the check's book as stored with its run (null: not
 * kept; a book without the model's shape counts as none). `config`: today's configuration; the components
 * weighed, the onboarding length and the key events' names are the check's. A stored array (the format before records) is returned as it is; anything else
 * unreadable reads as no components.
 */
export function componentViews(stored: unknown, config: HealthConfig, book: unknown): HealthComponentView[] {
  if (Array.isArray(stored)) return stored as HealthComponentView[];
  if (!isRecord(stored)) return [];
  const weights = Object.fromEntries(COMPONENTS.map((name) => [name, 0])) as Record<ComponentName, number>;
  for (const [name] of stored.components) weights[name] = 1;
  const check = {
    ...config,
    weights,
    onboardingDays: stored.onboardingDays,
    keyEvents: Array.isArray(stored.keyEvents) ? stored.keyEvents : config.keyEvents,
  };
  const worded = scoreHealth(decodeInputs(stored.inputs), check, bookOrNull(book));
  const evidence = new Map(worded.components.map((c) => [c.name, c.evidence]));
  return stored.components.map(([name, score, weight]) => ({ name, score, weight, evidence: evidence.get(name) ?? "" }));
}

type Figure = number | string | boolean | null;
const n = (v: Figure) => v as number;
const nn = (v: Figure) => v as number | null;
/** An optional figure: null when absent, absent again when read. */
const opt = (v: Figure) => (v === null ? undefined : (v as number));

/** The inputs as a list of figures, in the order decodeInputs reads them (optional figures absent: null). */
export function encodeInputs(i: HealthInputs): Figure[] {
  const u = i.usage;
  const y = i.usageYearAgo;
  const l = i.nps.latest;
  return [
    i.seats,
    u.daysLast30,
    u.daysPrev30,
    u.avgActiveLast30,
    u.avgActivePrev30,
    u.peakActiveLast30,
    u.keyEventsLast30,
    u.keyEventsPrev30,
    u.days61to90 ?? null,
    u.avgActive61to90 ?? null,
    u.keyEvents61to90 ?? null,
    u.daysLast7 ?? null,
    u.avgActiveLast7 ?? null,
    u.keyEventsLast7 ?? null,
    i.featuresUsedLast30,
    i.featuresUsedLast90 ?? null,
    i.knownFeatures,
    i.supportLinked,
    i.tickets30.urgent,
    i.tickets30.high,
    i.tickets30.normal,
    i.tickets30.low,
    i.experience.csatAnswers,
    i.experience.csatAverage,
    i.experience.slaStopped,
    i.experience.slaBreached,
    i.experience.resolved,
    i.experience.reopened,
    l ? l.score : null,
    l ? l.comment : null,
    l ? l.at.toISOString() : null,
    i.nps.previousAverage,
    i.growth.seatsThen,
    i.growth.seatsNow,
    i.growth.arrThen,
    i.growth.arrNow,
    i.tier,
    i.peer ?? null,
    i.lifecycle.ageDays,
    i.lifecycle.featuresUsedSinceStart,
    i.lifecycle.daysToFirstKeyEvent,
    y ? y.daysLast30 : null,
    y ? y.daysPrev30 : null,
    y ? y.avgActiveLast30 : null,
    y ? y.avgActivePrev30 : null,
    y ? y.keyEventsLast30 : null,
    y ? y.keyEventsPrev30 : null,
    y ? (y.days61to90 ?? null) : null,
    y ? (y.avgActive61to90 ?? null) : null,
    y ? (y.keyEvents61to90 ?? null) : null,
    i.daysToRenewal,
  ];
}

/** How many figures encodeInputs writes. */
const INPUT_FIGURES = 51;

/** The inputs back from encodeInputs' figures. */
export function decodeInputs(f: Figure[]): HealthInputs {
  const at = f[30];
  return {
    seats: nn(f[0]),
    usage: {
      daysLast30: n(f[1]),
      daysPrev30: n(f[2]),
      avgActiveLast30: n(f[3]),
      avgActivePrev30: n(f[4]),
      peakActiveLast30: n(f[5]),
      keyEventsLast30: n(f[6]),
      keyEventsPrev30: n(f[7]),
      days61to90: opt(f[8]),
      avgActive61to90: opt(f[9]),
      keyEvents61to90: opt(f[10]),
      daysLast7: opt(f[11]),
      avgActiveLast7: opt(f[12]),
      keyEventsLast7: opt(f[13]),
    },
    featuresUsedLast30: n(f[14]),
    featuresUsedLast90: opt(f[15]),
    knownFeatures: n(f[16]),
    supportLinked: f[17] === true,
    tickets30: { urgent: n(f[18]), high: n(f[19]), normal: n(f[20]), low: n(f[21]) },
    experience: {
      csatAnswers: n(f[22]),
      csatAverage: nn(f[23]),
      slaStopped: n(f[24]),
      slaBreached: n(f[25]),
      resolved: n(f[26]),
      reopened: n(f[27]),
    },
    nps: {
      latest: f[28] === null ? null : { score: n(f[28]), comment: f[29] as string | null, at: new Date(String(at)) },
      previousAverage: nn(f[31]),
    },
    growth: { seatsThen: nn(f[32]), seatsNow: nn(f[33]), arrThen: nn(f[34]), arrNow: nn(f[35]) },
    tier: f[36] as string | null,
    peer: f[37] as string | null,
    lifecycle: { ageDays: nn(f[38]), featuresUsedSinceStart: n(f[39]), daysToFirstKeyEvent: nn(f[40]) },
    usageYearAgo:
      f[41] === null
        ? null
        : {
            daysLast30: n(f[41]),
            daysPrev30: n(f[42]),
            avgActiveLast30: n(f[43]),
            avgActivePrev30: n(f[44]),
            keyEventsLast30: n(f[45]),
            keyEventsPrev30: n(f[46]),
            days61to90: opt(f[47]),
            avgActive61to90: opt(f[48]),
            keyEvents61to90: opt(f[49]),
          },
    daysToRenewal: nn(f[50]),
  };
}
