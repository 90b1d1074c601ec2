// A support admin stops treating a channel as a support channel (`/support unlink`). Existing tickets stay.
import type { Actor } from "../../shared/actor.ts";
import type { SupportContext } from "./context.ts";
import { requireChannelManager } from "./link-channel.ts";

/** `removed`: it was linked; `configured`: it stays a support channel through SUPPORT_CHANNELS. Throws "support.not_admin". */
export async function unlinkChannel(
  ctx: SupportContext,
  actor: Actor,
  input: { channelId: string },
): Promise<{ removed: boolean; configured: boolean }> {
  const userId = requireChannelManager(ctx, actor, "unlink");
  const removed = await ctx.store.channels.unlink(ctx.db, input.channelId);
  if (removed) ctx.log.info({ event: "support.channel_unlinked", channel: input.channelId, by: userId }, "support channel unlinked");
  return { removed, configured: ctx.store.channels.isConfigured(input.channelId) };
}
