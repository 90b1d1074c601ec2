// What the replay walks: the accounts one at a time with their rows, and the few facts that need the
// whole book (the timeline, the features any account used each day, the churn dates). A history on
// disk (openHistory) reads each account's rows when the replay comes to it; a history in memory
// (generated, or from readHistory) is grouped by account here.
import type { AccountRows } from "./account-series.ts";
import type { History, HistoryAccount, HistoryChurn, HistoryPattern } from "./history.ts";
import { dayIndex, timelineOf, type Timeline } from "./timeline.ts";

export interface AccountSource {
  /** In the order eachAccount gives them. */
  accounts: readonly HistoryAccount[];
  churn: readonly HistoryChurn[];
  /** Each account's pattern, when the history has patterns.csv. */
  patterns?: readonly HistoryPattern[];
  timeline(): Timeline;
  /** The features any account used on each day (timeline index; undefined: none). */
  featuresByDay(): readonly (ReadonlySet<string> | undefined)[];
  /**
   * Each account's rows, one account at a time (rows in file order). With `usageOnly`, only the usage rows'
   * dates, active users and events (no features, tickets, NPS or seat changes): what the book's pass needs.
   */
  eachAccount(options?: EachAccountOptions): Iterable<AccountRows>;
}

export interface EachAccountOptions {
  /** Only the usage rows' dates, active users and events. */
  usageOnly?: boolean;
  /** Only the accounts [from, to) of `accounts` (default: all). */
  from?: number;
  to?: number;
}

/** Each account's rows of an in-memory history, in the order of its accounts. */
export function rowsByAccount(h: History): AccountRows[] {
  const rows = new Map<string, AccountRows>(
    h.accounts.map((account) => [account.externalId, { account, usage: [], tickets: [], nps: [], seatChanges: h.seatChanges ? [] : null }]),
  );
  for (const u of h.usage) rows.get(u.accountExternalId)!.usage.push(u);
  for (const t of h.tickets) rows.get(t.accountExternalId)!.tickets.push(t);
  for (const n of h.nps) rows.get(n.accountExternalId)!.nps.push(n);
  for (const s of h.seatChanges ?? []) rows.get(s.accountExternalId)!.seatChanges!.push(s);
  return [...rows.values()];
}

const isSource = (h: History | AccountSource): h is AccountSource => typeof (h as AccountSource).eachAccount === "function";

/** The history as an AccountSource (an in-memory history grouped by account; an open one as it is). */
export function sourceOf(h: History | AccountSource): AccountSource {
  if (isSource(h)) return h;
  let timeline: Timeline | null = null;
  const t = () => (timeline ??= timelineOf(h));
  return {
    accounts: h.accounts,
    churn: h.churn,
    ...(h.patterns ? { patterns: h.patterns } : {}),
    timeline: t,
    featuresByDay: () => {
      const byDay: Set<string>[] = Array.from({ length: t().length }, () => new Set());
      for (const u of h.usage) for (const f of u.featuresUsed) byDay[dayIndex(t(), u.date)].add(f);
      return byDay;
    },
    eachAccount: ({ from = 0, to = h.accounts.length }: EachAccountOptions = {}) => rowsByAccount(h).slice(from, to),
  };
}
