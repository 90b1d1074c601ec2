// The outbox: everything the app posts to Slack is written here, in the same transaction as the change
// that causes it, and sent later by the dispatcher at Slack's pace.
import type { Tx } from "../db/client.ts";

export type OutboxMethod = "chat.postMessage" | "chat.update" | "chat.delete" | "chat.postEphemeral";

export interface OutboxPost {
  method: OutboxMethod;
  channel: string;
  /** Thread to post in when it is known now... */
  threadTs?: string | null;
  /** ...or the outbox message whose ts becomes the thread once it is sent. */
  threadRefId?: number | null;
  /** For chat.update and chat.delete: the outbox message to update or delete. */
  updateRefId?: number | null;
  /** Web API arguments other than channel, ts and thread_ts (text, blocks, user for ephemerals). */
  payload: { text: string; blocks?: unknown[]; user?: string; [key: string]: unknown };
  /** Once sent, the posted message is a thread of this ticket in this role. */
  ticketId?: number | null;
  linkRole?: "customer" | "card" | null;
}

export class Outbox {
  private listeners = new Set<() => void>();

  /** Adds a post to the outbox inside the caller's transaction; returns its id. */
  async enqueue(tx: Tx, post: OutboxPost, now: Date): Promise<number> {
    const row = await tx.outboxMessage.create({
      data: {
        method: post.method,
        channelId: post.channel,
        threadTs: post.threadTs ?? null,
        threadRefId: post.threadRefId ?? null,
        updateRefId: post.updateRefId ?? null,
        payload: JSON.stringify(post.payload),
        availableAt: now,
        createdAt: now,
        ticketId: post.ticketId ?? null,
        linkRole: post.linkRole ?? null,
      },
      select: { id: true },
    });
    return row.id;
  }

  /** Tells the dispatcher there is new work (call after the transaction commits). */
  wake(): void {
    for (const listener of this.listeners) listener();
  }

  onWake(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
