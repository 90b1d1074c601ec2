// The scheduled voice-of-customer digest in PRODUCT_CHANNEL: the last N days (7 by default) against the
// N days before. Every message is written to the outbox in one transaction: the first as a top-level
// post, the rest in its thread (posted once the first is sent). The scheduler runs each tick once
// across processes, so the digest is posted once.
import type { Database } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import { buildDigest, DAY_MS } from "../../feedback/store/digest.ts";
import { vocDigestMessages } from "../blocks/voc-digest.ts";

export interface VocDigestPosted {
  outboxId: number;
  messages: number;
  items: number;
  themes: number;
}

/** `refKey` names the tick: a run taken over after a crash finds the digest already queued and posts nothing. */
export async function postVocDigest(
  db: Database,
  outbox: Outbox,
  channel: string,
  now: Date,
  periodDays = 7,
  refKey?: string,
): Promise<VocDigestPosted> {
  if (!Number.isInteger(periodDays) || periodDays < 1)
    throw new RangeError(`the digest period must be a whole number of days, not ${periodDays}`);
  const digest = await buildDigest(db, { from: new Date(now.getTime() - periodDays * DAY_MS), to: now });
  const [first, ...rest] = vocDigestMessages(digest);
  const outboxId = await db.client.$transaction(async (tx) => {
    const done = refKey ? await tx.outboxMessage.findFirst({ where: { refKey }, select: { id: true } }) : null;
    if (done) return done.id;
    const id = await outbox.enqueue(tx, { method: "chat.postMessage", channel, payload: { ...first }, refKey }, now);
    for (const message of rest)
      await outbox.enqueue(tx, { method: "chat.postMessage", channel, threadRefId: id, payload: { ...message } }, now);
    return id;
  });
  outbox.wake();
  return { outboxId, messages: rest.length + 1, items: digest.totals.items, themes: digest.themes.length };
}
