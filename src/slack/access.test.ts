import { describe, expect, it } from "vitest";
import pino from "pino";
import { userActor } from "../shared/actor.ts";
import type { RoleSettings } from "../platform/config/parts.ts";
import { SlackAccess, type PeopleSource } from "./access.ts";

const never = () => new Promise<never>(() => {});
/** Slack's users.info hangs: the check must still answer before Slack's 3 seconds run out. */
const hangingSlack: PeopleSource = { identity: { teamId: "T0HOME" }, groupMembers: () => new Set(), profile: never };
const csms = { isAccountCsm: async () => false, escalationLead: () => null };
const settings = (mode: RoleSettings["mode"]): RoleSettings => ({
  mode,
  lists: { agent: ["UAGENT"], csm: [], product: [], admin: [] },
  groups: {},
});

describe("the access check when Slack is slow", () => {
  it("with roles configured, the lists decide once the profile is late", async () => {
    const access = new SlackAccess(settings("configured"), hangingSlack, csms, pino({ level: "silent" }));
    // users.info never answers: without the deadline this would never resolve.
    await expect(access.require(userActor("UAGENT", "T0HOME"), "triage")).resolves.toBeUndefined();
  });

  it("in workspace mode, nobody is staff on a guess", async () => {
    const access = new SlackAccess(settings("workspace"), hangingSlack, csms, pino({ level: "silent" }));
    await expect(access.require(userActor("UANYONE", "T0HOME"), "staff")).rejects.toMatchObject({ code: "access.denied" });
  });
});
