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
    const home = this.people.identity.teamId;
    if (this.settings.mode === "workspace") {
      const profile = await this.people.profile(actor.userId);
      const team = profile.teamId ?? actor.teamId ?? null;
      // Slack would not say who this is: nobody is staff on a guess.
      if (!profile.known) return { roles: new Set(), outsider: "no_role" };
      return standingOf("workspace", new Set(), { guest: profile.guest, otherWorkspace: Boolean(home && team && team !== home) });
    }
    const roles = rolesFromLists(this.lists(), actor.userId);
    if (!roles.has("csm") && (this.csms.escalationLead() === actor.userId || (await this.csms.isAccountCsm(actor.userId))))
      roles.add("csm");
    if (roles.size === 0) return standingOf("configured", roles, { guest: false, otherWorkspace: false });
    // Listed people are checked against Slack's profile too (cached): a guest or a user of another workspace
    // is never staff. When Slack will not say, the lists (which an admin wrote) decide.
    const profile = await this.people.profile(actor.userId);
    const team = (profile.known ? profile.teamId : null) ?? actor.teamId ?? null;
    return standingOf("configured", roles, {
      guest: profile.known && profile.guest,
      otherWorkspace: Boolean(home && team && team !== home),
    });
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
