// Whether a channel is a support channel, with its account and tier (null: it is not one).
import type { Actor } from "../../shared/actor.ts";
import type { SupportChannelInfo } from "../rules/channels.ts";
import type { SupportContext } from "./context.ts";

export function readSupportChannel(ctx: SupportContext, _actor: Actor, input: { channelId: string }): Promise<SupportChannelInfo | null> {
  return ctx.store.channels.lookup(ctx.db, input.channelId);
}
