// The stored state behind the metrics' gauges, read at scrape time. Each query is narrowed by an index
// on status ("InboxEvent" and "OutboxMessage" on (status, availableAt), "Ticket" on (status, priority)),
// so a scrape touches only the rows waiting, failed or open, never the history of done ones.
import type { Database } from "../db/client.ts";
import type { StateSnapshot } from "./metrics.ts";

export async function readState(db: Database): Promise<StateSnapshot> {
  const c = db.client;
  const [inbox, outbox, failed, tickets] = await Promise.all([
    c.inboxEvent.aggregate({ where: { status: "pending" }, _count: { _all: true }, _min: { receivedAt: true } }),
    c.outboxMessage.aggregate({ where: { status: { in: ["pending", "sending"] } }, _count: { _all: true }, _min: { createdAt: true } }),
    c.outboxMessage.count({ where: { status: "failed" } }),
    c.ticket.groupBy({ by: ["status"], where: { status: { not: "resolved" } }, _count: { _all: true } }),
  ]);
  return {
    inbox: { pending: inbox._count._all, oldestPendingAt: inbox._min.receivedAt },
    outbox: { depth: outbox._count._all, oldestPendingAt: outbox._min.createdAt, failed },
    openTickets: Object.fromEntries(tickets.map((t) => [t.status, t._count._all])),
  };
}
