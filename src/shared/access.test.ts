import { describe, expect, it } from "vitest";
import { allows, rolesFromLists, standingOf, toolAccess, type Duty, type Role } from "./access.ts";
import { apiActor, jobActor, userActor } from "./actor.ts";

const lists = {
  agent: new Set(["UAGENT"]),
  csm: new Set(["UCSM"]),
  product: new Set(["UPM"]),
  admin: new Set(["UADMIN"]),
};
const member = { guest: false, otherWorkspace: false };
const configured = (userId: string) => standingOf("configured", rolesFromLists(lists, userId), member);

/** The role table of docs/security.md: who may do each duty. */
const TABLE: Record<Duty, Role[]> = {
  triage: ["agent", "admin"],
  "support-admin": ["admin"],
  success: ["csm", "admin"],
  product: ["product", "admin"],
  staff: ["agent", "csm", "product", "admin"],
};
const PERSON: Record<Role, string> = { agent: "UAGENT", csm: "UCSM", product: "UPM", admin: "UADMIN" };

describe("who may do what", () => {
  for (const [duty, roles] of Object.entries(TABLE) as [Duty, Role[]][]) {
    it(`${duty}: ${roles.join(", ")} and nobody else`, () => {
      for (const role of Object.keys(PERSON) as Role[]) expect(allows(configured(PERSON[role]), duty), role).toBe(roles.includes(role));
      expect(allows(configured("USTRANGER"), duty)).toBe(false);
    });
  }

  it("someone with no role is not staff, and says why", () => {
    expect(configured("USTRANGER")).toEqual({ roles: new Set(), outsider: "no_role" });
  });

  it("guests and users of other workspaces are never staff, even when listed", () => {
    const guest = standingOf("configured", rolesFromLists(lists, "UADMIN"), { guest: true, otherWorkspace: false });
    const external = standingOf("configured", rolesFromLists(lists, "UADMIN"), { guest: false, otherWorkspace: true });
    for (const s of [guest, external]) for (const duty of Object.keys(TABLE) as Duty[]) expect(allows(s, duty)).toBe(false);
    expect(guest.outsider).toBe("guest");
    expect(external.outsider).toBe("other_workspace");
  });

  it("with no role configured, every full member of the workspace may do everything; guests and outsiders nothing", () => {
    const full = standingOf("workspace", new Set(), member);
    for (const duty of Object.keys(TABLE) as Duty[]) expect(allows(full, duty)).toBe(true);
    expect(allows(standingOf("workspace", new Set(), { guest: true, otherWorkspace: false }), "staff")).toBe(false);
    expect(allows(standingOf("workspace", new Set(), { guest: false, otherWorkspace: true }), "staff")).toBe(false);
  });

  it("tools act as the API or a job; a person through a tool is refused", async () => {
    await expect(toolAccess.require(apiActor, "product")).resolves.toBeUndefined();
    await expect(toolAccess.require(jobActor("import"), "success")).resolves.toBeUndefined();
    await expect(toolAccess.require(userActor("UADMIN"), "staff")).rejects.toMatchObject({ code: "access.denied" });
  });
});
