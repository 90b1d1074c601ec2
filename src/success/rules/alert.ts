// What a churn-risk alert is and how a health check keeps alerts in step with the rules: which channel an
// alert goes to, what it says when raised (the rule's reason, the weakest components, recent tickets),
// and, for a slice of scored accounts, which alerts to raise, which have worsened, which still hold
// unchanged and which to clear (with the reason in plain words).
import { RULES, type Band, type Delivery, type HealthConfig, type RuleName } from "./health-config.ts";
import { COMPONENT_LABELS, type HealthResult } from "./health-model.ts";
import { hasWorsened, RULE_LABELS, type RuleHit } from "./risk-rules.ts";

export interface AlertReason {
  /** The component (or "rule") the reason comes from. */
  source: string;
  text: string;
}

export interface AlertTicket {
  id: number;
  priority: string;
  status: string;
  permalink: string | null;
  createdAt: string;
}

/** Stored as JSON on the alert: the account's state when the alert was raised (or last worsened). */
export interface AlertDetail {
  score: number | null;
  band: Band | "unknown";
  previousScore: number | null;
  ruleReason: string;
  reasons: AlertReason[];
  /** Components left out for lack of data. */
  missing: string[];
  tickets: AlertTicket[];
  /** When the score above was computed: the `at` of the check that raised or last worsened the alert (ISO; absent on alerts stored before it was kept: then raisedAt). */
  computedAt?: string;
}

export interface AlertAccount {
  externalId: string;
  name: string;
  arr: number | null;
  renewalDate: string | null;
  csmSlackUserId: string | null;
}

/** One rule that fires on the account, as its alert shows it. */
export interface FiringRule {
  rule: RuleName;
  reason: string;
  /** The rule's measure when first posted or last worse: a later check is "worse" past it. */
  severity: number;
}

/** Stored as JSON on the account's alert: what fires and the account's state when last assessed. */
export interface AccountAlertDetail {
  score: number | null;
  band: Band | "unknown";
  previousScore: number | null;
  /** The rules that fire, in the order of RULES. */
  rules: FiringRule[];
  /** The weakest components, leaving out those a firing rule already explains. */
  reasons: AlertReason[];
  missing: string[];
  tickets: AlertTicket[];
  /** When the figures above were computed (the check's `at`, ISO). */
  computedAt: string;
}

/** An account's churn-risk alert as people see it and act on it: one per account at risk. */
export interface AlertView {
  id: number;
  status: "open" | "cleared";
  /** realtime: a message of its own in its channel; digest: a line in the daily risk digest. */
  delivery: Delivery;
  raisedAt: Date;
  clearedAt: Date | null;
  channelId: string | null;
  ownerId: string | null;
  acknowledgedAt: Date | null;
  acknowledgedById: string | null;
  snoozedUntil: Date | null;
  escalatedAt: Date | null;
  detail: AccountAlertDetail;
  account: AlertAccount;
}

/** An alert as its owner's list shows it: with the account's open tickets and those past their SLA. */
export type MyAlert = AlertView & { openTickets: number; breachedTickets: number };

/** A change the alert's thread tells: a rule new or worse (label and reason each). */
export interface WorseLine {
  rule: RuleName;
  reason: string;
  isNew: boolean;
}

export type AlertLogLine =
  | { kind: "worsened"; lines: WorseLine[]; score: number | null }
  | { kind: "cleared"; reason: string }
  | { kind: "acknowledged"; actorId: string }
  | { kind: "snoozed"; actorId: string; until: Date; days: number }
  | { kind: "reassigned"; actorId: string; from: string | null; to: string }
  | { kind: "note"; actorId: string; text: string }
  | { kind: "escalated"; leadUserId: string; hours: number };

/** A component below this score is named among an alert's reasons. */
export const REASON_BELOW = 60;
/** At most this many component reasons on an alert. */
export const MAX_REASONS = 4;

/** The channel an account's alerts go to: its own, its CSM's, else ALERTS_CHANNEL (null: kept, not posted). */
export function alertChannel(
  account: { alertChannel: string | null; csmSlackUserId: string | null },
  config: Pick<HealthConfig, "routing">,
  alertsChannel: string | undefined,
): string | null {
  return (
    account.alertChannel ??
    (account.csmSlackUserId ? config.routing.csmChannels[account.csmSlackUserId] : undefined) ??
    alertsChannel ??
    null
  );
}

/** What an alert shows of the account's state: the rule's reason, the weakest components, what is missing, recent tickets. */
export function alertDetail(
  hit: RuleHit,
  health: HealthResult,
  previousScore: number | null,
  tickets: AlertTicket[],
  computedAt: Date,
): AlertDetail {
  const reasons = health.components
    .filter((comp) => comp.score < REASON_BELOW)
    .sort((a, b) => a.score - b.score)
    .slice(0, MAX_REASONS)
    .map((comp) => ({ source: COMPONENT_LABELS[comp.name], text: comp.evidence }));
  return {
    score: health.score,
    band: health.band,
    previousScore,
    ruleReason: hit.reason,
    reasons,
    missing: health.missing.map((m) => COMPONENT_LABELS[m]),
    tickets,
    computedAt: computedAt.toISOString(),
  };
}

/** Why an open alert of `rule` is cleared: the rule is turned off, or the account's state no longer meets it. */
export function clearedReason(rule: RuleName, health: HealthResult, enabled: boolean): string {
  if (!enabled) return `the rule "${RULE_LABELS[rule]}" is turned off in the health configuration`;
  const score = health.score === null ? "no score (no data)" : `score ${health.score}, ${health.band}`;
  switch (rule) {
    case "entered_red":
      return `the account is no longer red (${score})`;
    case "score_drop":
      return `the score has recovered (${score})`;
    case "renewal_risk":
      return `the renewal is no longer at risk (${score})`;
    case "ticket_spike":
      return "tickets are back near the account's usual level";
    case "nps_detractor":
      return "no detractor NPS answer in the period any more";
    case "low_utilisation":
      return "licence utilisation is back above the threshold";
    case "onboarding_stalled":
      return health.onboarding ? "activation has caught up with the account's age" : "the account has finished onboarding";
  }
}

/** An account of a slice as scored by a health check. */
export interface ScoredAccount<A extends { externalId: string }> {
  account: A;
  health: HealthResult;
  hits: RuleHit[];
  previousScore: number | null;
}

/** An open alert as the health check compares it with the rules' hits. */
export interface OpenAlert {
  id: number;
  accountExternalId: string;
  rule: string;
  severity: number;
  snoozedUntil: Date | null;
}

export interface AlertSync<A extends { externalId: string }> {
  /** Rules that hold with no open alert: raise one. */
  toRaise: { account: A; hit: RuleHit; health: HealthResult; previousScore: number | null }[];
  /** Open alerts whose rule got worse enough to say so (a snoozed alert is updated quietly). */
  toWorsen: { alertId: number; snoozed: boolean; account: A; hit: RuleHit; health: HealthResult; previousScore: number | null }[];
  /** Open alerts that still hold, unchanged. */
  holding: number[];
  /** Open alerts whose rule no longer holds (or is turned off). */
  toClear: { alertId: number; reason: string }[];
}

/** Compares the slice's rule hits with its open alerts, as of `at`. */
export function syncAlerts<A extends { externalId: string }>(
  scored: ScoredAccount<A>[],
  open: OpenAlert[],
  config: HealthConfig,
  at: Date,
): AlertSync<A> {
  const openBy = new Map(open.map((a) => [`${a.accountExternalId}:${a.rule}`, a]));
  const enabled = new Set(RULES.filter((r) => config.rules[r].enabled));
  const out: AlertSync<A> = { toRaise: [], toWorsen: [], holding: [], toClear: [] };
  for (const s of scored) {
    const id = s.account.externalId;
    for (const hit of s.hits) {
      const existing = openBy.get(`${id}:${hit.rule}`);
      openBy.delete(`${id}:${hit.rule}`);
      if (!existing) out.toRaise.push({ account: s.account, hit, health: s.health, previousScore: s.previousScore });
      else if (hasWorsened(hit.rule, existing.severity, hit.severity, config)) {
        const snoozed = existing.snoozedUntil !== null && existing.snoozedUntil.getTime() > at.getTime();
        out.toWorsen.push({ alertId: existing.id, snoozed, account: s.account, hit, health: s.health, previousScore: s.previousScore });
      } else out.holding.push(existing.id);
    }
    for (const rule of RULES) {
      const existing = openBy.get(`${id}:${rule}`);
      if (!existing) continue;
      openBy.delete(`${id}:${rule}`);
      out.toClear.push({ alertId: existing.id, reason: clearedReason(rule, s.health, enabled.has(rule)) });
    }
  }
  return out;
}
