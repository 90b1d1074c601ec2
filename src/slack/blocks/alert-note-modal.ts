// The "Add note" modal of a churn-risk alert.
import type { View } from "@slack/types";
import type { AlertView } from "../../success/rules/alert.ts";
import { MAX_NOTE_LENGTH } from "../../success/rules/alert-changes.ts";
import { ALERT_NOTE_INPUT, VIEWS } from "./ids.ts";
import { LIMITS, escapeSlackText, modalMetadata, truncate } from "./limits.ts";

export function alertNoteModal(alert: AlertView): View {
  return {
    type: "modal",
    callback_id: VIEWS.alertNote,
    private_metadata: modalMetadata({ alertId: alert.id }),
    title: { type: "plain_text", text: truncate("Note on the alert", LIMITS.modalTitle) },
    submit: { type: "plain_text", text: "Add note" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: truncate(
            `*${escapeSlackText(alert.account.name)}*: ${alert.detail.rules.map((r) => escapeSlackText(r.reason)).join("; ")}`,
            LIMITS.sectionText,
          ),
        },
      },
      {
        type: "input",
        block_id: ALERT_NOTE_INPUT.block,
        label: { type: "plain_text", text: "Note" },
        hint: { type: "plain_text", text: "Posted in the alert's thread for the account team." },
        element: { type: "plain_text_input", action_id: ALERT_NOTE_INPUT.action, multiline: true, max_length: MAX_NOTE_LENGTH },
      },
    ],
  };
}
