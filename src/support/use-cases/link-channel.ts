// A support admin makes a channel a support channel (`/support link [account]`): customers' messages there
// become tickets, counted for the account when one is given. Linking again changes the account.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import { isAccountExternalId, type SupportChannelInfo } from "../rules/channels.ts";
import { personOf, type SupportContext, type SupportSettings } from "./context.ts";

/** What linking needs of the context (the demo tool builds just this). */
export type LinkContext = Pick<SupportContext, "access" | "store" | "db" | "clock" | "log" | "accounts"> & {
  settings: Pick<SupportSettings, "triageChannel">;
};

export interface LinkedChannel {
  /** The channel's support settings before (null: it was not a support channel). */
  previous: SupportChannelInfo | null;
  /** Whether customer success knows the account (null: no account given). */
  accountKnown: boolean | null;
}

/**
 * `isChannel`: a channel, not a direct message. Throws "access.denied" (support admins only), "support.invalid_account_id",
 * "support.triage_channel" (the triage channel cannot also be a support channel) or "support.not_a_channel".
 */
export async function linkChannel(
  ctx: LinkContext,
  actor: Actor,
  input: { channelId: string; accountExternalId: string | null; isChannel: boolean },
): Promise<LinkedChannel> {
  await ctx.access.require(actor, "support-admin");
  const { userId } = personOf(actor);
  const { channelId, accountExternalId: account } = input;
  if (account && !isAccountExternalId(account)) throw new DomainError("support.invalid_account_id", { account });
  if (channelId === ctx.settings.triageChannel) throw new DomainError("support.triage_channel", { channelId });
  if (!input.isChannel) throw new DomainError("support.not_a_channel", { channelId });
  const previous = await ctx.store.channels.lookup(ctx.db, channelId);
  await ctx.store.channels.link(ctx.db, { channelId, accountExternalId: account, linkedById: userId, at: ctx.clock.now() });
  ctx.log.info({ event: "support.channel_linked", channel: channelId, account, by: userId }, "support channel linked");
  return { previous, accountKnown: account ? await ctx.accounts.exists(account) : null };
}
