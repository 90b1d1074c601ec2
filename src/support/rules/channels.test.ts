import { describe, expect, it } from "vitest";
import { isAccountExternalId, mayManageChannels } from "./channels.ts";

describe("who manages support channels", () => {
  it("the admins, when some are configured (agents or not)", () => {
    const managers = { adminIds: ["UADMIN"], hasAgentDirectory: true };
    expect(mayManageChannels(managers, { userId: "UADMIN", isAgent: false })).toBe(true);
    expect(mayManageChannels(managers, { userId: "UAGENT", isAgent: true })).toBe(false);
  });
  it("else the agents; with no agents configured either, anyone", () => {
    expect(mayManageChannels({ adminIds: [], hasAgentDirectory: true }, { userId: "UAGENT", isAgent: true })).toBe(true);
    expect(mayManageChannels({ adminIds: [], hasAgentDirectory: true }, { userId: "UCUST", isAgent: false })).toBe(false);
    expect(mayManageChannels({ adminIds: [], hasAgentDirectory: false }, { userId: "UCUST", isAgent: false })).toBe(true);
  });
});

describe("account external ids", () => {
  it("use letters, digits and . _ : @ / -, up to 100 characters", () => {
    for (const ok of ["acme-corp", "sf:001A000001", "acme.com/eu", "a".repeat(100)]) expect(isAccountExternalId(ok)).toBe(true);
    for (const bad of ["acme!corp", "acme corp", "-acme", "", "a".repeat(101)]) expect(isAccountExternalId(bad)).toBe(false);
  });
});
