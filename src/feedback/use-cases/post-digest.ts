// The scheduled digest: the last N days (7 by default) against the N days before, posted once per tick
// (a run taken over after a crash finds it queued and posts nothing). A period in which nothing happened
// (no feedback, no new theme) is not posted: a log line says so instead.
import type { Actor } from "../../shared/actor.ts";
import { lastDays, nothingHappened } from "../rules/digest.ts";
import type { FeedbackContext } from "./context.ts";
import { readDigest } from "./read-digest.ts";

export interface DigestPosted {
  /** The first message's outbox id; null when nothing was posted. */
  messageId: number | null;
  messages: number;
  items: number;
  themes: number;
}

export async function postDigest(
  ctx: Pick<FeedbackContext, "digests" | "digest" | "tx" | "clock" | "access" | "log">,
  actor: Actor,
  input: { periodDays?: number; refKey?: string } = {},
): Promise<DigestPosted> {
  const now = ctx.clock.now();
  const digest = await readDigest(ctx, actor, lastDays(now, input.periodDays ?? 7));
  if (nothingHappened(digest)) {
    ctx.log.info(
      { event: "voc_digest.skipped", from: digest.from.toISOString(), to: digest.to.toISOString() },
      "voice-of-customer digest not posted: no feedback and no new theme in the period",
    );
    return { messageId: null, messages: 0, items: 0, themes: 0 };
  }
  const posted = await ctx.tx.transaction((tx) => ctx.digest.publish(tx, digest, { refKey: input.refKey }, now));
  return { ...posted, items: digest.totals.items, themes: digest.themes.length };
}
