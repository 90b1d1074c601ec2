// The weekly support summary in TRIAGE_CHANNEL, written to the outbox inside the caller's transaction.
import type { Tx } from "../../platform/db/client.ts";
import type { Outbox } from "../../platform/outbox/outbox.ts";
import type { SummaryNotifier, SupportStats } from "../../support/ports.ts";
import { weeklySummaryMessage } from "../blocks/support-stats.ts";
import { SUPPORT_SUMMARY_REF } from "../charts/post.ts";

export class SlackSupportSummary implements SummaryNotifier {
  constructor(
    private readonly outbox: Outbox,
    /** TRIAGE_CHANNEL; without it no summary is posted. */
    private readonly channel: string | undefined,
  ) {}

  /** The run key is the post's refKey: a run taken over after a crash finds the summary already queued and posts nothing. */
  async weeklySummary(tx: Tx, stats: SupportStats, runKey: string | null, now: Date): Promise<void> {
    if (!this.channel) return;
    const done = runKey ? await tx.outboxMessage.findFirst({ where: { refKey: runKey }, select: { id: true } }) : null;
    if (done) return;
    await this.outbox.enqueue(
      tx,
      {
        method: "chat.postMessage",
        channel: this.channel,
        payload: weeklySummaryMessage(stats),
        // The refKey also tells the outbox's onSent hook that this post is the summary (its chart goes in its thread).
        refKey: runKey ?? `${SUPPORT_SUMMARY_REF}manual:${now.toISOString()}`,
      },
      now,
    );
  }
}
