// A support admin stops treating a channel as a support channel (`/support unlink`). Existing tickets stay.
import type { Actor } from "../../shared/actor.ts";
import { personOf, type SupportContext } from "./context.ts";

/** `removed`: it was linked; `configured`: it stays a support channel through SUPPORT_CHANNELS. Throws "access.denied" (support admins only). */
export async function unlinkChannel(
  ctx: SupportContext,
  actor: Actor,
  input: { channelId: string },
): Promise<{ removed: boolean; configured: boolean }> {
  await ctx.access.require(actor, "support-admin");
  const { userId } = personOf(actor);
  const removed = await ctx.store.channels.unlink(ctx.db, input.channelId);
  if (removed) ctx.log.info({ event: "support.channel_unlinked", channel: input.channelId, by: userId }, "support channel unlinked");
  return { removed, configured: ctx.store.channels.isConfigured(input.channelId) };
}
