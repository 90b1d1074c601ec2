// Support channels: the channels whose customers' messages become tickets (configured in SUPPORT_CHANNELS,
// or linked at run time with an optional account and tier). Who may change them is the access check's (support admins).

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
