// "Mark shipped" on a theme: the modal that asks what shipped, in words customers will read.
import type { View } from "@slack/types";
import { MAX_SHIP_NOTE } from "../../feedback/rules/loop.ts";
import { THEME_SHIP_INPUT, VIEWS } from "./ids.ts";
import { LIMITS, escapeMrkdwn, truncate } from "./limits.ts";

export function themeShipModal(theme: { id: number; name: string }): View {
  return {
    type: "modal",
    callback_id: VIEWS.themeShip,
    private_metadata: JSON.stringify({ themeId: theme.id }),
    title: { type: "plain_text", text: "Mark theme shipped" },
    submit: { type: "plain_text", text: "Tell customers" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: truncate(
            `*${escapeMrkdwn(theme.name)}*: each customer thread that asked for it gets one reply with your note, and each account's CSM gets the list of their accounts that asked.`,
            LIMITS.sectionText,
          ),
        },
      },
      {
        type: "input",
        block_id: THEME_SHIP_INPUT.block,
        label: { type: "plain_text", text: "What shipped (customers read this)" },
        element: { type: "plain_text_input", action_id: THEME_SHIP_INPUT.action, multiline: true, max_length: MAX_SHIP_NOTE },
      },
    ],
  };
}
