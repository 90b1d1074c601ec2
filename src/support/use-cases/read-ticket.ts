// Reads one ticket: to answer it (the Reply to customer modal: agents and admins) or to tag it as
// feedback (any staff); null when there is none.
import type { Actor } from "../../shared/actor.ts";
import type { Ticket } from "../rules/ticket.ts";
import type { SupportContext } from "./context.ts";

export async function readTicket(
  ctx: SupportContext,
  actor: Actor,
  input: { ticketId: number; purpose: "reply" | "feedback" },
): Promise<Ticket | null> {
  await ctx.access.require(actor, input.purpose === "reply" ? "triage" : "staff");
  return ctx.store.tickets.byId(ctx.db, input.ticketId);
}
