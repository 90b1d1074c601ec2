// The support desk's vocabulary and a ticket's lifecycle: priorities, statuses, where a ticket came from,
// the Ticket itself, and what a status change or an agent's answer does to it. Pure: the use cases store
// what these functions decide.
import { businessMsBetween, type BusinessCalendar } from "./business-hours.ts";

export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = ["open", "pending", "resolved"] as const;
export type Status = (typeof STATUSES)[number];

export const ORIGINS = ["message", "reaction", "shortcut", "command", "mention"] as const;
export type Origin = (typeof ORIGINS)[number];

export type AuthorRole = "customer" | "agent";

/** What became of a message in Slack after it was recorded: edited or deleted (null: as sent). */
export type MessageState = "edited" | "deleted";

export const isPriority = (v: unknown): v is Priority => typeof v === "string" && (PRIORITIES as readonly string[]).includes(v);
export const isStatus = (v: unknown): v is Status => typeof v === "string" && (STATUSES as readonly string[]).includes(v);

/** A customer request. `id` is the number people see (#123). Slack's references to it live in the Slack adapter. */
export interface Ticket {
  id: number;
  channelId: string;
  /** ts of the customer's message the ticket was made from (null for /ticket). */
  sourceTs: string | null;
  /** Root of the thread in the customer's channel where the conversation happens, once known. */
  threadTs: string | null;
  requesterId: string;
  requesterTeamId: string | null;
  requesterName: string | null;
  requesterCompany: string | null;
  text: string;
  /** What became of the message the ticket was made from in Slack: "edited", "deleted", or null (as sent). */
  sourceState: string | null;
  permalink: string | null;
  /** One of PRIORITIES (stored as text). */
  priority: string;
  /** One of STATUSES (stored as text). */
  status: string;
  assigneeId: string | null;
  /** One of ORIGINS (stored as text). */
  origin: string;
  createdById: string | null;
  createdAt: Date;
  firstResponseAt: Date | null;
  firstResponderId: string | null;
  resolvedAt: Date | null;
  resolvedById: string | null;
  reopenedAt: Date | null;
  reopenCount: number;
  lastCustomerMessageAt: Date;
  accountExternalId: string | null;
  /** The account's tier when the ticket was made (SLA targets may differ per tier). */
  tier: string | null;
  /** A customer's reply after the reopen window opens a new ticket linked to the old one. */
  previousTicketId: number | null;
  /** Agents' answers to the customer (first-contact resolution counts them). */
  agentResponseCount: number;
  firstResponseSeconds: number | null;
  firstResponseBusinessSeconds: number | null;
  resolutionSeconds: number | null;
  resolutionBusinessSeconds: number | null;
  updatedAt: Date;
}

/** The priority a ticket is handled with (an unknown stored value counts as normal). */
export const priorityOf = (ticket: Pick<Ticket, "priority">): Priority => (isPriority(ticket.priority) ? ticket.priority : "normal");
/** The status a ticket is shown with (an unknown stored value counts as open). */
export const statusOf = (ticket: Pick<Ticket, "status">): Status => (isStatus(ticket.status) ? ticket.status : "open");

/** A change to a ticket, as logged in its card's thread and stored as a TicketEvent. `actorId` null: the customer's reply. */
export type TicketChange =
  | { kind: "status_changed"; actorId: string | null; from: Status; to: Status }
  | { kind: "priority_changed"; actorId: string; from: Priority; to: Priority }
  | { kind: "assignee_changed"; actorId: string; from: string | null; to: string | null }
  | { kind: "reopened"; actorId: string | null; from: Status; to: Status };

/** Whole seconds from one instant to a later one (0 when not later). */
export const secondsBetween = (from: Date, to: Date): number => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/** Whole business seconds between two instants on the calendar. */
export const businessSecondsBetween = (calendar: BusinessCalendar, from: Date, to: Date): number =>
  Math.round(businessMsBetween(calendar, from, to) / 1000);

/** What a status change does to the SLA clocks. */
export type SlaEffect =
  /** Resolved: the resolution clock stops (met or not); a first-response clock still running no longer applies. */
  | "stop"
  /** Reopened: a new resolution clock from now (paused at once when reopened as pending). */
  | "restart"
  | "restart_paused"
  /** Pending on the customer: the clocks stop counting. */
  | "pause"
  /** Back from pending: the clocks count again. */
  | "resume"
  | "none";

export interface StatusChangePlan {
  change: Extract<TicketChange, { kind: "status_changed" | "reopened" }>;
  /** The ticket's fields to store. */
  set: Partial<Pick<Ticket, "status" | "resolvedAt" | "resolvedById" | "resolutionSeconds" | "resolutionBusinessSeconds" | "reopenedAt">>;
  /** The reopen count goes up by one. */
  countReopen: boolean;
  sla: SlaEffect;
  /** The ticket is resolved by this change (logged as such; it may get a satisfaction survey). */
  resolves: boolean;
}

/**
 * The ticket state machine: any status may follow any other. Leaving "resolved" is a reopening (counted,
 * and the resolution clock starts again); reaching it records who resolved it and how long it took.
 * `actorId` null means the customer's reply moved it (a reply reopens a resolved ticket and brings a
 * pending one back to open). Returns null when the ticket already has that status.
 */
export function planStatusChange(
  ticket: Pick<Ticket, "status" | "createdAt">,
  to: Status,
  actorId: string | null,
  at: Date,
  calendar: BusinessCalendar,
): StatusChangePlan | null {
  const from = ticket.status as Status;
  if (from === to) return null;
  const reopening = from === "resolved";
  const set: StatusChangePlan["set"] = { status: to };
  if (to === "resolved") {
    Object.assign(set, {
      resolvedAt: at,
      resolvedById: actorId,
      resolutionSeconds: secondsBetween(ticket.createdAt, at),
      resolutionBusinessSeconds: businessSecondsBetween(calendar, ticket.createdAt, at),
    });
  }
  if (reopening) Object.assign(set, { reopenedAt: at, resolvedAt: null, resolvedById: null });
  let sla: SlaEffect = "none";
  if (to === "resolved") sla = "stop";
  else if (reopening) sla = to === "pending" ? "restart_paused" : "restart";
  else if (to === "pending") sla = "pause";
  else if (from === "pending") sla = "resume";
  return {
    change: { kind: reopening ? "reopened" : "status_changed", actorId, from, to },
    set,
    countReopen: reopening,
    sla,
    resolves: to === "resolved",
  };
}

export interface ResponsePlan {
  /** The event logged: the first answer, or a later one. */
  event: "first_response" | "response";
  /** Fields to store besides counting the answer (only for the first one). */
  set: Partial<Pick<Ticket, "firstResponseAt" | "firstResponderId" | "firstResponseSeconds" | "firstResponseBusinessSeconds">>;
  /** The first-response clock stops. */
  stopsFirstResponseClock: boolean;
}

/** An agent answered the customer (in the thread or through the app): every answer counts; the first one is timed. */
export function planResponse(
  ticket: Pick<Ticket, "firstResponseAt" | "createdAt">,
  agentId: string,
  at: Date,
  calendar: BusinessCalendar,
): ResponsePlan {
  if (ticket.firstResponseAt !== null) return { event: "response", set: {}, stopsFirstResponseClock: false };
  return {
    event: "first_response",
    set: {
      firstResponseAt: at,
      firstResponderId: agentId,
      firstResponseSeconds: secondsBetween(ticket.createdAt, at),
      firstResponseBusinessSeconds: businessSecondsBetween(calendar, ticket.createdAt, at),
    },
    stopsFirstResponseClock: true,
  };
}
