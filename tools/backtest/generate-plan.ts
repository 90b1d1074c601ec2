// The synthetic accounts' traits and fates, drawn up front: size, tier, price, how much of the licence
// and the product they use, their support and NPS habits, seasonal and temporary dips, and for the
// churners when and how they decline. generate.ts turns a plan into daily rows.
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

/** An interval of days with a multiplier on activity. */
export interface Dip {
  from: number;
  to: number;
  factor: number;
}

export interface DeclinePlan {
  /** Day the decline starts (may be before the history starts) and its length. */
  onset: number;
  length: number;
  /** Progress curve exponent: above 1 starts slow, below 1 starts fast. */
  shape: number;
  /** Multipliers reached at churn (1 = unchanged). */
  activeTo: number;
  eventsTo: number;
  ticketsTo: number;
  /** Features still used at churn (the rest stop one by one during the decline); null: no narrowing. */
  keepFeatures: number | null;
  poorExperience: boolean;
  detractorNps: boolean;
  /** Seats cut to this share during the decline, on `seatCutDay`; null: no cut. */
  seatCutTo: number | null;
  seatCutDay: number;
}

export interface AccountPlan {
  index: number;
  externalId: string;
  name: string;
  tier: string;
  seats: number;
  pricePerSeat: number;
  renewalDay: number;
  /** Share of seats active on a usual weekday, and the weekend's share of that. */
  utilisation: number;
  weekend: number;
  /** Features in use, in the order they would be given up (core features last). */
  features: string[];
  featureUseChance: number;
  /** Events per active user on a day of use. */
  eventRates: { upload: number; comment: number; report_run: number; export: number; automation_run: number };
  ticketsPerWeek: number;
  npsSentiment: number;
  npsPhase: number;
  seasonal: Dip | null;
  dips: Dip[];
  /** Days with a burst of tickets (an incident), each burst lasting a week. */
  ticketBursts: number[];
  /** Seat changes of healthy accounts (expansion or trimming): day and share of the seats before. */
  seatChange: { day: number; factor: number } | null;
  churnDay: number | null;
  /** null: no decline (healthy, or an abrupt churn without warning). */
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
  /** Share of accounts that churn during the span. */
  churnRate: number;
}

export function planAccount(rng: Prng, index: number, o: PlanOptions): AccountPlan {
  const seats = Math.max(3, Math.round(Math.exp(rng.uniform(Math.log(4), Math.log(900)))));
  const tier = seats < 25 ? "starter" : seats < 150 ? "growth" : "enterprise";
  const pricePerSeat = { starter: 240, growth: 360, enterprise: 480 }[tier]! * rng.uniform(0.85, 1.15);
  const churns = rng.chance(o.churnRate);
  // A few healthy customers use little of their licence and stay anyway.
  const lowFit = !churns && rng.chance(0.12);
  const utilisation = lowFit ? rng.uniform(0.18, 0.4) : churns ? rng.uniform(0.3, 0.85) : rng.uniform(0.42, 0.9);
  const adopted = rng.int(churns ? 3 : 4, 11);
  const core = FEATURES.slice(0, CORE_FEATURES);
  const extra = rng.sample(FEATURES.slice(CORE_FEATURES), Math.max(0, adopted - CORE_FEATURES));
  const coreKept = rng.sample(core, Math.min(CORE_FEATURES, adopted));
  const features = [...extra, ...coreKept];

  const summer = rng.chance(0.35);
  const seasonal: Dip | null = summer ? { from: 190 + rng.int(-7, 7), to: 230 + rng.int(-7, 7), factor: rng.uniform(0.55, 0.8) } : null;
  const dips: Dip[] = [];
  if (rng.chance(churns ? 0.1 : 0.22)) {
    const from = rng.int(0, o.days - 20);
    dips.push({ from, to: from + rng.int(14, 42), factor: rng.uniform(0.4, 0.75) });
  }
  const ticketBursts: number[] = [];
  if (rng.chance(0.12)) ticketBursts.push(rng.int(0, o.days - 7));
  if (dips.length && rng.chance(0.4)) ticketBursts.push(dips[0].from + rng.int(0, 7));

  const seatChange =
    !churns && rng.chance(0.3)
      ? { day: rng.int(10, o.days - 10), factor: rng.chance(0.75) ? rng.uniform(1.05, 1.35) : rng.uniform(0.8, 0.95) }
      : null;
  const churnDay = churns ? rng.int(20, o.days - 1) : null;

  let decline: DeclinePlan | null = null;
  if (churnDay !== null && !rng.chance(0.15)) {
    const severity = rng.uniform(0.35, 1);
    const length = rng.int(30, 120);
    const pick = {
      logins: rng.chance(0.45),
      narrowing: rng.chance(0.6),
      events: rng.chance(0.6),
      tickets: rng.chance(0.45),
      nps: rng.chance(0.45),
      seats: rng.chance(0.25),
    };
    const poor = rng.chance(pick.tickets ? 0.6 : 0.3);
    if (!Object.values(pick).some(Boolean) && !poor) pick[rng.pick(["logins", "narrowing", "events", "tickets", "nps"] as const)] = true;
    decline = {
      onset: churnDay - length,
      length,
      shape: rng.uniform(0.6, 2),
      activeTo: pick.logins ? 1 - severity * rng.uniform(0.4, 0.75) : 1 - severity * rng.uniform(0, 0.12),
      eventsTo: pick.events ? 1 - severity * rng.uniform(0.5, 0.85) : 1 - severity * rng.uniform(0, 0.15),
      ticketsTo: pick.tickets ? 1 + severity * rng.uniform(1.5, 4) : 1,
      keepFeatures: pick.narrowing
        ? Math.max(1, Math.min(features.length - 1, Math.round(features.length * (1 - severity * rng.uniform(0.5, 0.85)))))
        : null,
      poorExperience: poor,
      detractorNps: pick.nps,
      seatCutTo: pick.seats ? rng.uniform(0.5, 0.8) : null,
      seatCutDay: churnDay - Math.round(length * rng.uniform(0.1, 0.7)),
    };
  }

  return {
    index,
    externalId: `acc-${String(index + 1).padStart(4, "0")}`,
    name: `${rng.pick(NAME_A)}${rng.pick(NAME_B)} ${rng.pick(NAME_C)}`,
    tier,
    seats,
    pricePerSeat,
    renewalDay: churnDay !== null && rng.chance(0.6) ? churnDay : rng.int(0, 364),
    utilisation,
    weekend: rng.uniform(0.05, 0.35),
    features,
    featureUseChance: rng.uniform(0.55, 0.95),
    eventRates: {
      upload: rng.uniform(0.4, 3),
      comment: rng.uniform(0.8, 4),
      report_run: rng.uniform(0.1, 0.8),
      export: rng.uniform(0.02, 0.3),
      automation_run: rng.uniform(0.2, 1.5),
    },
    ticketsPerWeek: 0.03 + 0.02 * seats ** 0.7 * rng.uniform(0.5, 1.6),
    npsSentiment: lowFit ? rng.uniform(5.5, 8.5) : rng.uniform(6.5, 9.5),
    npsPhase: rng.int(0, 89),
    seasonal,
    dips,
    ticketBursts,
    seatChange,
    churnDay,
    decline,
  };
}
