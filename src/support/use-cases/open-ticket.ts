// Someone makes a ticket of a message by hand (the message shortcut), or opens one with /ticket.
// Idempotent per source message: asking again answers with the ticket that exists.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { SupportChannelInfo } from "../rules/channels.ts";
import type { Origin, Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { createTicket } from "./steps/create-ticket.ts";

export interface TicketRequest {
  channelId: string;
  /** The message the ticket is made from (null for /ticket, whose post in the channel starts the thread). */
  sourceTs: string | null;
  /** The thread the conversation happens in, when it exists already. */
  threadTs: string | null;
  text: string;
  origin: Origin;
  requesterId: string;
  requesterTeamId: string | null;
  /** The requester's workspace when it is another company's: its name becomes the requester's company. */
  externalTeamId: string | null;
  /** The requester's name when known; undefined: ask the directory; null: leave it unknown. */
  requesterName?: string | null;
  permalink: string | null;
  /** When the customer asked (default: now). */
  at?: Date;
  /** Before Slack's acknowledgement: take a company's name only from what the directory knows already. */
  quick?: boolean;
}

/** "ticket.in_triage_channel": the triage channel holds the team's own notes, not customers' requests. */
export async function openTicket(ctx: SupportContext, actor: Actor, request: TicketRequest): Promise<{ ticket: Ticket; created: boolean }> {
  if (request.channelId === ctx.settings.triageChannel) throw new DomainError("ticket.in_triage_channel", { origin: request.origin });
  if (request.sourceTs) {
    const existing = await ctx.store.tickets.bySource(ctx.db, request.channelId, request.sourceTs);
    if (existing) return { ticket: existing, created: false };
  }
  return open(ctx, personOf(actor).userId, request);
}

/**
 * Opens the ticket once its source message is known to be no ticket yet: the requester named (their
 * company is their workspace when external, else the channel's account) and the channel's account and tier.
 * `support`: the channel's support settings when looked up already.
 */
export async function open(
  ctx: SupportContext,
  createdById: string | null,
  request: TicketRequest,
  support?: SupportChannelInfo | null,
): Promise<{ ticket: Ticket; created: boolean }> {
  support = support !== undefined ? support : await ctx.store.channels.lookup(ctx.db, request.channelId);
  const requesterName = request.requesterName !== undefined ? request.requesterName : await ctx.people.userName(request.requesterId);
  const external = request.externalTeamId;
  const requesterCompany = external
    ? request.quick
      ? ctx.people.cachedTeamName(external)
      : await ctx.people.teamName(external)
    : (support?.accountExternalId ?? null);
  return createTicket(ctx, {
    channelId: request.channelId,
    sourceTs: request.sourceTs,
    threadTs: request.threadTs,
    requesterId: request.requesterId,
    requesterTeamId: request.requesterTeamId,
    requesterName,
    requesterCompany,
    text: request.text,
    permalink: request.permalink,
    origin: request.origin,
    createdById,
    at: request.at ?? ctx.clock.now(),
    accountExternalId: support?.accountExternalId ?? null,
    tier: support?.tier ?? null,
    previousTicketId: null,
  });
}
