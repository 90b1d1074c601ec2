// The support desk's vocabulary: priorities, statuses, where a ticket came from, who wrote a message.
import type { Ticket } from "../../generated/sqlite/client.ts";

export type { Ticket };

export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const STATUSES = ["open", "pending", "resolved"] as const;
export type Status = (typeof STATUSES)[number];

export const ORIGINS = ["message", "reaction", "shortcut", "command"] as const;
export type Origin = (typeof ORIGINS)[number];

export type AuthorRole = "customer" | "agent";

export const PRIORITY_LABELS: Record<Priority, string> = { urgent: "Urgent", high: "High", normal: "Normal", low: "Low" };
export const STATUS_LABELS: Record<Status, string> = { open: "Open", pending: "Pending on customer", resolved: "Resolved" };

export const isPriority = (v: unknown): v is Priority => typeof v === "string" && (PRIORITIES as readonly string[]).includes(v);
export const isStatus = (v: unknown): v is Status => typeof v === "string" && (STATUSES as readonly string[]).includes(v);

/** A change to a ticket, as logged in its card's thread and stored as a TicketEvent. */
export type TicketChange =
  | { kind: "status_changed"; actorId: string | null; from: Status; to: Status }
  | { kind: "priority_changed"; actorId: string; from: Priority; to: Priority }
  | { kind: "assignee_changed"; actorId: string; from: string | null; to: string | null }
  | { kind: "reopened"; actorId: string | null; from: Status; to: Status };

export class TicketNotFound extends Error {
  constructor(readonly ticketId: number) {
    super(`Ticket #${ticketId} does not exist`);
  }
}
