import { describe, expect, it } from "vitest";
import { breachedFirst, leastTimeLeftFirst, orderCounts, type QueuedTicket } from "./queue.ts";
import type { Ticket } from "./ticket.ts";

const queued = (id: number, sla: QueuedTicket["sla"]): QueuedTicket => ({ ticket: { id } as Ticket, sla });
const running = (leftSeconds: number) => ({ kind: "first_response" as const, state: "running" as const, dueAt: null, leftSeconds });

describe("an agent's queue", () => {
  it("puts the ticket whose SLA runs out first on top; paused clocks and tickets without one go last", () => {
    const order = leastTimeLeftFirst(
      [
        queued(1, null),
        queued(2, running(3600)),
        queued(3, { ...running(10), state: "paused" }),
        queued(4, running(-60)),
        queued(5, running(60)),
      ],
      10,
    ).map((q) => q.ticket.id);
    expect(order.slice(0, 3)).toEqual([4, 5, 2]);
    expect(order.slice(3).sort()).toEqual([1, 3]);
  });

  it("puts unassigned tickets past their SLA first (most overdue on top), then the rest in the order read (oldest first)", () => {
    const breached = (leftSeconds: number) => ({ ...running(leftSeconds), state: "breached" as const });
    const order = breachedFirst(
      [queued(1, running(600)), queued(2, null), queued(3, breached(-60)), queued(4, running(30)), queued(5, breached(-3600))],
      4,
    ).map((q) => q.ticket.id);
    expect(order).toEqual([5, 3, 1, 2]);
  });

  it("shows at most the limit", () => {
    expect(leastTimeLeftFirst([queued(1, running(1)), queued(2, running(2)), queued(3, running(3))], 2).map((q) => q.ticket.id)).toEqual([
      1, 2,
    ]);
  });

  it("counts the team's tickets by status, then urgent first", () => {
    const counts = orderCounts([
      { status: "pending", priority: "low", count: 1 },
      { status: "open", priority: "normal", count: 2 },
      { status: "open", priority: "urgent", count: 1 },
    ]);
    expect(counts.map((c) => `${c.status}/${c.priority}`)).toEqual(["open/urgent", "open/normal", "pending/low"]);
  });
});
