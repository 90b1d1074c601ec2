// What the voice-of-the-customer context tells the outside world, inside the caller's transaction (the
// Slack adapter implements these in src/slack/posts/, writing outbox rows and its own message refs).
import type { Tx } from "../platform/db/transactor.ts";
import type { FeedbackItem, ThemeRef } from "./rules/feedback.ts";
import type { Digest } from "./rules/digest.ts";

export interface FeedbackNotifier {
  /** A new (or returning) item: post its card to the product channel. */
  itemCaptured(tx: Tx, item: FeedbackItem, now: Date): Promise<void>;
  /** The item changed (a tagger, themes, kind): update its card in place. */
  itemChanged(tx: Tx, item: FeedbackItem, now: Date): Promise<void>;
  /** Many items changed at once (a theme renamed or merged): update their cards; returns how many cards were updated. */
  itemsChanged(tx: Tx, items: readonly FeedbackItem[], now: Date): Promise<number>;
  /** The item was withdrawn: remove its card. */
  itemWithdrawn(tx: Tx, item: FeedbackItem, now: Date): Promise<void>;
}

export interface LoopNotifier {
  /** One reply in the item's source thread. */
  loopClosed(tx: Tx, item: FeedbackItem, theme: ThemeRef, note: string, now: Date): Promise<void>;
  /** A message to a CSM listing their accounts that asked for the shipped theme. */
  csmNotice(tx: Tx, csmId: string, theme: ThemeRef, accounts: { name: string; items: number }[], note: string, now: Date): Promise<void>;
}

export interface DigestPublisher {
  /**
   * Posts the digest (once per `refKey`: a run taken over after a crash finds it queued and posts
   * nothing); returns the first message's id and how many messages it takes.
   */
  publish(tx: Tx, digest: Digest, options: { refKey?: string }, now: Date): Promise<{ messageId: number; messages: number }>;
}
