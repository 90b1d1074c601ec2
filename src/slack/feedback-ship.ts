// Shipping a theme from Slack: before the theme is marked shipped, each source message is read to learn
// whether its thread can still be answered (a message deleted or unreadable is skipped).
import type { SlackDeps } from "./deps.ts";
import type { SourceToAnswer } from "../feedback/use-cases/ship-theme.ts";
import { fetchMessage } from "./events/reaction.ts";

/** Whether the item's source message can still be read, so its thread can be answered. */
export function sourceReadable(deps: SlackDeps): (source: SourceToAnswer) => Promise<boolean> {
  return async (source) => {
    try {
      return Boolean(await fetchMessage(deps, source.channelId, source.messageTs));
    } catch (error) {
      deps.log.debug({ err: error, item: source.id }, "source message cannot be read; its thread is not answered");
      return false;
    }
  };
}
