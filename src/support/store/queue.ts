// The work queue as agents see it: their own open tickets by SLA time left, and the team's open
// tickets by status and priority.
import type { Database } from "../../platform/db/client.ts";
import { PRIORITIES, type Priority, type Status, type Ticket } from "../rules/ticket.ts";
import type { SlaClock, SlaStatus } from "./sla-timers.ts";

export interface QueuedTicket {
  ticket: Ticket;
  sla: SlaStatus | null;
}

export interface TeamQueue {
  /** Open tickets per status and priority. */
  counts: { status: Exclude<Status, "resolved">; priority: Priority; count: number }[];
  unassigned: number;
  /** The oldest unassigned open tickets. */
  oldestUnassigned: Ticket[];
}

export async function myOpenTickets(db: Database, sla: SlaClock, userId: string, now: Date, limit = 15): Promise<QueuedTicket[]> {
  const tickets = await db.client.ticket.findMany({
    where: { assigneeId: userId, status: { not: "resolved" } },
    orderBy: { createdAt: "asc" },
    take: 200,
  });
  const withSla = await Promise.all(tickets.map(async (ticket) => ({ ticket, sla: await sla.status(db.client, ticket.id, now) })));
  const left = (q: QueuedTicket) => (q.sla && q.sla.state !== "paused" ? q.sla.leftSeconds : Number.POSITIVE_INFINITY);
  return withSla.sort((a, b) => left(a) - left(b)).slice(0, limit);
}

export async function teamQueue(db: Database, limit = 5): Promise<TeamQueue> {
  const grouped = await db.client.ticket.groupBy({
    by: ["status", "priority"],
    where: { status: { not: "resolved" } },
    _count: { _all: true },
  });
  const counts = grouped
    .map((g) => ({ status: g.status as Exclude<Status, "resolved">, priority: g.priority as Priority, count: g._count._all }))
    .sort((a, b) => a.status.localeCompare(b.status) || PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority));
  const unassignedWhere = { status: { not: "resolved" }, assigneeId: null };
  const [unassigned, oldestUnassigned] = await Promise.all([
    db.client.ticket.count({ where: unassignedWhere }),
    db.client.ticket.findMany({ where: unassignedWhere, orderBy: { createdAt: "asc" }, take: limit }),
  ]);
  return { counts, unassigned, oldestUnassigned };
}
