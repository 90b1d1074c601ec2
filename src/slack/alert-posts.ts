// Turns churn-risk alert changes into Slack posts, written to the outbox inside the caller's transaction:
// the alert message in its channel, updates in place, and a line in its thread for every change.
import type { Tx } from "../db/client.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { AlertLogLine, AlertNotifier, AlertView } from "../success/alert-model.ts";
import { alertLogLine, healthAlertMessage } from "./blocks/health-alert.ts";

export class SlackAlertPosts implements AlertNotifier {
  constructor(private readonly outbox: Outbox) {}

  async alertRaised(tx: Tx, alert: AlertView, now: Date): Promise<number | null> {
    if (!alert.channelId) return null;
    return this.outbox.enqueue(tx, { method: "chat.postMessage", channel: alert.channelId, payload: healthAlertMessage(alert, now) }, now);
  }

  async alertChanged(tx: Tx, alert: AlertView, line: AlertLogLine, now: Date): Promise<void> {
    if (!alert.channelId || !alert.outboxId) return;
    await this.outbox.enqueue(tx, { method: "chat.update", channel: alert.channelId, updateRefId: alert.outboxId, payload: healthAlertMessage(alert, now) }, now);
    await this.outbox.enqueue(tx, { method: "chat.postMessage", channel: alert.channelId, threadRefId: alert.outboxId, payload: { text: alertLogLine(line) } }, now);
  }
}
