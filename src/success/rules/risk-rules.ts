// Churn-risk rules: pure functions from an account's health and facts to the rules that fire, each
// with a severity (to tell a later, worse run) and a reason in plain words. Which rules run and their
// thresholds come from the health configuration.
import { bandOf, type HealthConfig, type RuleName } from "./health-config.ts";
import type { HealthResult } from "./health-model.ts";

export interface RuleFacts {
  /** The day checked, YYYY-MM-DD. */
  today: string;
  health: HealthResult;
  /** The highest score in the score_drop window before this check (null without history). */
  recentHighScore: number | null;
  renewalDate: string | null;
  seats: number | null;
  peakActiveLast30: number | null;
  ticketsLast7: number;
  /** Tickets a week over the baseline weeks before the last 7 days (null when the account has no support link). */
  ticketBaselinePerWeek: number | null;
  nps: { score: number; comment: string | null; at: Date } | null;
}

export interface RuleHit {
  rule: RuleName;
  /** Higher is worse; in the rule's own unit (points, tickets, share). */
  severity: number;
  reason: string;
}

export const RULE_LABELS: Record<RuleName, string> = {
  entered_red: "Entered red",
  score_drop: "Score dropped",
  renewal_risk: "Renewal at risk",
  ticket_spike: "Ticket spike",
  nps_detractor: "NPS detractor",
  low_utilisation: "Low licence utilisation",
  onboarding_stalled: "Onboarding stalled",
};

const DAY_MS = 86_400_000;
const dayNumber = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / DAY_MS;
const pct = (v: number) => `${Math.round(v * 100)}%`;

export function evaluateRules(f: RuleFacts, config: HealthConfig): RuleHit[] {
  const r = config.rules;
  const hits: RuleHit[] = [];
  const score = f.health.score;

  if (r.entered_red.enabled && score !== null && f.health.band === "red") {
    hits.push({ rule: "entered_red", severity: 100 - score, reason: `health score ${score} is red (below ${config.bands.yellow})` });
  }

  if (r.score_drop.enabled && score !== null && f.recentHighScore !== null && f.recentHighScore - score >= r.score_drop.points) {
    const drop = f.recentHighScore - score;
    hits.push({
      rule: "score_drop",
      severity: drop,
      reason: `health score fell ${drop} points in ${r.score_drop.days} days (${f.recentHighScore} → ${score})`,
    });
  }

  // The renewal's nearness already weighs in the score (HealthResult.renewal): not counted twice here, the
  // health without it must be below green.
  const bandBeforeRenewal = score !== null && f.health.renewal ? bandOf(score + f.health.renewal.points, config) : f.health.band;
  if (r.renewal_risk.enabled && f.renewalDate && score !== null && bandBeforeRenewal !== "green") {
    const days = dayNumber(f.renewalDate) - dayNumber(f.today);
    if (days >= 0 && days <= r.renewal_risk.withinDays) {
      hits.push({
        rule: "renewal_risk",
        severity: 100 - score,
        reason: `renews on ${f.renewalDate} (in ${days} day${days === 1 ? "" : "s"}) and health is ${f.health.band}`,
      });
    }
  }

  if (r.ticket_spike.enabled && f.ticketBaselinePerWeek !== null && f.ticketsLast7 >= r.ticket_spike.minTickets) {
    const baseline = f.ticketBaselinePerWeek;
    if (f.ticketsLast7 >= r.ticket_spike.factor * baseline) {
      const usual =
        baseline === 0
          ? "none usually"
          : `${Math.round((f.ticketsLast7 / baseline) * 10) / 10}× the usual ${Math.round(baseline * 10) / 10} a week`;
      hits.push({ rule: "ticket_spike", severity: f.ticketsLast7, reason: `${f.ticketsLast7} tickets in 7 days, ${usual}` });
    }
  }

  if (r.nps_detractor.enabled && f.nps && f.nps.score <= r.nps_detractor.maxScore) {
    const age = dayNumber(f.today) - Math.floor(f.nps.at.getTime() / DAY_MS);
    if (age <= r.nps_detractor.maxAgeDays) {
      const comment = f.nps.comment ? `: '${f.nps.comment.length > 200 ? `${f.nps.comment.slice(0, 199)}…` : f.nps.comment}'` : "";
      hits.push({
        rule: "nps_detractor",
        severity: 10 - f.nps.score,
        reason: `NPS ${f.nps.score} on ${f.nps.at.toISOString().slice(0, 10)}${comment}`,
      });
    }
  }

  const onboarding = f.health.onboarding;
  if (r.onboarding_stalled.enabled && onboarding && onboarding.activation < r.onboarding_stalled.below) {
    hits.push({
      rule: "onboarding_stalled",
      severity: 100 - onboarding.activation,
      reason: `activation ${onboarding.activation} on day ${onboarding.ageDays} of ${onboarding.days} of onboarding (below ${r.onboarding_stalled.below}): ${onboarding.evidence}`,
    });
  }

  if (r.low_utilisation.enabled && !onboarding && f.seats && f.seats > 0 && f.peakActiveLast30 !== null) {
    const share = f.peakActiveLast30 / f.seats;
    if (share < r.low_utilisation.below) {
      hits.push({
        rule: "low_utilisation",
        severity: 1 - share,
        reason: `${f.peakActiveLast30} of ${f.seats} seats active (${pct(share)}), under ${pct(r.low_utilisation.below)}`,
      });
    }
  }
  return hits;
}

/** Whether a rule that still holds has become worse enough since it was last posted to say so. */
export function hasWorsened(rule: RuleName, previousSeverity: number, severity: number, config: HealthConfig): boolean {
  return severity >= previousSeverity + config.rules[rule].worsenBy - 1e-9;
}
