// `/feedback digest [7d|30d]`: a private preview of the voice-of-customer digest over the last 7 (the
// default) or 30 days: the first message of the digest as it would be posted, and a line saying that
// the posted digest goes on in its thread when it is longer.
import type { KnownBlock } from "@slack/types";
import { userActor } from "../../shared/actor.ts";
import { lastDays } from "../../feedback/rules/digest.ts";
import { readDigest } from "../../feedback/use-cases/read-digest.ts";
import { vocDigestMessages } from "../blocks/voc-digest.ts";
import { DIGEST_PREVIEW_TITLE, FEEDBACK_OFF, digestContinues, unknownDigestPeriod } from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";

export const DIGEST_PERIODS: Record<string, number> = { "7d": 7, "30d": 30 };

export async function digestCommand(deps: SlackDeps, userId: string, args: string): Promise<{ text: string; blocks?: unknown[] }> {
  if (!deps.feedback) return { text: FEEDBACK_OFF };
  const arg = args.trim().toLowerCase();
  const days = arg === "" ? 7 : DIGEST_PERIODS[arg];
  if (days === undefined) return { text: unknownDigestPeriod(args.trim()) };
  const digest = await readDigest(deps.feedback, userActor(userId), lastDays(deps.clock.now(), days));
  const messages = vocDigestMessages(digest, { reserveInFirst: 1, title: DIGEST_PREVIEW_TITLE });
  const first = messages[0];
  const blocks: KnownBlock[] = [...first.blocks];
  if (messages.length > 1) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: digestContinues(messages.length - 1) }] });
  deps.log.info({ event: "feedback.digest_preview", user: userId, days, messages: messages.length }, "digest previewed");
  return { text: first.text, blocks };
}
