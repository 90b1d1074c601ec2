// What the app knows of Slack's people and workspaces: its own identity (auth.test), who the agents
// are (AGENT_USER_IDS plus the members of AGENT_USERGROUP_ID, refreshed in the background) and the
// names of customers' companies (team.info, cached). Never called on a request Slack is waiting on.
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../platform/observability/log.ts";

export interface Identity {
  teamId: string | null;
  botUserId: string | null;
  botId: string | null;
  /** https://<workspace>.slack.com/ */
  url: string | null;
}

const GROUP_REFRESH_MS = 5 * 60_000;
const USER_CACHE_MS = 60 * 60_000;
const USER_CACHE_SIZE = 10_000;

export class SlackDirectory {
  identity: Identity = { teamId: null, botUserId: null, botId: null, url: null };
  private groupMembers = new Set<string>();
  private groupTimer: NodeJS.Timeout | null = null;
  private teamNames = new Map<string, string | null>();
  private userNames = new Map<string, { name: string | null; email: string | null; at: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
    private readonly agentIds: readonly string[],
    private readonly agentGroupId: string | undefined,
  ) {}

  /** Reads the app's identity; a rejected token is fatal, an unreachable Slack is retried later. */
  async identify(): Promise<Identity> {
    const r = (await this.client.auth.test()) as { team_id?: string; user_id?: string; bot_id?: string; url?: string };
    this.identity = { teamId: r.team_id ?? null, botUserId: r.user_id ?? null, botId: r.bot_id ?? null, url: r.url ?? null };
    return this.identity;
  }

  startGroupRefresh(): void {
    if (!this.agentGroupId) return;
    const refresh = async () => {
      try {
        const r = (await this.client.usergroups.users.list({ usergroup: this.agentGroupId! })) as { users?: string[] };
        this.groupMembers = new Set(r.users ?? []);
        this.log.debug({ members: this.groupMembers.size }, "agent user group refreshed");
      } catch (error) {
        this.log.warn({ err: error, usergroup: this.agentGroupId }, "could not read the agents' user group; keeping the last list");
      }
    };
    void refresh();
    this.groupTimer = setInterval(refresh, GROUP_REFRESH_MS);
    this.groupTimer.unref();
  }

  stop(): void {
    if (this.groupTimer) clearInterval(this.groupTimer);
  }

  isAgent(userId: string): boolean {
    return this.agentIds.includes(userId) || this.groupMembers.has(userId);
  }

  hasAgentDirectory(): boolean {
    return this.agentIds.length > 0 || Boolean(this.agentGroupId);
  }

  /** The name of another organisation's workspace, or null when Slack will not say. */
  async teamName(teamId: string): Promise<string | null> {
    if (this.teamNames.has(teamId)) return this.teamNames.get(teamId) ?? null;
    try {
      const r = (await this.client.team.info({ team: teamId })) as { team?: { name?: string } };
      const name = r.team?.name ?? null;
      this.teamNames.set(teamId, name);
      return name;
    } catch (error) {
      this.log.debug({ err: error, team: teamId }, "team.info failed");
      return null;
    }
  }

  cachedTeamName(teamId: string): string | null {
    return this.teamNames.get(teamId) ?? null;
  }

  /** A person's display name, cached for an hour. */
  async userName(userId: string): Promise<string | null> {
    return (await this.userProfile(userId)).name;
  }

  /** The domain of a person's email (needs the users:read.email scope), lower-cased; cached for an hour. */
  async userEmailDomain(userId: string): Promise<string | null> {
    const email = (await this.userProfile(userId)).email;
    const at = email?.lastIndexOf("@") ?? -1;
    return email && at > 0 ? email.slice(at + 1).toLowerCase() : null;
  }

  private async userProfile(userId: string): Promise<{ name: string | null; email: string | null }> {
    const cached = this.userNames.get(userId);
    if (cached && Date.now() - cached.at < USER_CACHE_MS) return cached;
    try {
      const r = (await this.client.users.info({ user: userId })) as {
        user?: { real_name?: string; name?: string; profile?: { display_name?: string; email?: string } };
      };
      const name = r.user?.profile?.display_name || r.user?.real_name || r.user?.name || null;
      const email = r.user?.profile?.email ?? null;
      if (this.userNames.size >= USER_CACHE_SIZE) this.userNames.delete(this.userNames.keys().next().value!);
      const entry = { name, email, at: Date.now() };
      this.userNames.set(userId, entry);
      return entry;
    } catch (error) {
      this.log.debug({ err: error, user: userId }, "users.info failed");
      return { name: null, email: null };
    }
  }

  /** Slack's permalink format, built without an API call. */
  permalink(channelId: string, ts: string, threadTs?: string | null): string | null {
    if (!this.identity.url) return null;
    const base = `${this.identity.url.replace(/\/?$/, "/")}archives/${channelId}/p${ts.replace(".", "")}`;
    return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channelId}` : base;
  }
}
