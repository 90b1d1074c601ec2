// After acknowledging a manual ticket, checks that the app can post in the channel, so the person who
// asked learns at once why no acknowledgement appears there.
import type { SlackDeps } from "./deps.ts";

export async function appIsInChannel(deps: SlackDeps, channel: string): Promise<boolean | null> {
  try {
    const r = (await deps.client.conversations.info({ channel })) as { channel?: { is_member?: boolean; is_im?: boolean } };
    return r.channel?.is_im ? true : r.channel?.is_member === true;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === "channel_not_found") return false;
    deps.log.debug({ err: error, channel }, "conversations.info failed");
    return null;
  }
}
