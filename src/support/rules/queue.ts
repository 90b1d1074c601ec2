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
  /** The oldest unassigned open tickets, each with its SLA state. */
  oldestUnassigned: QueuedTicket[];
}

/** The `limit` tickets with the least SLA time left first; paused clocks and tickets without one come last. */
export function leastTimeLeftFirst(queued: QueuedTicket[], limit: number): QueuedTicket[] {
  const left = (q: QueuedTicket) => (q.sla && q.sla.state !== "paused" ? q.sla.leftSeconds : Number.POSITIVE_INFINITY);
  return queued.sort((a, b) => left(a) - left(b)).slice(0, limit);
}

/** Counts by status, then by priority rank (urgent first). */
export function orderCounts(counts: QueueCount[]): QueueCount[] {
  return counts.sort((a, b) => a.status.localeCompare(b.status) || PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority));
}
