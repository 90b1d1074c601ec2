// Someone mentioned the app in a channel it is in: what they wrote with the mention is a request, and
// opens a ticket as /ticket does, with them as the requester; its thread is the one the mention is in.
// Anyone who can write where the app is may ask this way (a customer needs no role, as when writing in a
// support channel); an agent is told how agents open tickets instead. Where the desk already hears the message (a support channel, a ticket's thread) the
// mention adds nothing, so one message never makes two tickets; a mention with no request in it asks
// how to use the app.
import type { Actor } from "../../shared/actor.ts";
import { externalTeam, isBareMention, tsToDate } from "../rules/intake.ts";
import type { Ticket } from "../rules/ticket.ts";
import { personOf, type SupportContext } from "./context.ts";
import { openRequest } from "./steps/create-ticket.ts";

export interface Mention {
  channelId: string;
  ts: string;
  /** The thread it was written in; null for a top-level message. */
  threadTs: string | null;
  /** What was written, without the mention. */
  text: string;
  /** The author's workspace (null: unknown). */
  authorTeamId: string | null;
  /** The workspace the app is installed in. */
  homeTeamId: string | null;
  /** The author's name as it came with the mention, if any. */
  authorName: string | null;
  permalink: string | null;
}

export type MentionOutcome =
  | { kind: "opened"; ticket: Ticket }
  /** A second delivery: the ticket exists. */
  | { kind: "exists"; ticket: Ticket }
  /** Nothing was asked: answer with how to use the app. */
  | { kind: "help" }
  /** An agent mentioned the app: agents open tickets for customers with /ticket or the ticket reaction. */
  | { kind: "agent" }
  /** The triage channel holds the team's notes; in a support channel or a ticket's thread the message itself is heard. */
  | { kind: "ignored"; reason: "triage_channel" | "support_channel" | "ticket_thread" };

export async function openTicketFromMention(ctx: SupportContext, actor: Actor, mention: Mention): Promise<MentionOutcome> {
  const { userId } = personOf(actor);
  const { channelId, ts } = mention;
  if (channelId === ctx.settings.triageChannel) return { kind: "ignored", reason: "triage_channel" };
  if (ctx.people.isAgent(userId)) return { kind: "agent" };
  if (isBareMention(mention.text)) return { kind: "help" };
  const support = await ctx.store.channels.lookup(ctx.db, channelId);
  if (support) return { kind: "ignored", reason: "support_channel" };
  if (mention.threadTs && (await ctx.store.threads.ticketOf(ctx.db, channelId, mention.threadTs, "customer"))) {
    return { kind: "ignored", reason: "ticket_thread" };
  }
  const existing = await ctx.store.tickets.bySource(ctx.db, channelId, ts);
  if (existing) return { kind: "exists", ticket: existing };
  const { ticket, created } = await openRequest(
    ctx,
    null,
    {
      channelId,
      sourceTs: ts,
      threadTs: mention.threadTs ?? ts,
      text: mention.text,
      origin: "mention",
      requesterId: userId,
      requesterTeamId: mention.authorTeamId,
      externalTeamId: externalTeam(mention.authorTeamId, mention.homeTeamId),
      requesterName: mention.authorName ?? undefined,
      permalink: mention.permalink,
      at: tsToDate(ts),
    },
    support,
  );
  return created ? { kind: "opened", ticket } : { kind: "exists", ticket };
}
