// The weekly support summary in TRIAGE_CHANNEL: the last 7 days' figures against the 7 days before.
import type { Database } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import { periodHeadlines } from "../../support/use-cases/read-headlines.ts";
import { supportStatsMessage } from "../blocks/support-stats.ts";

/** `refKey` names the tick: a run taken over after a crash finds the summary already queued and posts nothing. */
export async function postSupportSummary(
  db: Database,
  outbox: Outbox,
  channel: string,
  now: Date,
  refKey?: string,
): Promise<{ outboxId: number; tickets: number | null }> {
  const week = await periodHeadlines(db, 7, now);
  const message = supportStatsMessage({ period: "7d", days: 7, ...week });
  const [header, ...rest] = message.blocks;
  const payload = {
    text: `Weekly support summary. ${message.text}`,
    blocks: [{ ...header, text: { type: "plain_text", text: "Weekly support summary" } }, ...rest],
  };
  const outboxId = await db.client.$transaction(async (tx) => {
    const done = refKey ? await tx.outboxMessage.findFirst({ where: { refKey }, select: { id: true } }) : null;
    return done?.id ?? outbox.enqueue(tx, { method: "chat.postMessage", channel, payload, refKey }, now);
  });
  outbox.wake();
  return { outboxId, tickets: week.figures.find((f) => f.key === "tickets")?.current ?? null };
}
