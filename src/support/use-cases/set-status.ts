// Someone sets a ticket's status (open, pending on the customer, resolved; "Resolve" on the card is
// resolved). See the state machine in src/support/rules/ticket.ts: pending pauses the SLA clocks,
// leaving resolved reopens the ticket, resolving it may send the customer a satisfaction survey.
import type { Actor } from "../../shared/actor.ts";
import type { Status, Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { changeStatus, loadTicket } from "./steps/lifecycle.ts";

export async function setStatus(ctx: SupportContext, actor: Actor, input: { ticketId: number; status: Status }): Promise<Ticket> {
  await ctx.access.require(actor, "triage");
  const { userId } = personOf(actor);
  return ctx.tx.transaction(async (tx) => {
    const ticket = await loadTicket(ctx, tx, input.ticketId);
    return changeStatus(ctx, tx, ticket, input.status, userId, ctx.clock.now());
  });
}

/** "Resolve" on the card. */
export const resolveTicket = (ctx: SupportContext, actor: Actor, input: { ticketId: number }): Promise<Ticket> =>
  setStatus(ctx, actor, { ...input, status: "resolved" });
