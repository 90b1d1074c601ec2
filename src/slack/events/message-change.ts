// Edits and deletions of messages (`message_changed`, `message_deleted`), after they are stored and
// acknowledged. The support desk decides whether the message matters (a ticket's first message, a reply
// in its customer thread); the app's own posts and the triage channel's messages (cards, internal notes)
// are left alone.
import { jobActor, userActor } from "../../shared/actor.ts";
import { tsToDate } from "../../support/rules/intake.ts";
import type { MessageChange } from "../../support/rules/message-changes.ts";
import { receiveMessageChange } from "../../support/use-cases/receive-message-change.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { messageChangedEventSchema, messageDeletedEventSchema, parse, type Envelope } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { withoutAppMention } from "../mentions.ts";

/** The subtypes this listener takes. */
export const CHANGE_SUBTYPES: ReadonlySet<string> = new Set(["message_changed", "message_deleted"]);

export async function onMessageChange(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const change = readChange(deps, envelope);
  if (!change || change.channelId === deps.settings.triageChannel) return;
  await receiveMessageChange(deps.support, change.actor, change);
}

interface Said {
  user?: string;
  bot_id?: string;
  team?: string;
  user_team?: string;
}

/** Slack does not say who deleted a message: its author, as far as known. */
const deleter = (previous: Said | undefined) =>
  previous?.user ? userActor(previous.user, previous.user_team ?? previous.team) : jobActor("slack");

const DELETED: MessageChange = { kind: "deleted" };

function readChange(deps: SlackDeps, envelope: Envelope) {
  const bot = deps.directory.identity.botUserId;
  const ownPost = (m: Said | undefined) => Boolean(m?.bot_id) || (bot !== null && m?.user === bot);
  if (envelope.event.subtype === "message_deleted") {
    const parsed = parse(messageDeletedEventSchema, envelope.event);
    if (!parsed.ok) throw new SkipEvent(parsed.reason);
    const e = parsed.value;
    if (ownPost(e.previous_message)) return null;
    return { actor: deleter(e.previous_message), channelId: e.channel, ts: e.deleted_ts, change: DELETED, at: tsToDate(e.ts) };
  }
  const parsed = parse(messageChangedEventSchema, envelope.event);
  if (!parsed.ok) throw new SkipEvent(parsed.reason);
  const e = parsed.value;
  const m = e.message;
  const ts = m.ts ?? e.previous_message?.ts;
  if (!ts || ownPost(m) || ownPost(e.previous_message)) return null;
  // A deleted message that has replies stays as a tombstone, so its thread can still be read.
  if (m.subtype === "tombstone")
    return { actor: deleter(e.previous_message), channelId: e.channel, ts, change: DELETED, at: tsToDate(e.ts) };
  const editor = m.edited?.user ?? m.user;
  if (!editor) return null;
  return {
    actor: userActor(editor, m.user_team ?? m.team),
    channelId: e.channel,
    ts,
    change: { kind: "edited", text: withoutAppMention(m.text, bot) } as MessageChange,
    at: tsToDate(m.edited?.ts ?? e.ts),
  };
}
