// The Slack side of "who may do what" (src/shared/access.ts): the role lists and user groups from the
// configuration, the accounts' CSMs and the escalation lead, and, while no role is configured, Slack's
// profile (guests and users of other workspaces are never staff). A refusal is logged once per request.
import type { RoleSettings } from "../platform/config/parts.ts";
import type { Logger } from "../platform/observability/log.ts";
import {
  accessDenied,
  allows,
  ROLES,
  rolesFromLists,
  standingOf,
  type Access,
  type Duty,
  type Role,
  type RoleLists,
  type Standing,
} from "../shared/access.ts";
import type { Actor } from "../shared/actor.ts";
import type { GroupRole, Profile } from "./directory.ts";

/** What the access check reads of Slack's directory. */
export interface PeopleSource {
  readonly identity: { teamId: string | null };
  groupMembers(role: GroupRole): ReadonlySet<string>;
  profile(userId: string): Promise<Profile>;
}

/** CSMs known from the data: an account's CSM, or the escalation lead. */
export interface CsmSource {
  isAccountCsm(userId: string): Promise<boolean>;
  escalationLead(): string | null;
}

const EVERYTHING: Standing = { roles: new Set(ROLES), outsider: null };
const PROFILE_WAIT_MS = 800;
const UNKNOWN_PROFILE: Profile = { name: null, email: null, guest: false, teamId: null, known: false };

export class SlackAccess implements Access {
  private readonly listed: Record<Role, ReadonlySet<string>>;

  constructor(
    private readonly settings: RoleSettings,
    private readonly people: PeopleSource,
    private readonly csms: CsmSource,
    private readonly log: Logger,
  ) {
    this.listed = {
      agent: new Set(settings.lists.agent),
      csm: new Set(settings.lists.csm),
      product: new Set(settings.lists.product),
      admin: new Set(settings.lists.admin),
    };
  }

  get mode() {
    return this.settings.mode;
  }

  async standingOf(actor: Actor): Promise<Standing> {
    if (actor.kind !== "user") return EVERYTHING;
    const workspace = this.settings.mode === "workspace";
    const roles = workspace ? new Set<Role>() : await this.listedRoles(actor.userId);
    if (!workspace && roles.size === 0) return standingOf("configured", roles, { guest: false, otherWorkspace: false });
    // Slack's profile tells guests and users of other workspaces, who are never staff. When Slack will not
    // say in time, nobody is staff on a guess in workspace mode; with roles configured, the lists (which an
    // admin wrote) decide.
    const profile = await this.profileWithin(actor.userId);
    if (workspace && !profile.known) return { roles, outsider: "no_role" };
    const home = this.people.identity.teamId;
    const team = (profile.known ? profile.teamId : null) ?? actor.teamId ?? null;
    return standingOf(this.settings.mode, roles, {
      guest: profile.known && profile.guest,
      otherWorkspace: Boolean(home && team && team !== home),
    });
  }

  /** The roles from the lists, user groups, accounts' CSMs and the escalation lead. */
  private async listedRoles(userId: string): Promise<Set<Role>> {
    const roles = rolesFromLists(this.lists(), userId);
    if (!roles.has("csm") && (this.csms.escalationLead() === userId || (await this.csms.isAccountCsm(userId)))) roles.add("csm");
    return roles;
  }

  /**
   * The person's profile, waited for at most PROFILE_WAIT_MS: commands are checked before Slack gets its
   * answer (3 seconds). A slower look-up goes on and fills the directory's cache for the next request.
   */
  private profileWithin(userId: string): Promise<Profile> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Profile>((resolve) => {
      timer = setTimeout(() => resolve(UNKNOWN_PROFILE), PROFILE_WAIT_MS);
    });
    return Promise.race([this.people.profile(userId), late]).finally(() => clearTimeout(timer));
  }

  async require(actor: Actor, duty: Duty): Promise<void> {
    const standing = await this.standingOf(actor);
    if (allows(standing, duty)) return;
    const userId = actor.kind === "user" ? actor.userId : null;
    this.log.warn(
      { user: userId, team: actor.kind === "user" ? actor.teamId : null, duty, outsider: standing.outsider },
      "refused: not allowed",
    );
    throw accessDenied(duty, userId, standing.outsider);
  }

  private lists(): RoleLists {
    const withGroup = (role: GroupRole) => {
      const members = this.people.groupMembers(role);
      return members.size === 0 ? this.listed[role] : new Set([...this.listed[role], ...members]);
    };
    return { agent: withGroup("agent"), csm: withGroup("csm"), product: withGroup("product"), admin: this.listed.admin };
  }
}
