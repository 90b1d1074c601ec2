// Message events (after they are stored and acknowledged). A message in a triage card's thread is an
// internal note; any other message from a person goes to the support desk, which decides what it is.
import { userActor } from "../../shared/actor.ts";
import { addInternalNote } from "../../support/use-cases/add-internal-note.ts";
import { receiveCustomerMessage } from "../../support/use-cases/receive-customer-message.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { messageEventSchema, parse, type Envelope } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { withoutAppMention } from "../mentions.ts";

export async function onMessage(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const parsed = parse(messageEventSchema, envelope.event);
  if (!parsed.ok) throw new SkipEvent(parsed.reason);
  const m = parsed.value;
  // Bots (the app included), edits, deletions, joins and every other subtype are not people writing.
  if (m.subtype || m.bot_id || !m.user) return;
  if (m.user === deps.directory.identity.botUserId) return;

  const authorTeamId = m.user_team ?? m.user_profile?.team ?? m.team ?? null;
  const actor = userActor(m.user, authorTeamId);
  const threadTs = m.thread_ts && m.thread_ts !== m.ts ? m.thread_ts : null;
  if (m.channel === deps.settings.triageChannel) {
    if (threadTs) await addInternalNote(deps.support, actor, { channelId: m.channel, threadTs, ts: m.ts, text: m.text });
    return;
  }
  await receiveCustomerMessage(deps.support, actor, {
    channelId: m.channel,
    ts: m.ts,
    threadTs,
    text: withoutAppMention(m.text, deps.directory.identity.botUserId),
    authorTeamId,
    homeTeamId: envelope.team_id ?? deps.directory.identity.teamId,
    sharedChannel: envelope.is_ext_shared_channel === true,
    authorName: m.user_profile?.display_name || m.user_profile?.real_name || null,
    permalink: deps.directory.permalink(m.channel, m.ts, threadTs),
  });
}
