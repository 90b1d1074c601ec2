// What customer success tells the outside world when churn-risk alerts change. The Slack adapter
// (src/slack/posts/alert-posts.ts) implements it by writing outbox rows, and its own record of the
// messages it posted, inside the caller's transaction.
import type { Tx } from "../platform/db/transactor.ts";
import type { AlertLogLine, AlertView } from "./rules/alert.ts";

export interface AlertNotifier {
  /** Posts new alerts (those with a channel), many at once. */
  alertsRaised(tx: Tx, alerts: AlertView[], now: Date): Promise<void>;
  /** Updates the alert's message in place and adds a line in its thread. */
  alertChanged(tx: Tx, alert: AlertView, line: AlertLogLine, now: Date): Promise<void>;
}

/** Finds people in Slack (the Slack adapter: users.lookupByEmail, cached). */
export interface PeopleDirectory {
  /** The Slack user with this email, or null when Slack knows none (or cannot be asked now). */
  slackUserIdByEmail(email: string): Promise<string | null>;
}
