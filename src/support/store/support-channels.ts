// Which channels are support channels: those configured in SUPPORT_CHANNELS plus those linked at run
// time (`/support link`), stored in the database. Lookups are cached briefly; a link or unlink made
// by this process is seen at once, one made by another replica within the cache's lifetime.
import type { Tx } from "../../platform/db/client.ts";
import type { SupportChannelInfo } from "../rules/channels.ts";

const CACHE_MS = 15_000;

export interface SupportChannelStore {
  lookup(tx: Tx, channelId: string): Promise<SupportChannelInfo | null>;
  list(tx: Tx): Promise<SupportChannelInfo[]>;
  /** Links a channel (again): updates the account when it was linked already. */
  link(tx: Tx, link: { channelId: string; accountExternalId: string | null; linkedById: string; at: Date }): Promise<void>;
  /** Sets the tier of a support channel (a configured one gets a stored row for it). */
  setTier(tx: Tx, change: { channelId: string; tier: string | null; linkedById: string; at: Date }): Promise<void>;
  /** Removes a run-time link. False when the channel was not linked (it may still be configured). */
  unlink(tx: Tx, channelId: string): Promise<boolean>;
  isConfigured(channelId: string): boolean;
}

type Linked = Map<string, { account: string | null; tier: string | null }>;

export class PrismaSupportChannels implements SupportChannelStore {
  private cache: { at: number; linked: Linked } | null = null;

  constructor(private readonly configured: readonly string[]) {}

  async lookup(tx: Tx, channelId: string): Promise<SupportChannelInfo | null> {
    const linked = await this.linked(tx);
    const row = linked.get(channelId);
    if (row) return { channelId, configured: this.configured.includes(channelId), accountExternalId: row.account, tier: row.tier };
    if (this.configured.includes(channelId)) return { channelId, configured: true, accountExternalId: null, tier: null };
    return null;
  }

  async list(tx: Tx): Promise<SupportChannelInfo[]> {
    const linked = await this.linked(tx);
    const ids = new Set([...this.configured, ...linked.keys()]);
    return [...ids].map((channelId) => ({
      channelId,
      configured: this.configured.includes(channelId),
      accountExternalId: linked.get(channelId)?.account ?? null,
      tier: linked.get(channelId)?.tier ?? null,
    }));
  }

  async link(tx: Tx, { channelId, accountExternalId, linkedById, at }: Parameters<SupportChannelStore["link"]>[1]): Promise<void> {
    await tx.supportChannel.upsert({
      where: { channelId },
      create: { channelId, accountExternalId, linkedById, linkedAt: at },
      update: { accountExternalId, linkedById, linkedAt: at },
    });
    this.cache = null;
  }

  async setTier(tx: Tx, { channelId, tier, linkedById, at }: Parameters<SupportChannelStore["setTier"]>[1]): Promise<void> {
    await tx.supportChannel.upsert({
      where: { channelId },
      create: { channelId, accountExternalId: null, tier, linkedById, linkedAt: at },
      update: { tier },
    });
    this.cache = null;
  }

  async unlink(tx: Tx, channelId: string): Promise<boolean> {
    const removed = await tx.supportChannel.deleteMany({ where: { channelId } });
    this.cache = null;
    return removed.count > 0;
  }

  isConfigured(channelId: string): boolean {
    return this.configured.includes(channelId);
  }

  private async linked(tx: Tx): Promise<Linked> {
    const now = Date.now();
    if (this.cache && now - this.cache.at < CACHE_MS) return this.cache.linked;
    const rows = await tx.supportChannel.findMany();
    const linked: Linked = new Map(rows.map((r) => [r.channelId, { account: r.accountExternalId, tier: r.tier }]));
    this.cache = { at: now, linked };
    return linked;
  }
}
