import { describe, expect, it } from "vitest";
import { slaRecipients } from "./sla-recipients.ts";

describe("who an SLA alert is for", () => {
  it("is the assignee, whatever else is configured", () => {
    expect(slaRecipients("U1", { groupId: "S1", agentIds: ["U2"] })).toEqual({ kind: "assignee", userId: "U1" });
  });

  it("is the agents' user group when nobody is assigned", () => {
    expect(slaRecipients(null, { groupId: "S1", agentIds: ["U2"] })).toEqual({ kind: "group", groupId: "S1" });
  });

  it("is the listed agents, up to five, without a group", () => {
    expect(slaRecipients(null, { agentIds: ["U1", "U2", "U1"] })).toEqual({ kind: "agents", userIds: ["U1", "U2"] });
    const five = ["U1", "U2", "U3", "U4", "U5"];
    expect(slaRecipients(null, { groupId: null, agentIds: five })).toEqual({ kind: "agents", userIds: five });
  });

  it("is the whole channel with more than five listed agents, or none configured", () => {
    expect(slaRecipients(null, { agentIds: ["U1", "U2", "U3", "U4", "U5", "U6"] })).toEqual({ kind: "here" });
    expect(slaRecipients(null, {})).toEqual({ kind: "here" });
    expect(slaRecipients(null, { groupId: "", agentIds: [] })).toEqual({ kind: "here" });
  });
});
