// One alert per account at risk: what it shows (the rules that fire, the evidence once), what is at stake
// (ARR × severity), whether it earns a message of its own or a line in the daily risk digest, and, for
// a slice of scored accounts, which account alerts to raise, which got worse (a new rule, or a rule past
// its last level), which only changed (a rule stopped, the score moved) and which to clear.
import { RULES, type ComponentName, type HealthConfig, type RuleName } from "./health-config.ts";
import { COMPONENT_LABELS, type HealthResult } from "./health-model.ts";
import { hasWorsened, type RuleHit } from "./risk-rules.ts";
import {
  MAX_REASONS,
  REASON_BELOW,
  type AccountAlertDetail,
  type AlertTicket,
  type FiringRule,
  type ScoredAccount,
  type WorseLine,
} from "./alert.ts";

/** Components whose evidence a firing rule already states: not repeated among the reasons. */
const EXPLAINED_BY: Partial<Record<RuleName, ComponentName>> = {
  nps_detractor: "nps",
  low_utilisation: "licenceUtilisation",
};

const order = (r: RuleName) => RULES.indexOf(r);

/** What the account's alert shows: its firing rules in a fixed order and the weakest components, each piece of evidence once. */
export function accountAlertDetail(
  rules: FiringRule[],
  health: HealthResult,
  previousScore: number | null,
  tickets: AlertTicket[],
  computedAt: Date,
): AccountAlertDetail {
  const explained = new Set(rules.map((r) => EXPLAINED_BY[r.rule]).filter(Boolean));
  const reasons = health.components
    .filter((c) => c.score < REASON_BELOW && !explained.has(c.name))
    .sort((a, b) => a.score - b.score)
    .slice(0, MAX_REASONS)
    .map((c) => ({ source: COMPONENT_LABELS[c.name], text: c.evidence }));
  // The renewal's weight on the score is said once, after the components.
  if (health.renewal) reasons.push({ source: "Renewal", text: health.renewal.evidence });
  return {
    score: health.score,
    band: health.band,
    previousScore,
    rules: [...rules].sort((a, b) => order(a.rule) - order(b.rule)),
    reasons,
    missing: health.missing.map((m) => COMPONENT_LABELS[m]),
    tickets,
    computedAt: computedAt.toISOString(),
  };
}

/** How bad the account's state is, 0–1: the score's distance from 100 (0.5 without a score). */
export function severityOf(score: number | null): number {
  return score === null ? 0.5 : Math.max(0, Math.min(100, 100 - score)) / 100;
}

/**
 * What is at stake: ARR × severity. Accounts without ARR still order among themselves by severity
 * (the added severity is below a dollar, so it never reorders accounts with ARR).
 */
export function stakeOf(arr: number | null, score: number | null): number {
  const severity = severityOf(score);
  return Math.max(0, arr ?? 0) * severity + severity;
}

/** Whether any of the rules asks for a message of its own (its `delivery` is realtime). */
export function wantsRealtime(rules: readonly { rule: RuleName }[], config: Pick<HealthConfig, "rules">): boolean {
  return rules.some((r) => config.rules[r.rule].delivery === "realtime");
}

/** An open account alert as a health check compares it with the rules' hits. */
export interface OpenAccountAlert {
  id: number;
  accountExternalId: string;
  delivery: "realtime" | "digest";
  channelId: string | null;
  rules: FiringRule[];
  snoozedUntil: Date | null;
}

export interface AccountAlertSync<A extends { externalId: string }> {
  /** Accounts at risk with no open alert. `realtime`: it asks for a message of its own (the cap decides). */
  toRaise: { account: A; rules: FiringRule[]; health: HealthResult; previousScore: number | null; realtime: boolean }[];
  /**
   * Open alerts whose rules changed: `worse` lists the rules new or past their last level (a thread
   * line; empty: the message is only brought up to date); `promote`: a digest alert that got worse
   * with a real-time rule asks for a message of its own.
   */
  toUpdate: {
    alertId: number;
    account: A;
    rules: FiringRule[];
    health: HealthResult;
    previousScore: number | null;
    worse: WorseLine[];
    snoozed: boolean;
    delivery: "realtime" | "digest";
    channelId: string | null;
    promote: boolean;
  }[];
  /** Open alerts whose rules fire as before. */
  holding: number[];
  /** Open alerts of accounts where no rule fires any more. */
  toClear: { alertId: number; account: A; health: HealthResult; delivery: "realtime" | "digest" }[];
}

const firing = (h: RuleHit): FiringRule => ({ rule: h.rule, reason: h.reason, severity: h.severity });

/**
 * Compares a slice's hits with its accounts' open alerts, as of `at`. An account scored for the first
 * time (a new account, or a newly imported book) goes to the digest: a first look is not news.
 */
export function syncAccountAlerts<A extends { externalId: string }>(
  scored: ScoredAccount<A>[],
  open: OpenAccountAlert[],
  config: HealthConfig,
  at: Date,
): AccountAlertSync<A> {
  const openBy = new Map(open.map((a) => [a.accountExternalId, a]));
  const out: AccountAlertSync<A> = { toRaise: [], toUpdate: [], holding: [], toClear: [] };
  for (const s of scored) {
    const existing = openBy.get(s.account.externalId);
    if (!existing) {
      if (s.hits.length === 0) continue;
      const rules = s.hits.map(firing);
      out.toRaise.push({
        account: s.account,
        rules,
        health: s.health,
        previousScore: s.previousScore,
        realtime: s.previousScore !== null && wantsRealtime(rules, config),
      });
      continue;
    }
    if (s.hits.length === 0) {
      out.toClear.push({ alertId: existing.id, account: s.account, health: s.health, delivery: existing.delivery });
      continue;
    }
    const before = new Map(existing.rules.map((r) => [r.rule, r]));
    const worse: WorseLine[] = [];
    const rules = s.hits.map((h): FiringRule => {
      const was = before.get(h.rule);
      if (!was) {
        worse.push({ rule: h.rule, reason: h.reason, isNew: true });
        return firing(h);
      }
      if (hasWorsened(h.rule, was.severity, h.severity, config)) {
        worse.push({ rule: h.rule, reason: h.reason, isNew: false });
        return firing(h);
      }
      // Still the level last told: keep that level, so slow drift adds up to "worse" in the end.
      return { rule: h.rule, reason: h.reason, severity: was.severity };
    });
    const stopped = existing.rules.some((r) => !s.hits.some((h) => h.rule === r.rule));
    if (worse.length === 0 && !stopped) {
      out.holding.push(existing.id);
      continue;
    }
    const snoozed = existing.snoozedUntil !== null && existing.snoozedUntil.getTime() > at.getTime();
    out.toUpdate.push({
      alertId: existing.id,
      account: s.account,
      rules,
      health: s.health,
      previousScore: s.previousScore,
      worse,
      snoozed,
      delivery: existing.delivery,
      channelId: existing.channelId,
      promote:
        existing.delivery === "digest" &&
        !snoozed &&
        worse.length > 0 &&
        wantsRealtime(
          worse.map((w) => ({ rule: w.rule })),
          config,
        ),
    });
  }
  return out;
}

/** Why an account's alert is cleared: no rule fires any more. */
export function accountClearedReason(health: HealthResult): string {
  const score = health.score === null ? "no score (no data)" : `score ${health.score}, ${health.band}`;
  return `no risk rule holds any more (${score})`;
}

/** A candidate for a message of its own this check. */
export interface RealtimeCandidate {
  alertId: number;
  channelId: string | null;
  stake: number;
}

/**
 * The cap on messages of their own per channel per check: the candidates with most at stake get one,
 * the rest stay in the digest. Returns the chosen ids and, per channel, how many were held back.
 */
export function chooseRealtime(candidates: RealtimeCandidate[], cap: number): { chosen: number[]; heldBack: Map<string, number> } {
  const byChannel = new Map<string, RealtimeCandidate[]>();
  for (const c of candidates) {
    if (!c.channelId) continue;
    const list = byChannel.get(c.channelId) ?? [];
    list.push(c);
    byChannel.set(c.channelId, list);
  }
  const chosen: number[] = [];
  const heldBack = new Map<string, number>();
  for (const [channel, list] of byChannel) {
    list.sort((a, b) => b.stake - a.stake || a.alertId - b.alertId);
    chosen.push(...list.slice(0, cap).map((c) => c.alertId));
    if (list.length > cap) heldBack.set(channel, list.length - cap);
  }
  return { chosen, heldBack };
}
