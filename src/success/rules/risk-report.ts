// What a health check reports when it ends: one risk digest per channel (its open digest alerts ranked
// by what is at stake) and a summary (accounts scored, at risk by band, new and cleared, ARR at risk,
// the next check). Pure: built from the open alerts the store counts (and lists, for the
// accounts a digest names) and the check's own counts.
import type { Delivery, RuleName } from "./health-config.ts";
import type { AccountAlertDetail } from "./alert.ts";

/** An open alert as the store lists it for a digest (its channel's digest alerts to list, most at stake first). */
export interface ReportedAlert {
  id: number;
  accountExternalId: string;
  name: string;
  arr: number | null;
  channelId: string | null;
  delivery: Delivery;
  stake: number;
  snoozedUntil: Date | null;
  acknowledgedAt: Date | null;
  detail: AccountAlertDetail;
}

/** A digest lists at most this many accounts by name (the message's top and its thread); the rest are counted. */
export const DIGEST_LISTED_MAX = 315;

/** A channel's open alerts as the reports need them, counted in the store; only the alerts listed by name are read. */
export interface ReportedChannel {
  channelId: string;
  /** Open digest alerts not snoozed past the check's time: the digest's accounts. */
  listed: number;
  /** The first DIGEST_LISTED_MAX of them, most at stake first (stake, then id). */
  top: ReportedAlert[];
  /** Open alerts with a message of their own. */
  ownMessages: number;
  /** Open digest alerts snoozed past the check's time. */
  snoozed: number;
}

/** Every open alert after a check, as the digests and the summary need them. */
export interface OpenAlertsReport {
  /** The channels with open alerts (alerts without a channel are in the totals only). */
  channels: ReportedChannel[];
  /** Open alerts by their account's band when last assessed. */
  atRisk: { red: number; yellow: number; green: number; unknown: number };
  /** The ARR of the accounts with an open alert (negative ARR counts as none). */
  arrAtRisk: number;
}

export interface DigestEntry {
  alertId: number;
  accountExternalId: string;
  name: string;
  arr: number | null;
  score: number | null;
  band: string;
  /** The rule that leads (the first that fires, in the rules' order) and its reason. */
  main: { rule: RuleName; reason: string } | null;
  /** How many more rules fire. */
  moreRules: number;
  acknowledged: boolean;
}

export interface RiskDigest {
  channelId: string;
  /** The check's time: the figures are as of then. */
  at: Date;
  /** Ranked by ARR × severity: the first DIGEST_LISTED_MAX of the `listed`. */
  entries: DigestEntry[];
  /** The channel's accounts in the digest, listed by name or not. */
  listed: number;
  /** Accounts that asked for a message of their own this check but were past the cap. */
  heldBack: number;
  /** The real-time cap in force. */
  cap: number;
  /** Open alerts of the channel with a message of their own (not listed). */
  ownMessages: number;
  /** Snoozed alerts left out. */
  snoozed: number;
}

/** A check that has started: where its summary will go, and what it is about to score. */
export interface CheckStart {
  to: string | null;
  runId: number;
  trigger: "scheduled" | "manual";
  at: Date;
  accounts: number;
}

export interface CheckReport {
  /** Where the summary goes: the alerts channel, else the CSM lead (a user ID: by DM); null: nowhere. */
  to: string | null;
  runId: number;
  trigger: "scheduled" | "manual";
  status: "done" | "failed";
  at: Date;
  accountsScored: number;
  accountsUnscored: number;
  /** Open alerts after the check by the account's band. */
  atRisk: { red: number; yellow: number; green: number; unknown: number };
  raised: number;
  worse: number;
  cleared: number;
  /** The ARR of the accounts with an open alert. */
  arrAtRisk: number;
  /** Alerts posted on their own this check, and those held back by the cap. */
  posted: number;
  heldBack: number;
  nextCheckAt: Date | null;
  error?: string;
}

const entryOf = (a: ReportedAlert): DigestEntry => ({
  alertId: a.id,
  accountExternalId: a.accountExternalId,
  name: a.name,
  arr: a.arr,
  score: a.detail.score,
  band: a.detail.band,
  main: a.detail.rules[0] ? { rule: a.detail.rules[0].rule, reason: a.detail.rules[0].reason } : null,
  moreRules: Math.max(0, a.detail.rules.length - 1),
  acknowledged: a.acknowledgedAt !== null,
});

/**
 * One digest per channel that has open digest alerts (snoozed ones left out), ranked by stake. A
 * channel whose only news is a held-back count still gets one; a channel with nothing to list gets none.
 */
export function riskDigests(
  open: Pick<OpenAlertsReport, "channels">,
  heldBack: ReadonlyMap<string, number>,
  cap: number,
  at: Date,
): RiskDigest[] {
  const out: RiskDigest[] = [];
  for (const c of open.channels) {
    if (c.listed === 0) continue;
    out.push({
      channelId: c.channelId,
      at,
      entries: [...c.top]
        .sort((a, b) => b.stake - a.stake || a.id - b.id)
        .slice(0, DIGEST_LISTED_MAX)
        .map(entryOf),
      listed: c.listed,
      heldBack: heldBack.get(c.channelId) ?? 0,
      cap,
      ownMessages: c.ownMessages,
      snoozed: c.snoozed,
    });
  }
  return out.sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
}

/** The check's summary from its counts and the open alerts after it. */
export function checkReport(
  run: Omit<CheckReport, "atRisk" | "arrAtRisk">,
  open: Pick<OpenAlertsReport, "atRisk" | "arrAtRisk">,
): CheckReport {
  return { ...run, atRisk: { ...open.atRisk }, arrAtRisk: open.arrAtRisk };
}
