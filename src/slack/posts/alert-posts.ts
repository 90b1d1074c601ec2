// Turns churn-risk alert changes into Slack posts, written to the outbox inside the caller's transaction:
// the alert message in its channel, updates in place, and a line in its thread for every change.
import type { Tx } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import type { AlertLogLine, AlertNotifier, AlertView } from "../../success/rules/alert.ts";
import { alertLogLine, healthAlertMessage } from "../blocks/health-alert.ts";

export class SlackAlertPosts implements AlertNotifier {
  constructor(private readonly outbox: Outbox) {}

  async alertsRaised(tx: Tx, alerts: AlertView[], now: Date): Promise<Map<number, number>> {
    const posts = alerts
      .filter((a) => a.channelId)
      .map((a) => ({
        method: "chat.postMessage" as const,
        channel: a.channelId!,
        payload: healthAlertMessage(a, now),
        refKey: `alert:${a.id}`,
      }));
    const byKey = await this.outbox.enqueueMany(tx, posts, now);
    const out = new Map<number, number>();
    for (const [key, id] of byKey) out.set(Number(key.slice("alert:".length)), id);
    return out;
  }

  async alertChanged(tx: Tx, alert: AlertView, line: AlertLogLine, now: Date): Promise<void> {
    if (!alert.channelId || !alert.outboxId) return;
    await this.outbox.enqueue(
      tx,
      {
        method: "chat.update",
        channel: alert.channelId,
        updateRefId: alert.outboxId,
        payload: healthAlertMessage(alert, now),
        refKey: `alert:${alert.id}`,
      },
      now,
    );
    await this.outbox.enqueue(
      tx,
      { method: "chat.postMessage", channel: alert.channelId, threadRefId: alert.outboxId, payload: { text: alertLogLine(line) } },
      now,
    );
  }
}
