// The reads behind the work queue: an agent's open tickets and the team's open tickets by status and priority.
import type { Tx } from "../../platform/db/client.ts";
import type { QueueCount } from "../rules/queue.ts";
import type { Priority, Status, Ticket } from "../rules/ticket.ts";
import { TICKET_FIELDS } from "./tickets.ts";

export interface QueueStore {
  /** Open tickets assigned to the person, oldest first (at most `limit`). */
  openAssignedTo(tx: Tx, userId: string, limit: number): Promise<Ticket[]>;
  /** How many open tickets a person is assigned. */
  openAssignedCount(tx: Tx, userId: string): Promise<number>;
  /** Open tickets counted per status and priority (unordered). */
  openCounts(tx: Tx): Promise<QueueCount[]>;
  unassignedCount(tx: Tx): Promise<number>;
  /** The oldest open tickets nobody is assigned to. */
  oldestUnassigned(tx: Tx, limit: number): Promise<Ticket[]>;
}

const OPEN = { status: { not: "resolved" } } as const;
const UNASSIGNED = { ...OPEN, assigneeId: null };

export const prismaQueue: QueueStore = {
  openAssignedTo: (tx, userId, limit) =>
    tx.ticket.findMany({
      where: { assigneeId: userId, ...OPEN },
      orderBy: { createdAt: "asc" },
      take: limit,
      select: TICKET_FIELDS,
    }),

  openAssignedCount: (tx, userId) => tx.ticket.count({ where: { assigneeId: userId, ...OPEN } }),

  async openCounts(tx) {
    const grouped = await tx.ticket.groupBy({ by: ["status", "priority"], where: OPEN, _count: { _all: true } });
    return grouped.map((g) => ({
      status: g.status as Exclude<Status, "resolved">,
      priority: g.priority as Priority,
      count: g._count._all,
    }));
  },

  unassignedCount: (tx) => tx.ticket.count({ where: UNASSIGNED }),

  oldestUnassigned: (tx, limit) =>
    tx.ticket.findMany({ where: UNASSIGNED, orderBy: { createdAt: "asc" }, take: limit, select: TICKET_FIELDS }),
};
