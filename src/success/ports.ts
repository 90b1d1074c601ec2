// What customer success tells the outside world when accounts' churn-risk alerts change, and after each
// health check. The Slack adapter (src/slack/posts/alert-posts.ts) implements it by writing outbox rows,
// and its own record of the messages it posted, inside the caller's transaction.
import type { Tx } from "../platform/db/transactor.ts";
import type { AlertLogLine, AlertView } from "./rules/alert.ts";
import type { CheckReport, CheckStart, RiskDigest } from "./rules/risk-report.ts";

export interface AlertNotifier {
  /** Posts alerts that earned a message of their own (those with a channel), many at once. */
  alertsPosted(tx: Tx, alerts: AlertView[], now: Date): Promise<void>;
  /** Brings the alert's message (if it has one) up to date in place and, with a line, adds it in its thread. */
  alertChanged(tx: Tx, alert: AlertView, line: AlertLogLine | null, now: Date): Promise<void>;
  /** Posts a channel's daily risk digest: the top accounts in the message, the rest in its thread. */
  riskDigest(tx: Tx, digest: RiskDigest, now: Date): Promise<void>;
  /** Says a check has started where its summary will go (the summary then replaces that line). */
  checkStarted(tx: Tx, start: CheckStart, now: Date): Promise<void>;
  /** Posts a check's summary where it belongs (a channel, or a person by DM), in place of its start line. */
  checkSummary(tx: Tx, report: CheckReport, now: Date): Promise<void>;
}

/** Finds people in Slack (the Slack adapter: users.lookupByEmail, cached). */
export interface PeopleDirectory {
  /** The Slack user with this email, or null when Slack knows none (or cannot be asked now). */
  slackUserIdByEmail(email: string): Promise<string | null>;
}
