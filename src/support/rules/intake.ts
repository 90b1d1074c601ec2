// Intake rules: which messages are a customer's request and which are noise, who is a customer, and the
// intake policy: when a message opens a ticket, when it joins the customer's recent open ticket (the merge
// window), and when a reply in a resolved ticket's thread starts a follow-up ticket (the reopen window).
import { isPleasantry } from "./pleasantries.ts";
import type { AuthorRole, Ticket } from "./ticket.ts";

export { isPleasantry } from "./pleasantries.ts";

/** A mention of the app with no request in it (nothing but the mention, an emoji or a pleasantry): it asks how to use the app. */
export function isBareMention(textWithoutMention: string): boolean {
  return isPleasantry(textWithoutMention);
}

export interface AuthorFacts {
  userId: string;
  /** The team the author belongs to (user_team / user_profile.team / team of the message). */
  authorTeamId: string | null;
  /** The workspace the app is installed in. */
  homeTeamId: string | null;
  /** The channel is shared with other organisations (Slack Connect). */
  sharedChannel: boolean;
  /** The author is in the agents' list or user group. */
  isAgent: boolean;
}

/**
 * A customer is a user of another workspace, or, in an internal channel, anyone who is not an agent.
 * In a Slack Connect channel anyone of the home workspace speaks for the company.
 */
export function classifyAuthor(f: AuthorFacts): "customer" | "agent" {
  if (f.authorTeamId && f.homeTeamId && f.authorTeamId !== f.homeTeamId) return "customer";
  if (f.isAgent) return "agent";
  return f.sharedChannel ? "agent" : "customer";
}

/** Turns a Slack message ts ("1700000000.000100") into the time it was sent. */
export function tsToDate(ts: string): Date {
  const [seconds, micros = "0"] = ts.split(".");
  return new Date(Number(seconds) * 1000 + Math.floor(Number(micros.padEnd(6, "0").slice(0, 6)) / 1000));
}

/** Whether the author's workspace is another company's (Slack Connect): its name then names the requester's company. */
export function externalTeam(authorTeamId: string | null, homeTeamId: string | null): string | null {
  return authorTeamId && homeTeamId && authorTeamId !== homeTeamId ? authorTeamId : null;
}

export interface IntakePolicy {
  /** Bare pleasantries and emoji open no ticket (INTAKE_IGNORE_PLEASANTRIES). */
  ignorePleasantries: boolean;
  /** A customer's further top-level messages within this time join their open ticket (0: off). */
  mergeWindowMs: number;
  /** A customer's reply this long after resolution reopens the ticket; later, it opens a new one. */
  reopenWindowMs: number;
}

/** What becomes of a top-level message in a channel. */
export type TopLevelVerdict =
  | { action: "ignore"; reason: "not_a_support_channel" | "not_a_customer" | "pleasantry" }
  /** It is a request: it joins the customer's open ticket that heard from them since `mergeSince`, else opens one. */
  | { action: "request"; mergeSince: Date | null };

/** A message with files (a screenshot, a log) is a request whatever its words, even with none. */
export function judgeTopLevelMessage(
  message: { supportChannel: boolean; role: AuthorRole; text: string; files?: number; at: Date },
  policy: Pick<IntakePolicy, "ignorePleasantries" | "mergeWindowMs">,
): TopLevelVerdict {
  if (!message.supportChannel) return { action: "ignore", reason: "not_a_support_channel" };
  if (message.role !== "customer") return { action: "ignore", reason: "not_a_customer" };
  if (policy.ignorePleasantries && !message.files && isPleasantry(message.text)) return { action: "ignore", reason: "pleasantry" };
  return { action: "request", mergeSince: policy.mergeWindowMs > 0 ? new Date(message.at.getTime() - policy.mergeWindowMs) : null };
}

/** What becomes of a reply in a thread that no ticket owns (under an agent's announcement, under another customer's message). */
export type ThreadReplyVerdict =
  { action: "ignore"; reason: "not_a_support_channel" | "not_a_customer" | "pleasantry" } | { action: "request" };

/**
 * A reply in a support channel's thread that no ticket owns is judged as a top-level message is, and a
 * request opens a ticket in that thread. It never joins the customer's recent ticket: the thread is a
 * conversation of its own, where the acknowledgement belongs.
 */
export function judgeUnownedThreadReply(
  message: Parameters<typeof judgeTopLevelMessage>[0],
  policy: Pick<IntakePolicy, "ignorePleasantries">,
): ThreadReplyVerdict {
  const verdict = judgeTopLevelMessage(message, { ...policy, mergeWindowMs: 0 });
  return verdict.action === "ignore" ? verdict : { action: "request" };
}

/** A message joins the customer's recent open ticket unless it is that ticket's own first message (a second delivery). */
export function joinsRecentTicket(recent: Pick<Ticket, "sourceTs"> | null, messageTs: string): boolean {
  return recent !== null && recent.sourceTs !== messageTs;
}

/** A customer's reply in a ticket's thread after the reopen window: a new ticket, linked to the resolved one. */
export function isLateFollowUp(
  ticket: Pick<Ticket, "status" | "resolvedAt">,
  message: { role: AuthorRole; at: Date },
  policy: Pick<IntakePolicy, "reopenWindowMs">,
): boolean {
  return (
    message.role === "customer" &&
    ticket.status === "resolved" &&
    ticket.resolvedAt !== null &&
    message.at.getTime() - ticket.resolvedAt.getTime() > policy.reopenWindowMs
  );
}
