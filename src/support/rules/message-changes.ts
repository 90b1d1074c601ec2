// What an edit or a deletion in Slack does to a message the desk recorded (a ticket's first message, a
// reply in its customer thread): the new text and state, or nothing when it changes nothing (a second
// delivery, an unfurl or a pin that leaves the text as it was, or any change after a deletion).
import type { MessageState } from "./ticket.ts";

/** What happened to the message in Slack. */
export type MessageChange = { kind: "edited"; text: string } | { kind: "deleted" };

export interface RecordedMessage {
  text: string;
  /** null: as sent. */
  state: string | null;
}

/** The message's new text and state, or null when the change changes nothing. */
export function planMessageChange(recorded: RecordedMessage, change: MessageChange): { text: string; state: MessageState } | null {
  if (recorded.state === "deleted") return null;
  if (change.kind === "deleted") return { text: recorded.text, state: "deleted" };
  if (change.text === recorded.text) return null;
  return { text: change.text, state: "edited" };
}
