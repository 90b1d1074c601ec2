// Reacting with the ticket emoji (TICKET_EMOJI, :ticket: by default) to any message in a channel the
// app is in makes a ticket of that message.
import { accessDeniedText } from "../blocks/access.ts";
import { isDomainError } from "../../shared/errors.ts";
import { userActor } from "../../shared/actor.ts";
import { externalTeam, tsToDate } from "../../support/rules/intake.ts";
import { openTicketFromReaction } from "../../support/use-cases/open-ticket-from-reaction.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { fetchedMessageSchema, parse, reactionEventSchema, type Envelope } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { cleanStrings } from "../../shared/text.ts";

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
  return openTicketFromReaction(deps.support, userActor(user), {
    channelId: channel,
    sourceTs: ts,
    read: async () => {
      const message = await fetchMessage(deps, channel, ts);
      if (!message) return null;
      const teamId = message.user_team ?? message.team ?? null;
      return {
        threadTs: message.thread_ts ?? message.ts,
        text: message.text,
        requesterId: message.user ?? itemUser ?? user,
        requesterTeamId: teamId,
        externalTeamId: externalTeam(teamId, envelope.team_id ?? deps.directory.identity.teamId),
        permalink: deps.directory.permalink(channel, ts, message.thread_ts),
        at: tsToDate(ts),
      };
    },
  });
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
