// Making a ticket, whatever opened it: a request is completed with who asked (name, company) and the
// channel's account and tier; then the ticket, its SLA clocks, its first event and message, its customer
// thread, and the acknowledgement and triage card (through the notifier) are stored in one transaction.
// Idempotent per source message: a second delivery finds the ticket the first one made.
import { isDomainError } from "../../../shared/errors.ts";
import type { SupportChannelInfo } from "../../rules/channels.ts";
import { filesFromJson, filesToJson, type AttachedFile } from "../../rules/files.ts";
import type { Origin, Ticket } from "../../rules/ticket.ts";
import type { SupportContext } from "../context.ts";
import type { ThreadMessage } from "../../ports.ts";
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
  /** The files shared with the customer's message (none when absent). */
  files?: readonly AttachedFile[];
  permalink: string | null;
  origin: Origin;
  /** Who made it by hand (null: the customer's own message). */
  createdById: string | null;
  /** When the customer asked (the message's time). */
  at: Date;
  accountExternalId: string | null;
  tier: string | null;
  previousTicketId: number | null;
  /** The earlier messages of the thread it was made in, copied into the card's thread for context. */
  context?: readonly ThreadMessage[];
}

export interface TicketRequest {
  channelId: string;
  /** The message the ticket is made from (null for /ticket, whose post in the channel starts the thread). */
  sourceTs: string | null;
  /** The thread the conversation happens in, when it exists already. */
  threadTs: string | null;
  text: string;
  /** The files shared with the message (none when absent). */
  files?: readonly AttachedFile[];
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
  /** The earlier messages of the thread it is made in, for the card's thread. */
  context?: readonly ThreadMessage[];
}

/**
 * Opens the ticket once its source message is known to be no ticket yet: the requester named (their
 * company is their workspace when external, else the channel's account) and the channel's account and tier.
 * `support`: the channel's support settings when looked up already.
 */
export async function openRequest(
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
    files: request.files,
    permalink: request.permalink,
    origin: request.origin,
    createdById,
    at: request.at ?? ctx.clock.now(),
    accountExternalId: support?.accountExternalId ?? null,
    tier: support?.tier ?? null,
    previousTicketId: null,
    context: request.context,
  });
}

/** Makes the ticket; the caller has checked that its source message is no ticket yet. */
export async function createTicket(ctx: SupportContext, input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
  const { at, files, context, ...fields } = input;
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
          files,
          at,
        });
      }
      if (input.threadTs) {
        await ctx.store.threads.add(tx, { channelId: input.channelId, threadTs: input.threadTs, ticketId: created.id, role: "customer" });
      }
      // The first message's files as they were just stored (what reading them back would give).
      const firstFiles = input.sourceTs ? filesFromJson(filesToJson(files ?? [])) : undefined;
      await ctx.notifier.ticketCreated(tx, created, sla, now, firstFiles);
      if (context?.length) await ctx.notifier.threadContext(tx, created, context, now);
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
