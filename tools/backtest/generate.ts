// A realistic synthetic labelled history, reproducible from a seed: by default 2,000 accounts of varied
// size over a year using a 12-feature product with weekday/weekend rhythm and noise; support tickets,
// CSAT, SLA results and quarterly NPS; seat changes; and about a tenth of the accounts churning. Each
// account follows one pattern (generate-plan.ts): healthy kinds, some of which look alarming (onboarding
// ramps, European August lulls, project pauses, API migrations), and ways of churning (seat contraction,
// support pain, detractors, champion leaves, silent decline with flat logins, stalled onboarding, weak
// signals near the renewal). Everyone dips over the year end. The patterns go to patterns.csv.
import { dateOfDay, instantOf, parseDay, weekdayOf } from "./dates.ts";
import type { History, HistoryNps, HistorySeatChange, HistoryTicket, HistoryUsageDay, Priority } from "./history.ts";
import { planAccount, type AccountPlan, type Dip } from "./generate-plan.ts";
import { Prng } from "./prng.ts";

export interface GenerateOptions {
  accounts: number;
  days: number;
  seed: number;
  /** First day, YYYY-MM-DD. */
  start: string;
  /** Share of accounts that churn during the span. */
  churnRate: number;
}

export const DEFAULT_GENERATE: GenerateOptions = { accounts: 2000, days: 365, seed: 42, start: "2025-01-06", churnRate: 0.1 };

const EVENT_FEATURE = {
  upload: "uploads",
  comment: "comments",
  report_run: "reports",
  export: "exports",
  automation_run: "automations",
} as const;

const DETRACTOR_COMMENTS = [
  "Too slow, and support takes days to answer",
  "We barely use it any more",
  'The "new" reports broke our workflow',
  "Hard to justify the price for what we use",
  "Missing integrations we need",
];
const PASSIVE_COMMENTS = ["Fine for what we do", "Some features are clunky", "OK, but onboarding new staff is slow"];
const PROMOTER_COMMENTS = ["Great product, the team loves it", "Saves us hours every week", "Support is quick and helpful"];

/** A seed per account, so an account's history does not depend on how many accounts come before it. */
const accountSeed = (seed: number, index: number) => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;

const inDip = (dip: Dip | null, day: number) => (dip && day >= dip.from && day <= dip.to ? dip.factor : 1);

/** The calendar's lulls for an account: August (European accounts) and the year end (everyone). */
function calendarFactor(p: AccountPlan, dayNumber: number): number {
  const md = dateOfDay(dayNumber).slice(5);
  if (md >= "12-20" || md <= "01-02") return p.yearEnd;
  if (md >= "08-01" && md <= "08-25") return p.august;
  return 1;
}

function pickPriority(rng: Prng, urgent: number, high: number, low: number): Priority {
  const x = rng.next();
  if (x < urgent) return "urgent";
  if (x < urgent + high) return "high";
  if (x < urgent + high + low) return "low";
  return "normal";
}

function csatScore(rng: Prng, bad: boolean): number {
  const x = rng.next();
  const cuts = bad ? [0.3, 0.6, 0.85, 0.95] : [0.02, 0.05, 0.15, 0.45];
  return cuts.findIndex((c) => x < c) + 1 || 5;
}

interface Sink {
  usage: HistoryUsageDay[];
  tickets: HistoryTicket[];
  nps: HistoryNps[];
  seatChanges: HistorySeatChange[];
}

function simulateAccount(rng: Prng, p: AccountPlan, start: number, days: number, out: Sink): void {
  const end = p.churnDay ?? days; // no data from the churn day on
  const d = p.decline;
  const progress = (day: number) => (d ? Math.max(0, Math.min(1, (day - d.onset) / d.length)) ** d.shape : 0);
  const toward = (to: number, day: number) => 1 + (to - 1) * progress(day);
  const iso = (day: number, hours: number) => instantOf(start + day, hours).toISOString();
  const arrOf = (seats: number) => Math.round((seats * p.pricePerSeat) / 10) * 10;

  for (const s of p.seatSteps)
    if (s.day < end)
      out.seatChanges.push({ accountExternalId: p.externalId, date: dateOfDay(start + s.day), seats: s.seats, arr: arrOf(s.seats) });
  const seatsOn = (day: number) => {
    let seats = p.seats;
    for (const s of p.seatSteps) if (s.day <= day) seats = s.seats;
    return seats;
  };
  // Users follow expansions and ramps; a cut only caps them (they left before the seats were cut).
  const userBase = (day: number) => (p.usersFollowSeats ? seatsOn(day) : p.seats);
  // A new account ramps from a tenth of its use to all of it over its first weeks.
  const ramp = (day: number) => (p.rampDays ? Math.min(1, 0.1 + (0.9 * (day - p.createdDay)) / p.rampDays) : 1);
  const migrated = (day: number) => (p.migration ? Math.max(0, Math.min(1, (day - p.migration.day) / 14)) : 0);

  // Narrowing: the features given up stop one by one during the decline.
  const stops = new Map<string, number>();
  if (d?.keepFeatures != null) {
    const dropped = p.features.length - d.keepFeatures;
    for (let j = 0; j < dropped; j++) stops.set(p.features[j], d.onset + Math.round((d.length * (j + 1)) / (dropped + 1)));
  }

  for (let day = p.createdDay; day < end; day++) {
    const weekend = [0, 6].includes(weekdayOf(start + day));
    const lull = p.dips.reduce((f, dip) => f * inDip(dip, day), 1) * calendarFactor(p, start + day);
    const m = migrated(day);
    const logins = p.migration ? 1 + (p.migration.loginsTo - 1) * m : 1;
    const expected = userBase(day) * p.utilisation * ramp(day) * (weekend ? p.weekend : 1) * lull * logins * toward(d?.activeTo ?? 1, day);
    const active = Math.min(seatsOn(day), Math.round(expected * Math.exp(0.12 * rng.normal())));
    if (active > 0) {
      const inUse = p.features.filter((f) => (f === "api" ? m > 0 : (stops.get(f) ?? Infinity) > day));
      const useChance = p.featureUseChance * (weekend ? 0.6 : 1) * Math.min(1, 0.35 + active / 6);
      const used = inUse.filter((f) => (f === "api" ? true : rng.chance(useChance)));
      const events: Record<string, number> = {};
      // Events per active user; an API migration keeps the events (and raises them) as logins fall.
      const eventsFactor = toward(d?.eventsTo ?? 1, day) * (p.migration ? (1 + (p.migration.eventsUp - 1) * m) / logins : 1);
      for (const [event, feature] of Object.entries(EVENT_FEATURE) as [keyof typeof EVENT_FEATURE, string][]) {
        if (!used.includes(feature) && !(event === "automation_run" && m > 0)) continue;
        const mean =
          event === "automation_run" ? p.eventRates[event] * 10 * eventsFactor * (1 + 4 * m) : active * p.eventRates[event] * eventsFactor;
        const n = rng.poisson(mean);
        if (n > 0) events[event] = n;
      }
      out.usage.push({ accountExternalId: p.externalId, date: dateOfDay(start + day), activeUsers: active, featuresUsed: used, events });
    }

    // Tickets: the account's own rate (fewer while it ramps or pauses), raised in support pain, plus incident bursts.
    const surge = toward(d?.ticketsTo ?? 1, day);
    const burst = p.ticketBursts.some((b) => day >= b && day < b + 7);
    const quiet = Math.min(1, lull + 0.2) * Math.max(0.3, ramp(day));
    const count = rng.poisson((p.ticketsPerWeek / 7) * (weekend ? 0.3 : 1.28) * surge * quiet) + (burst ? rng.poisson(0.6) : 0);
    const pr = progress(day);
    const bad = d?.poorExperience ? pr : 0;
    for (let k = 0; k < count; k++) {
      const createdHours = rng.uniform(7, 20);
      const escalating = d && d.ticketsTo > 1 ? pr : 0;
      const priority = burst
        ? pickPriority(rng, 0.25, 0.4, 0.05)
        : pickPriority(rng, 0.04 + 0.3 * escalating, 0.16 + 0.25 * escalating, 0.2 - 0.15 * escalating);
      const resolveHours = Math.exp(Math.log(18) + rng.normal()) * (1 + 2 * bad);
      const hasSla = rng.chance(0.85);
      out.tickets.push({
        accountExternalId: p.externalId,
        createdAt: iso(day, createdHours),
        priority,
        resolvedAt: rng.chance(0.97) ? iso(day, createdHours + resolveHours) : null,
        reopened: rng.chance(0.06 + 0.25 * bad),
        csat: rng.chance(0.35 + 0.2 * bad) ? csatScore(rng, rng.chance(bad)) : null,
        slaBreached: hasSla ? rng.chance(0.08 + 0.5 * bad) : null,
      });
    }
  }

  // NPS: a survey each quarter (0-5 answers), plus an unprompted answer from some declining accounts.
  const answer = (day: number, score: number) => {
    if (day < p.createdDay || day < 0 || day >= end) return;
    const pool = score <= 6 ? DETRACTOR_COMMENTS : score <= 8 ? PASSIVE_COMMENTS : PROMOTER_COMMENTS;
    out.nps.push({
      accountExternalId: p.externalId,
      respondedAt: iso(day, rng.uniform(8, 18)),
      score,
      comment: rng.chance(0.4) ? rng.pick(pool) : null,
    });
  };
  for (let wave = p.npsPhase; wave < end; wave += 90) {
    const answers = Math.min(5, rng.poisson(0.5 + 0.25 * p.seats ** 0.35));
    for (let k = 0; k < answers; k++) {
      const day = wave + rng.int(0, 6);
      const drop = (d?.detractorNps ? progress(day) * rng.uniform(4, 6) : 0) + (d?.poorExperience ? progress(day) * 1.5 : 0);
      answer(day, Math.max(0, Math.min(10, Math.round(p.npsSentiment - drop + 1.6 * rng.normal()))));
    }
  }
  if (d?.detractorNps)
    for (let k = rng.int(1, 3); k > 0; k--) answer(Math.round(d.onset + d.length * rng.uniform(0.3, 0.95)), rng.int(0, 4));
}

export function generateHistory(options: Partial<GenerateOptions> = {}): History {
  const o = { ...DEFAULT_GENERATE, ...options };
  const start = parseDay(o.start);
  if (start === null) throw new Error(`start must be a date as YYYY-MM-DD, not "${o.start}"`);
  if (!Number.isInteger(o.accounts) || o.accounts < 1) throw new Error(`accounts must be a whole number of 1 or more, not ${o.accounts}`);
  if (!Number.isInteger(o.days) || o.days < 90)
    throw new Error(`days must be a whole number of 90 or more (the replay starts on day 60), not ${o.days}`);

  const sink: Sink = { usage: [], tickets: [], nps: [], seatChanges: [] };
  const history: History = {
    accounts: [],
    usage: sink.usage,
    tickets: sink.tickets,
    nps: sink.nps,
    churn: [],
    seatChanges: sink.seatChanges,
    patterns: [],
  };
  const patterns = history.patterns!;
  for (let i = 0; i < o.accounts; i++) {
    const rng = new Prng(accountSeed(o.seed, i));
    const plan = planAccount(rng, i, { days: o.days, start, churnRate: o.churnRate });
    history.accounts.push({
      externalId: plan.externalId,
      name: plan.name,
      seats: plan.seats,
      arr: Math.round((plan.seats * plan.pricePerSeat) / 10) * 10,
      renewalDate: dateOfDay(start + plan.renewalDay),
      tier: plan.tier,
      // New accounts became customers during the history; the others were before it.
      ...(plan.createdDay > 0 ? { createdDate: dateOfDay(start + plan.createdDay) } : {}),
      // The region, a CRM attribute: the default peerAttribute (Europe's August lull is shared by its accounts).
      attributes: { region: plan.region },
    });
    const churnDate = plan.churnDay === null ? null : dateOfDay(start + plan.churnDay);
    if (churnDate !== null) history.churn.push({ accountExternalId: plan.externalId, churnDate });
    patterns.push({ accountExternalId: plan.externalId, pattern: plan.pattern, churned: churnDate !== null, churnDate });
    simulateAccount(rng, plan, start, o.days, sink);
  }
  return history;
}
