// A message from someone in a channel the app is in (the actor is its author). A top-level message in a
// support channel is ignored (not a customer's, or a bare pleasantry), joins the customer's recent open
// ticket (within the merge window), or opens a ticket. A reply in a ticket's customer thread is added to
// it: a customer's reply reopens a resolved ticket (or, after the reopen window, opens a follow-up ticket)
// and brings a pending one back to open; an agent's reply counts as a response. A message is a request
// for its words or its files alike: one that is only a screenshot opens a ticket too. The details of the
// files are asked for only once the message is known to matter (after Slack has its acknowledgement). A
// customer's reply in a support channel's thread that no ticket owns opens a ticket in that thread.
import type { Actor } from "../../shared/actor.ts";
import type { AttachedFile, ReceivedFile } from "../rules/files.ts";
import {
  classifyAuthor,
  externalTeam,
  isLateFollowUp,
  joinsRecentTicket,
  judgeTopLevelMessage,
  judgeUnownedThreadReply,
  tsToDate,
} from "../rules/intake.ts";
import type { AuthorRole, Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { createTicket, openRequest } from "./steps/create-ticket.ts";
import { changeStatus, loadTicket, recordResponse } from "./steps/lifecycle.ts";

export interface ChannelMessage {
  channelId: string;
  ts: string;
  /** The thread it was posted in; null for a top-level message. */
  threadTs: string | null;
  text: string;
  /** The author's workspace (null: unknown). */
  authorTeamId: string | null;
  /** The workspace the app is installed in. */
  homeTeamId: string | null;
  /** The channel is shared with other organisations (Slack Connect). */
  sharedChannel: boolean;
  /** The author's name as it came with the message, if any. */
  authorName: string | null;
  /** A link to the message. */
  permalink: string | null;
  /** The files shared with it (none when absent). */
  files?: readonly ReceivedFile[];
}

export type MessageOutcome =
  | { kind: "ignored"; reason: "not_a_support_channel" | "not_a_customer" | "pleasantry" }
  /** A second delivery of a message already stored. */
  | { kind: "duplicate" }
  | { kind: "added"; ticketId: number }
  | { kind: "opened"; ticket: Ticket };

interface Said {
  channelId: string;
  ts: string;
  userId: string;
  text: string;
  files: AttachedFile[];
  permalink: string | null;
  role: AuthorRole;
  at: Date;
}

export async function receiveCustomerMessage(ctx: SupportContext, actor: Actor, message: ChannelMessage): Promise<MessageOutcome> {
  const { userId } = personOf(actor);
  const role = (): AuthorRole =>
    classifyAuthor({
      userId,
      authorTeamId: message.authorTeamId,
      homeTeamId: message.homeTeamId,
      sharedChannel: message.sharedChannel,
      isAgent: ctx.people.isAgent(userId),
    });
  const received = message.files ?? [];
  const said = async (r: AuthorRole): Promise<Said> => ({
    channelId: message.channelId,
    ts: message.ts,
    userId,
    text: message.text,
    files: received.length > 0 ? await ctx.files.describe(received) : [],
    permalink: message.permalink,
    role: r,
    at: tsToDate(message.ts),
  });

  if (message.threadTs && message.threadTs !== message.ts) {
    const ticket = await ctx.store.threads.ticketOf(ctx.db, message.channelId, message.threadTs, "customer");
    if (!ticket) return openInThread(ctx, message, message.threadTs, role(), said);
    const reply = await said(role());
    if (isLateFollowUp(ticket, reply, ctx.settings.intake)) return followUp(ctx, ticket, reply, message.threadTs);
    return addToTicket(ctx, ticket.id, reply);
  }

  const support = await ctx.store.channels.lookup(ctx.db, message.channelId);
  const author = role();
  const verdict = judgeTopLevelMessage(
    { supportChannel: support !== null, role: author, text: message.text, files: received.length, at: tsToDate(message.ts) },
    ctx.settings.intake,
  );
  if (verdict.action === "ignore") {
    if (verdict.reason === "pleasantry") {
      ctx.log.info(
        { event: "intake.ignored", reason: "pleasantry", channel: message.channelId, ts: message.ts },
        "message is not a request",
      );
    }
    return { kind: "ignored", reason: verdict.reason };
  }
  const request = await said(author);
  // Whether the message is a ticket already is asked beside the merge's question (one wait, not two);
  // its answer counts only when the message does not join a recent ticket.
  const [recent, existing] = await Promise.all([
    verdict.mergeSince ? ctx.store.tickets.recentOpen(ctx.db, message.channelId, userId, verdict.mergeSince) : null,
    ctx.store.tickets.bySource(ctx.db, message.channelId, message.ts),
  ]);
  if (verdict.mergeSince) {
    if (recent && joinsRecentTicket(recent, message.ts)) {
      const outcome = await addToTicket(ctx, recent.id, request);
      // Replies under this message count for the ticket too.
      await ctx.store.threads.addIfMissing(ctx.db, {
        channelId: message.channelId,
        threadTs: message.ts,
        ticketId: recent.id,
        role: "customer",
      });
      ctx.log.info(
        { event: "intake.merged", ticket: recent.id, channel: message.channelId, ts: message.ts },
        "message joined the customer's open ticket",
      );
      return outcome;
    }
  }
  if (existing) return { kind: "duplicate" };
  const { ticket, created } = await openRequest(
    ctx,
    null,
    {
      channelId: message.channelId,
      sourceTs: message.ts,
      threadTs: message.ts,
      text: message.text,
      files: request.files,
      origin: "message",
      requesterId: userId,
      requesterTeamId: message.authorTeamId,
      externalTeamId: externalTeam(message.authorTeamId, message.homeTeamId),
      requesterName: message.authorName ?? undefined,
      permalink: message.permalink,
      at: request.at,
    },
    support,
  );
  return created ? { kind: "opened", ticket } : { kind: "duplicate" };
}

/**
 * A reply in a thread the app did not start and no ticket owns (under an agent's announcement, under
 * another customer's message): a customer's request in a support channel opens a ticket whose customer
 * thread is that thread. Later replies there then belong to it.
 */
async function openInThread(
  ctx: SupportContext,
  message: ChannelMessage,
  threadTs: string,
  author: AuthorRole,
  said: (r: AuthorRole) => Promise<Said>,
): Promise<MessageOutcome> {
  const support = await ctx.store.channels.lookup(ctx.db, message.channelId);
  const files = message.files?.length ?? 0;
  const verdict = judgeUnownedThreadReply(
    { supportChannel: support !== null, role: author, text: message.text, files, at: tsToDate(message.ts) },
    ctx.settings.intake,
  );
  if (verdict.action === "ignore") return { kind: "ignored", reason: verdict.reason };
  if (await ctx.store.tickets.bySource(ctx.db, message.channelId, message.ts)) return { kind: "duplicate" };
  const reply = await said(author);
  const { ticket, created } = await openRequest(
    ctx,
    null,
    {
      channelId: message.channelId,
      sourceTs: message.ts,
      threadTs,
      text: message.text,
      files: reply.files,
      origin: "message",
      requesterId: reply.userId,
      requesterTeamId: message.authorTeamId,
      externalTeamId: externalTeam(message.authorTeamId, message.homeTeamId),
      requesterName: message.authorName ?? undefined,
      permalink: message.permalink,
      at: reply.at,
    },
    support,
  );
  if (created) {
    ctx.log.info(
      { event: "intake.thread_ticket", ticket: ticket.id, channel: message.channelId, thread: threadTs },
      "reply opened a ticket in its thread",
    );
  }
  return created ? { kind: "opened", ticket } : { kind: "duplicate" };
}

/** Adds a message from the customer's side to a ticket, mirrored into the card's thread. */
async function addToTicket(ctx: SupportContext, ticketId: number, message: Said): Promise<MessageOutcome> {
  const outcome = await ctx.tx.transaction(async (tx): Promise<MessageOutcome> => {
    const ticket = await loadTicket(ctx, tx, ticketId);
    if (await ctx.store.messages.seen(tx, message.channelId, message.ts)) return { kind: "duplicate" };
    const { channelId, ts, userId, text, files, role, at } = message;
    const messageId = await ctx.store.messages.add(tx, { ticketId, channelId, ts, userId, text, files, role, at });
    const now = ctx.clock.now();
    if (message.role === "customer") {
      const current = await ctx.store.tickets.update(tx, ticketId, {
        lastCustomerMessageAt: message.at > ticket.lastCustomerMessageAt ? message.at : ticket.lastCustomerMessageAt,
      });
      await ctx.store.events.record(tx, { ticketId, kind: "customer_message", actorId: message.userId, at: message.at });
      await ctx.notifier.conversationMessage(tx, current, { ...message, messageId }, now);
      // A resolved ticket reopens; a pending one is open again.
      await changeStatus(ctx, tx, current, "open", null, message.at);
    } else {
      const current = await recordResponse(ctx, tx, ticket, message.userId, message.at);
      await ctx.notifier.conversationMessage(tx, current, { ...message, messageId }, now);
    }
    return { kind: "added", ticketId };
  });
  if (outcome.kind === "added") {
    ctx.log.info(
      { event: message.role === "customer" ? "ticket.customer_message" : "ticket.response", ticket: ticketId, user: message.userId },
      "message added to ticket",
    );
  }
  return outcome;
}

/**
 * A customer's reply long after resolution: a new ticket, linked to the old one, in the thread the reply
 * is in (the old ticket's, or one of its merged messages').
 */
async function followUp(ctx: SupportContext, previous: Ticket, message: Said, thread: string): Promise<MessageOutcome> {
  if (await ctx.store.messages.seen(ctx.db, message.channelId, message.ts)) return { kind: "duplicate" };
  if (await ctx.store.tickets.bySource(ctx.db, message.channelId, message.ts)) return { kind: "duplicate" };
  const { ticket, created } = await createTicket(ctx, {
    channelId: message.channelId,
    sourceTs: message.ts,
    threadTs: thread,
    requesterId: message.userId,
    requesterTeamId: previous.requesterTeamId,
    requesterName: previous.requesterId === message.userId ? previous.requesterName : null,
    requesterCompany: previous.requesterCompany,
    text: message.text,
    files: message.files,
    permalink: previous.permalink,
    origin: "message",
    createdById: null,
    at: message.at,
    accountExternalId: previous.accountExternalId,
    tier: previous.tier,
    previousTicketId: previous.id,
  });
  return created ? { kind: "opened", ticket } : { kind: "duplicate" };
}
