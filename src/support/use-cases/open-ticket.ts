// Someone makes a ticket of a message by hand (the message shortcut), or opens one with /ticket.
// Idempotent per source message: asking again answers with the ticket that exists.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { openRequest, type TicketRequest } from "./steps/create-ticket.ts";

export type { TicketRequest };

/** "ticket.in_triage_channel": the triage channel holds the team's own notes, not customers' requests. */
export async function openTicket(ctx: SupportContext, actor: Actor, request: TicketRequest): Promise<{ ticket: Ticket; created: boolean }> {
  await ctx.access.require(actor, "triage");
  if (request.channelId === ctx.settings.triageChannel) throw new DomainError("ticket.in_triage_channel", { origin: request.origin });
  if (request.sourceTs) {
    const existing = await ctx.store.tickets.bySource(ctx.db, request.channelId, request.sourceTs);
    if (existing) return { ticket: existing, created: false };
  }
  return openRequest(ctx, personOf(actor).userId, request);
}
