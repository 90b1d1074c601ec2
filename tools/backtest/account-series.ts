// One account's history laid out per day (running totals, sliding windows, intervals), so its health
// inputs as of any day come out in constant time and from the data up to that day only. The windows
// are those of the scheduled check (src/success/store/health-inputs.ts), counted in whole UTC days: "the last
// 30 days" of day d are d-29..d, the previous 30 are d-59..d-30.
import { keyEventCount, type HealthConfig } from "../../src/success/rules/health-config.ts";
import { trendOf, TREND_KINDS, type HealthInputs } from "../../src/success/rules/health-model.ts";
import { DayCounter } from "./day-counter.ts";
import { parseInstant } from "./dates.ts";
import type { HistoryAccount, HistoryNps, HistorySeatChange, HistoryTicket, HistoryUsageDay, Priority } from "./history.ts";
import { dayIndex, instantIndex, type Timeline } from "./timeline.ts";

export const WINDOW_DAYS = 30;
/** The last week's window (recentActivity). */
export const RECENT_DAYS = 7;
export const EXPERIENCE_DAYS = 90;
export const GROWTH_DAYS = 90;
/** The year-ago windows are those of the day this many days earlier. */
export const YEAR_DAYS = 365;
/** An account with usage within this many days of the history's first day of usage is taken as older than the history (its age unknown). */
export const OLDER_THAN_HISTORY_DAYS = 7;

export interface AccountDayFacts {
  inputs: HealthInputs;
  ticketsLast7: number;
  ticketBaselinePerWeek: number | null;
}

export interface AccountRows {
  account: HistoryAccount;
  usage: HistoryUsageDay[];
  tickets: HistoryTicket[];
  nps: HistoryNps[];
  /** null: growth unknown (no seat_changes.csv). */
  seatChanges: HistorySeatChange[] | null;
}

type SeriesConfig = Pick<HealthConfig, "keyEvents" | "knownFeatures" | "rules" | "peerAttribute">;

interface Figure {
  day: number;
  seats: number | null;
  arr: number | null;
}

/** Running totals: sum over indexes [from, to] in O(1). */
class Prefix {
  private readonly sums: Float64Array;
  constructor(values: ArrayLike<number>) {
    this.sums = new Float64Array(values.length + 1);
    for (let i = 0; i < values.length; i++) this.sums[i + 1] = this.sums[i] + values[i];
  }
  sum(from: number, to: number): number {
    const a = Math.max(0, from);
    const b = Math.min(this.sums.length - 2, to);
    return a > b ? 0 : this.sums[b + 1] - this.sums[a];
  }
}

/** The maximum over each window of `size` days ending on each day (a monotonic deque, one pass). */
function slidingMax(values: ArrayLike<number>, size: number): Float64Array {
  const out = new Float64Array(values.length);
  const deque: number[] = [];
  let head = 0;
  for (let i = 0; i < values.length; i++) {
    while (deque.length > head && values[deque[deque.length - 1]] <= values[i]) deque.pop();
    deque.push(i);
    while (deque[head] <= i - size) head++;
    out[i] = values[deque[head]];
  }
  return out;
}

/** The number of distinct features used in each window of `size` days ending on each day. */
function slidingDistinct(byDay: (string[] | undefined)[], size: number): Int32Array {
  const out = new Int32Array(byDay.length);
  const counts = new Map<string, number>();
  let distinct = 0;
  for (let i = 0; i < byDay.length; i++) {
    for (const f of byDay[i] ?? []) {
      const c = counts.get(f) ?? 0;
      if (c === 0) distinct++;
      counts.set(f, c + 1);
    }
    const leaving = i - size >= 0 ? byDay[i - size] : undefined;
    for (const f of leaving ?? []) {
      const c = counts.get(f)! - 1;
      if (c === 0) distinct--;
      counts.set(f, c);
    }
    out[i] = distinct;
  }
  return out;
}

const PRIORITY_INDEX: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export class AccountSeries {
  readonly externalId: string;
  private readonly days: Prefix;
  private readonly active: Prefix;
  private readonly keyEvents: Prefix;
  private readonly peak: Float64Array;
  private readonly features: Int32Array;
  private readonly features90: Int32Array;
  private readonly created30: DayCounter[];
  private readonly last7: DayCounter;
  private readonly baseline: DayCounter;
  private readonly resolved: DayCounter;
  private readonly reopened: DayCounter;
  private readonly csatAnswers: DayCounter;
  private readonly csatSum: DayCounter;
  private readonly slaStopped: DayCounter;
  private readonly slaBreached: DayCounter;
  private readonly firstTicket: number;
  private readonly nps: { day: number; score: number; comment: string | null; at: Date }[];
  private readonly npsScores: Prefix;
  private readonly figures: Figure[] | null;
  private readonly seatsAtStart: number | null;
  private readonly arrAtStart: number | null;
  private readonly baselineWeeks: number;
  private readonly npsMaxAge: number;
  private readonly tier: string | null;
  private readonly peer: string | null;
  /**
   * Timeline index of the account's start: the earlier of its creation (accounts.csv's createdDate) and its
   * first usage day; without a creation date, its first usage day; null: older than the history or unknown.
   */
  private readonly startDay: number | null;
  /** Timeline index of the day it became a customer (createdDate); null: before the history, or unknown. */
  readonly createdDay: number | null;
  private readonly firstKeyEventDay: number;
  /** Distinct features used from the first day of usage to each day. */
  private readonly featuresSince: Int32Array;
  /** Timeline index of the renewal date (null: none); renewals are taken as yearly. */
  private readonly renewalDay: number | null;

  constructor(
    rows: AccountRows,
    t: Timeline,
    config: SeriesConfig,
    private readonly knownFeatures: Int32Array,
  ) {
    this.externalId = rows.account.externalId;
    const n = t.length;
    const hasData = new Float64Array(n);
    const active = new Float64Array(n);
    const keys = new Float64Array(n);
    const featuresByDay: (string[] | undefined)[] = new Array(n);
    const known = config.knownFeatures.length ? new Set(config.knownFeatures) : null;
    for (const u of rows.usage) {
      const d = dayIndex(t, u.date);
      hasData[d] = 1;
      active[d] = u.activeUsers;
      keys[d] = keyEventCount(u.events, config);
      featuresByDay[d] = known ? u.featuresUsed.filter((f) => known.has(f)) : u.featuresUsed;
    }
    let firstUsage = -1;
    let firstKey = Infinity;
    this.featuresSince = new Int32Array(n);
    const seen = new Set<string>();
    for (let d = 0; d < n; d++) {
      if (firstUsage < 0 && hasData[d]) firstUsage = d;
      if (keys[d] > 0 && firstKey === Infinity) firstKey = d;
      for (const f of featuresByDay[d] ?? []) seen.add(f);
      this.featuresSince[d] = seen.size;
    }
    const created = rows.account.createdDate ? dayIndex(t, rows.account.createdDate) : null;
    this.createdDay = created;
    this.startDay =
      created !== null
        ? firstUsage >= 0
          ? Math.min(created, firstUsage)
          : created
        : firstUsage < 0 || firstUsage < t.first + OLDER_THAN_HISTORY_DAYS
          ? null
          : firstUsage;
    this.firstKeyEventDay = firstKey;
    this.tier = rows.account.tier;
    this.peer = peerOf(rows.account, config);
    this.renewalDay = rows.account.renewalDate === null ? null : dayIndex(t, rows.account.renewalDate);
    this.days = new Prefix(hasData);
    this.active = new Prefix(active);
    this.keyEvents = new Prefix(keys);
    this.peak = slidingMax(active, WINDOW_DAYS);
    this.features = slidingDistinct(featuresByDay, WINDOW_DAYS);
    this.features90 = slidingDistinct(featuresByDay, 3 * WINDOW_DAYS);

    // Tickets: each counts in a window from the day it is known. Its outcome (resolution, reopen, CSAT,
    // SLA result) is known from the day it was resolved: the files give no separate times for those.
    this.baselineWeeks = config.rules.ticket_spike.baselineWeeks;
    this.created30 = [0, 1, 2, 3].map(() => new DayCounter(n));
    this.last7 = new DayCounter(n);
    this.baseline = new DayCounter(n);
    this.resolved = new DayCounter(n);
    this.reopened = new DayCounter(n);
    this.csatAnswers = new DayCounter(n);
    this.csatSum = new DayCounter(n);
    this.slaStopped = new DayCounter(n);
    this.slaBreached = new DayCounter(n);
    let firstTicket = Infinity;
    for (const ticket of rows.tickets) {
      const c = instantIndex(t, ticket.createdAt);
      firstTicket = Math.min(firstTicket, c);
      this.created30[PRIORITY_INDEX[ticket.priority]].add(c, c + WINDOW_DAYS - 1);
      this.last7.add(c, c + 6);
      this.baseline.add(c + 7, c + 6 + 7 * this.baselineWeeks);
      if (ticket.resolvedAt === null) continue;
      const known = Math.max(c, instantIndex(t, ticket.resolvedAt));
      const until = c + EXPERIENCE_DAYS - 1;
      this.resolved.add(known, until);
      if (ticket.reopened) this.reopened.add(known, until);
      if (ticket.csat !== null) {
        this.csatAnswers.add(known, until);
        this.csatSum.add(known, until, ticket.csat);
      }
      if (ticket.slaBreached !== null) {
        this.slaStopped.add(known, until);
        if (ticket.slaBreached) this.slaBreached.add(known, until);
      }
    }
    this.firstTicket = firstTicket;

    this.npsMaxAge = config.rules.nps_detractor.maxAgeDays;
    this.nps = rows.nps
      .map((a) => ({ day: instantIndex(t, a.respondedAt), score: a.score, comment: a.comment, at: parseInstant(a.respondedAt)! }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    this.npsScores = new Prefix(this.nps.map((a) => a.score));

    if (rows.seatChanges === null) {
      this.figures = null;
    } else {
      // The accounts.csv values are the figures at the start of the history.
      const start: Figure = { day: 0, seats: rows.account.seats, arr: rows.account.arr };
      const figures = [start];
      let current = start;
      for (const s of [...rows.seatChanges].sort((a, b) => a.date.localeCompare(b.date))) {
        current = { day: dayIndex(t, s.date), seats: s.seats ?? current.seats, arr: s.arr ?? current.arr };
        figures.push(current);
      }
      this.figures = figures;
    }
    this.seatsAtStart = rows.account.seats;
    this.arrAtStart = rows.account.arr;
  }

  /** Index of the last figure on or before `day` (-1 when none). */
  private figureIndex(day: number): number {
    const f = this.figures!;
    let lo = 0;
    let hi = f.length; // first index with f.day > day
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f[mid].day <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Number of NPS answers on or before `day` (answers sorted by time). */
  private npsCount(day: number): number {
    let lo = 0;
    let hi = this.nps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.nps[mid].day <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The usage windows as of `day` (a timeline index, maybe before the history); null: no usage day in them. */
  windowsOn(day: number): HealthInputs["usageYearAgo"] {
    const w = WINDOW_DAYS;
    const daysLast30 = this.days.sum(day - w + 1, day);
    const daysPrev30 = this.days.sum(day - 2 * w + 1, day - w);
    if (daysLast30 + daysPrev30 === 0) return null;
    const days61to90 = this.days.sum(day - 3 * w + 1, day - 2 * w);
    return {
      daysLast30,
      daysPrev30,
      avgActiveLast30: daysLast30 ? this.active.sum(day - w + 1, day) / daysLast30 : 0,
      avgActivePrev30: daysPrev30 ? this.active.sum(day - 2 * w + 1, day - w) / daysPrev30 : 0,
      keyEventsLast30: this.keyEvents.sum(day - w + 1, day),
      keyEventsPrev30: this.keyEvents.sum(day - 2 * w + 1, day - w),
      days61to90,
      avgActive61to90: days61to90 ? this.active.sum(day - 3 * w + 1, day - 2 * w) / days61to90 : 0,
      keyEvents61to90: this.keyEvents.sum(day - 3 * w + 1, day - 2 * w),
    };
  }

  /** Days to the next renewal on or after `day`: the renewal date, else its yearly anniversaries after it. */
  daysToRenewal(day: number): number | null {
    if (this.renewalDay === null) return null;
    let days = this.renewalDay - day;
    while (days < 0) days += YEAR_DAYS;
    return days;
  }

  /** The inputs and rule facts as of the end of `day` (a timeline index), from the data up to that day. */
  factsOn(day: number): AccountDayFacts {
    const w = WINDOW_DAYS;
    const daysLast30 = this.days.sum(day - w + 1, day);
    const daysPrev30 = this.days.sum(day - 2 * w + 1, day - w);
    const activeLast = this.active.sum(day - w + 1, day);
    const activePrev = this.active.sum(day - 2 * w + 1, day - w);
    const days61to90 = this.days.sum(day - 3 * w + 1, day - 2 * w);
    const daysLast7 = this.days.sum(day - RECENT_DAYS + 1, day);
    const supportLinked = this.firstTicket <= day;
    const csatAnswers = this.csatAnswers.at(day);

    // NPS: the latest answer within the configured age, and the average of the earlier ones within it.
    const hi = this.npsCount(day);
    let lo = hi;
    while (lo > 0 && this.nps[lo - 1].day > day - this.npsMaxAge) lo--;
    const latest = hi > lo ? this.nps[hi - 1] : null;
    const earlier = hi - 1 - lo;

    let growth: HealthInputs["growth"];
    let seats = this.seatsAtStart;
    if (!this.figures) {
      growth = { seatsThen: null, seatsNow: this.seatsAtStart, arrThen: null, arrNow: this.arrAtStart };
    } else {
      // As the scheduled check: "then" is the last figure at least 90 days old, else the first figure
      // once there is a later one; without either, growth is unknown.
      const nowIndex = this.figureIndex(day);
      const now = nowIndex >= 0 ? this.figures[nowIndex] : { seats: this.seatsAtStart, arr: this.arrAtStart };
      seats = now.seats;
      const thenIndex = this.figureIndex(day - GROWTH_DAYS);
      const then = thenIndex >= 0 ? this.figures[thenIndex] : nowIndex >= 1 ? this.figures[0] : null;
      growth = then
        ? { seatsThen: then.seats, seatsNow: now.seats, arrThen: then.arr, arrNow: now.arr }
        : { seatsThen: null, seatsNow: now.seats, arrThen: null, arrNow: now.arr };
    }

    const inputs: HealthInputs = {
      seats,
      usage: {
        daysLast30,
        daysPrev30,
        avgActiveLast30: daysLast30 ? activeLast / daysLast30 : 0,
        avgActivePrev30: daysPrev30 ? activePrev / daysPrev30 : 0,
        peakActiveLast30: daysLast30 ? this.peak[day] : 0,
        keyEventsLast30: this.keyEvents.sum(day - w + 1, day),
        keyEventsPrev30: this.keyEvents.sum(day - 2 * w + 1, day - w),
        days61to90,
        avgActive61to90: days61to90 ? this.active.sum(day - 3 * w + 1, day - 2 * w) / days61to90 : 0,
        keyEvents61to90: this.keyEvents.sum(day - 3 * w + 1, day - 2 * w),
        daysLast7,
        avgActiveLast7: daysLast7 ? this.active.sum(day - RECENT_DAYS + 1, day) / daysLast7 : 0,
        keyEventsLast7: this.keyEvents.sum(day - RECENT_DAYS + 1, day),
      },
      featuresUsedLast30: this.features[day],
      featuresUsedLast90: this.features90[day],
      knownFeatures: this.knownFeatures[day],
      supportLinked,
      tickets30: {
        urgent: this.created30[0].at(day),
        high: this.created30[1].at(day),
        normal: this.created30[2].at(day),
        low: this.created30[3].at(day),
      },
      experience: {
        csatAnswers,
        csatAverage: csatAnswers ? this.csatSum.at(day) / csatAnswers : null,
        slaStopped: this.slaStopped.at(day),
        slaBreached: this.slaBreached.at(day),
        resolved: this.resolved.at(day),
        reopened: this.reopened.at(day),
      },
      nps: {
        latest: latest ? { score: latest.score, comment: latest.comment, at: latest.at } : null,
        previousAverage: earlier > 0 ? this.npsScores.sum(lo, hi - 2) / earlier : null,
      },
      growth,
      tier: this.tier,
      peer: this.peer,
      lifecycle: {
        ageDays: this.startDay === null || this.startDay > day ? null : day - this.startDay,
        featuresUsedSinceStart: this.featuresSince[day],
        daysToFirstKeyEvent:
          this.startDay === null || this.firstKeyEventDay > day ? null : Math.max(0, this.firstKeyEventDay - this.startDay),
      },
      usageYearAgo: this.windowsOn(day - YEAR_DAYS),
      daysToRenewal: this.daysToRenewal(day),
    };
    return {
      inputs,
      ticketsLast7: this.last7.at(day),
      ticketBaselinePerWeek: supportLinked ? this.baseline.at(day) / this.baselineWeeks : null,
    };
  }
}

/**
 * The account's own trends (trendOf each of TREND_KINDS: usage and key events over 30 and 90 days and the last 7) on each
 * day from `from` to `to` (timeline indexes), written to `out[kind]` from `offset` (NaN: not measured): the
 * book's first pass, from the usage rows only.
 */
export function trendsOf(
  rows: Pick<AccountRows, "usage">,
  t: Timeline,
  config: Pick<HealthConfig, "keyEvents">,
  from: number,
  to: number,
  out: { trends: Float32Array[]; offset: number },
): void {
  const n = t.length;
  const hasData = new Float64Array(n);
  const active = new Float64Array(n);
  const keys = new Float64Array(n);
  for (const u of rows.usage) {
    const d = dayIndex(t, u.date);
    hasData[d] = 1;
    active[d] = u.activeUsers;
    keys[d] = keyEventCount(u.events, config);
  }
  const days = new Prefix(hasData);
  const act = new Prefix(active);
  const key = new Prefix(keys);
  const w = WINDOW_DAYS;
  for (let day = from; day <= to; day++) {
    const daysLast30 = days.sum(day - w + 1, day);
    const daysPrev30 = days.sum(day - 2 * w + 1, day - w);
    const days61to90 = days.sum(day - 3 * w + 1, day - 2 * w);
    const daysLast7 = days.sum(day - RECENT_DAYS + 1, day);
    const windows = {
      daysLast30,
      daysPrev30,
      avgActiveLast30: daysLast30 ? act.sum(day - w + 1, day) / daysLast30 : 0,
      avgActivePrev30: daysPrev30 ? act.sum(day - 2 * w + 1, day - w) / daysPrev30 : 0,
      keyEventsLast30: key.sum(day - w + 1, day),
      keyEventsPrev30: key.sum(day - 2 * w + 1, day - w),
      days61to90,
      avgActive61to90: days61to90 ? act.sum(day - 3 * w + 1, day - 2 * w) / days61to90 : 0,
      keyEvents61to90: key.sum(day - 3 * w + 1, day - 2 * w),
      daysLast7,
      avgActiveLast7: daysLast7 ? act.sum(day - RECENT_DAYS + 1, day) / daysLast7 : 0,
      keyEventsLast7: key.sum(day - RECENT_DAYS + 1, day),
    };
    for (let k = 0; k < TREND_KINDS.length; k++) out.trends[k][out.offset + day - from] = trendOf(TREND_KINDS[k], windows) ?? NaN;
  }
}

/** The account's value of the configured peer attribute (accounts.csv's column of that name; null: none). */
export function peerOf(account: Pick<HistoryAccount, "attributes">, config: Pick<HealthConfig, "peerAttribute">): string | null {
  return config.peerAttribute === null ? null : (account.attributes?.[config.peerAttribute] ?? null);
}
