// Someone reacted with the ticket emoji (TICKET_EMOJI) to a message in a channel the app is in. A message
// in the thread of a ticket (its customer thread) is added to that ticket: recorded and mirrored into the
// card's thread, without a second ticket. Any other message becomes a ticket, unless it is one already or
// it is in the triage channel (the team's own notes); made from a reply in a thread, the ticket's card
// thread gets the thread's earlier messages, so the team sees what came before.
import type { Actor } from "../../shared/actor.ts";
import { classifyAuthor } from "../rules/intake.ts";
import type { Ticket } from "../rules/ticket.ts";
import type { ThreadMessage } from "../ports.ts";
import { personOf, type SupportContext } from "./context.ts";
import { openRequest, type TicketRequest } from "./steps/create-ticket.ts";

export interface ReactedMessage {
  channelId: string;
  sourceTs: string;
  /** The workspace the app is installed in. */
  homeTeamId: string | null;
  /** The channel is shared with other organisations (Slack Connect). */
  sharedChannel: boolean;
  /**
   * Reads the message (from Slack); called only when it is no ticket yet. null: it cannot be read. Its
   * `threadTs` is the thread it is in (its own ts for a top-level message).
   */
  read(): Promise<(Omit<TicketRequest, "channelId" | "sourceTs" | "origin" | "threadTs"> & { threadTs: string }) | null>;
  /** The messages before it in its thread, the thread's first message included, oldest first. */
  earlier(threadTs: string): Promise<ThreadMessage[]>;
}

export type ReactionOutcome =
  | { kind: "opened"; ticket: Ticket }
  /** The message is in a ticket's thread: it was added to that ticket. */
  | { kind: "added"; ticket: Ticket }
  /** It is a ticket, or part of one, already. */
  | { kind: "exists"; ticket: Ticket }
  | { kind: "ignored"; reason: "triage_channel" | "unreadable" };

export async function openTicketFromReaction(ctx: SupportContext, actor: Actor, message: ReactedMessage): Promise<ReactionOutcome> {
  await ctx.access.require(actor, "staff");
  const { channelId, sourceTs } = message;
  if (channelId === ctx.settings.triageChannel) return { kind: "ignored", reason: "triage_channel" };
  const existing = await ctx.store.tickets.bySource(ctx.db, channelId, sourceTs);
  if (existing) return { kind: "exists", ticket: existing };
  const content = await message.read();
  if (!content) {
    ctx.log.warn(
      { event: "intake.reaction_unreadable", channel: channelId, ts: sourceTs },
      "cannot read the reacted message; no ticket made",
    );
    return { kind: "ignored", reason: "unreadable" };
  }
  const reactorId = personOf(actor).userId;
  const owner = await ctx.store.threads.ticketOf(ctx.db, channelId, content.threadTs, "customer");
  if (owner) return addToOwner(ctx, owner, message, content, reactorId);

  const inThread = content.threadTs !== sourceTs;
  const context = inThread ? await message.earlier(content.threadTs) : [];
  const { ticket, created } = await openRequest(ctx, reactorId, { ...content, channelId, sourceTs, origin: "reaction", context });
  return created ? { kind: "opened", ticket } : { kind: "exists", ticket };
}

/** The reacted message is in a ticket's thread: recorded with that ticket and mirrored, once; its status stays. */
async function addToOwner(
  ctx: SupportContext,
  owner: Ticket,
  message: ReactedMessage,
  content: { requesterId: string; requesterTeamId: string | null; text: string; at?: Date },
  reactorId: string,
): Promise<ReactionOutcome> {
  const role = classifyAuthor({
    userId: content.requesterId,
    authorTeamId: content.requesterTeamId,
    homeTeamId: message.homeTeamId,
    sharedChannel: message.sharedChannel,
    isAgent: ctx.people.isAgent(content.requesterId),
  });
  const at = content.at ?? ctx.clock.now();
  const added = await ctx.tx.transaction(async (tx) => {
    if (await ctx.store.messages.seen(tx, message.channelId, message.sourceTs)) return false;
    const said = { userId: content.requesterId, text: content.text, role };
    const messageId = await ctx.store.messages.add(tx, {
      ticketId: owner.id,
      channelId: message.channelId,
      ts: message.sourceTs,
      ...said,
      at,
    });
    await ctx.store.events.record(tx, {
      ticketId: owner.id,
      kind: "message_added",
      actorId: reactorId,
      toValue: message.sourceTs,
      at: ctx.clock.now(),
    });
    await ctx.notifier.conversationMessage(tx, owner, { ...said, messageId }, ctx.clock.now());
    return true;
  });
  if (!added) return { kind: "exists", ticket: owner };
  ctx.log.info(
    { event: "ticket.message_added", ticket: owner.id, by: reactorId, ts: message.sourceTs },
    "reacted message added to its thread's ticket",
  );
  return { kind: "added", ticket: owner };
}
