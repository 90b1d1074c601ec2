// Turns accounts' churn-risk alerts and each health check's report into Slack posts, written to the
// outbox inside the caller's transaction: an alert's message in its channel (its outbox row kept in
// SlackMessageRef as the account alert's "message"), updates in place with a line in its thread when
// there is something to tell, each channel's risk digest with the rest of its list in its thread, and
// the check's summary.
import type { Tx } from "../../platform/db/client.ts";
import type { SqlDb } from "../../platform/db/sql.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import type { AlertNotifier } from "../../success/ports.ts";
import type { AlertLogLine, AlertView } from "../../success/rules/alert.ts";
import { churnChance } from "../../success/rules/calibration.ts";
import type { HealthConfig } from "../../success/rules/health-config.ts";
import type { CheckReport, CheckStart, RiskDigest } from "../../success/rules/risk-report.ts";
import { alertLogLine, healthAlertMessage } from "../blocks/health-alert.ts";
import { checkStartedMessage, checkSummaryMessage, riskDigestMessage, riskDigestThread } from "../blocks/risk-digest.ts";
import { messageRefs } from "../store/message-refs.ts";

const SUBJECT = "account_alert";

export class SlackAlertPosts implements AlertNotifier {
  constructor(
    private readonly outbox: Outbox,
    private readonly db: SqlDb,
    /** The health configuration whose calibration (if any) adds "about 1 in N … churned" to each alert. */
    private readonly healthConfig: HealthConfig | null = null,
  ) {}

  private message(alert: AlertView, now: Date) {
    return healthAlertMessage(alert, now, this.healthConfig && churnChance(alert.detail.score, this.healthConfig));
  }

  async alertsPosted(tx: Tx, alerts: AlertView[], now: Date): Promise<void> {
    const posts = alerts
      .filter((a) => a.channelId)
      .map((a) => ({
        method: "chat.postMessage" as const,
        channel: a.channelId!,
        payload: this.message(a, now),
        refKey: `account_alert:${a.id}`,
      }));
    if (posts.length === 0) return;
    const byKey = await this.outbox.enqueueMany(tx, posts, now);
    const byAlert = new Map<number, number>();
    for (const [key, id] of byKey) byAlert.set(Number(key.slice("account_alert:".length)), id);
    await messageRefs.addMany(tx, this.db, SUBJECT, "message", byAlert);
  }

  async alertChanged(tx: Tx, alert: AlertView, line: AlertLogLine | null, now: Date): Promise<void> {
    if (!alert.channelId) return;
    const messageId = await messageRefs.get(tx, SUBJECT, alert.id, "message");
    if (!messageId) return; // in the digest, not a message of its own: the next digest shows the change
    await this.outbox.enqueue(
      tx,
      {
        method: "chat.update",
        channel: alert.channelId,
        updateRefId: messageId,
        payload: this.message(alert, now),
        refKey: `account_alert:${alert.id}`,
      },
      now,
    );
    if (line)
      await this.outbox.enqueue(
        tx,
        { method: "chat.postMessage", channel: alert.channelId, threadRefId: messageId, payload: { text: alertLogLine(line) } },
        now,
      );
  }

  async riskDigest(tx: Tx, digest: RiskDigest, now: Date): Promise<void> {
    const id = await this.outbox.enqueue(
      tx,
      { method: "chat.postMessage", channel: digest.channelId, payload: riskDigestMessage(digest) },
      now,
    );
    for (const payload of riskDigestThread(digest))
      await this.outbox.enqueue(tx, { method: "chat.postMessage", channel: digest.channelId, threadRefId: id, payload }, now);
  }

  async checkStarted(tx: Tx, start: CheckStart, now: Date): Promise<void> {
    if (!start.to) return;
    const id = await this.outbox.enqueue(tx, { method: "chat.postMessage", channel: start.to, payload: checkStartedMessage(start) }, now);
    await messageRefs.set(tx, "health_check", start.runId, "message", id);
  }

  async checkSummary(tx: Tx, report: CheckReport, now: Date): Promise<void> {
    if (!report.to) return;
    // The summary replaces the check's start line when there is one.
    const started = await messageRefs.get(tx, "health_check", report.runId, "message");
    await this.outbox.enqueue(
      tx,
      started
        ? { method: "chat.update", channel: report.to, updateRefId: started, payload: checkSummaryMessage(report) }
        : { method: "chat.postMessage", channel: report.to, payload: checkSummaryMessage(report) },
      now,
    );
  }
}
