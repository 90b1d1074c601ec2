// The health model: pure functions from an account's measured inputs (aggregated elsewhere, in SQL for
// the scheduled checks or in memory for the backtest) to component scores 0-100 with their evidence, a
// weighted score and a band. A component without data is left out and the weights of the others are
// renormalised; `missing` names what was left out so alerts can say so.
import { bandOf, type Band, type ComponentName, type HealthConfig } from "./health-config.ts";

export interface HealthInputs {
  seats: number | null;
  /**
   * Product usage: days with data and daily averages in the last 30 days, the 30 before, and the 30 before
   * those (61-90 days before the day checked, for the 90-day trends; absent: not measured).
   */
  usage: {
    daysLast30: number;
    daysPrev30: number;
    avgActiveLast30: number;
    avgActivePrev30: number;
    peakActiveLast30: number;
    keyEventsLast30: number;
    keyEventsPrev30: number;
  } & LongWindow &
    RecentWindow;
  /** Distinct features used in the last 30 days, and the features known (configured or seen in 90 days). */
  featuresUsedLast30: number;
  /** Distinct features used in the last 90 days (the last 30 among them), for the features given up (absent: not measured). */
  featuresUsedLast90?: number;
  knownFeatures: number;
  /** Whether support data can exist for the account (a linked channel or any ticket). */
  supportLinked: boolean;
  /** Tickets created in the last 30 days by priority. */
  tickets30: { urgent: number; high: number; normal: number; low: number };
  /** Support experience over the last 90 days. */
  experience: {
    csatAnswers: number;
    csatAverage: number | null;
    slaStopped: number;
    slaBreached: number;
    resolved: number;
    reopened: number;
  };
  /** NPS answers: the latest and the average of those before it (within the configured age). */
  nps: { latest: { score: number; comment: string | null; at: Date } | null; previousAverage: number | null };
  /** Seats and ARR now and about 90 days ago (null when unknown). */
  growth: { seatsThen: number | null; seatsNow: number | null; arrThen: number | null; arrNow: number | null };
  /** The account's tier from the CRM (Account.tier), to compare its trends with its tier's; null: none. */
  tier: string | null;
  /**
   * The account's value of the CRM attribute that groups it with its peers (the configuration's
   * peerAttribute, such as its region), to compare its trends with its peers'; null or absent: none.
   */
  peer?: string | null;
  /**
   * Where the account is in its life, for onboarding. The start is the earliest of the day it became a
   * customer (Account.customerSince, from the CRM), its first usage day and the day it was first stored
   * here (Account.createdAt), as whole UTC days (see accountStart).
   */
  lifecycle: {
    /** Whole days from the start to the day checked (0 on the start day); null: unknown (no usage and no creation date). */
    ageDays: number | null;
    /** Distinct features used from the start up to the day checked (only the configured knownFeatures when set). */
    featuresUsedSinceStart: number;
    /** Whole days from the start to the first day with a key event (the configured keyEvents, else any event); null: none yet, or no start. */
    daysToFirstKeyEvent: number | null;
  };
  /**
   * The same two usage windows a year (365 days) earlier: the 30 days ending 365 days before the day checked
   * and the 30 before those (and the 30 before those), measured as `usage`. null: no usage day at all in
   * the first two (no history then).
   */
  usageYearAgo:
    | ({
        daysLast30: number;
        daysPrev30: number;
        avgActiveLast30: number;
        avgActivePrev30: number;
        keyEventsLast30: number;
        keyEventsPrev30: number;
      } & LongWindow)
    | null;
  /** Whole days from the day checked to the renewal date (0 on the day, negative once passed); null: no renewal date. */
  daysToRenewal: number | null;
}

/** The 30 days 61-90 days before the day checked: days with data, average active users, key events (absent: not measured). */
export interface LongWindow {
  days61to90?: number;
  avgActive61to90?: number;
  keyEvents61to90?: number;
}

/** The last 7 days (the 7 days ending on the day checked): days with data, average active users, key events (absent: not measured). */
export interface RecentWindow {
  daysLast7?: number;
  avgActiveLast7?: number;
  keyEventsLast7?: number;
}

/**
 * The context inputs all unknown: an account is then scored as an established one, on its own 30-day
 * trends, without the renewal weighting (as before these inputs existed).
 */
export const UNKNOWN_CONTEXT: Pick<HealthInputs, "tier" | "lifecycle" | "usageYearAgo" | "daysToRenewal"> = {
  tier: null,
  lifecycle: { ageDays: null, featuresUsedSinceStart: 0, daysToFirstKeyEvent: null },
  usageYearAgo: null,
  daysToRenewal: null,
};

/** The median trends of the whole book (and of each tier) over the same 30-day windows, from bookTrends. */
export interface BookTrend {
  /** Median of avgActiveLast30 / avgActivePrev30 − 1 (null: fewer than MIN_BOOK_ACCOUNTS accounts with a measured trend). */
  usage: number | null;
  /** Median of the key events a day in the last 30 days over those in the previous 30, − 1 (null: as above). */
  keyEvents: number | null;
  /** The same over 90 days: the last 30 days against the 30 days 61-90 days before (usageChange90, keyEventsChange90; null: as above). */
  usage90?: number | null;
  keyEvents90?: number | null;
  /** The same for the last 7 days against the 30 days 61-90 days before (usageChange7, keyEventsChange7). */
  usage7?: number | null;
  keyEvents7?: number | null;
  /** Accounts whose usage trend was measured. */
  accounts: number;
}
export interface BookContext {
  all: BookTrend;
  byTier: Record<string, BookTrend>;
  /** Per value of the peer attribute (peerAttribute); absent: no peer groups. */
  byPeer?: Record<string, BookTrend>;
}

export interface Component {
  name: ComponentName;
  score: number;
  /** The share of the overall score after renormalising (0-1). */
  weight: number;
  evidence: string;
}

export interface HealthResult {
  /** null when no component has data. */
  score: number | null;
  band: Band | "unknown";
  components: Component[];
  /** Components left out for lack of data. */
  missing: ComponentName[];
  /**
   * Set while the account is onboarding (younger than onboardingDays): its activation score (0-100, share
   * of seats active, features reached and time to the first key event against its age) and the evidence.
   * Its usage trends are not scored then, and the band is never red (onboarding_stalled fires instead).
   */
  onboarding?: { ageDays: number; days: number; activation: number; evidence: string };
  /** Set when the nearness of the renewal took points off a weak score: how many and why. */
  renewal?: { days: number; points: number; evidence: string };
}

export const COMPONENT_LABELS: Record<ComponentName, string> = {
  productBreadth: "Product breadth",
  licenceUtilisation: "Licence utilisation",
  usageTrend: "Usage trend",
  keyEventsTrend: "Key events trend",
  supportLoad: "Support load",
  supportExperience: "Support experience",
  nps: "NPS",
  accountGrowth: "Account growth",
  featureRetention: "Feature retention",
  recentActivity: "Last 7 days",
};

/** Minimum days of usage in each 30-day window before a trend is measured. */
export const MIN_TREND_DAYS = 7;
export const PRIORITY_WEIGHTS = { urgent: 4, high: 2, normal: 1, low: 0.5 } as const;

const clamp = (v: number) => Math.max(0, Math.min(100, Math.round(v)));
const round1 = (v: number) => Math.round(v * 10) / 10;
const EN_US = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
/** A whole number with en-US thousands separators (one formatter kept: toLocaleString builds one per call). */
export const thousands = (n: number): string => EN_US.format(n);
const fmt = (v: number) => (Math.abs(v) >= 100 ? thousands(Math.round(v)) : String(round1(v)));
const pct = (v: number) => `${Math.round(v * 100)}%`;
const money = (v: number) => `$${thousands(Math.round(v))}`;

/** Points a feature retention score loses per share of the 90 days' features given up (half of them given up: 0). */
export const FEATURE_DROP_POINTS = 200;

/** Daily active users at which a trend is shrunk halfway toward flat (fewer users, more shrinking). */
export const SMALL_ACCOUNT_USERS = 3;

/** Fewest accounts with a measured trend for a book (or tier) median to be used. */
export const MIN_BOOK_ACCOUNTS = 20;

type TrendWindows = Pick<
  HealthInputs["usage"],
  "daysLast30" | "daysPrev30" | "avgActiveLast30" | "avgActivePrev30" | "keyEventsLast30" | "keyEventsPrev30"
> &
  LongWindow &
  RecentWindow;

/** The change in daily active users between the two windows (null: too few days of data or none before). */
export function usageChange(u: TrendWindows): number | null {
  if (u.daysLast30 < MIN_TREND_DAYS || u.daysPrev30 < MIN_TREND_DAYS || u.avgActivePrev30 <= 0) return null;
  return u.avgActiveLast30 / u.avgActivePrev30 - 1;
}

/** The change in key events a day of data between the two windows (null: too few days of data or none before). */
export function keyEventsChange(u: TrendWindows): number | null {
  if (u.daysLast30 < MIN_TREND_DAYS || u.daysPrev30 < MIN_TREND_DAYS || u.keyEventsPrev30 <= 0) return null;
  return u.keyEventsLast30 / u.daysLast30 / (u.keyEventsPrev30 / u.daysPrev30) - 1;
}

/** The change in daily active users from 61-90 days before to the last 30 days (null: too few days of data or none then). */
export function usageChange90(u: TrendWindows): number | null {
  const days = u.days61to90 ?? 0;
  const then = u.avgActive61to90 ?? 0;
  if (u.daysLast30 < MIN_TREND_DAYS || days < MIN_TREND_DAYS || then <= 0) return null;
  return u.avgActiveLast30 / then - 1;
}

/** The change in key events a day of data from 61-90 days before to the last 30 days (null: as usageChange90). */
export function keyEventsChange90(u: TrendWindows): number | null {
  const days = u.days61to90 ?? 0;
  const then = u.keyEvents61to90 ?? 0;
  if (u.daysLast30 < MIN_TREND_DAYS || days < MIN_TREND_DAYS || then <= 0) return null;
  return u.keyEventsLast30 / u.daysLast30 / (then / days) - 1;
}

/** Fewest days with data in the last 7 for the last week's trends. */
export const MIN_RECENT_DAYS = 3;

/** The change in daily active users from 61-90 days before to the last 7 days (null: too few days of data, or none then). */
export function usageChange7(u: TrendWindows): number | null {
  const days = u.days61to90 ?? 0;
  const then = u.avgActive61to90 ?? 0;
  if ((u.daysLast7 ?? 0) < MIN_RECENT_DAYS || days < MIN_TREND_DAYS || then <= 0) return null;
  return (u.avgActiveLast7 ?? 0) / then - 1;
}

/** The change in key events a day of data from 61-90 days before to the last 7 days (null: as usageChange7). */
export function keyEventsChange7(u: TrendWindows): number | null {
  const days = u.days61to90 ?? 0;
  const then = u.keyEvents61to90 ?? 0;
  const recent = u.daysLast7 ?? 0;
  if (recent < MIN_RECENT_DAYS || days < MIN_TREND_DAYS || then <= 0) return null;
  return (u.keyEventsLast7 ?? 0) / recent / (then / days) - 1;
}

/** The six trends an account is scored on, in the order of TREND_KINDS. */
export const TREND_KINDS = ["usage", "keyEvents", "usage90", "keyEvents90", "usage7", "keyEvents7"] as const;
export type TrendKind = (typeof TREND_KINDS)[number];
const TREND_OF: Record<TrendKind, (u: TrendWindows) => number | null> = {
  usage: usageChange,
  keyEvents: keyEventsChange,
  usage90: usageChange90,
  keyEvents90: keyEventsChange90,
  usage7: usageChange7,
  keyEvents7: keyEventsChange7,
};
export const trendOf = (kind: TrendKind, u: TrendWindows): number | null => TREND_OF[kind](u);

function median(values: number[]): number | null {
  if (values.length < MIN_BOOK_ACCOUNTS) return null;
  // A typed array sorts numbers by value without a comparator call per step (100,000 accounts: a few ms).
  const v = Float64Array.from(values).sort();
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * The book's median usage and key-event trends over the same windows, for all accounts, per tier and per
 * peer group (the accounts sharing a value of `peerAttribute`), from every account's inputs as of the same
 * day (accounts without a measured trend are left out).
 */
export function bookTrends(
  accounts: Iterable<Pick<HealthInputs, "tier" | "peer" | "usage">>,
  peerAttribute: string | null = null,
): BookContext {
  const book = new BookGroups(peerAttribute !== null);
  for (const a of accounts) {
    const changes = TREND_KINDS.map((kind) => trendOf(kind, a.usage));
    for (const l of book.listsOf(a.tier, a.peer ?? null)) changes.forEach((c, j) => c !== null && l[j].push(c));
  }
  return book.context();
}

/** One list of measured changes per trend kind, in the order of TREND_KINDS. */
export type BookLists = [number[], number[], number[], number[], number[], number[]];

/** The measured changes of the whole book, of each tier and (when `peerGroups`) of each peer group, and their medians. */
export class BookGroups {
  private readonly all = BookGroups.lists();
  private readonly tiers = new Map<string, BookLists>();
  private readonly peers = new Map<string, BookLists>();

  constructor(private readonly peerGroups: boolean) {}

  private static lists(): BookLists {
    return TREND_KINDS.map(() => [] as number[]) as BookLists;
  }

  private static groupOf(groups: Map<string, BookLists>, key: string): BookLists {
    return groups.get(key) ?? groups.set(key, BookGroups.lists()).get(key)!;
  }

  /** The lists an account's changes go into: the book's, its tier's and its peer group's (called per account and day: no closure made here). */
  listsOf(tier: string | null, peer: string | null): BookLists[] {
    const into = [this.all];
    if (tier !== null) into.push(BookGroups.groupOf(this.tiers, tier));
    if (this.peerGroups && peer !== null) into.push(BookGroups.groupOf(this.peers, peer));
    return into;
  }

  context(): BookContext {
    const medians = (groups: Map<string, BookLists>) => Object.fromEntries([...groups].map(([key, l]) => [key, bookTrendOf(...l)]));
    return {
      all: bookTrendOf(...this.all),
      byTier: medians(this.tiers),
      ...(this.peerGroups ? { byPeer: medians(this.peers) } : {}),
    };
  }
}

/** The book's trend from the measured changes of its accounts (trendOf each of TREND_KINDS, in that order). */
export function bookTrendOf(
  usage: number[],
  keyEvents: number[],
  usage90: number[] = [],
  keyEvents90: number[] = [],
  usage7: number[] = [],
  keyEvents7: number[] = [],
): BookTrend {
  return {
    usage: median(usage),
    keyEvents: median(keyEvents),
    usage90: median(usage90),
    keyEvents90: median(keyEvents90),
    usage7: median(usage7),
    keyEvents7: median(keyEvents7),
    accounts: usage.length,
  };
}

const signed = (v: number) => `${v >= 0 ? "+" : ""}${pct(v)}`;
/** Changes smaller than this read as "flat" in the evidence. */
const FLAT = 0.025;
/**
 * Key events up by at least this much (the worse of the 30- and 90-day trends, relative to their
 * reference) mark an account moving its work to the API or an integration: falling logins are then not
 * read as a risk (an API migration, issue 16's backtest: flagged 35% → 20% of such healthy accounts).
 */
const AUTOMATION_RISE = 0.2;

/** What a trend is judged against (trendReference): the reference change, where it comes from, and the evidence's words. */
export class TrendReference {
  constructor(
    readonly change: number,
    readonly source: "year_ago" | "peers" | "tier" | "book",
    /** For the peers, tier or book: who ("europe accounts were", "growth accounts were", "the book was"). */
    private readonly who: string,
  ) {}

  /** The evidence's words for the account's change relative to the reference. */
  text(relative: number): string {
    if (this.source === "year_ago") return `; ${signed(relative)} against the same weeks last year, when it was ${signed(this.change)}`;
    const flat = Math.abs(this.change) < FLAT;
    return ` while ${this.who} ${flat ? "flat" : signed(this.change)}${flat ? "" : `: ${signed(relative)} relative`}`;
  }
}

/**
 * What an account's trend is judged against: its own trend over the same weeks a year earlier when that
 * was measured, else the median trend of its peers (the accounts sharing its value of peerAttribute, such
 * as its region: they share holidays and seasons), else of its tier, else of the book, the first of these
 * with enough accounts (MIN_BOOK_ACCOUNTS); null: none. `text` says which, with the account's change relative to it.
 */
export function trendReference(
  i: Pick<HealthInputs, "usageYearAgo" | "tier" | "peer">,
  book: BookContext | null,
  which: TrendKind,
): TrendReference | null {
  const ya = i.usageYearAgo;
  const lastYear = ya ? trendOf(which, ya) : null;
  if (lastYear !== null) return new TrendReference(lastYear, "year_ago", "");
  if (!book) return null;
  const peers = i.peer != null ? book.byPeer?.[i.peer]?.[which] : null;
  if (peers !== null && peers !== undefined) return new TrendReference(peers, "peers", `${i.peer} accounts were`);
  const tier = i.tier !== null ? book.byTier[i.tier]?.[which] : null;
  if (tier !== null && tier !== undefined) return new TrendReference(tier, "tier", `${i.tier} accounts were`);
  const change = book.all[which];
  if (change === null || change === undefined) return null;
  return new TrendReference(change, "book", "the book was");
}

/** A trend's score: flat is 70 (the green line), each 1% down costs 1.5 points (−47% is 0), +20% is 100. */
export const trendScore = (change: number) => 70 + change * 150;

/**
 * An account's 30-day trend and its 90-day trend (the last 30 days against the 30 days 61-90 days before),
 * each relative to its reference (trendReference); the score takes the worse of the two, so a slow slide
 * that no single month shows is seen. null: the 30-day trend is not measured.
 */
function relativeTrends(
  i: HealthInputs,
  book: BookContext | null,
  short: "usage" | "keyEvents",
  long: "usage90" | "keyEvents90",
  evidence: boolean,
): { relative: number; text: string } | null {
  const change = trendOf(short, i.usage);
  if (change === null) return null;
  const ref = trendReference(i, book, short);
  const relative = ref ? (1 + change) / (1 + ref.change) - 1 : change;
  let text = evidence ? ` (${signed(change)}${ref ? ref.text(relative) : ""})` : "";
  const change90 = trendOf(long, i.usage);
  if (change90 === null) return { relative, text };
  const ref90 = trendReference(i, book, long);
  const relative90 = ref90 ? (1 + change90) / (1 + ref90.change) - 1 : change90;
  if (evidence) text += `; ${signed(change90)} in 90 days${ref90 ? ref90.text(relative90) : ""}`;
  return { relative: Math.min(relative, relative90), text };
}

/**
 * The last 7 days' active users and key events a day against the 30 days 61-90 days before, each relative
 * to its reference (trendReference: the same weeks a year earlier, else the book's or tier's median) and
 * shrunk toward flat for a handful of users; scored on the worse of the two (key events only for an account
 * `automating`: see AUTOMATION_RISE). null: neither is measured.
 */
function recentTrend(
  i: HealthInputs,
  book: BookContext | null,
  shrink: number,
  evidence: boolean,
  automating = false,
): { score: number; evidence: string } | null {
  const u = i.usage;
  let worst: number | null = null;
  const texts: string[] = [];
  for (const kind of automating ? (["keyEvents7"] as const) : (["usage7", "keyEvents7"] as const)) {
    const change = trendOf(kind, u);
    if (change === null) continue;
    const ref = trendReference(i, book, kind);
    const relative = ref ? (1 + change) / (1 + ref.change) - 1 : change;
    if (worst === null || relative < worst) worst = relative;
    if (evidence) {
      const days = u.days61to90 ?? 0;
      const what =
        kind === "usage7"
          ? `active users ${fmt(u.avgActive61to90 ?? 0)} → ${fmt(u.avgActiveLast7 ?? 0)} a day`
          : `key events ${fmt(days ? (u.keyEvents61to90 ?? 0) / days : 0)} → ${fmt((u.keyEventsLast7 ?? 0) / (u.daysLast7 || 1))} a day`;
      texts.push(`${what} (${signed(change)}${ref ? ref.text(relative) : ""})`);
    }
  }
  if (worst === null) return null;
  return {
    score: clamp(trendScore(worst * shrink)),
    evidence: evidence
      ? `last 7 days against 61-90 days before: ${texts.join("; ")}${automating ? " (active users left out: work moved to automation)" : ""}`
      : "",
  };
}

/**
 * Each component's raw score and evidence, or null when it has no data. With `evidence` false the
 * evidence is left empty (the backtest, which scores millions of account-days and reads no evidence).
 */
export function componentScores(
  i: HealthInputs,
  config: Pick<HealthConfig, "keyEvents" | "weights">,
  book: BookContext | null = null,
  evidence = true,
  /** false: only the components with a weight above 0 (what a score needs; the others cost time for nothing). */
  unweighted = true,
): Partial<Record<ComponentName, { score: number; evidence: string }>> {
  const say = evidence;
  const out: Partial<Record<ComponentName, { score: number; evidence: string }>> = {};
  const u = i.usage;
  // Each component only when it is weighted or `unweighted` is asked (checked inline: a closure made on
  // every call costs more here than the checks).
  const w = config.weights;

  if ((unweighted || w.productBreadth > 0) && i.knownFeatures > 0 && u.daysLast30 > 0) {
    const share = Math.min(1, i.featuresUsedLast30 / i.knownFeatures);
    out.productBreadth = {
      score: clamp(share * 100),
      evidence: say ? `${i.featuresUsedLast30} of ${i.knownFeatures} features used in 30 days` : "",
    };
  }

  // A trend measured on a handful of users swings by chance: it is shrunk toward flat (×0.5 at 3 active users a day).
  const shrink = u.avgActivePrev30 / (u.avgActivePrev30 + SMALL_ACCOUNT_USERS);
  // Key events count for their own component and, through `automating`, for the usage components.
  const keys = unweighted || w.keyEventsTrend > 0 ? relativeTrends(i, book, "keyEvents", "keyEvents90", say) : null;
  // Key events clearly up (both windows, relative to their reference) while logins fall: the work moved to
  // an integration or the API, not away. Only when key events count in the score (not the logins baseline).
  const automating = w.keyEventsTrend > 0 && keys !== null && keys.relative >= AUTOMATION_RISE;
  // Features given up: used in the last 90 days but not in the last 30 (a team narrowing its use before it
  // leaves), judged once the last 30 days have enough days of use to have reached the features still in use.
  const used90 = i.featuresUsedLast90 ?? 0;
  if ((unweighted || w.featureRetention > 0) && used90 > 0 && u.daysLast30 >= MIN_TREND_DAYS) {
    const kept = Math.min(used90, i.featuresUsedLast30);
    const dropped = used90 - kept;
    out.featureRetention = {
      score: clamp(100 - (dropped / used90) * FEATURE_DROP_POINTS),
      evidence: say
        ? dropped === 0
          ? `all ${used90} feature${used90 === 1 ? "" : "s"} used in 90 days still used in the last 30`
          : `stopped using ${dropped} of the ${used90} features used in 90 days (not used in the last 30)`
        : "",
    };
  }

  if ((unweighted || w.licenceUtilisation > 0) && i.seats && i.seats > 0 && u.daysLast30 > 0) {
    const share = u.peakActiveLast30 / i.seats;
    // 80% of seats active at the peak counts as fully used.
    out.licenceUtilisation = {
      score: clamp((share / 0.8) * 100),
      evidence: say ? `${u.peakActiveLast30} of ${i.seats} seats active (${pct(share)}) at the peak of 30 days` : "",
    };
  }

  const usage = unweighted || w.usageTrend > 0 ? relativeTrends(i, book, "usage", "usage90", say) : null;
  if (usage) {
    const moved = automating && usage.relative < 0;
    out.usageTrend = {
      score: clamp(trendScore(moved ? 0 : usage.relative * shrink)),
      evidence: say
        ? `active users ${fmt(u.avgActivePrev30)} → ${fmt(u.avgActiveLast30)} a day in 30 days${usage.text}` +
          (moved ? `; scored as flat: key events rose ${signed(keys.relative)} meanwhile (work moved to automation)` : "")
        : "",
    };
  }

  // The last week against the 30 days 61-90 days before: a fall that started weeks ago shows here first,
  // before the 30-day averages move much (active users or key events, the worse of the two; key events
  // only while the account is automating).
  const recent = unweighted || w.recentActivity > 0 ? recentTrend(i, book, shrink, say, automating) : null;
  if (recent) out.recentActivity = recent;

  if (keys) {
    const label = config.keyEvents.length ? config.keyEvents.join(", ") : "key events";
    out.keyEventsTrend = {
      score: clamp(trendScore(keys.relative * shrink)),
      evidence: say ? `${label} ${fmt(u.keyEventsPrev30)} → ${fmt(u.keyEventsLast30)} in 30 days${keys.text}` : "",
    };
  }

  if ((unweighted || w.supportLoad > 0) && i.supportLinked) {
    const t = i.tickets30;
    const count = t.urgent + t.high + t.normal + t.low;
    const weighted =
      t.urgent * PRIORITY_WEIGHTS.urgent +
      t.high * PRIORITY_WEIGHTS.high +
      t.normal * PRIORITY_WEIGHTS.normal +
      t.low * PRIORITY_WEIGHTS.low;
    // Per seat: 0.1 weighted tickets a seat in 30 days costs 25 points; without seats, 5 points a ticket.
    const score = i.seats && i.seats > 0 ? clamp(100 - (weighted / i.seats) * 250) : clamp(100 - weighted * 5);
    const urgentHigh = !say ? "" : [t.urgent ? `${t.urgent} urgent` : "", t.high ? `${t.high} high` : ""].filter(Boolean).join(", ");
    out.supportLoad = {
      score,
      evidence: say
        ? `${count} ticket${count === 1 ? "" : "s"} in 30 days${urgentHigh ? ` (${urgentHigh})` : ""}${i.seats ? ` for ${i.seats} seats` : ""}`
        : "",
    };
  }

  const e = i.experience;
  const parts: { score: number; text: string }[] = [];
  if (e.csatAnswers > 0 && e.csatAverage !== null)
    parts.push({
      score: ((e.csatAverage - 1) / 4) * 100,
      text: say ? `CSAT ${round1(e.csatAverage)}/5 (${e.csatAnswers} answer${e.csatAnswers === 1 ? "" : "s"})` : "",
    });
  if (e.slaStopped > 0)
    parts.push({
      score: (1 - e.slaBreached / e.slaStopped) * 100,
      text: say ? `${e.slaBreached} of ${e.slaStopped} SLA targets breached` : "",
    });
  if (e.resolved > 0)
    parts.push({
      score: (1 - Math.min(1, e.reopened / e.resolved)) * 100,
      text: say ? `${e.reopened} of ${e.resolved} resolved tickets reopened` : "",
    });
  if (parts.length && (unweighted || w.supportExperience > 0)) {
    out.supportExperience = {
      score: clamp(parts.reduce((s, p) => s + p.score, 0) / parts.length),
      evidence: say ? `${parts.map((p) => p.text).join(", ")} in 90 days` : "",
    };
  }

  if ((unweighted || w.nps > 0) && i.nps.latest) {
    const latest = i.nps.latest;
    const trend = i.nps.previousAverage === null ? 0 : latest.score - i.nps.previousAverage;
    const comment = say && latest.comment ? `: '${latest.comment.length > 120 ? `${latest.comment.slice(0, 119)}…` : latest.comment}'` : "";
    const was = !say || i.nps.previousAverage === null ? "" : ` (before: ${round1(i.nps.previousAverage)})`;
    out.nps = { score: clamp(latest.score * 10 + trend * 5), evidence: say ? `NPS ${latest.score}${comment}${was}` : "" };
  }

  const g = i.growth;
  const changes: { change: number; text: string }[] = [];
  if (g.seatsThen && g.seatsNow !== null && g.seatsThen > 0)
    changes.push({ change: g.seatsNow / g.seatsThen - 1, text: say ? `seats ${g.seatsThen} → ${g.seatsNow}` : "" });
  if (g.arrThen && g.arrNow !== null && g.arrThen > 0)
    changes.push({ change: g.arrNow / g.arrThen - 1, text: say ? `ARR ${money(g.arrThen)} → ${money(g.arrNow)}` : "" });
  if (changes.length && (unweighted || w.accountGrowth > 0)) {
    const change = changes.reduce((s, c) => s + c.change, 0) / changes.length;
    out.accountGrowth = { score: clamp(trendScore(change)), evidence: say ? `${changes.map((c) => c.text).join(", ")} in 90 days` : "" };
  }
  return out;
}

/** The components an onboarding account is scored on against its age instead of their usual rules; usageTrend is not scored. */
const ACTIVATION_COMPONENTS = ["licenceUtilisation", "productBreadth", "keyEventsTrend"] as const;
/** Days from the start within which a first key event counts as prompt; each later day costs 3 points. */
export const PROMPT_KEY_EVENT_DAYS = 14;

/** How far along onboarding an account of `ageDays` should be (0.1 on its first day, 1 at the end). */
const expectedProgress = (ageDays: number, days: number) => Math.min(1, 0.1 + (0.9 * ageDays) / days);

/**
 * An onboarding account's activation, each part against what its age calls for: the share of seats
 * active at the peak of 30 days (40% expected at the end of onboarding), the features reached since the
 * start (half the known features at the end), and how soon the first key event came.
 */
export function activationScores(
  i: HealthInputs,
  days: number,
): Partial<Record<(typeof ACTIVATION_COMPONENTS)[number], { score: number; evidence: string }>> {
  const age = i.lifecycle.ageDays ?? 0;
  const progress = expectedProgress(age, days);
  const out: ReturnType<typeof activationScores> = {};
  if (i.seats && i.seats > 0 && i.usage.daysLast30 > 0) {
    const share = i.usage.peakActiveLast30 / i.seats;
    const expected = 0.4 * progress;
    out.licenceUtilisation = {
      score: clamp((share / expected) * 100),
      evidence: `${i.usage.peakActiveLast30} of ${i.seats} seats active (${pct(share)}) on day ${age} of onboarding, about ${pct(expected)} expected by now`,
    };
  }
  if (i.knownFeatures > 0) {
    const reached = i.lifecycle.featuresUsedSinceStart;
    const expected = Math.max(1, (i.knownFeatures / 2) * progress);
    out.productBreadth = {
      score: clamp((reached / expected) * 100),
      evidence: `${reached} of ${i.knownFeatures} features reached since the start, about ${Math.round(expected)} expected by day ${age}`,
    };
  }
  const first = i.lifecycle.daysToFirstKeyEvent;
  const late = (d: number) => clamp(100 - Math.max(0, d - PROMPT_KEY_EVENT_DAYS) * 3);
  out.keyEventsTrend =
    first === null
      ? { score: late(age), evidence: `no key event in ${age} day${age === 1 ? "" : "s"} since the start` }
      : { score: late(first), evidence: `first key event on day ${first} after the start` };
  return out;
}

/** The points the renewal weighting takes off `score` `daysToRenewal` days before the renewal (0: none). */
export function renewalPoints(score: number, daysToRenewal: number | null, config: Pick<HealthConfig, "renewal">): number {
  const { withinDays, weight, below } = config.renewal;
  if (daysToRenewal === null || daysToRenewal < 0 || daysToRenewal > withinDays || weight <= 0 || score >= below) return 0;
  return Math.max(0, Math.round(weight * (1 - daysToRenewal / withinDays) * (below - score)));
}

/**
 * The highest score an onboarding account of `ageDays` can have: the green line (bands.green) on its first
 * day, rising evenly to 100 at the end of onboarding. In issue 16's backtest, accounts that stall and leave
 * looked healthy in their first weeks (scores of 90 to 100 a month before they left); the cap ranks them
 * with the book instead (AUC +0.004-0.005 on six of seven histories, -0.0005 on the seventh; no red flag
 * changes, an onboarding account is never red).
 */
export function onboardingCap(ageDays: number, config: Pick<HealthConfig, "bands" | "onboardingDays">): number {
  const green = config.bands.green;
  return Math.round(green + ((100 - green) * Math.min(ageDays, config.onboardingDays)) / config.onboardingDays);
}

/**
 * The weighted score over the components with data, its band, and what was left out. With `evidence` false
 * the components' and the renewal's evidence is left empty (the backtest reads none; same scores).
 */
export function scoreHealth(
  inputs: HealthInputs,
  config: HealthConfig,
  book: BookContext | null = null,
  { evidence = true }: { evidence?: boolean } = {},
): HealthResult {
  const raw = componentScores(inputs, config, book, evidence, false);
  const age = inputs.lifecycle.ageDays;
  const onboarding = age !== null && age < config.onboardingDays;
  let activation: { score: number; evidence: string } | null = null;
  if (onboarding) {
    // Trends of a ramping account say nothing of risk: the activation parts stand in for the usage components.
    delete raw.usageTrend;
    delete raw.recentActivity;
    for (const name of ACTIVATION_COMPONENTS) delete raw[name];
    const parts = activationScores(inputs, config.onboardingDays);
    Object.assign(raw, parts);
    // Activation is the weakest part: a start with many features but no one using the seats has stalled.
    const list = Object.values(parts);
    const evidence = list.map((p) => p.evidence).join("; ");
    // The first days are too early to call a start stalled (a day without use is chance): judged from day
    // PROMPT_KEY_EVENT_DAYS on, as the first key event is.
    activation =
      age < PROMPT_KEY_EVENT_DAYS
        ? { score: 100, evidence: `too early to judge on day ${age} of ${PROMPT_KEY_EVENT_DAYS}: ${evidence}` }
        : { score: Math.min(...list.map((p) => p.score)), evidence };
  }
  const weighted = (Object.keys(config.weights) as ComponentName[]).filter((n) => config.weights[n] > 0);
  const present = weighted.filter((n) => raw[n]);
  const missing = weighted.filter((n) => !raw[n] && !(onboarding && (n === "usageTrend" || n === "recentActivity")));
  const total = present.reduce((s, n) => s + config.weights[n], 0);
  if (total === 0) return { score: null, band: "unknown", components: [], missing };
  // Trouble is not averaged away: a component's weight grows as its score falls (by `distressWeight`,
  // ×2 at 0 with the default 1), so one collapsed measure pulls the score down more than a good one lifts it.
  const boost = config.distressWeight;
  const effective = present.map((name) => config.weights[name] * (1 + boost * (1 - raw[name]!.score / 100)));
  const effectiveTotal = effective.reduce((s, w) => s + w, 0);
  const components = present.map((name, i) => ({
    name,
    score: raw[name]!.score,
    weight: effective[i] / effectiveTotal,
    evidence: raw[name]!.evidence,
  }));
  let score = clamp(components.reduce((s, c) => s + c.score * c.weight, 0));
  // A stalled start is a risk whatever the rest says: an onboarding account scores no higher than its
  // activation. And a start is not yet proven: it scores at most the green line on its first day, rising to
  // 100 by the end of onboarding (good first weeks say little of who stays: onboardingCap).
  if (activation && age !== null) {
    const cap = onboardingCap(age, config);
    if (cap < Math.min(score, activation.score) && evidence)
      activation.evidence += `; at most ${cap} on day ${age} of ${config.onboardingDays} until the start has proven itself`;
    score = Math.min(score, activation.score, cap);
  }
  const result: HealthResult = { score, band: "green", components, missing };

  // The nearer the renewal, the more a weak score weighs: its shortfall from `below` grows by up to
  // `weight` (×(1 + weight) on the renewal day, nothing `withinDays` before it).
  const days = inputs.daysToRenewal;
  const points = renewalPoints(score, days, config);
  if (points > 0 && days !== null) {
    score = clamp(score - points);
    result.score = score;
    result.renewal = {
      days,
      points,
      evidence: evidence
        ? `renews in ${days} day${days === 1 ? "" : "s"}: a weak score weighs more near the renewal (−${points} points)`
        : "",
    };
  }
  let band = bandOf(score, config);
  if (onboarding && activation) {
    result.onboarding = { ageDays: age, days: config.onboardingDays, activation: activation.score, evidence: activation.evidence };
    // Onboarding is a stage, not a risk: a lagging start is onboarding_stalled, not red.
    if (band === "red") band = "yellow";
  }
  result.band = band;
  return result;
}
