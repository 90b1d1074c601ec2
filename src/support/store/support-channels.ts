// Which channels are support channels: those configured in SUPPORT_CHANNELS plus those linked at run
// time (`/support link`), stored in the database. Lookups are cached briefly; a link or unlink made
// by this process is seen at once, one made by another replica within the cache's lifetime.
import type { Database } from "../../platform/db/client.ts";
import type { Clock } from "../../platform/clock.ts";

export interface SupportChannelInfo {
  channelId: string;
  configured: boolean;
  accountExternalId: string | null;
  tier: string | null;
}

const CACHE_MS = 15_000;

export class SupportChannels {
  private cache: { at: number; linked: Map<string, { account: string | null; tier: string | null }> } | null = null;

  constructor(
    private readonly db: Database,
    private readonly configured: readonly string[],
    private readonly clock: Clock,
  ) {}

  async lookup(channelId: string): Promise<SupportChannelInfo | null> {
    const linked = await this.linked();
    const row = linked.get(channelId);
    if (row) return { channelId, configured: this.configured.includes(channelId), accountExternalId: row.account, tier: row.tier };
    if (this.configured.includes(channelId)) return { channelId, configured: true, accountExternalId: null, tier: null };
    return null;
  }

  async list(): Promise<SupportChannelInfo[]> {
    const linked = await this.linked();
    const ids = new Set([...this.configured, ...linked.keys()]);
    return [...ids].map((channelId) => ({
      channelId,
      configured: this.configured.includes(channelId),
      accountExternalId: linked.get(channelId)?.account ?? null,
      tier: linked.get(channelId)?.tier ?? null,
    }));
  }

  /** Links a channel (again): updates the account when it was linked already. */
  async link(channelId: string, accountExternalId: string | null, userId: string): Promise<{ previous: SupportChannelInfo | null }> {
    const previous = await this.lookup(channelId);
    await this.db.client.supportChannel.upsert({
      where: { channelId },
      create: { channelId, accountExternalId, linkedById: userId, linkedAt: this.clock.now() },
      update: { accountExternalId, linkedById: userId, linkedAt: this.clock.now() },
    });
    this.cache = null;
    return { previous };
  }

  /** Sets the account tier of a support channel (SLA targets may differ per tier). False: not a support channel. */
  async setTier(channelId: string, tier: string | null, userId: string): Promise<boolean> {
    const current = await this.lookup(channelId);
    if (!current) return false;
    await this.db.client.supportChannel.upsert({
      where: { channelId },
      create: { channelId, accountExternalId: null, tier, linkedById: userId, linkedAt: this.clock.now() },
      update: { tier },
    });
    this.cache = null;
    return true;
  }

  /** Removes a run-time link. Returns false when the channel was not linked (it may still be configured). */
  async unlink(channelId: string): Promise<boolean> {
    const removed = await this.db.client.supportChannel.deleteMany({ where: { channelId } });
    this.cache = null;
    return removed.count > 0;
  }

  isConfigured(channelId: string): boolean {
    return this.configured.includes(channelId);
  }

  private async linked(): Promise<Map<string, { account: string | null; tier: string | null }>> {
    const now = Date.now();
    if (this.cache && now - this.cache.at < CACHE_MS) return this.cache.linked;
    const rows = await this.db.client.supportChannel.findMany();
    const linked = new Map(rows.map((r) => [r.channelId, { account: r.accountExternalId, tier: r.tier }]));
    this.cache = { at: now, linked };
    return linked;
  }
}
