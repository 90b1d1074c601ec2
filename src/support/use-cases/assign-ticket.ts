// Someone assigns a ticket (to themselves with "Assign to me", or to anyone with the picker), or unassigns it.
import type { Actor } from "../../shared/actor.ts";
import type { Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { loadTicket, recordChange } from "./steps/lifecycle.ts";
import { slaStatusOf } from "./steps/sla-clocks.ts";

export async function assignTicket(
  ctx: SupportContext,
  actor: Actor,
  input: { ticketId: number; assigneeId: string | null },
): Promise<Ticket> {
  await ctx.access.require(actor, "triage");
  const { userId } = personOf(actor);
  return ctx.tx.transaction(async (tx) => {
    const ticket = await loadTicket(ctx, tx, input.ticketId);
    const now = ctx.clock.now();
    if (ticket.assigneeId === input.assigneeId) return ticket;
    const updated = await ctx.store.tickets.update(tx, ticket.id, { assigneeId: input.assigneeId });
    const change = { kind: "assignee_changed", actorId: userId, from: ticket.assigneeId, to: input.assigneeId } as const;
    await recordChange(ctx, tx, updated, change, await slaStatusOf(ctx, tx, ticket.id, now), now);
    return updated;
  });
}
