// An agent's work queue (the App Home): their own open tickets, the one whose SLA runs out first on top,
// and the team's open tickets by status and priority with the unassigned ones to take first (past their
// SLA, then the oldest).
import type { Actor } from "../../shared/actor.ts";
import { breachedFirst, leastTimeLeftFirst, orderCounts, type QueuedTicket, type TeamQueue } from "../rules/queue.ts";
import { personOf, type SupportContext } from "./context.ts";
import { slaStatusOf } from "./steps/sla-clocks.ts";

const MINE = 15;
const MINE_READ = 200;
const OLDEST_UNASSIGNED = 5;
/** The oldest unassigned tickets read to find those past their SLA among them. */
const UNASSIGNED_READ = 100;

export async function readQueue(ctx: SupportContext, actor: Actor): Promise<{ mine: QueuedTicket[]; mineTotal: number; team: TeamQueue }> {
  await ctx.access.require(actor, "triage");
  const { userId } = personOf(actor);
  const now = ctx.clock.now();
  const [mine, mineTotal, team] = await Promise.all([
    myOpenTickets(ctx, userId, now),
    ctx.store.queue.openAssignedCount(ctx.db, userId),
    teamQueue(ctx, now),
  ]);
  return { mine, mineTotal, team };
}

async function myOpenTickets(ctx: SupportContext, userId: string, now: Date): Promise<QueuedTicket[]> {
  const tickets = await ctx.store.queue.openAssignedTo(ctx.db, userId, MINE_READ);
  const queued = await Promise.all(tickets.map(async (ticket) => ({ ticket, sla: await slaStatusOf(ctx, ctx.db, ticket.id, now) })));
  return leastTimeLeftFirst(queued, MINE);
}

async function teamQueue(ctx: SupportContext, now: Date): Promise<TeamQueue> {
  const counts = orderCounts(await ctx.store.queue.openCounts(ctx.db));
  const [unassigned, oldest] = await Promise.all([
    ctx.store.queue.unassignedCount(ctx.db),
    ctx.store.queue.oldestUnassigned(ctx.db, UNASSIGNED_READ),
  ]);
  const queued = await Promise.all(oldest.map(async (ticket) => ({ ticket, sla: await slaStatusOf(ctx, ctx.db, ticket.id, now) })));
  const oldestUnassigned = breachedFirst(queued, OLDEST_UNASSIGNED);
  return { counts, unassigned, oldestUnassigned };
}
