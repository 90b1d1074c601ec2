// Once a ticket's post is in Slack, its thread belongs to the ticket: the acknowledgement that starts the
// customer's thread (a /ticket without a customer message to answer under) links as "customer", the
// triage card as "card". Called by the outbox dispatcher inside the transaction that records the post as
// sent (its `onSent` hook), so the link and the sent state commit together.
import type { Provider, Tx } from "../../platform/db/client.ts";
import type { SentPost } from "../../platform/outbox/dispatcher.ts";
import { execute } from "../../platform/db/sql.ts";

/**
 * The hook for the dispatcher's `onSent`. The post is recognised by its message ref (SlackMessageRef:
 * the ticket's "ack" or "card"). One statement, only for a message of its own in a channel (a reply cannot start a thread);
 * a second for a ticket's post: the post that starts a /ticket's thread is its request, so its link becomes the
 * ticket's permalink (the card links to it from its next update, the card sweep's at the latest).
 */
export function linkTicketThreads(
  provider: Provider,
  permalink: (channelId: string, ts: string) => string | null = () => null,
): (tx: Tx, sent: SentPost) => Promise<void> {
  return async (tx, sent) => {
    if (sent.method !== "chat.postMessage" || sent.threadTs !== null || !sent.postedTs) return;
    const linked = await execute(
      { provider },
      tx,
      `INSERT INTO "ThreadLink" ("channelId", "threadTs", "ticketId", "role")
       SELECT $2, $3, r."subjectId", CASE r."role" WHEN 'ack' THEN 'customer' ELSE 'card' END
       FROM "SlackMessageRef" r
       WHERE r."outboxId" = $1 AND r."subject" = 'ticket' AND r."role" IN ('ack', 'card')
       ON CONFLICT DO NOTHING`,
      sent.outboxId,
      sent.channelId,
      sent.postedTs,
    );
    const link = linked > 0 ? permalink(sent.channelId, sent.postedTs) : null;
    if (!link) return;
    await execute(
      { provider },
      tx,
      `UPDATE "Ticket" SET "permalink" = $1
       WHERE "permalink" IS NULL AND "id" IN (
         SELECT r."subjectId" FROM "SlackMessageRef" r WHERE r."outboxId" = $2 AND r."subject" = 'ticket' AND r."role" = 'ack')`,
      link,
      sent.outboxId,
    );
  };
}
