// Sends the outbox to Slack at Slack's pace: one message at a time per channel, in order, about one a
// second; honours 429 Retry-After, retries 5xx and network errors with backoff, stops on permanent
// errors and reports them. A row interrupted by a crash after sending is looked up in Slack by the
// outbox id carried in the message's metadata, so it is never posted twice. A row addressed to a person
// (a user ID as its channel: a direct message) is sent to that person's DM channel, opened with
// conversations.open and remembered, before any look-up or post: Slack's conversations.history and
// chat.update take channel IDs only. Rows are claimed, released
// and retried through the leased-work primitive (src/platform/work/leased-work.ts). What a sent post
// means to the rest of the app is not known here: `onSent` is told, inside the transaction that
// records the post as sent.
import type { WebClient } from "@slack/web-api";
import type { Database, Tx } from "../db/client.ts";
import type { OutboxMessage } from "../../generated/sqlite/client.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../observability/log.ts";
import { OUTBOX_AUTHOR_KEY, type Outbox } from "./outbox.ts";
import { classifyFailure } from "./slack-errors.ts";
import { WakeableLoop } from "../work/wakeable-loop.ts";
import type { DeskMetrics } from "../observability/metrics.ts";
import { execute, preparedRows } from "../db/sql.ts";
import { DEFAULT_JITTER, DEFAULT_MAX_DELAY_MS, LeasedWork, type RetryPolicy, retryDecision } from "../work/leased-work.ts";

export const OUTBOX_METADATA_TYPE = "customer_desk_outbox";

/** A user ID (U…, or W… on Enterprise Grid) where a channel is expected: a direct message to that person. */
export const isUserId = (channel: string) => /^[UW][A-Z0-9]{2,}$/.test(channel);

/** A post Slack accepted, as told to `onSent`. */
export interface SentPost {
  outboxId: number;
  channelId: string;
  method: string;
  /** The posted (or updated) message's ts; null when Slack gave none (a deletion). */
  postedTs: string | null;
  /** The thread it was posted in; null for a message of its own in the channel (one that can start a thread). */
  threadTs: string | null;
  /** What the post is about, as its writer named it ("alert:12"), or null. */
  refKey: string | null;
}

/** Called inside the transaction that marks a row sent, so what depends on the post commits with it. */
export type OnSent = (tx: Tx, sent: SentPost) => Promise<void>;

/**
 * The oldest unsent row of each channel, by index seeks on (status, channelId, id): the next channel with
 * rows of a status after the one before (a recursive step a channel), then that channel's first row. A
 * `GROUP BY "channelId"` read every unsent row's index entry instead, on every tick (woken after each
 * commit): 2 ms a tick with 10,000 rows waiting (a burst of new tickets, paced at a post a second a
 * channel), against microseconds for this. The last step asks for the first index entry at or after the
 * channel's (a row comparison, in the index's order): with `WHERE "status" = … AND "channelId" = …
 * ORDER BY "id"` Postgres walked the primary key from the first id instead (40 ms a channel behind 200,000
 * sent rows).
 */
const CHANNEL_HEADS_SQL = `WITH RECURSIVE heads("status", "channelId") AS (
    SELECT 'pending', (SELECT MIN("channelId") FROM "OutboxMessage" WHERE "status" = 'pending')
    UNION ALL
    SELECT 'sending', (SELECT MIN("channelId") FROM "OutboxMessage" WHERE "status" = 'sending')
    UNION ALL
    SELECT h."status", (SELECT MIN(o."channelId") FROM "OutboxMessage" o WHERE o."status" = h."status" AND o."channelId" > h."channelId")
      FROM heads h WHERE h."channelId" IS NOT NULL
  )
  SELECT h."channelId", MIN((SELECT o."id" FROM "OutboxMessage" o WHERE (o."status", o."channelId", o."id") > (h."status", h."channelId", -1)
    ORDER BY o."status", o."channelId", o."id" LIMIT 1)) AS "id"
  FROM heads h WHERE h."channelId" IS NOT NULL GROUP BY h."channelId"`;

/** The id of the oldest unsent (pending or sending) outbox row of each channel that has one. */
export async function channelHeads(db: Database): Promise<{ channelId: string; id: number }[]> {
  const rows = await preparedRows<{ channelId: string; id: number | bigint }>(db, db.client, CHANNEL_HEADS_SQL);
  return rows.map((r) => ({ channelId: r.channelId, id: Number(r.id) }));
}

export interface DispatcherOptions {
  db: Database;
  client: WebClient;
  outbox: Outbox;
  clock: Clock;
  log: Logger;
  /** Least time from the end of one call to a channel to the start of the next (Slack counts arrivals). */
  channelIntervalMs: number;
  maxAttempts: number;
  /** Identifies this process in leases. */
  owner: string;
  /** First retry delay after a 5xx or network error; doubles each attempt up to 5 minutes. */
  backoffBaseMs?: number;
  leaseMs?: number;
  concurrency?: number;
  pollMs?: number;
  metrics?: DeskMetrics;
  onSent?: OnSent;
  /**
   * The Web API arguments that show a post as written by a person (username, icon_url; Slack needs the
   * chat:write.customize scope for them), or null to post as the app. Without it, posts are the app's.
   */
  authorOf?: (userId: string) => Promise<Record<string, string> | null>;
}

/** Slack's answers to a post that names an author the app may not use: the post is sent again as the app. */
const AUTHOR_REFUSED = new Set(["missing_scope", "not_allowed_token_type", "invalid_arg_name"]);
/** After such a refusal, posts go out as the app for this long before a person's name is tried again. */
const AUTHOR_RETRY_MS = 60 * 60_000;

export interface OutboxStats {
  pending: number;
  failed: number;
  oldestPendingAt: Date | null;
  recentFailures: { id: number; method: string; channel: string; error: string | null; at: Date | null }[];
}

export class OutboxDispatcher {
  private readonly loop: WakeableLoop;
  private inFlight = new Map<string, Promise<void>>();
  private nextAllowedAt = new Map<string, number>();
  /** A person's user ID to the DM channel the app has with them (conversations.open answers the same one each time). */
  private dmChannels = new Map<string, string>();
  private unsubscribe: (() => void) | null = null;
  /** Until when posts go out as the app because Slack refused an author (scope missing). */
  private authorRefusedUntil = 0;
  private readonly work: LeasedWork<"OutboxMessage">;
  private readonly retry: RetryPolicy;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly sharedPace: boolean;

  constructor(private readonly o: DispatcherOptions) {
    this.sharedPace = o.db.provider === "postgres" && o.channelIntervalMs > 0;
    this.leaseMs = o.leaseMs ?? 60_000;
    this.work = new LeasedWork(o.db, "OutboxMessage", { owner: o.owner, leaseMs: this.leaseMs, now: () => o.clock.now() });
    this.retry = { baseMs: o.backoffBaseMs ?? 1000, maxMs: DEFAULT_MAX_DELAY_MS, maxAttempts: o.maxAttempts, jitter: DEFAULT_JITTER };
    this.concurrency = o.concurrency ?? 4;
    this.pollMs = o.pollMs ?? 250;
    this.loop = new WakeableLoop(
      async () => {
        await this.tick();
        return false;
      },
      this.pollMs,
      (error) => this.o.log.error({ err: error }, "outbox tick failed"),
      // Woken after every commit: look at most every 20 ms.
      20,
    );
  }

  start(): void {
    this.unsubscribe = this.o.outbox.onWake(() => this.wake());
    this.loop.start();
  }

  /** Stops taking rows and waits for the sends under way; unsent rows stay pending for the next start. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  wake(): void {
    this.loop.wake();
  }

  /** Resolves when nothing is pending or sending (tests and shutdown). */
  async idle(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const busy = await this.o.db.client.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } });
      if (busy === 0 && this.inFlight.size === 0) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  /**
   * Takes the channel's next posting slot in the shared ChannelPace row (Postgres, where replicas share
   * the outbox): true when this process may post now. One process: the in-memory pace is enough.
   */
  private async takeChannelSlot(channel: string): Promise<boolean> {
    if (!this.sharedPace) return true;
    const nowMs = Date.now();
    const taken = await execute(
      this.o.db,
      this.o.db.client,
      `INSERT INTO "ChannelPace" ("channelId", "nextAt") VALUES ($1, $2)
       ON CONFLICT ("channelId") DO UPDATE SET "nextAt" = excluded."nextAt" WHERE "ChannelPace"."nextAt" <= $3`,
      channel,
      new Date(nowMs + this.o.channelIntervalMs),
      new Date(nowMs),
    );
    if (taken > 0) return true;
    const pace = await this.o.db.client.channelPace.findUnique({ where: { channelId: channel }, select: { nextAt: true } });
    if (pace) this.holdOff(channel, pace.nextAt.getTime());
    return false;
  }

  /** After a 429 every process waits out the channel's Retry-After. */
  private async holdChannel(channel: string, untilMs: number): Promise<void> {
    if (!this.sharedPace) return;
    await execute(
      this.o.db,
      this.o.db.client,
      `INSERT INTO "ChannelPace" ("channelId", "nextAt") VALUES ($1, $2)
       ON CONFLICT ("channelId") DO UPDATE SET "nextAt" = excluded."nextAt" WHERE "ChannelPace"."nextAt" < excluded."nextAt"`,
      channel,
      new Date(untilMs),
    );
  }

  async stats(): Promise<OutboxStats> {
    const c = this.o.db.client;
    const [pending, failed, oldest, recent] = await Promise.all([
      c.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } }),
      c.outboxMessage.count({ where: { status: "failed" } }),
      c.outboxMessage.findFirst({ where: { status: { in: ["pending", "sending"] } }, orderBy: { id: "asc" }, select: { createdAt: true } }),
      c.outboxMessage.findMany({ where: { status: "failed" }, orderBy: { id: "desc" }, take: 5 }),
    ]);
    return {
      pending,
      failed,
      oldestPendingAt: oldest?.createdAt ?? null,
      recentFailures: recent.map((r) => ({ id: r.id, method: r.method, channel: r.channelId, error: r.lastError, at: r.sentAt })),
    };
  }

  /** Starts a send for the head row of every channel that may send now. */
  private async tick(): Promise<void> {
    const c = this.o.db.client;
    // The oldest unsent row of each channel (no payloads), then only the rows we may send.
    const heads = await channelHeads(this.o.db);
    const nowMs = Date.now();
    const candidates = heads
      .filter((h) => !this.inFlight.has(h.channelId) && (this.nextAllowedAt.get(h.channelId) ?? 0) <= nowMs)
      .map((h) => h.id)
      .slice(0, Math.max(0, this.concurrency - this.inFlight.size));
    if (candidates.length === 0) return;
    const rows = await c.outboxMessage.findMany({ where: { id: { in: candidates } }, orderBy: { id: "asc" } });
    const now = this.o.clock.now().getTime();
    for (const row of rows) {
      if (!this.loop.isRunning || this.inFlight.size >= this.concurrency) return;
      if (row.status !== "pending" && row.status !== "sending") continue;
      if (row.availableAt.getTime() > now) continue;
      if (row.status === "sending" && row.leaseUntil && row.leaseUntil.getTime() > now) continue;
      const channel = row.channelId;
      const job = this.send(row)
        .catch((error) => this.o.log.error({ err: error, outboxId: row.id }, "outbox send crashed"))
        .finally(() => {
          this.inFlight.delete(channel);
          this.wake();
        });
      this.inFlight.set(channel, job);
    }
  }

  private async send(row: OutboxMessage): Promise<void> {
    // The row may have been sent (by this process or another) since the channel's head was read.
    if (row.status !== "pending" && row.status !== "sending") return;
    const c = this.o.db.client;

    // Resolve the messages this one depends on; they were written earlier, so they are sent first.
    let threadTs = row.threadTs;
    if (!threadTs && row.threadRefId) {
      const ref = await c.outboxMessage.findUnique({ where: { id: row.threadRefId } });
      if (!ref || ref.status === "failed" || ref.status === "superseded" || ref.status === "dropped")
        return this.fail(row, "thread_parent_failed");
      if (ref.status !== "sent" || !ref.postedTs) return; // not yet: wait for it
      threadTs = ref.postedTs;
    }
    let updateTs: string | null = null;
    if (row.method === "chat.update" || row.method === "chat.delete") {
      const ref = row.updateRefId ? await c.outboxMessage.findUnique({ where: { id: row.updateRefId } }) : null;
      if (!ref || ref.status === "failed" || ref.status === "superseded" || ref.status === "dropped")
        return this.fail(row, "updated_message_failed");
      if (ref.status !== "sent" || !ref.postedTs) return;
      updateTs = ref.postedTs;
      // A newer update or a deletion of the same message makes this update pointless.
      const newer =
        row.method === "chat.delete"
          ? 0
          : await c.outboxMessage.count({
              where: {
                method: { in: ["chat.update", "chat.delete"] },
                updateRefId: row.updateRefId,
                status: "pending",
                id: { gt: row.id },
              },
            });
      if (newer > 0) {
        await c.outboxMessage.updateMany({ where: { id: row.id, status: row.status }, data: { status: "superseded" } });
        return;
      }
    }

    // With several processes the channel's pace is shared: take the channel's next slot first.
    if (!(await this.takeChannelSlot(row.channelId))) return;
    // Claim the row: only one sender may hold it (a dead sender's row once its lease ran out), and not
    // before it is due (another process may have put it back for a retry since it was read).
    // The attempt as the row counts it: `row` may be stale (another process may have tried it since it was read).
    const attempts = await this.work.claimAttempt(row.id, { from: row.status, to: "sending", due: true });
    if (attempts === null) return;
    const claimedAtMs = Date.now();
    const possiblySent = row.status === "sending" || attempts > 1;

    this.holdOff(row.channelId, Date.now() + this.o.channelIntervalMs);
    const { [OUTBOX_AUTHOR_KEY]: author, ...payload } = JSON.parse(row.payload) as Record<string, unknown>;
    try {
      // A direct message: its DM channel, so that the look-up below and later updates can find the post.
      const channel = isUserId(row.channelId) ? await this.dmChannel(row.channelId) : row.channelId;
      let postedTs: string | null = null;
      if (row.method === "chat.postMessage" && possiblySent) postedTs = await this.findPosted(row, channel, threadTs);
      if (!postedTs) {
        const args: Record<string, unknown> = row.method === "chat.delete" ? { channel } : { ...payload, channel };
        if (threadTs) args.thread_ts = threadTs;
        if (row.method === "chat.update" || row.method === "chat.delete") args.ts = updateTs;
        // Plain "@channel" or "@name" in a post stays text: only mentions the app writes as <@U…> are live.
        if (row.method !== "chat.delete") args.link_names = false;
        if (row.method === "chat.postMessage") {
          args.metadata = { event_type: OUTBOX_METADATA_TYPE, event_payload: { outbox_id: row.id } };
          args.unfurl_links = false;
          args.unfurl_media = false;
        }
        const shownAs = row.method === "chat.postMessage" && typeof author === "string" ? await this.authorArgs(author) : null;
        // A process stalled past half its lease might be overtaken by another that thinks it died:
        // give the row back instead of racing it to Slack.
        if (Date.now() - claimedAtMs > this.leaseMs / 2) {
          await this.work.release(row.id, { status: "pending" }, { ownedIn: "sending" });
          this.o.log.warn({ outboxId: row.id }, "outbox send stalled past half its lease; released for a fresh claim");
          return;
        }
        let result: { ts?: string; message_ts?: string };
        try {
          result = (await this.postAs(row, args, shownAs)) as { ts?: string; message_ts?: string };
        } finally {
          // Slack counts a channel's posts as they arrive, which is some time before the answer: the
          // next post to the channel waits a full interval from the end of this call.
          this.holdOff(row.channelId, Date.now() + this.o.channelIntervalMs);
        }
        this.o.metrics?.slackCall(row.method, "ok");
        postedTs = result.ts ?? result.message_ts ?? updateTs ?? null;
      }
      await this.markSent(row, postedTs, threadTs);
    } catch (error) {
      const failure = classifyFailure(error);
      this.o.metrics?.slackCallFailed(row.method, error, failure);
      if (row.method === "chat.delete" && failure.reason === "message_not_found") {
        // Someone deleted it already: the deletion is done.
        await this.markSent(row, updateTs, threadTs);
        return;
      }
      if (failure.kind === "rate_limited") {
        this.holdOff(row.channelId, Date.now() + failure.retryAfterMs);
        await this.holdChannel(row.channelId, Date.now() + failure.retryAfterMs);
        await this.work.release(
          row.id,
          { status: "pending", availableAt: new Date(this.o.clock.now().getTime() + failure.retryAfterMs), lastError: failure.reason },
          // Waiting out a rate limit is not a failed attempt.
          { refundAttempt: true },
        );
        this.o.log.warn(
          { outboxId: row.id, method: row.method, channel: row.channelId, retryAfterMs: failure.retryAfterMs },
          "slack rate limited a post; waiting",
        );
        return;
      }
      const next = failure.kind === "transient" ? retryDecision(attempts, this.retry, this.o.clock.now()) : null;
      if (next && !next.giveUp) {
        await this.work.release(row.id, { status: "pending", availableAt: next.availableAt, lastError: failure.reason });
        this.o.log.warn(
          { outboxId: row.id, method: row.method, channel: row.channelId, error: failure.reason, attempts },
          "post failed; will retry",
        );
      } else {
        await this.fail(row, failure.reason);
      }
    }
  }

  /** A person's name and picture for a post, or null (no look-up, Slack refused them lately, or the look-up failed). */
  private async authorArgs(userId: string): Promise<Record<string, string> | null> {
    if (!this.o.authorOf || Date.now() < this.authorRefusedUntil) return null;
    try {
      return await this.o.authorOf(userId);
    } catch (error) {
      this.o.log.debug({ err: error, user: userId }, "no author for a post; posting as the app");
      return null;
    }
  }

  /**
   * Sends the call, with the author's name and picture when given. When Slack refuses them (the app lacks
   * chat:write.customize), the same post is sent at once as the app: the message is never lost for it.
   */
  private async postAs(row: OutboxMessage, args: Record<string, unknown>, shownAs: Record<string, string> | null): Promise<unknown> {
    if (!shownAs) return this.o.client.apiCall(row.method, args);
    try {
      return await this.o.client.apiCall(row.method, { ...args, ...shownAs });
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind !== "permanent" || !AUTHOR_REFUSED.has(failure.reason)) throw error;
      this.authorRefusedUntil = Date.now() + AUTHOR_RETRY_MS;
      this.o.log.warn(
        { outboxId: row.id, error: failure.reason },
        "Slack refused to show the agent's name on a post (add the chat:write.customize scope); posting as the app",
      );
      return this.o.client.apiCall(row.method, args);
    }
  }

  /** No post to the channel from this process before `untilMs` (never brings an existing hold forward). */
  private holdOff(channel: string, untilMs: number): void {
    this.nextAllowedAt.set(channel, Math.max(this.nextAllowedAt.get(channel) ?? 0, untilMs));
  }

  private async markSent(row: OutboxMessage, postedTs: string | null, threadTs: string | null): Promise<void> {
    const sentAt = this.o.clock.now();
    const sent = { status: "sent", postedTs, sentAt, leaseOwner: null, lastError: null };
    const onSent = this.o.onSent;
    if (!onSent) {
      await this.work.release(row.id, sent);
      return;
    }
    await this.o.db.client.$transaction(async (tx) => {
      await this.work.release(row.id, sent, {}, tx);
      await onSent(tx, { outboxId: row.id, channelId: row.channelId, method: row.method, postedTs, threadTs, refKey: row.refKey });
    });
  }

  private async fail(row: OutboxMessage, reason: string): Promise<void> {
    await this.work.release(row.id, { status: "failed", lastError: reason, sentAt: this.o.clock.now() });
    this.o.log.error(
      { outboxId: row.id, method: row.method, channel: row.channelId, error: reason },
      `could not post to Slack (${reason}); the message is kept as failed`,
    );
  }

  /** The DM channel with a person (conversations.open, once per person and process). */
  private async dmChannel(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    const opened = (await this.o.client.conversations.open({ users: userId })) as { channel?: { id?: string } };
    this.o.metrics?.slackCall("conversations.open", "ok");
    const id = opened.channel?.id;
    if (!id) throw new Error(`conversations.open gave no channel for ${userId}`);
    this.dmChannels.set(userId, id);
    return id;
  }

  /** Looks in Slack (in `channel`, the row's own or its DM channel) for a message this row already posted before a crash; returns its ts. */
  private async findPosted(row: OutboxMessage, channel: string, threadTs: string | null): Promise<string | null> {
    type Listed = {
      messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: { outbox_id?: unknown } } }[];
      response_metadata?: { next_cursor?: string };
    };
    // The earlier attempt posted after it claimed the row: look from then on, page by page.
    const claimedAt = row.leaseUntil ? row.leaseUntil.getTime() - this.leaseMs : row.createdAt.getTime();
    const oldest = String(Math.floor(Math.max(row.createdAt.getTime(), claimedAt) / 1000) - 10);
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const listed = (
        threadTs
          ? await this.o.client.conversations.replies({
              channel,
              ts: threadTs,
              include_all_metadata: true,
              limit: 200,
              ...(cursor ? { cursor } : {}),
            })
          : await this.o.client.conversations.history({
              channel,
              oldest,
              include_all_metadata: true,
              limit: 200,
              ...(cursor ? { cursor } : {}),
            })
      ) as Listed;
      const found = listed.messages?.find(
        (m) => m.metadata?.event_type === OUTBOX_METADATA_TYPE && Number(m.metadata.event_payload?.outbox_id) === row.id,
      );
      if (found?.ts) {
        this.o.log.info({ outboxId: row.id, ts: found.ts }, "post found in Slack after an interrupted send; not posting again");
        return found.ts;
      }
      cursor = listed.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return null;
  }
}
