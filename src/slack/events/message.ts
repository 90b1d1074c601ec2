// Message events (after they are stored and acknowledged). A message in a triage card's thread is an
// internal note; any other message from a person goes to the support desk, which decides what it is.
// A message's subtype is read for its meaning: one that carries a person's words or files is a message
// like any other; system notices, bots and hidden changes are not people writing.
import { userActor } from "../../shared/actor.ts";
import { addInternalNote } from "../../support/use-cases/add-internal-note.ts";
import { receiveCustomerMessage } from "../../support/use-cases/receive-customer-message.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { messageEventSchema, parse, type Envelope } from "../payloads.ts";
import { notedFiles, receivedFiles } from "../files.ts";
import type { SlackDeps } from "../deps.ts";
import { withoutAppMention } from "../mentions.ts";

/** Subtypes that carry a person's words or files: an upload, "Also send to channel", /me. */
export const PERSON_SUBTYPES: ReadonlySet<string> = new Set(["file_share", "thread_broadcast", "me_message"]);

/**
 * Subtypes that are no person writing: bots, joins and the other channel notices, and hidden changes to
 * other messages (edits and deletions are not new messages).
 */
export const SYSTEM_SUBTYPES: ReadonlySet<string> = new Set([
  "bot_message",
  "bot_add",
  "bot_remove",
  "bot_enable",
  "bot_disable",
  "slackbot_response",
  "app_conversation_join",
  "app_conversation_leave",
  "channel_join",
  "channel_leave",
  "channel_topic",
  "channel_purpose",
  "channel_name",
  "channel_archive",
  "channel_unarchive",
  "channel_posting_permissions",
  "channel_convert_to_private",
  "channel_convert_to_public",
  "channel_canvas_updated",
  "group_join",
  "group_leave",
  "group_topic",
  "group_purpose",
  "group_name",
  "group_archive",
  "group_unarchive",
  "ekm_access_denied",
  "pinned_item",
  "unpinned_item",
  "reminder_add",
  "huddle_thread",
  "sh_room_created",
  "tombstone",
  "message_changed",
  "message_deleted",
  "message_replied",
  "joiner_notification",
  "joiner_notification_for_inviter",
]);

/** Unknown subtypes already logged, per running app: each is named once in the log, then skipped quietly. */
const loggedSubtypes = new WeakMap<SlackDeps, Set<string>>();
const MAX_LOGGED_SUBTYPES = 200;

function logUnknownSubtypeOnce(deps: SlackDeps, subtype: string, channel: string): void {
  let seen = loggedSubtypes.get(deps);
  if (!seen) loggedSubtypes.set(deps, (seen = new Set()));
  if (seen.has(subtype) || seen.size >= MAX_LOGGED_SUBTYPES) return;
  seen.add(subtype);
  deps.log.info(
    { event: "intake.unknown_subtype", subtype, channel },
    "message of a subtype the app does not know: skipped (this subtype is logged once)",
  );
}

export async function onMessage(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const parsed = parse(messageEventSchema, envelope.event);
  if (!parsed.ok) throw new SkipEvent(parsed.reason);
  const m = parsed.value;
  if (m.subtype && !PERSON_SUBTYPES.has(m.subtype)) {
    if (!SYSTEM_SUBTYPES.has(m.subtype)) logUnknownSubtypeOnce(deps, m.subtype, m.channel);
    return;
  }
  // Bots (the app included) are not people writing, whatever the subtype.
  if (m.bot_id || !m.user) return;
  if (m.user === deps.directory.identity.botUserId) return;

  const authorTeamId = m.user_team ?? m.user_profile?.team ?? m.team ?? null;
  const actor = userActor(m.user, authorTeamId);
  const threadTs = m.thread_ts && m.thread_ts !== m.ts ? m.thread_ts : null;
  if (m.channel === deps.settings.triageChannel) {
    if (threadTs) {
      await addInternalNote(deps.support, actor, { channelId: m.channel, threadTs, ts: m.ts, text: m.text, files: notedFiles(m.files) });
    }
    return;
  }
  await receiveCustomerMessage(deps.support, actor, {
    channelId: m.channel,
    ts: m.ts,
    threadTs,
    text: withoutAppMention(m.text, deps.directory.identity.botUserId),
    files: receivedFiles(m.files),
    authorTeamId,
    homeTeamId: envelope.team_id ?? deps.directory.identity.teamId,
    sharedChannel: envelope.is_ext_shared_channel === true,
    authorName: m.user_profile?.display_name || m.user_profile?.real_name || null,
    permalink: deps.directory.permalink(m.channel, m.ts, threadTs),
  });
}
