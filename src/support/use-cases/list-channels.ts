// The support channels (`/support channels`): configured ones and those linked at run time.
import type { Actor } from "../../shared/actor.ts";
import type { SupportChannelInfo } from "../rules/channels.ts";
import type { SupportContext } from "./context.ts";

export function listChannels(ctx: SupportContext, _actor: Actor): Promise<SupportChannelInfo[]> {
  return ctx.store.channels.list(ctx.db);
}
