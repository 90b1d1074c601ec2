// An agent answers the customer through the app (the Reply to customer modal): the app posts the answer
// in the customer's thread, and it counts as a response.
import type { Actor } from "../../shared/actor.ts";
import type { Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { loadTicket, recordResponse } from "./steps/lifecycle.ts";

export async function replyToCustomer(ctx: SupportContext, actor: Actor, input: { ticketId: number; text: string }): Promise<Ticket> {
  await ctx.access.require(actor, "triage");
  const { userId: agentId } = personOf(actor);
  const ticket = await ctx.tx.transaction(async (tx) => {
    const ticket = await loadTicket(ctx, tx, input.ticketId);
    const now = ctx.clock.now();
    const updated = await recordResponse(ctx, tx, ticket, agentId, now);
    await ctx.notifier.replyToCustomer(tx, updated, agentId, input.text, now);
    return updated;
  });
  ctx.log.info({ event: "ticket.reply_sent", ticket: input.ticketId, agent: agentId }, "reply to customer queued");
  return ticket;
}
