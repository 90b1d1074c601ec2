// The Reply to customer modal.
import type { View } from "@slack/types";
import type { Ticket } from "../../support/rules/ticket.ts";
import { REPLY_INPUT, VIEWS } from "./ids.ts";
import { LIMITS, escapeSlackText, modalMetadata, quote } from "./limits.ts";
import { requesterLabel } from "./ticket-card.ts";

export const REPLY_MAX_CHARS = 3000;

/** The modal's answers to a submission that cannot be sent. */
export const REPLY_LOST_TICKET = "This form has lost its ticket. Close it and use Reply to customer again.";
export const REPLY_EMPTY = "Write the reply the customer should see.";
export const REPLY_FAILED = "The reply could not be saved. Please try again.";

export function replyModal(ticket: Ticket): View {
  return {
    type: "modal",
    callback_id: VIEWS.reply,
    private_metadata: modalMetadata({ ticketId: ticket.id }),
    title: { type: "plain_text", text: `Reply to #${ticket.id}`.slice(0, LIMITS.modalTitle) },
    submit: { type: "plain_text", text: "Send" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `${requesterLabel(ticket)} in <#${ticket.channelId}> asked:\n${quote(escapeSlackText(ticket.text), 1500)}`,
        },
      },
      {
        type: "input",
        block_id: REPLY_INPUT.block,
        label: { type: "plain_text", text: "Your reply" },
        hint: { type: "plain_text", text: "Posted by the app in the customer's thread, visible to the customer." },
        element: {
          type: "plain_text_input",
          action_id: REPLY_INPUT.action,
          multiline: true,
          max_length: REPLY_MAX_CHARS,
          focus_on_load: true,
        },
      },
    ],
  };
}
