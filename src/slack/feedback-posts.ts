// Turns feedback changes into Slack posts in PRODUCT_CHANNEL, written to the outbox inside the caller's
// transaction: the item's card, its updates in place, and its removal when withdrawn.
import type { Tx } from "../db/client.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { FeedbackNotifier, FeedbackView } from "../feedback/model.ts";
import { feedbackCard } from "./blocks/feedback-card.ts";

export class SlackFeedbackPosts implements FeedbackNotifier {
  constructor(
    private readonly outbox: Outbox,
    private readonly productChannel: string | undefined,
  ) {}

  async itemCaptured(tx: Tx, item: FeedbackView, now: Date): Promise<number | null> {
    if (!this.productChannel) return null;
    return this.outbox.enqueue(tx, { method: "chat.postMessage", channel: this.productChannel, payload: feedbackCard(item) }, now);
  }

  async itemChanged(tx: Tx, item: FeedbackView, now: Date): Promise<void> {
    if (!this.productChannel || !item.cardOutboxId) return;
    await this.outbox.enqueue(tx, { method: "chat.update", channel: this.productChannel, updateRefId: item.cardOutboxId, payload: feedbackCard(item) }, now);
  }

  async itemWithdrawn(tx: Tx, item: FeedbackView, now: Date): Promise<void> {
    if (!this.productChannel || !item.cardOutboxId) return;
    await this.outbox.enqueue(tx, { method: "chat.delete", channel: this.productChannel, updateRefId: item.cardOutboxId, payload: { text: "" } }, now);
  }
}
