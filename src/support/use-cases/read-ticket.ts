// Reads one ticket (for the Reply to customer modal, or to tag it as feedback); null when there is none.
import type { Actor } from "../../shared/actor.ts";
import type { Ticket } from "../rules/ticket.ts";
import type { SupportContext } from "./context.ts";

export async function readTicket(ctx: SupportContext, _actor: Actor, input: { ticketId: number }): Promise<Ticket | null> {
  return ctx.store.tickets.byId(ctx.db, input.ticketId);
}
