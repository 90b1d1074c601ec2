// The outbox: everything the app posts to Slack is written here, in the same transaction as the change
// that causes it, and sent later by the dispatcher at Slack's pace.
import type { Tx } from "../db/client.ts";
import { preparedRows, queryRows, valuesList, type SqlDb } from "../db/sql.ts";

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
  /** What the post is about ("alert:12"); batch writers find their rows by it. */
  refKey?: string | null;
  /**
   * chat.postMessage on behalf of a person (their user ID): the dispatcher posts with their name and
   * picture when it can (DispatcherOptions.authorOf), else as the app.
   */
  author?: string | null;
}

/** The payload key that carries a post's author to the dispatcher (never sent to Slack). */
export const OUTBOX_AUTHOR_KEY = "__author";

export class Outbox {
  private listeners = new Set<() => void>();

  constructor(private readonly db: SqlDb) {}

  /**
   * Adds a post to the outbox inside the caller's transaction; returns its id. Prepared SQL
   * (src/platform/db/sql.ts).
   */
  async enqueue(tx: Tx, post: OutboxPost, now: Date): Promise<number> {
    const [id] = await this.enqueueAll(tx, [post], now);
    return id;
  }

  /**
   * Adds a few posts in one statement inside the caller's transaction; returns their ids, in the order
   * of `posts` (ascending, as separate enqueues in that order would give them). Prepared SQL: a new
   * ticket adds its acknowledgement and its card this way.
   */
  async enqueueAll(tx: Tx, posts: readonly OutboxPost[], now: Date): Promise<number[]> {
    if (posts.length === 0) return [];
    const args: unknown[] = [now];
    const rows: string[] = [];
    for (const post of posts) {
      const at = args.length;
      args.push(
        post.method,
        post.channel,
        post.threadTs ?? null,
        post.threadRefId ?? null,
        post.updateRefId ?? null,
        JSON.stringify(post.author ? { ...post.payload, [OUTBOX_AUTHOR_KEY]: post.author } : post.payload),
        post.refKey ?? null,
      );
      rows.push(`($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $1, $1, $${at + 7})`);
    }
    const returned = await preparedRows<{ id: number }>(
      this.db,
      tx,
      `INSERT INTO "OutboxMessage" ("method", "channelId", "threadTs", "threadRefId", "updateRefId", "payload", "availableAt", "createdAt", "refKey")
       VALUES ${rows.join(", ")} RETURNING "id"`,
      ...args,
    );
    // The rows take their ids in the order of the VALUES list; RETURNING's order is not promised.
    const ids = returned.map((r) => Number(r.id)).sort((a, b) => a - b);
    if (ids.length !== posts.length) throw new Error(`outbox: ${posts.length} posts added, ${ids.length} ids returned`);
    return ids;
  }

  /**
   * Adds many top-level posts (no thread or update references) in multi-row statements; each needs a
   * distinct refKey, by which the new ids are returned.
   */
  async enqueueMany(tx: Tx, posts: (OutboxPost & { refKey: string })[], now: Date): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const CHUNK = 300;
    for (let i = 0; i < posts.length; i += CHUNK) {
      const part = posts.slice(i, i + CHUNK);
      const args: unknown[] = [];
      for (const p of part) args.push(p.method, p.channel, p.threadTs ?? null, JSON.stringify(p.payload), now, now, p.refKey);
      const rows = await queryRows<{ id: number | bigint; refKey: string }>(
        this.db,
        tx,
        `INSERT INTO "OutboxMessage" ("method", "channelId", "threadTs", "payload", "availableAt", "createdAt", "refKey")
         VALUES ${valuesList(part.length, 7)} RETURNING "id", "refKey"`,
        ...args,
      );
      for (const r of rows) ids.set(r.refKey, Number(r.id));
    }
    return ids;
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
