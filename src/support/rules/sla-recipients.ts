// Who an SLA warning or breach is for: it always reaches a person. The ticket's assignee; else the agents'
// user group; else the agents listed by ID, when there are few enough to name; else everyone in the
// channel where it is posted. Pure: the Slack adapter words the mention (src/slack/blocks).

/** At most this many listed agents are mentioned by name; with more, the channel is. */
export const MAX_LISTED_AGENTS = 5;

export type SlaRecipients =
  | { kind: "assignee"; userId: string }
  | { kind: "group"; groupId: string }
  | { kind: "agents"; userIds: readonly string[] }
  /** Everyone in the channel: no agent is configured, or too many are listed to name. */
  | { kind: "here" };

export interface AgentsToAlert {
  /** AGENT_USERGROUP_ID */
  groupId?: string | null;
  /** AGENT_USER_IDS */
  agentIds?: readonly string[];
}

export function slaRecipients(assigneeId: string | null, agents: AgentsToAlert): SlaRecipients {
  if (assigneeId) return { kind: "assignee", userId: assigneeId };
  if (agents.groupId) return { kind: "group", groupId: agents.groupId };
  const ids = [...new Set(agents.agentIds ?? [])];
  if (ids.length > 0 && ids.length <= MAX_LISTED_AGENTS) return { kind: "agents", userIds: ids };
  return { kind: "here" };
}
