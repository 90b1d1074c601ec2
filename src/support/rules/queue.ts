// The work queue as agents see it: their own open tickets, the one whose SLA runs out first on top, and
// the team's open tickets counted by status and priority.
import { PRIORITIES, type Priority, type Status, type Ticket } from "./ticket.ts";
import type { SlaStatus } from "./sla.ts";

export interface QueuedTicket {
  ticket: Ticket;
  sla: SlaStatus | null;
}

export interface QueueCount {
  status: Exclude<Status, "resolved">;
  priority: Priority;
  count: number;
}

export interface TeamQueue {
  /** Open tickets per status and priority. */
  counts: QueueCount[];
  unassigned: number;
  /** The unassigned open tickets to take first (past their SLA, then the oldest), each with its SLA state. */
  oldestUnassigned: QueuedTicket[];
}

/** The `limit` tickets with the least SLA time left first; paused clocks and tickets without one come last. */
export function leastTimeLeftFirst(queued: QueuedTicket[], limit: number): QueuedTicket[] {
  const left = (q: QueuedTicket) => (q.sla && q.sla.state !== "paused" ? q.sla.leftSeconds : Number.POSITIVE_INFINITY);
  return queued.sort((a, b) => left(a) - left(b)).slice(0, limit);
}

/**
 * The `limit` tickets to show first: those past their SLA (most overdue first), then the rest in the
 * order given (the oldest first, as read).
 */
export function breachedFirst(queued: QueuedTicket[], limit: number): QueuedTicket[] {
  const breached = queued.filter((q) => q.sla?.state === "breached").sort((a, b) => a.sla!.leftSeconds - b.sla!.leftSeconds);
  const rest = queued.filter((q) => q.sla?.state !== "breached");
  return [...breached, ...rest].slice(0, limit);
}

/** Counts by status, then by priority rank (urgent first). */
export function orderCounts(counts: QueueCount[]): QueueCount[] {
  return counts.sort((a, b) => a.status.localeCompare(b.status) || PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority));
}
