// The answers of `/support`: its help, the list of support channels, and what linking, unlinking and
// setting a tier did.
import type { SupportChannelInfo } from "../../support/rules/channels.ts";
import { escapeSlackText } from "./limits.ts";

export const SUPPORT_USAGE = [
  "*/support* commands:",
  "• `/support link [account-external-id]`: make this channel a support channel (optionally for an account)",
  "• `/support unlink`: stop treating this channel as a support channel",
  "• `/support channels`: list the support channels",
  "• `/support stats [7d|30d|90d]`: support metrics of the last 7 (default), 30 or 90 days against the period before",
  "• `/support tier <name>|none`: set this support channel's account tier (SLA targets per tier)",
  "• `/support help`: this help",
].join("\n");

export const unknownSubcommand = (sub: string): string => `I don't know \`/support ${escapeSlackText(sub)}\`.\n${SUPPORT_USAGE}`;
export const LINK_TAKES_ONE_ACCOUNT = `\`/support link\` takes at most one account external id, with no spaces.\n${SUPPORT_USAGE}`;
export const UNLINK_TAKES_NOTHING = `\`/support unlink\` takes no arguments.\n${SUPPORT_USAGE}`;
export const STATS_PERIOD_USAGE =
  "`/support stats` takes one period: `7d` (the default), `30d` or `90d`, for example `/support stats 30d`.";

const list = (names: readonly string[]) => names.map((n) => `\`${escapeSlackText(n)}\``).join(", ");

export const tierUsage = (tiers: readonly string[]): string =>
  `\`/support tier\` takes one tier name${tiers.length ? ` (${list(tiers)})` : ""}, or \`none\`.`;

export function channelList(channels: SupportChannelInfo[]): string {
  if (channels.length === 0) return "There are no support channels yet. Type `/support link` in a customer channel to add one.";
  const lines = channels.map(
    (c) =>
      `• <#${c.channelId}>${c.accountExternalId ? ` (account \`${escapeSlackText(c.accountExternalId)}\`)` : ""}${c.configured ? " — from SUPPORT_CHANNELS" : ""}`,
  );
  return `Support channels:\n${lines.join("\n")}`;
}

/** `accountKnown` false: no account with that external id has been imported yet. */
export function channelLinked(channelId: string, typed: string | null, wasLinked: boolean, accountKnown: boolean | null): string {
  const account = typed === null ? null : escapeSlackText(typed);
  const forAccount = account ? ` for account \`${account}\`` : "";
  const accountNote =
    account && accountKnown === false
      ? `\nNo account \`${account}\` has been imported yet: its tickets will count for it once the CRM data (POST /api/v1/accounts or \`npm run import -- accounts\`) has that external id.`
      : "";
  return (
    (wasLinked
      ? `<#${channelId}> was already a support channel; it is now linked${forAccount || " with no account"}.`
      : `<#${channelId}> is now a support channel${forAccount}. Customers' messages here become tickets. Make sure I'm a member (\`/invite @Customer Desk\`).`) +
    accountNote
  );
}

export const channelTierSet = (channelId: string, tier: string | null): string =>
  tier
    ? `<#${channelId}> now has tier \`${escapeSlackText(tier)}\`: new tickets here get its SLA targets.`
    : `<#${channelId}> has no tier now: new tickets get the default SLA targets.`;

export function channelUnlinked(channelId: string, removed: boolean, configured: boolean): string {
  if (configured)
    return `<#${channelId}> is listed in SUPPORT_CHANNELS, so it stays a support channel until it is removed from that setting.`;
  return removed
    ? `<#${channelId}> is no longer a support channel. Existing tickets are kept.`
    : `<#${channelId}> was not a support channel.`;
}
