// Support metrics over the tickets created in a period, overall and per priority, agent, account or
// channel: the figures' shapes and definitions, how group rows add up, how groups are ordered, and how two
// periods compare, and the tally that counts tickets one at a time (the SQLite store's one pass, see
// src/support/store/metrics.ts; on Postgres the store aggregates in SQL). Everything here is pure.
//
// Definitions (a ticket belongs to the period by its createdAt, in [from, to)):
// - firstResponse: over tickets with a first response only (a ticket still waiting is not a zero).
// - resolution: over tickets resolved now (resolvedAt set; a reopened ticket keeps its old seconds but
//   has no resolvedAt, so it does not count until resolved again).
// - percentiles: nearest rank, the value at rank ceil(p × n) in ascending order.
// - reopenRate: tickets reopened at least once / tickets ever resolved (resolved now, or reopened).
// - firstContactResolution: resolved tickets with exactly one agent response and never reopened /
//   resolved tickets.
// - csat.satisfiedShare: answers scoring 4 or 5 / answers; csat.responseRate: surveyed tickets with at
//   least one answer / surveyed tickets.
// - sla.*.attainment: stopped timers of that kind whose target was met / (stopped timers of that kind +
//   timers of that kind breached and still open). A clock already past its target counts as missed at
//   once, not only when its ticket is answered or resolved; sla.*.breachedNow counts those clocks.

export const GROUP_BYS = ["priority", "agent", "account", "channel"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface MetricsQuery {
  from: Date;
  to: Date;
  groupBy?: GroupBy | null;
}

export interface DurationStats {
  /** Tickets measured (with a first response, or resolved). */
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  medianBusinessSeconds: number | null;
  p90BusinessSeconds: number | null;
}

export interface Attainment {
  met: number;
  stopped: number;
  /** Clocks past their target (breached) and still open: counted as missed. */
  breachedNow: number;
  /** met / (stopped + breachedNow) */
  attainment: number;
}

/** The attainment of met, stopped and breached-now clocks; null when there are none. */
export function attainmentOf(met: number, stopped: number, breachedNow: number): Attainment | null {
  const measured = stopped + breachedNow;
  return measured > 0 ? { met, stopped, breachedNow, attainment: met / measured } : null;
}

export interface MetricsRow {
  /** null for the overall row; else the group's label ("unassigned" / "none" for tickets without one). */
  group: string | null;
  tickets: number;
  firstResponse: DurationStats | null;
  resolution: DurationStats | null;
  reopened: number;
  everResolved: number;
  reopenRate: number | null;
  resolved: number;
  firstContactResolved: number;
  firstContactResolution: number | null;
  csat: {
    responses: number;
    satisfied: number;
    satisfiedShare: number | null;
    surveys: number;
    answeredSurveys: number;
    responseRate: number | null;
  };
  sla: {
    firstResponse: Attainment | null;
    resolution: Attainment | null;
  };
}

export interface MetricsResult {
  from: Date;
  to: Date;
  groupBy: GroupBy | null;
  overall: MetricsRow;
  /** One row per group (empty without groupBy), ordered by tickets, most first (priorities by rank). */
  groups: MetricsRow[];
}

export const UNASSIGNED = "unassigned";
export const NO_ACCOUNT = "none";

/** part / whole, or null when there is nothing to divide by. */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Groups in their reading order: priorities by rank, anything else by tickets, most first (then by name). */
export function sortGroups(groupBy: GroupBy, groups: MetricsRow[]): MetricsRow[] {
  if (groupBy === "priority") {
    return groups.sort((a, b) => (PRIORITY_RANK[a.group!] ?? 9) - (PRIORITY_RANK[b.group!] ?? 9) || a.group!.localeCompare(b.group!));
  }
  return groups.sort((a, b) => b.tickets - a.tickets || a.group!.localeCompare(b.group!));
}

export function emptyRow(group: string | null = null): MetricsRow {
  return {
    group,
    tickets: 0,
    firstResponse: null,
    resolution: null,
    reopened: 0,
    everResolved: 0,
    reopenRate: null,
    resolved: 0,
    firstContactResolved: 0,
    firstContactResolution: null,
    csat: { responses: 0, satisfied: 0, satisfiedShare: null, surveys: 0, answeredSurveys: 0, responseRate: null },
    sla: { firstResponse: null, resolution: null },
  };
}

/** The counts of several rows added up (durations excepted: percentiles do not add up). */
export function sumRows(rows: MetricsRow[]): MetricsRow {
  const total = emptyRow();
  let frMet = 0,
    frStopped = 0,
    frBreached = 0,
    rsMet = 0,
    rsStopped = 0,
    rsBreached = 0;
  for (const r of rows) {
    total.tickets += r.tickets;
    total.reopened += r.reopened;
    total.everResolved += r.everResolved;
    total.resolved += r.resolved;
    total.firstContactResolved += r.firstContactResolved;
    total.csat.responses += r.csat.responses;
    total.csat.satisfied += r.csat.satisfied;
    total.csat.surveys += r.csat.surveys;
    total.csat.answeredSurveys += r.csat.answeredSurveys;
    frMet += r.sla.firstResponse?.met ?? 0;
    frStopped += r.sla.firstResponse?.stopped ?? 0;
    rsMet += r.sla.resolution?.met ?? 0;
    rsStopped += r.sla.resolution?.stopped ?? 0;
    frBreached += r.sla.firstResponse?.breachedNow ?? 0;
    rsBreached += r.sla.resolution?.breachedNow ?? 0;
  }
  total.reopenRate = ratio(total.reopened, total.everResolved);
  total.firstContactResolution = ratio(total.firstContactResolved, total.resolved);
  total.csat.satisfiedShare = ratio(total.csat.satisfied, total.csat.responses);
  total.csat.responseRate = ratio(total.csat.answeredSurveys, total.csat.surveys);
  total.sla.firstResponse = attainmentOf(frMet, frStopped, frBreached);
  total.sla.resolution = attainmentOf(rsMet, rsStopped, rsBreached);
  return total;
}

// ------------------------------------------------------------------ one pass over the tickets

/**
 * The rank (1-based, ascending) of the nearest-rank percentile `tenths`/10 among n values: ceil(p × n),
 * in integers (ceil(k / 10) = floor((k + 9) / 10)) so that no floating-point product is rounded up.
 */
export const nearestRank = (n: number, tenths: number): number => Math.floor((tenths * n + 9) / 10);

/** A ticket's flags as one integer (see tallyTicket). */
export const TICKET_RESOLVED = 1;
export const TICKET_REOPENED = 2;
export const TICKET_ONE_AGENT_RESPONSE = 4;

/**
 * A ticket's SLA clocks as one integer: the first-response clock's state + 4 × the resolution clock's,
 * each 0 (not measured: running within its target, or paused), 1 (stopped, met), 2 (stopped, missed) or
 * 3 (breached and still open, counted as missed).
 */
export const SLA_MET = 1;
export const SLA_MISSED = 2;
export const SLA_BREACHED_NOW = 3;

/** The counts and durations of a set of tickets, filled one ticket at a time (tallyTicket). */
export interface MetricsTally {
  tickets: number;
  reopened: number;
  everResolved: number;
  resolved: number;
  firstContactResolved: number;
  surveys: number;
  answeredSurveys: number;
  responses: number;
  satisfied: number;
  /** first response: met, stopped, breached now; then the same for resolution */
  sla: [number, number, number, number, number, number];
  firstResponse: number[];
  firstResponseBusiness: number[];
  resolution: number[];
  resolutionBusiness: number[];
}

export function newTally(): MetricsTally {
  return {
    tickets: 0,
    reopened: 0,
    everResolved: 0,
    resolved: 0,
    firstContactResolved: 0,
    surveys: 0,
    answeredSurveys: 0,
    responses: 0,
    satisfied: 0,
    sla: [0, 0, 0, 0, 0, 0],
    firstResponse: [],
    firstResponseBusiness: [],
    resolution: [],
    resolutionBusiness: [],
  };
}

/**
 * Counts one ticket (the definitions at the top of this file): `flags` from TICKET_*, the four stored
 * durations (null when not measured), `sla` as described at SLA_MET, whether it was surveyed, and its
 * CSAT answers and how many of them scored 4 or 5.
 */
export function tallyTicket(
  t: MetricsTally,
  flags: number,
  firstResponse: number | null,
  firstResponseBusiness: number | null,
  resolution: number | null,
  resolutionBusiness: number | null,
  sla: number,
  surveyed: boolean,
  responses: number,
  satisfied: number,
): void {
  const resolved = (flags & TICKET_RESOLVED) !== 0;
  const reopened = (flags & TICKET_REOPENED) !== 0;
  t.tickets += 1;
  if (reopened) t.reopened += 1;
  if (resolved || reopened) t.everResolved += 1;
  if (resolved) {
    t.resolved += 1;
    if (!reopened && (flags & TICKET_ONE_AGENT_RESPONSE) !== 0) t.firstContactResolved += 1;
    // A reopened ticket keeps its old resolution seconds: they count only once it is resolved again.
    if (resolution !== null) t.resolution.push(resolution);
    if (resolutionBusiness !== null) t.resolutionBusiness.push(resolutionBusiness);
  }
  if (firstResponse !== null) t.firstResponse.push(firstResponse);
  if (firstResponseBusiness !== null) t.firstResponseBusiness.push(firstResponseBusiness);
  countClock(t.sla, 0, sla & 3);
  countClock(t.sla, 3, (sla >> 2) & 3);
  if (surveyed) {
    t.surveys += 1;
    if (responses > 0) t.answeredSurveys += 1;
  }
  t.responses += responses;
  t.satisfied += satisfied;
}

function countClock(sla: MetricsTally["sla"], at: number, state: number): void {
  if (state === SLA_MET) {
    sla[at] += 1;
    sla[at + 1] += 1;
  } else if (state === SLA_MISSED) sla[at + 1] += 1;
  else if (state === SLA_BREACHED_NOW) sla[at + 2] += 1;
}

/**
 * The value at `rank` (1-based) in ascending order, found by partitioning (Hoare's selection) rather than
 * a full sort; reorders `values`. Ranks asked in descending order reuse the earlier partitioning.
 */
export function valueAtRank(values: Float64Array, rank: number): number {
  const k = rank - 1;
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    // [lo, j] holds values <= pivot, [i, hi] values >= pivot, and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k];
}

/** The median and p90 (nearest rank) of the values in several lists, or nulls when there are none. */
function medianAndP90(lists: number[][]): [number | null, number | null] {
  let n = 0;
  for (const list of lists) n += list.length;
  if (n === 0) return [null, null];
  const values = new Float64Array(n);
  let at = 0;
  for (const list of lists) {
    values.set(list, at);
    at += list.length;
  }
  const p90 = valueAtRank(values, nearestRank(n, 9));
  return [valueAtRank(values, nearestRank(n, 5)), p90];
}

function durationStats(calendar: number[][], business: number[][]): DurationStats | null {
  // A ticket measured in calendar time but not in business time still counts in `count`.
  const count = Math.max(
    calendar.reduce((sum, list) => sum + list.length, 0),
    business.reduce((sum, list) => sum + list.length, 0),
  );
  if (count === 0) return null;
  const [medianSeconds, p90Seconds] = medianAndP90(calendar);
  const [medianBusinessSeconds, p90BusinessSeconds] = medianAndP90(business);
  return { count, medianSeconds, p90Seconds, medianBusinessSeconds, p90BusinessSeconds };
}

/** The figures of the tickets of one or more tallies (several: the overall row of a grouped query). */
export function rowOfTallies(group: string | null, tallies: MetricsTally[]): MetricsRow {
  const t = newTally();
  for (const part of tallies) {
    t.tickets += part.tickets;
    t.reopened += part.reopened;
    t.everResolved += part.everResolved;
    t.resolved += part.resolved;
    t.firstContactResolved += part.firstContactResolved;
    t.surveys += part.surveys;
    t.answeredSurveys += part.answeredSurveys;
    t.responses += part.responses;
    t.satisfied += part.satisfied;
    for (let i = 0; i < 6; i++) t.sla[i] += part.sla[i];
  }
  return {
    group,
    tickets: t.tickets,
    firstResponse: durationStats(
      tallies.map((p) => p.firstResponse),
      tallies.map((p) => p.firstResponseBusiness),
    ),
    resolution: durationStats(
      tallies.map((p) => p.resolution),
      tallies.map((p) => p.resolutionBusiness),
    ),
    reopened: t.reopened,
    everResolved: t.everResolved,
    reopenRate: ratio(t.reopened, t.everResolved),
    resolved: t.resolved,
    firstContactResolved: t.firstContactResolved,
    firstContactResolution: ratio(t.firstContactResolved, t.resolved),
    csat: {
      responses: t.responses,
      satisfied: t.satisfied,
      satisfiedShare: ratio(t.satisfied, t.responses),
      surveys: t.surveys,
      answeredSurveys: t.answeredSurveys,
      responseRate: ratio(t.answeredSurveys, t.surveys),
    },
    sla: {
      firstResponse: attainmentOf(t.sla[0], t.sla[1], t.sla[2]),
      resolution: attainmentOf(t.sla[3], t.sla[4], t.sla[5]),
    },
  };
}

// ------------------------------------------------------------------ comparing two periods

export type FigureKind = "count" | "duration" | "share";

/** The headline figures, in the order they are shown. */
export const HEADLINE_KEYS = [
  "tickets",
  "firstResponseMedianBusiness",
  "firstResponseP90Business",
  "firstResponseMedian",
  "firstResponseP90",
  "resolutionMedianBusiness",
  "resolutionMedian",
  "reopenRate",
  "firstContactResolution",
  "csatSatisfied",
  "csatResponseRate",
  "slaFirstResponse",
  "slaResolution",
] as const;
export type HeadlineKey = (typeof HEADLINE_KEYS)[number];

export interface HeadlineFigure {
  key: HeadlineKey;
  kind: FigureKind;
  current: number | null;
  previous: number | null;
  /**
   * The change against the previous period: relative (percent) for counts and durations, in
   * percentage points for shares. null when not comparable (a side has no data, or the previous count
   * or duration is zero).
   */
  change: { unit: "percent" | "points"; value: number } | null;
  /** SLA figures only: the period's clocks of that kind past their target and still open. */
  breachedNow?: number;
}

const HEADLINES: Record<HeadlineKey, { kind: FigureKind; pick: (r: MetricsRow) => number | null }> = {
  tickets: { kind: "count", pick: (r) => r.tickets },
  firstResponseMedianBusiness: { kind: "duration", pick: (r) => r.firstResponse?.medianBusinessSeconds ?? null },
  firstResponseP90Business: { kind: "duration", pick: (r) => r.firstResponse?.p90BusinessSeconds ?? null },
  firstResponseMedian: { kind: "duration", pick: (r) => r.firstResponse?.medianSeconds ?? null },
  firstResponseP90: { kind: "duration", pick: (r) => r.firstResponse?.p90Seconds ?? null },
  resolutionMedianBusiness: { kind: "duration", pick: (r) => r.resolution?.medianBusinessSeconds ?? null },
  resolutionMedian: { kind: "duration", pick: (r) => r.resolution?.medianSeconds ?? null },
  reopenRate: { kind: "share", pick: (r) => r.reopenRate },
  firstContactResolution: { kind: "share", pick: (r) => r.firstContactResolution },
  csatSatisfied: { kind: "share", pick: (r) => r.csat.satisfiedShare },
  csatResponseRate: { kind: "share", pick: (r) => r.csat.responseRate },
  slaFirstResponse: { kind: "share", pick: (r) => r.sla.firstResponse?.attainment ?? null },
  slaResolution: { kind: "share", pick: (r) => r.sla.resolution?.attainment ?? null },
};

const SLA_KEYS: Partial<Record<HeadlineKey, keyof MetricsRow["sla"]>> = { slaFirstResponse: "firstResponse", slaResolution: "resolution" };

/** The headline figures of a period with their change against the previous one. */
export function comparePeriods(current: MetricsRow, previous: MetricsRow): HeadlineFigure[] {
  return HEADLINE_KEYS.map((key) => {
    const { kind, pick } = HEADLINES[key];
    const cur = pick(current);
    const prev = pick(previous);
    let change: HeadlineFigure["change"] = null;
    if (cur !== null && prev !== null) {
      if (kind === "share") change = { unit: "points", value: (cur - prev) * 100 };
      else if (prev !== 0) change = { unit: "percent", value: ((cur - prev) / prev) * 100 };
    }
    const sla = SLA_KEYS[key];
    return { key, kind, current: cur, previous: prev, change, ...(sla ? { breachedNow: current.sla[sla]?.breachedNow ?? 0 } : {}) };
  });
}

/** The period of the same length just before [from, to). */
export function previousPeriod(from: Date, to: Date): { from: Date; to: Date } {
  const length = to.getTime() - from.getTime();
  return { from: new Date(from.getTime() - length), to: new Date(from) };
}

/** The last `days` days up to `now`. */
export function lastDays(days: number, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - days * 86_400_000), to: now };
}
