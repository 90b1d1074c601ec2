// Reacting with the ticket emoji (TICKET_EMOJI, :ticket: by default) to any message in a channel the
// app is in makes a ticket of that message, or, in a ticket's thread, adds it to that ticket.
import { accessDeniedText } from "../blocks/access.ts";
import { isDomainError } from "../../shared/errors.ts";
import { userActor } from "../../shared/actor.ts";
import { externalTeam, tsToDate } from "../../support/rules/intake.ts";
import { openTicketFromReaction } from "../../support/use-cases/open-ticket-from-reaction.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { fetchedMessageSchema, parse, reactionEventSchema, type Envelope } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { cleanStrings } from "../../shared/text.ts";
import type { ThreadMessage } from "../../support/ports.ts";
import { withoutAppMention } from "../mentions.ts";

export async function onReactionAdded(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const parsed = parse(reactionEventSchema, envelope.event);
  if (!parsed.ok) throw new SkipEvent(parsed.reason);
  const r = parsed.value;
  if (r.reaction !== deps.settings.ticketEmoji || r.item.type !== "message" || !r.item.channel || !r.item.ts) return;
  const channel = r.item.channel;
  const ts = r.item.ts;
  try {
    await openTicket(deps, envelope, r.user, channel, ts, r.item_user ?? null);
  } catch (error) {
    if (!isDomainError(error, "access.denied")) throw error;
    await deps.notify.ephemeral(channel, r.user, accessDeniedText(error)!);
  }
}

function openTicket(deps: SlackDeps, envelope: Envelope, user: string, channel: string, ts: string, itemUser: string | null) {
  const homeTeamId = envelope.team_id ?? deps.directory.identity.teamId;
  return openTicketFromReaction(deps.support, userActor(user), {
    channelId: channel,
    sourceTs: ts,
    homeTeamId,
    sharedChannel: envelope.is_ext_shared_channel === true,
    read: async () => {
      const message = await fetchMessage(deps, channel, ts);
      if (!message) return null;
      const teamId = message.user_team ?? message.team ?? null;
      return {
        threadTs: message.thread_ts ?? message.ts,
        text: withoutAppMention(message.text, deps.directory.identity.botUserId),
        requesterId: message.user ?? itemUser ?? user,
        requesterTeamId: teamId,
        externalTeamId: externalTeam(teamId, homeTeamId),
        permalink: deps.directory.permalink(channel, ts, message.thread_ts),
        at: tsToDate(ts),
      };
    },
    earlier: (threadTs) => earlierInThread(deps, channel, threadTs, ts),
  });
}

/** At most this many earlier messages of a thread are copied into a new ticket's card thread (the latest ones). */
export const THREAD_CONTEXT_MESSAGES = 20;

/**
 * The messages of a thread before `before` (its first message included), oldest first, the app's own
 * posts left out. Context only: a thread that cannot be read gives none, and the ticket is still made.
 */
async function earlierInThread(deps: SlackDeps, channel: string, threadTs: string, before: string): Promise<ThreadMessage[]> {
  const bot = deps.directory.identity;
  const found: ThreadMessage[] = [];
  try {
    let cursor: string | undefined;
    do {
      const page = (await deps.client.conversations.replies({ channel, ts: threadTs, limit: 200, cursor })) as {
        messages?: unknown[];
        response_metadata?: { next_cursor?: string };
      };
      for (const raw of page.messages ?? []) {
        const parsed = parse(fetchedMessageSchema, cleanStrings(raw));
        if (!parsed.ok) continue;
        const m = parsed.value;
        if (compareTs(m.ts, before) >= 0 || (bot.botId && m.bot_id === bot.botId) || (bot.botUserId && m.user === bot.botUserId)) continue;
        found.push({ userId: m.bot_id ? null : (m.user ?? null), text: withoutAppMention(m.text, bot.botUserId), at: tsToDate(m.ts) });
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
  } catch (error) {
    deps.log.warn({ err: error, channel, thread: threadTs }, "cannot read the thread's earlier messages; the ticket is made without them");
    return [];
  }
  return found.sort((a, b) => a.at.getTime() - b.at.getTime()).slice(-THREAD_CONTEXT_MESSAGES);
}

/** Compares two Slack timestamps exactly. */
function compareTs(a: string, b: string): number {
  const [as, af = ""] = a.split(".");
  const [bs, bf = ""] = b.split(".");
  return Number(as) - Number(bs) || Number(af.padEnd(6, "0")) - Number(bf.padEnd(6, "0"));
}

/**
 * Reads one message by ts: a top-level message from history, a thread reply from replies; its text
 * cleaned of what a database cannot store, as every event's is.
 */
export async function fetchMessage(deps: SlackDeps, channel: string, ts: string) {
  const history = (await deps.client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 })) as { messages?: unknown[] };
  let found = history.messages?.map((m) => parse(fetchedMessageSchema, cleanStrings(m))).find((p) => p.ok && p.value.ts === ts);
  if (!found) {
    try {
      const replies = (await deps.client.conversations.replies({ channel, ts, inclusive: true, limit: 1 })) as { messages?: unknown[] };
      found = replies.messages?.map((m) => parse(fetchedMessageSchema, cleanStrings(m))).find((p) => p.ok && p.value.ts === ts);
    } catch {
      found = undefined;
    }
  }
  return found && found.ok ? found.value : null;
}
