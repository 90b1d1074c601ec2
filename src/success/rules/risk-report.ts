// What a health check reports when it ends: one risk digest per channel (its open digest alerts ranked
// by what is at stake) and a summary (accounts scored, at risk by band, new and cleared, ARR at risk,
// the next check). Pure: built from the open alerts the store lists and the check's own counts.
import type { Delivery, RuleName } from "./health-config.ts";
import type { AccountAlertDetail } from "./alert.ts";

/** An open alert as the store lists it for the reports. */
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
  /** Ranked by ARR × severity. */
  entries: DigestEntry[];
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
export function riskDigests(alerts: ReportedAlert[], heldBack: ReadonlyMap<string, number>, cap: number, at: Date): RiskDigest[] {
  const byChannel = new Map<string, ReportedAlert[]>();
  for (const a of alerts) {
    if (!a.channelId) continue;
    const list = byChannel.get(a.channelId) ?? [];
    list.push(a);
    byChannel.set(a.channelId, list);
  }
  const out: RiskDigest[] = [];
  for (const [channelId, list] of byChannel) {
    const snoozed = list.filter((a) => a.delivery === "digest" && a.snoozedUntil !== null && a.snoozedUntil.getTime() > at.getTime());
    const listed = list
      .filter((a) => a.delivery === "digest" && !snoozed.includes(a))
      .sort((a, b) => b.stake - a.stake || a.id - b.id)
      .map(entryOf);
    if (listed.length === 0) continue;
    out.push({
      channelId,
      at,
      entries: listed,
      heldBack: heldBack.get(channelId) ?? 0,
      cap,
      ownMessages: list.filter((a) => a.delivery === "realtime").length,
      snoozed: snoozed.length,
    });
  }
  return out.sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
}

/** The check's summary from its counts and the open alerts after it. */
export function checkReport(run: Omit<CheckReport, "atRisk" | "arrAtRisk">, open: Pick<ReportedAlert, "arr" | "detail">[]): CheckReport {
  const atRisk = { red: 0, yellow: 0, green: 0, unknown: 0 };
  let arrAtRisk = 0;
  for (const a of open) {
    atRisk[a.detail.band] += 1;
    arrAtRisk += Math.max(0, a.arr ?? 0);
  }
  return { ...run, atRisk, arrAtRisk };
}
