// What the app knows of Slack's people and workspaces: its own identity (auth.test), who the agents
// are (AGENT_USER_IDS plus the members of AGENT_USERGROUP_ID), the members of the CSM and product user
// groups (each refreshed in the background), people's profiles (users.info, cached) and the names of
// customers' companies (team.info, cached).
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../platform/observability/log.ts";
import { cleanText } from "../shared/text.ts";

export interface Identity {
  teamId: string | null;
  botUserId: string | null;
  botId: string | null;
  /** https://<workspace>.slack.com/ */
  url: string | null;
}

/** The roles whose people may also come from a user group. */
export type GroupRole = "agent" | "csm" | "product";

/** What users.info says of a person: their name and email, whether they are a guest, and their workspace. */
export interface Profile {
  name: string | null;
  email: string | null;
  /** A multi- or single-channel guest (is_restricted / is_ultra_restricted). */
  guest: boolean;
  teamId: string | null;
  /** False when Slack would not say (the profile is then empty). */
  known: boolean;
  /** The person's picture (an https address), when Slack gave one. */
  avatar?: string | null;
}

const GROUP_REFRESH_MS = 5 * 60_000;
const USER_CACHE_MS = 60 * 60_000;
const USER_CACHE_SIZE = 10_000;

export class SlackDirectory {
  identity: Identity = { teamId: null, botUserId: null, botId: null, url: null };
  private members = new Map<GroupRole, ReadonlySet<string>>();
  private groupTimer: NodeJS.Timeout | null = null;
  private teamNames = new Map<string, string | null>();
  private profiles = new Map<string, Profile & { at: number }>();
  private byEmail = new Map<string, { userId: string | null; at: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
    private readonly agentIds: readonly string[],
    private readonly groups: Partial<Record<GroupRole, string>>,
  ) {}

  /** Reads the app's identity; a rejected token is fatal, an unreachable Slack is retried later. */
  async identify(): Promise<Identity> {
    const r = (await this.client.auth.test()) as { team_id?: string; user_id?: string; bot_id?: string; url?: string };
    this.identity = { teamId: r.team_id ?? null, botUserId: r.user_id ?? null, botId: r.bot_id ?? null, url: r.url ?? null };
    return this.identity;
  }

  /** Reads the configured user groups now (start-up waits for it), then every five minutes. */
  async startGroupRefresh(): Promise<void> {
    const groups = Object.entries(this.groups).filter((entry): entry is [GroupRole, string] => Boolean(entry[1]));
    if (groups.length === 0) return;
    const refresh = () =>
      Promise.all(
        groups.map(async ([role, usergroup]) => {
          try {
            const r = (await this.client.usergroups.users.list({ usergroup })) as { users?: string[] };
            this.members.set(role, new Set(r.users ?? []));
            this.log.debug({ role, members: r.users?.length ?? 0 }, "user group refreshed");
          } catch (error) {
            this.log.warn({ err: error, role, usergroup }, "could not read a user group; keeping the last list");
          }
        }),
      );
    await refresh();
    this.groupTimer = setInterval(() => void refresh(), GROUP_REFRESH_MS);
    this.groupTimer.unref();
  }

  /** The members of a role's user group as last read (empty without a group). */
  groupMembers(role: GroupRole): ReadonlySet<string> {
    return this.members.get(role) ?? new Set();
  }

  stop(): void {
    if (this.groupTimer) clearInterval(this.groupTimer);
  }

  isAgent(userId: string): boolean {
    return this.agentIds.includes(userId) || this.groupMembers("agent").has(userId);
  }

  hasAgentDirectory(): boolean {
    return this.agentIds.length > 0 || Boolean(this.groups.agent);
  }

  /** The name of another organisation's workspace, or null when Slack will not say. */
  async teamName(teamId: string): Promise<string | null> {
    if (this.teamNames.has(teamId)) return this.teamNames.get(teamId) ?? null;
    try {
      const r = (await this.client.team.info({ team: teamId })) as { team?: { name?: string } };
      // Names come from other people's profiles: clean of what a database cannot store, as all text from outside.
      const name = r.team?.name ? cleanText(r.team.name) : null;
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
    return (await this.profile(userId)).name;
  }

  /** The domain of a person's email (needs the users:read.email scope), lower-cased; cached for an hour. */
  async userEmailDomain(userId: string): Promise<string | null> {
    const email = (await this.profile(userId)).email;
    const at = email?.lastIndexOf("@") ?? -1;
    return email && at > 0 ? email.slice(at + 1).toLowerCase() : null;
  }

  /** What users.info says of a person, cached for an hour (an answer Slack would not give is not cached). */
  async profile(userId: string): Promise<Profile> {
    const cached = this.profiles.get(userId);
    if (cached && Date.now() - cached.at < USER_CACHE_MS) return cached;
    try {
      const r = (await this.client.users.info({ user: userId })) as {
        user?: {
          real_name?: string;
          name?: string;
          team_id?: string;
          is_restricted?: boolean;
          is_ultra_restricted?: boolean;
          profile?: { display_name?: string; real_name?: string; email?: string; image_72?: string; image_192?: string };
        };
      };
      const u = r.user;
      // Names come from other people's profiles: clean of what a database cannot store, as all text from outside.
      const shown = u?.profile?.display_name || u?.real_name || u?.name || null;
      const entry = {
        name: shown === null ? null : cleanText(shown),
        email: u?.profile?.email ? cleanText(u.profile.email) : null,
        guest: Boolean(u?.is_restricted || u?.is_ultra_restricted),
        teamId: u?.team_id ?? null,
        known: Boolean(u),
        avatar: u?.profile?.image_72 || u?.profile?.image_192 || null,
        at: Date.now(),
      };
      if (this.profiles.size >= USER_CACHE_SIZE) this.profiles.delete(this.profiles.keys().next().value!);
      this.profiles.set(userId, entry);
      return entry;
    } catch (error) {
      this.log.debug({ err: error, user: userId }, "users.info failed");
      return { name: null, email: null, guest: false, teamId: null, known: false };
    }
  }

  /**
   * The Slack user with this email (users.lookupByEmail, needs users:read.email), cached for an hour;
   * null when Slack knows none, or cannot be asked now (that answer is not cached).
   */
  async slackUserIdByEmail(email: string): Promise<string | null> {
    const key = email.trim().toLowerCase();
    const cached = this.byEmail.get(key);
    if (cached && Date.now() - cached.at < USER_CACHE_MS) return cached.userId;
    let userId: string | null;
    try {
      const r = (await this.client.users.lookupByEmail({ email: key })) as { user?: { id?: string } };
      userId = r.user?.id ?? null;
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code !== "users_not_found") {
        this.log.warn({ err: error }, "users.lookupByEmail failed");
        return null;
      }
      userId = null;
    }
    if (this.byEmail.size >= USER_CACHE_SIZE) this.byEmail.delete(this.byEmail.keys().next().value!);
    this.byEmail.set(key, { userId, at: Date.now() });
    return userId;
  }

  /** Slack's permalink format, built without an API call. */
  permalink(channelId: string, ts: string, threadTs?: string | null): string | null {
    if (!this.identity.url) return null;
    const base = `${this.identity.url.replace(/\/?$/, "/")}archives/${channelId}/p${ts.replace(".", "")}`;
    return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channelId}` : base;
  }
}
