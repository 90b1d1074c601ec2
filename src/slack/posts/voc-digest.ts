// The voice-of-customer digest in PRODUCT_CHANNEL: every message is written to the outbox in the
// caller's transaction, the first as a top-level post, the rest in its thread (posted once the first is
// sent). A refKey names the scheduler's tick: a run taken over after a crash finds the digest already
// queued and posts nothing.
import type { Tx } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import type { DigestPublisher } from "../../feedback/ports.ts";
import type { Digest } from "../../feedback/rules/digest.ts";
import { vocDigestMessages } from "../blocks/voc-digest.ts";

export class SlackDigestPosts implements DigestPublisher {
  constructor(
    private readonly outbox: Outbox,
    private readonly channel: string,
  ) {}

  async publish(tx: Tx, digest: Digest, options: { refKey?: string }, now: Date): Promise<{ messageId: number; messages: number }> {
    const [first, ...rest] = vocDigestMessages(digest);
    const refKey = options.refKey;
    const done = refKey ? await tx.outboxMessage.findFirst({ where: { refKey }, select: { id: true } }) : null;
    if (done) return { messageId: done.id, messages: rest.length + 1 };
    const id = await this.outbox.enqueue(tx, { method: "chat.postMessage", channel: this.channel, payload: { ...first }, refKey }, now);
    for (const message of rest)
      await this.outbox.enqueue(tx, { method: "chat.postMessage", channel: this.channel, threadRefId: id, payload: { ...message } }, now);
    return { messageId: id, messages: rest.length + 1 };
  }
}
