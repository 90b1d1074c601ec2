// What a churn-risk alert carries and what the outside world is told when one changes. The Slack
// adapter implements AlertNotifier by writing outbox rows inside the caller's transaction.
import type { Tx } from "../../platform/db/client.ts";
import type { Band, RuleName } from "./health-config.ts";

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
}

export interface AlertAccount {
  externalId: string;
  name: string;
  arr: number | null;
  renewalDate: string | null;
  csmSlackUserId: string | null;
}

export interface AlertView {
  id: number;
  rule: RuleName;
  status: "open" | "cleared";
  raisedAt: Date;
  clearedAt: Date | null;
  channelId: string | null;
  ownerId: string | null;
  outboxId: number | null;
  acknowledgedAt: Date | null;
  acknowledgedById: string | null;
  snoozedUntil: Date | null;
  escalatedAt: Date | null;
  detail: AlertDetail;
  account: AlertAccount;
}

export type AlertLogLine =
  | { kind: "worsened"; reason: string; score: number | null }
  | { kind: "cleared"; reason: string }
  | { kind: "acknowledged"; actorId: string }
  | { kind: "snoozed"; actorId: string; until: Date; days: number }
  | { kind: "reassigned"; actorId: string; from: string | null; to: string }
  | { kind: "note"; actorId: string; text: string }
  | { kind: "escalated"; leadUserId: string; hours: number };

export interface AlertNotifier {
  /** Posts new alerts; returns the outbox id of each alert's message by alert id (none for an alert without a channel). */
  alertsRaised(tx: Tx, alerts: AlertView[], now: Date): Promise<Map<number, number>>;
  /** Updates the alert's message in place and adds a line in its thread. */
  alertChanged(tx: Tx, alert: AlertView, line: AlertLogLine, now: Date): Promise<void>;
}
