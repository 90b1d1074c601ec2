// Support channels: the channels whose customers' messages become tickets (configured in SUPPORT_CHANNELS,
// or linked at run time with an optional account and tier), and who may change them.

export interface SupportChannelInfo {
  channelId: string;
  /** Listed in SUPPORT_CHANNELS (it stays a support channel until removed from that setting). */
  configured: boolean;
  accountExternalId: string | null;
  tier: string | null;
}

const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/;

/** An account's external id as a channel may be linked to it: letters, digits and . _ : @ / -, up to 100 characters. */
export const isAccountExternalId = (value: string): boolean => ACCOUNT_ID.test(value);

export interface ChannelManagers {
  /** ADMIN_USER_IDS */
  adminIds: readonly string[];
  /** An agents' list or user group is configured. */
  hasAgentDirectory: boolean;
}

/**
 * Who may link, unlink and tier support channels: the admins when some are configured; else the agents;
 * with no agents configured either, anyone.
 */
export function mayManageChannels(managers: ChannelManagers, person: { userId: string; isAgent: boolean }): boolean {
  if (managers.adminIds.length > 0) return managers.adminIds.includes(person.userId);
  return managers.hasAgentDirectory ? person.isAgent : true;
}
