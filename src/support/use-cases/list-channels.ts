// The support channels (`/support channels`): configured ones and those linked at run time.
import type { Actor } from "../../shared/actor.ts";
import type { SupportChannelInfo } from "../rules/channels.ts";
import type { SupportContext } from "./context.ts";

export async function listChannels(ctx: SupportContext, actor: Actor): Promise<SupportChannelInfo[]> {
  await ctx.access.require(actor, "triage");
  return ctx.store.channels.list(ctx.db);
}
