// Turns feedback changes into Slack posts, written to the outbox inside the caller's transaction: the
// item's card in PRODUCT_CHANNEL (its outbox row kept in SlackMessageRef as the item's "card"), its
// updates in place, its removal when withdrawn, and the replies and notices of closing the loop.
import type { Tx } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import type { FeedbackNotifier, LoopNotifier } from "../../feedback/ports.ts";
import type { FeedbackItem, ThemeRef } from "../../feedback/rules/feedback.ts";
import { feedbackCard } from "../blocks/feedback-card.ts";
import { csmShippedNotice, shippedReply } from "../blocks/feedback-loop.ts";
import { messageRefs as defaultRefs, type MessageRefs } from "../store/message-refs.ts";

const CARD = ["feedback_item", "card"] as const;

export class SlackFeedbackPosts implements FeedbackNotifier, LoopNotifier {
  constructor(
    private readonly outbox: Outbox,
    private readonly productChannel: string | undefined,
    private readonly refs: MessageRefs = defaultRefs,
  ) {}

  async itemCaptured(tx: Tx, item: FeedbackItem, now: Date): Promise<void> {
    if (!this.productChannel) return;
    const id = await this.outbox.enqueue(
      tx,
      { method: "chat.postMessage", channel: this.productChannel, payload: feedbackCard(item) },
      now,
    );
    await this.refs.set(tx, CARD[0], item.id, CARD[1], id);
  }

  async itemChanged(tx: Tx, item: FeedbackItem, now: Date): Promise<void> {
    if (!this.productChannel) return;
    const card = await this.refs.get(tx, CARD[0], item.id, CARD[1]);
    if (card !== null) await this.updateCard(tx, card, item, now);
  }

  async itemsChanged(tx: Tx, items: readonly FeedbackItem[], now: Date): Promise<number> {
    if (!this.productChannel || items.length === 0) return 0;
    const cards = await this.refs.getMany(
      tx,
      CARD[0],
      items.map((i) => i.id),
      CARD[1],
    );
    let updated = 0;
    for (const item of items) {
      const card = cards.get(item.id);
      if (card === undefined) continue;
      await this.updateCard(tx, card, item, now);
      updated += 1;
    }
    return updated;
  }

  async itemWithdrawn(tx: Tx, item: FeedbackItem, now: Date): Promise<void> {
    if (!this.productChannel) return;
    const card = await this.refs.get(tx, CARD[0], item.id, CARD[1]);
    if (card === null) return;
    await this.outbox.enqueue(tx, { method: "chat.delete", channel: this.productChannel, updateRefId: card, payload: { text: "" } }, now);
  }

  async loopClosed(tx: Tx, item: FeedbackItem, theme: ThemeRef, note: string, now: Date): Promise<void> {
    if (!item.threadTs) return;
    await this.outbox.enqueue(
      tx,
      { method: "chat.postMessage", channel: item.channelId, threadTs: item.threadTs, payload: { text: shippedReply(note) } },
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

  private async updateCard(tx: Tx, card: number, item: FeedbackItem, now: Date): Promise<void> {
    await this.outbox.enqueue(
      tx,
      { method: "chat.update", channel: this.productChannel!, updateRefId: card, payload: feedbackCard(item) },
      now,
    );
  }
}
