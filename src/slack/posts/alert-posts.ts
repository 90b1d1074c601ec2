// Turns churn-risk alert changes into Slack posts, written to the outbox inside the caller's transaction:
// the alert message in its channel (its outbox row kept in SlackMessageRef as the alert's "message"),
// updates in place, and a line in its thread for every change.
import type { Provider, Tx } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import type { AlertNotifier } from "../../success/ports.ts";
import type { AlertLogLine, AlertView } from "../../success/rules/alert.ts";
import { alertLogLine, healthAlertMessage } from "../blocks/health-alert.ts";
import { messageRefs } from "../store/message-refs.ts";

export class SlackAlertPosts implements AlertNotifier {
  constructor(
    private readonly outbox: Outbox,
    private readonly provider: Provider,
  ) {}

  async alertsRaised(tx: Tx, alerts: AlertView[], now: Date): Promise<void> {
    const posts = alerts
      .filter((a) => a.channelId)
      .map((a) => ({
        method: "chat.postMessage" as const,
        channel: a.channelId!,
        payload: healthAlertMessage(a, now),
        refKey: `alert:${a.id}`,
      }));
    if (posts.length === 0) return;
    const byKey = await this.outbox.enqueueMany(tx, posts, now);
    const byAlert = new Map<number, number>();
    for (const [key, id] of byKey) byAlert.set(Number(key.slice("alert:".length)), id);
    await messageRefs.addMany(tx, this.provider, "alert", "message", byAlert);
  }

  async alertChanged(tx: Tx, alert: AlertView, line: AlertLogLine, now: Date): Promise<void> {
    if (!alert.channelId) return;
    const messageId = await messageRefs.get(tx, "alert", alert.id, "message");
    if (!messageId) return;
    await this.outbox.enqueue(
      tx,
      {
        method: "chat.update",
        channel: alert.channelId,
        updateRefId: messageId,
        payload: healthAlertMessage(alert, now),
        refKey: `alert:${alert.id}`,
      },
      now,
    );
    await this.outbox.enqueue(
      tx,
      { method: "chat.postMessage", channel: alert.channelId, threadRefId: messageId, payload: { text: alertLogLine(line) } },
      now,
    );
  }
}
