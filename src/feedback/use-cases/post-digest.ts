// The scheduled digest: the last N days (7 by default) against the N days before, posted once per tick
// (a run taken over after a crash finds it queued and posts nothing).
import type { Actor } from "../../shared/actor.ts";
import { lastDays } from "../rules/digest.ts";
import type { FeedbackContext } from "./context.ts";
import { readDigest } from "./read-digest.ts";

export interface DigestPosted {
  messageId: number;
  messages: number;
  items: number;
  themes: number;
}

export async function postDigest(
  ctx: Pick<FeedbackContext, "digests" | "digest" | "tx" | "clock" | "access">,
  actor: Actor,
  input: { periodDays?: number; refKey?: string } = {},
): Promise<DigestPosted> {
  const now = ctx.clock.now();
  const digest = await readDigest(ctx, actor, lastDays(now, input.periodDays ?? 7));
  const posted = await ctx.tx.transaction((tx) => ctx.digest.publish(tx, digest, { refKey: input.refKey }, now));
  return { ...posted, items: digest.totals.items, themes: digest.themes.length };
}
