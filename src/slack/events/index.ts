// Routes stored Events API envelopes to their listeners (run by the inbox processor, after the ack).
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { envelopeSchema, parse } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { onMessage } from "./message.ts";
import { CHANGE_SUBTYPES, onMessageChange } from "./message-change.ts";
import { onReactionAdded } from "./reaction.ts";
import { onAppMention } from "./mention.ts";
import { onAppHomeOpened } from "../home/app-home.ts";
import { onFeedbackReactionAdded, onFeedbackReactionRemoved } from "./feedback-reaction.ts";
import type { Envelope } from "../payloads.ts";

/** A reaction may make a ticket (TICKET_EMOJI) or send feedback (FEEDBACK_EMOJI). */
async function onReaction(deps: SlackDeps, envelope: Envelope): Promise<void> {
  await onReactionAdded(deps, envelope);
  await onFeedbackReactionAdded(deps, envelope);
}

/** A message event: a new message, or an edit or deletion of one. */
async function onAnyMessage(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const subtype = envelope.event.subtype;
  if (typeof subtype === "string" && CHANGE_SUBTYPES.has(subtype)) await onMessageChange(deps, envelope);
  else await onMessage(deps, envelope);
}

/** The event types the app subscribes to (manifest.json lists them) and their listeners. */
const listeners = {
  message: onAnyMessage,
  reaction_added: onReaction,
  reaction_removed: onFeedbackReactionRemoved,
  app_home_opened: onAppHomeOpened,
  app_mention: onAppMention,
} as const;

export const SUBSCRIBED_EVENT_TYPES = Object.keys(listeners);

export function createEventRouter(deps: SlackDeps) {
  return async (body: unknown): Promise<void> => {
    const parsed = parse(envelopeSchema, body);
    if (!parsed.ok) throw new SkipEvent(parsed.reason);
    const type = parsed.value.event.type as keyof typeof listeners;
    const listener = listeners[type];
    if (!listener) return;
    await listener(deps, parsed.value);
  };
}

/** Subtypes of a new top-level message that are a person's words (an upload, /me): handled like a plain message. */
const INDEPENDENT_SUBTYPES: ReadonlySet<string> = new Set(["file_share", "me_message"]);

/**
 * Which stored events may be worked on beside others (src/platform/inbox/processor.ts): a person's new
 * top-level message in a channel other than the triage channel. Such a message touches only its author's
 * tickets in that channel (it joins their recent open ticket or opens one), so messages of different
 * authors are independent: the key is the author, and one author's messages keep their order. Anything
 * else (replies, edits, deletions, reactions, mentions, bots, the triage channel) is worked on in order
 * with all other events.
 */
export function independentKeysOf(deps: Pick<SlackDeps, "settings">) {
  return (body: unknown): readonly string[] | null => {
    const envelope = body as { type?: unknown; event?: Record<string, unknown> } | null;
    const e = envelope?.type === "event_callback" ? envelope.event : undefined;
    if (!e || e.type !== "message") return null;
    if (e.subtype !== undefined && !(typeof e.subtype === "string" && INDEPENDENT_SUBTYPES.has(e.subtype))) return null;
    const { channel, user, ts, thread_ts: threadTs } = e;
    if (typeof channel !== "string" || typeof user !== "string" || typeof ts !== "string") return null;
    if (threadTs !== undefined && threadTs !== ts) return null;
    if (e.bot_id !== undefined || channel === deps.settings.triageChannel) return null;
    return [`user:${user}`];
  };
}
