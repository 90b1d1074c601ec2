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
