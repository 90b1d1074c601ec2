// Someone sets a ticket's priority: its SLA clocks take the new targets.
import type { Actor } from "../../shared/actor.ts";
import type { Priority, Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { loadTicket, recordChange } from "./steps/lifecycle.ts";
import { retargetClocks, slaStatusOf } from "./steps/sla-clocks.ts";

export async function setPriority(ctx: SupportContext, actor: Actor, input: { ticketId: number; priority: Priority }): Promise<Ticket> {
  await ctx.access.require(actor, "triage");
  const { userId } = personOf(actor);
  return ctx.tx.transaction(async (tx) => {
    const ticket = await loadTicket(ctx, tx, input.ticketId);
    const now = ctx.clock.now();
    if (ticket.priority === input.priority) return ticket;
    const updated = await ctx.store.tickets.update(tx, ticket.id, { priority: input.priority });
    await retargetClocks(ctx, tx, updated);
    const change = { kind: "priority_changed", actorId: userId, from: ticket.priority as Priority, to: input.priority } as const;
    await recordChange(ctx, tx, updated, change, await slaStatusOf(ctx, tx, ticket.id, now), now);
    return updated;
  });
}
