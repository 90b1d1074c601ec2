// Someone reacted with the ticket emoji (TICKET_EMOJI) to a message in a channel the app is in: that
// message becomes a ticket, unless it is one already or it is in the triage channel (the team's own notes).
import type { Actor } from "../../shared/actor.ts";
import type { Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { openRequest, type TicketRequest } from "./steps/create-ticket.ts";

export interface ReactedMessage {
  channelId: string;
  sourceTs: string;
  /** Reads the message (from Slack); called only when it is no ticket yet. null: it cannot be read. */
  read(): Promise<Omit<TicketRequest, "channelId" | "sourceTs" | "origin"> | null>;
}

export async function openTicketFromReaction(ctx: SupportContext, actor: Actor, message: ReactedMessage): Promise<Ticket | null> {
  await ctx.access.require(actor, "staff");
  const { channelId, sourceTs } = message;
  if (channelId === ctx.settings.triageChannel) return null;
  if (await ctx.store.tickets.bySource(ctx.db, channelId, sourceTs)) return null;
  const content = await message.read();
  if (!content) {
    ctx.log.warn(
      { event: "intake.reaction_unreadable", channel: channelId, ts: sourceTs },
      "cannot read the reacted message; no ticket made",
    );
    return null;
  }
  const { ticket } = await openRequest(ctx, personOf(actor).userId, { ...content, channelId, sourceTs, origin: "reaction" });
  return ticket;
}
