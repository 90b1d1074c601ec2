// `/feedback digest [7d|30d]`: a private preview of the voice-of-customer digest over the last 7 (the
// default) or 30 days: the first message of the digest as it would be posted, and a line saying that
// the posted digest goes on in its thread when it is longer.
import type { KnownBlock } from "@slack/types";
import { buildDigest, DAY_MS } from "../../feedback/store/digest.ts";
import { vocDigestMessages } from "../blocks/voc-digest.ts";
import type { SlackDeps } from "../deps.ts";

export const DIGEST_PERIODS: Record<string, number> = { "7d": 7, "30d": 30 };
export const DIGEST_USAGE =
  "Usage: `/feedback digest [7d|30d]` previews the voice-of-customer digest of the last 7 days (the default) or 30 days.";
export const CONTINUES = "…continues in the posted digest";

export async function digestCommand(deps: SlackDeps, userId: string, args: string): Promise<{ text: string; blocks?: unknown[] }> {
  const arg = args.trim().toLowerCase();
  const days = arg === "" ? 7 : DIGEST_PERIODS[arg];
  if (days === undefined) return { text: `\`${args.trim().slice(0, 40)}\` is not a period I know. ${DIGEST_USAGE}` };
  const now = deps.clock.now();
  const digest = await buildDigest(deps.db, { from: new Date(now.getTime() - days * DAY_MS), to: now });
  const messages = vocDigestMessages(digest, { reserveInFirst: 1, title: "Voice of the customer (preview)" });
  const first = messages[0];
  const blocks: KnownBlock[] = [...first.blocks];
  if (messages.length > 1)
    blocks.push({
      type: "context",
      elements: [
        { type: "mrkdwn", text: `_${CONTINUES} (${messages.length - 1} more message${messages.length === 2 ? "" : "s"} in its thread)._` },
      ],
    });
  deps.log.info({ event: "feedback.digest_preview", user: userId, days, messages: messages.length }, "digest previewed");
  return { text: first.text, blocks };
}
