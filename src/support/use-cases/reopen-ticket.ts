// "Reopen" on a resolved ticket's card: the ticket is open again (counted as a reopening, with a new
// resolution clock; see the state machine in src/support/rules/ticket.ts). A ticket that is not resolved
// (reopened by the customer's reply meanwhile, say) is left as it is.
import type { Actor } from "../../shared/actor.ts";
import type { Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { changeStatus, loadTicket } from "./steps/lifecycle.ts";

export async function reopenTicket(ctx: SupportContext, actor: Actor, input: { ticketId: number }): Promise<Ticket> {
  await ctx.access.require(actor, "triage");
  const { userId } = personOf(actor);
  return ctx.tx.transaction(async (tx) => {
    const ticket = await loadTicket(ctx, tx, input.ticketId);
    if (ticket.status !== "resolved") return ticket;
    return changeStatus(ctx, tx, ticket, "open", userId, ctx.clock.now());
  });
}
