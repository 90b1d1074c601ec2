// Turns feedback changes into Slack posts in PRODUCT_CHANNEL, written to the outbox inside the caller's
// transaction: the item's card, its updates in place, and its removal when withdrawn.
import type { Tx } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import type { FeedbackNotifier, FeedbackView, ThemeRef } from "../../feedback/rules/feedback.ts";
import type { LoopNotifier } from "../../feedback/use-cases/ship-theme.ts";
import { feedbackCard } from "../blocks/feedback-card.ts";
import { csmShippedNotice, shippedReply } from "../blocks/feedback-loop.ts";

export class SlackFeedbackPosts implements FeedbackNotifier, LoopNotifier {
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
    await this.outbox.enqueue(
      tx,
      { method: "chat.update", channel: this.productChannel, updateRefId: item.cardOutboxId, payload: feedbackCard(item) },
      now,
    );
  }

  async itemWithdrawn(tx: Tx, item: FeedbackView, now: Date): Promise<void> {
    if (!this.productChannel || !item.cardOutboxId) return;
    await this.outbox.enqueue(
      tx,
      { method: "chat.delete", channel: this.productChannel, updateRefId: item.cardOutboxId, payload: { text: "" } },
      now,
    );
  }

  async loopClosed(tx: Tx, item: FeedbackView, theme: ThemeRef, note: string, now: Date): Promise<void> {
    if (!item.threadTs) return;
    await this.outbox.enqueue(
      tx,
      { method: "chat.postMessage", channel: item.channelId, threadTs: item.threadTs, payload: { text: shippedReply(theme, note) } },
      now,
    );
  }

  async csmNotice(
    tx: Tx,
    csmId: string,
    theme: ThemeRef,
    accounts: { name: string; items: number }[],
    note: string,
    now: Date,
  ): Promise<void> {
    // Posting to a user ID lands in the app's direct messages with that person.
    await this.outbox.enqueue(tx, { method: "chat.postMessage", channel: csmId, payload: csmShippedNotice(theme, accounts, note) }, now);
  }
}
