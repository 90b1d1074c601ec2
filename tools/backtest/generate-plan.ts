// The synthetic accounts' traits and fates, drawn up front. Each account follows one pattern: a healthy
// kind (some of which look alarming: onboarding ramps, European summer lulls, project pauses, API
// migrations) or a way of churning (seat contraction, support pain, detractors, champion leaves, silent
// decline with flat logins, stalled onboarding, weak signals near the renewal date). The whole book also
// dips in late December. generate.ts turns a plan into daily rows.
import type { Prng } from "./prng.ts";

/** The product's features; the first four are what nearly every customer uses. */
export const FEATURES = [
  "dashboards",
  "search",
  "uploads",
  "comments",
  "reports",
  "sharing",
  "approvals",
  "integrations",
  "exports",
  "automations",
  "api",
  "audit_log",
] as const;
export const CORE_FEATURES = 4;

export const HEALTHY_PATTERNS = [
  "steady",
  "growing",
  "small_quiet",
  "onboarding_ramp",
  "seasonal",
  "project_pause",
  "api_migration",
] as const;
export const CHURN_PATTERNS = [
  "seat_contraction",
  "support_pain",
  "detractor",
  "champion_leaves",
  "silent_decline",
  "stalled_onboarding",
  "renewal_churn",
] as const;
export const PATTERNS = [...HEALTHY_PATTERNS, ...CHURN_PATTERNS] as const;
export type Pattern = (typeof PATTERNS)[number];

/** Shares of the healthy accounts, and of the churners (each list sums to 1). */
const HEALTHY_SHARES: Record<(typeof HEALTHY_PATTERNS)[number], number> = {
  steady: 0.44,
  growing: 0.13,
  small_quiet: 0.11,
  onboarding_ramp: 0.09,
  seasonal: 0.09,
  project_pause: 0.07,
  api_migration: 0.07,
};
const CHURN_SHARES: Record<(typeof CHURN_PATTERNS)[number], number> = {
  seat_contraction: 0.15,
  support_pain: 0.15,
  detractor: 0.15,
  champion_leaves: 0.15,
  silent_decline: 0.15,
  stalled_onboarding: 0.1,
  renewal_churn: 0.15,
};

/** An interval of days with a multiplier on activity. */
export interface Dip {
  from: number;
  to: number;
  factor: number;
}

export interface DeclinePlan {
  /** Day the decline starts (may be before the history starts) and how long it takes to reach its end values. */
  onset: number;
  length: number;
  /** Progress curve exponent: above 1 starts slow, below 1 starts fast. */
  shape: number;
  /** Multipliers reached at the end of the decline (1 = unchanged). */
  activeTo: number;
  eventsTo: number;
  ticketsTo: number;
  /** Features still used at churn (the rest stop one by one during the decline); null: no narrowing. */
  keepFeatures: number | null;
  poorExperience: boolean;
  detractorNps: boolean;
}

export interface AccountPlan {
  index: number;
  externalId: string;
  name: string;
  pattern: Pattern;
  region: "europe" | "americas" | "apac";
  tier: string;
  /** Seats in accounts.csv (before any change in seat_changes.csv). */
  seats: number;
  pricePerSeat: number;
  renewalDay: number;
  /** First day of use (0 for accounts that were customers before the history starts). */
  createdDay: number;
  /** Days over which a new account's usage ramps up to its full level; 0: none. */
  rampDays: number;
  /** Share of seats active on a usual weekday, and the weekend's share of that. */
  utilisation: number;
  weekend: number;
  /** Whether active users follow the seats as they change (expansions, ramps) or are only capped by them. */
  usersFollowSeats: boolean;
  /** Seat changes: day and seats from that day. */
  seatSteps: { day: number; seats: number }[];
  /** Features in use, in the order they would be given up (core features last). */
  features: string[];
  featureUseChance: number;
  /** Events per active user on a day of use. */
  eventRates: { upload: number; comment: number; report_run: number; export: number; automation_run: number };
  ticketsPerWeek: number;
  npsSentiment: number;
  npsPhase: number;
  /** Activity multiplier in August (European accounts) and over the year end (everyone). */
  august: number;
  yearEnd: number;
  /** Pauses and lulls (factor 0: no use at all). */
  dips: Dip[];
  /** Days with a burst of tickets (an incident), each burst lasting a week. */
  ticketBursts: number[];
  /** An API migration: from `day`, over two weeks, logins fall to `loginsTo` while key events rise by `eventsUp`. */
  migration: { day: number; loginsTo: number; eventsUp: number } | null;
  churnDay: number | null;
  decline: DeclinePlan | null;
}

const NAME_A = [
  "North",
  "Blue",
  "Silver",
  "Bright",
  "Iron",
  "Green",
  "Cedar",
  "Summit",
  "Harbor",
  "Maple",
  "Granite",
  "Lumen",
  "Orbit",
  "Pioneer",
  "Quartz",
  "River",
];
const NAME_B = ["wind", "field", "stone", "bridge", "peak", "works", "gate", "light", "path", "point", "forge", "line"];
const NAME_C = [
  "Logistics",
  "Health",
  "Labs",
  "Retail",
  "Studios",
  "Energy",
  "Capital",
  "Foods",
  "Systems",
  "Media",
  "Partners",
  "Robotics",
];

export interface PlanOptions {
  days: number;
  /** Day number of the first day (for the calendar: August, the year end). */
  start: number;
  /** Share of accounts that churn during the span. */
  churnRate: number;
}

function pickShare<K extends string>(rng: Prng, shares: Record<K, number>): K {
  let x = rng.next();
  const keys = Object.keys(shares) as K[];
  for (const k of keys) {
    x -= shares[k];
    if (x < 0) return k;
  }
  return keys[keys.length - 1];
}

export function planAccount(rng: Prng, index: number, o: PlanOptions): AccountPlan {
  const churns = rng.chance(o.churnRate);
  const pattern: Pattern = churns ? pickShare(rng, CHURN_SHARES) : pickShare(rng, HEALTHY_SHARES);
  const newAccount = pattern === "onboarding_ramp" || pattern === "stalled_onboarding";
  const region = pattern === "seasonal" ? "europe" : rng.pick(["europe", "europe", "americas", "americas", "apac"] as const);

  let seats = Math.max(3, Math.round(Math.exp(rng.uniform(Math.log(4), Math.log(900)))));
  if (pattern === "small_quiet") seats = rng.int(3, 12);
  if (newAccount) seats = Math.max(3, Math.round(seats / 3));
  const tier = seats < 25 ? "starter" : seats < 150 ? "growth" : "enterprise";
  const pricePerSeat = { starter: 240, growth: 360, enterprise: 480 }[tier]! * rng.uniform(0.85, 1.15);

  // New accounts start during the history; their renewal is a year after they start.
  const createdDay = newAccount ? rng.int(20, Math.max(21, o.days - (pattern === "stalled_onboarding" ? 130 : 60))) : 0;
  const rampDays = pattern === "onboarding_ramp" ? rng.int(70, 110) : 0;

  let utilisation = rng.uniform(0.42, 0.9);
  if (pattern === "small_quiet") utilisation = rng.uniform(0.18, 0.4);
  if (pattern === "stalled_onboarding") utilisation = rng.uniform(0.03, 0.12);
  const adopted = pattern === "small_quiet" || pattern === "stalled_onboarding" ? rng.int(1, 4) : rng.int(4, 11);
  const core = FEATURES.slice(0, CORE_FEATURES);
  const extra = rng.sample(
    FEATURES.slice(CORE_FEATURES).filter((f) => f !== "api"),
    Math.max(0, adopted - CORE_FEATURES),
  );
  const coreKept = rng.sample(core, Math.min(CORE_FEATURES, adopted));
  const features = [...extra, ...coreKept];

  // Seats: ramps grow toward the licence bought; growing accounts expand; contraction cuts before leaving.
  const seatSteps: { day: number; seats: number }[] = [];
  let usersFollowSeats = false;
  if (pattern === "onboarding_ramp") {
    usersFollowSeats = true;
    const final = Math.round(seats * rng.uniform(2, 3.5));
    for (const [k, share] of [
      [1, 0.4],
      [2, 0.7],
      [3, 1],
    ] as const)
      seatSteps.push({
        day: createdDay + Math.round((rampDays * k) / 3),
        seats: Math.max(seats, Math.round(seats + (final - seats) * share)),
      });
  }
  if (pattern === "growing") {
    usersFollowSeats = true;
    let s = seats;
    for (let day = rng.int(30, 120); day < o.days - 10; day += rng.int(70, 150)) {
      s = Math.round(s * rng.uniform(1.1, 1.35)) + 1;
      seatSteps.push({ day, seats: s });
    }
  }

  const churnDay = churns
    ? pattern === "stalled_onboarding"
      ? Math.min(o.days - 1, createdDay + rng.int(45, 120))
      : rng.int(Math.min(90, o.days - 30), o.days - 1)
    : null;
  // Churners leave at their renewal (most) or mid-term; renewal-driven churn always at the renewal.
  const renewalDay = newAccount
    ? createdDay + 365
    : churnDay !== null && (pattern === "renewal_churn" || pattern === "seat_contraction" || rng.chance(0.6))
      ? churnDay
      : rng.int(0, 364);

  const dips: Dip[] = [];
  if (pattern === "project_pause") {
    const from = rng.int(70, o.days - 60);
    dips.push({ from, to: from + rng.int(14, 42), factor: 0 });
  } else if (!churns && pattern !== "seasonal" && rng.chance(0.1)) {
    const from = rng.int(0, o.days - 20);
    dips.push({ from, to: from + rng.int(10, 30), factor: rng.uniform(0.55, 0.8) });
  }
  const ticketBursts: number[] = [];
  if (rng.chance(0.1)) ticketBursts.push(rng.int(0, o.days - 7));

  const migration =
    pattern === "api_migration"
      ? { day: rng.int(80, o.days - 60), loginsTo: rng.uniform(0.2, 0.45), eventsUp: rng.uniform(1.4, 2.5) }
      : null;
  if (migration) features.unshift("api");

  let decline: DeclinePlan | null = null;
  if (churnDay !== null) {
    const base: DeclinePlan = {
      onset: churnDay - 90,
      length: 90,
      shape: 1,
      activeTo: 1,
      eventsTo: 1,
      ticketsTo: 1,
      keepFeatures: null,
      poorExperience: false,
      detractorNps: false,
    };
    const length = rng.int(45, 120);
    const narrow = (share: number) => Math.max(1, Math.min(features.length - 1, Math.round(features.length * share)));
    switch (pattern) {
      case "seat_contraction":
        decline = { ...base, onset: churnDay - length, length, activeTo: rng.uniform(0.45, 0.7), eventsTo: rng.uniform(0.5, 0.8) };
        seatSteps.push({
          day: churnDay - Math.round(length * rng.uniform(0.2, 0.6)),
          seats: Math.max(1, Math.round(seats * rng.uniform(0.35, 0.65))),
        });
        break;
      case "support_pain":
        decline = {
          ...base,
          onset: churnDay - length,
          length,
          shape: rng.uniform(0.6, 1.5),
          activeTo: rng.uniform(0.85, 1),
          eventsTo: rng.uniform(0.8, 1),
          ticketsTo: rng.uniform(3, 6),
          poorExperience: true,
        };
        break;
      case "detractor":
        decline = {
          ...base,
          onset: churnDay - length,
          length,
          activeTo: rng.uniform(0.8, 0.95),
          eventsTo: rng.uniform(0.75, 0.95),
          detractorNps: true,
        };
        break;
      case "champion_leaves": {
        // The few heaviest users leave within a week: active users halve, key events fall further.
        const leaves = churnDay - rng.int(35, 100);
        decline = {
          ...base,
          onset: leaves,
          length: rng.int(3, 8),
          activeTo: rng.uniform(0.35, 0.6),
          eventsTo: rng.uniform(0.15, 0.35),
          keepFeatures: narrow(0.6),
        };
        break;
      }
      case "silent_decline":
        decline = {
          ...base,
          onset: churnDay - length,
          length,
          shape: rng.uniform(0.7, 1.6),
          activeTo: rng.uniform(0.92, 1.02),
          eventsTo: rng.uniform(0.2, 0.45),
          keepFeatures: narrow(rng.uniform(0.3, 0.55)),
        };
        break;
      case "renewal_churn":
        decline = { ...base, onset: churnDay - length, length, activeTo: rng.uniform(0.8, 0.95), eventsTo: rng.uniform(0.75, 0.92) };
        break;
      default:
        decline = null; // stalled onboarding: it never took off
    }
  }

  return {
    index,
    externalId: `acc-${String(index + 1).padStart(4, "0")}`,
    name: `${rng.pick(NAME_A)}${rng.pick(NAME_B)} ${rng.pick(NAME_C)}`,
    pattern,
    region,
    tier,
    seats,
    pricePerSeat,
    renewalDay,
    createdDay,
    rampDays,
    utilisation,
    weekend: rng.uniform(0.05, 0.35),
    usersFollowSeats,
    seatSteps: seatSteps.filter((s) => s.day >= 0 && s.day < o.days).sort((a, b) => a.day - b.day),
    features,
    featureUseChance: rng.uniform(0.55, 0.95),
    eventRates: {
      upload: rng.uniform(0.4, 3),
      comment: rng.uniform(0.8, 4),
      report_run: rng.uniform(0.1, 0.8),
      export: rng.uniform(0.02, 0.3),
      automation_run: rng.uniform(0.2, 1.5),
    },
    ticketsPerWeek: (pattern === "small_quiet" ? 0.3 : 1) * (0.03 + 0.02 * seats ** 0.7 * rng.uniform(0.5, 1.6)),
    npsSentiment: pattern === "small_quiet" ? rng.uniform(5.5, 8.5) : rng.uniform(6.5, 9.5),
    npsPhase: rng.int(0, 89),
    august: region === "europe" ? (pattern === "seasonal" ? rng.uniform(0.2, 0.4) : rng.uniform(0.55, 0.8)) : 1,
    yearEnd: pattern === "seasonal" ? rng.uniform(0.2, 0.35) : rng.uniform(0.35, 0.6),
    dips,
    ticketBursts,
    migration,
    churnDay,
    decline,
  };
}
