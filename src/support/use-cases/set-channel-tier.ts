// A support admin sets a support channel's account tier (`/support tier <name>|none`): new tickets there
// get that tier's SLA targets.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import { personOf, type SupportContext } from "./context.ts";

/** `tier` null: no tier. Throws "access.denied" (support admins only), "support.unknown_tier" or "support.not_support_channel". */
export async function setChannelTier(ctx: SupportContext, actor: Actor, input: { channelId: string; tier: string | null }): Promise<void> {
  await ctx.access.require(actor, "support-admin");
  const { userId } = personOf(actor);
  const { channelId, tier } = input;
  const tiers = ctx.settings.sla.tiers;
  if (tier && !tiers.includes(tier)) throw new DomainError("support.unknown_tier", { tier, tiers });
  if (!(await ctx.store.channels.lookup(ctx.db, channelId))) throw new DomainError("support.not_support_channel", { channelId });
  await ctx.store.channels.setTier(ctx.db, { channelId, tier, linkedById: userId, at: ctx.clock.now() });
  ctx.log.info({ event: "support.channel_tier", channel: channelId, tier, by: userId }, "support channel tier set");
}
