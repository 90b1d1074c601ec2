// Making a ticket, whatever opened it: the ticket, its SLA clocks, its first event and message, its
// customer thread, and the acknowledgement and triage card (through the notifier), in one transaction.
// Idempotent per source message: a second delivery finds the ticket the first one made.
import { isDomainError } from "../../../shared/errors.ts";
import type { Origin, Ticket } from "../../rules/ticket.ts";
import type { SupportContext } from "../context.ts";
import { startClocks } from "./sla-clocks.ts";

export interface NewTicket {
  channelId: string;
  /** The customer's message it is made from (null for /ticket). */
  sourceTs: string | null;
  /** Root of the customer's thread, when it exists already. */
  threadTs: string | null;
  requesterId: string;
  requesterTeamId: string | null;
  requesterName: string | null;
  requesterCompany: string | null;
  text: string;
  permalink: string | null;
  origin: Origin;
  /** Who made it by hand (null: the customer's own message). */
  createdById: string | null;
  /** When the customer asked (the message's time). */
  at: Date;
  accountExternalId: string | null;
  tier: string | null;
  previousTicketId: number | null;
}

/** Makes the ticket; the caller has checked that its source message is no ticket yet. */
export async function createTicket(ctx: SupportContext, input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
  const { at, ...fields } = input;
  try {
    const ticket = await ctx.tx.transaction(async (tx) => {
      const now = ctx.clock.now();
      const created = await ctx.store.tickets.insert(tx, { ...fields, createdAt: at, lastCustomerMessageAt: at });
      const sla = await startClocks(ctx, tx, created, at, now);
      await ctx.store.events.record(tx, {
        ticketId: created.id,
        kind: "created",
        actorId: input.createdById ?? input.requesterId,
        toValue: input.origin,
        at,
      });
      if (input.sourceTs) {
        await ctx.store.messages.add(tx, {
          ticketId: created.id,
          channelId: input.channelId,
          ts: input.sourceTs,
          userId: input.requesterId,
          role: "customer",
          text: input.text,
          at,
        });
      }
      if (input.threadTs) {
        await ctx.store.threads.add(tx, { channelId: input.channelId, threadTs: input.threadTs, ticketId: created.id, role: "customer" });
      }
      await ctx.notifier.ticketCreated(tx, created, sla, now);
      return created;
    });
    ctx.log.info(
      { event: "ticket.created", ticket: ticket.id, channel: ticket.channelId, origin: ticket.origin, requester: ticket.requesterId },
      "ticket created",
    );
    return { ticket, created: true };
  } catch (error) {
    // Another delivery of the same message made it first.
    if (input.sourceTs && isDomainError(error, "ticket.duplicate_source")) {
      const existing = await ctx.store.tickets.bySource(ctx.db, input.channelId, input.sourceTs);
      if (existing) return { ticket: existing, created: false };
    }
    throw error;
  }
}
