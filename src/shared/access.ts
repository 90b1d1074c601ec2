// Who may do what. Four roles, each given by a list of user IDs and/or a user group (see docs/security.md);
// "staff" is anyone with a role. While no role at all is configured (a fresh install), every member of the
// app's own workspace who is not a guest counts as staff with every role. Users of other workspaces and
// guests are never staff. Customers do only what their own tickets let them (checked by the use case).
import type { Actor } from "./actor.ts";
import { DomainError } from "./errors.ts";

export type Role = "agent" | "csm" | "product" | "admin";
export const ROLES: readonly Role[] = ["agent", "csm", "product", "admin"];

/**
 * What a person asks to do, by the team it belongs to:
 * - triage: triage card controls, Reply to customer, /ticket, Create ticket, /support stats and channels, the agent Home;
 * - support-admin: /support link, unlink and tier;
 * - success: /cs, alert buttons, the CSM Home;
 * - product: theme management, Mark shipped and /feedback ship, /feedback digest;
 * - staff: /feedback <text>, Send to product, Tag as feedback, the ticket and feedback reactions.
 */
export type Duty = "triage" | "support-admin" | "success" | "product" | "staff";

const ROLES_FOR: Record<Exclude<Duty, "staff">, readonly Role[]> = {
  triage: ["agent", "admin"],
  "support-admin": ["admin"],
  success: ["csm", "admin"],
  product: ["product", "admin"],
};

/** Why a person is not staff, when they are not. */
export type Outsider = "guest" | "other_workspace" | "no_role";

/** A person's standing: their roles (empty for non-staff) and, for non-staff, why. */
export interface Standing {
  roles: ReadonlySet<Role>;
  outsider: Outsider | null;
}

/** "configured": roles come from the lists; "workspace": no role is configured, every full member of the workspace is staff. */
export type AccessMode = "configured" | "workspace";

/** Whether a standing allows a duty. */
export function allows(standing: Standing, duty: Duty): boolean {
  if (standing.outsider) return false;
  if (duty === "staff") return standing.roles.size > 0;
  return ROLES_FOR[duty].some((role) => standing.roles.has(role));
}

/** The roles each duty needs, for wording and documentation. */
export const rolesFor = (duty: Duty): readonly Role[] => (duty === "staff" ? ROLES : ROLES_FOR[duty]);

/** What the configuration says of one person, before Slack's profile is consulted. */
export interface RoleLists {
  agent: ReadonlySet<string>;
  csm: ReadonlySet<string>;
  product: ReadonlySet<string>;
  admin: ReadonlySet<string>;
}

/** The roles a person has from the lists (user IDs and user-group members merged per role). */
export function rolesFromLists(lists: RoleLists, userId: string): Set<Role> {
  return new Set(ROLES.filter((role) => lists[role].has(userId)));
}

/**
 * A person's standing. In "workspace" mode a full member of the home workspace has every role; a guest or a
 * user of another workspace has none. In "configured" mode the lists decide, and still no guest or user of
 * another workspace is staff.
 */
export function standingOf(mode: AccessMode, roles: ReadonlySet<Role>, profile: { guest: boolean; otherWorkspace: boolean }): Standing {
  if (profile.otherWorkspace) return { roles: new Set(), outsider: "other_workspace" };
  if (profile.guest) return { roles: new Set(), outsider: "guest" };
  if (mode === "workspace") return { roles: new Set(ROLES), outsider: null };
  return roles.size > 0 ? { roles, outsider: null } : { roles, outsider: "no_role" };
}

/** Tells who may act. The API (with its token) and the app's own jobs may do everything. */
export interface Access {
  /** The acting person's standing. */
  standingOf(actor: Actor): Promise<Standing>;
  /** Refuses with "access.denied" (and logs the refusal) unless the actor may do the duty. */
  require(actor: Actor, duty: Duty): Promise<void>;
}

/** The error a refused person gets. */
export const accessDenied = (duty: Duty, userId: string | null, outsider: Outsider | null): DomainError =>
  new DomainError("access.denied", { duty, userId, outsider });

/** For tools and benchmarks that run outside Slack: the API and jobs may act, no person may. */
export const toolAccess: Access = {
  standingOf: async (actor) =>
    actor.kind === "user" ? { roles: new Set(), outsider: "no_role" } : { roles: new Set(ROLES), outsider: null },
  async require(actor, duty) {
    if (actor.kind === "user") throw accessDenied(duty, actor.userId, "no_role");
  },
};
