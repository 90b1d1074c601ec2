// `/feedback`: send feedback to the product team and work with it.
//   /feedback <text>                  the text becomes a feedback item from you in this channel; a first
//                                     word a typo away from a subcommand is asked about first
//   /feedback -- <text>               the text, whatever its first word
//   /feedback for:<account> <text>    the text, for that account (external id or name; "quoted" with spaces)
//   /feedback themes [...]            list and manage themes
//   /feedback digest [7d|30d]         preview the voice-of-customer digest
//   /feedback ship <theme> [note]     mark a theme shipped: a modal shows the reply customers will read and
//                                     who will be told; its submission tells them (views/theme-ship.ts)
import type { App } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { planShipNamed } from "../../feedback/use-cases/plan-ship.ts";
import { parseFeedbackCommand } from "../../feedback/rules/feedback-command.ts";
import { COMMANDS } from "../blocks/ids.ts";
import {
  FEEDBACK_OFF,
  FEEDBACK_TEXT_MISSING,
  FOR_WHICH_ACCOUNT,
  FEEDBACK_USAGE,
  TRY_AGAIN,
  mistypedSubcommandAnswer,
} from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { captureTypedFeedback, feedbackRefusal } from "../feedback-capture.ts";
import { openShipModal } from "../feedback-ship.ts";
import { themesCommand } from "./feedback-themes.ts";
import { digestCommand } from "./feedback-digest.ts";

export function registerFeedbackCommand(app: App, deps: SlackDeps): void {
  app.command(COMMANDS.feedback, async ({ ack, command, respond, client }) => {
    const say = (text: string) => ack({ response_type: "ephemeral", text });
    const feedback = deps.feedback;
    if (!feedback) return say(FEEDBACK_OFF);
    const actor = userActor(command.user_id, command.team_id);
    const parsed = parseFeedbackCommand(command.text ?? "");
    try {
      if (parsed.kind === "empty") return say(FEEDBACK_TEXT_MISSING);
      if (parsed.kind === "mistyped")
        return ack({ response_type: "ephemeral", ...mistypedSubcommandAnswer(parsed.suggestion, parsed.text) });
      if (parsed.kind === "noAccount") return say(FOR_WHICH_ACCOUNT);
      if (parsed.kind === "feedback")
        return say(await captureTypedFeedback(deps, feedback, actor, command, parsed.text, parsed.forAccount));
      const rest = parsed.rest;
      switch (parsed.name) {
        case "help":
          return say(FEEDBACK_USAGE);
        case "themes":
          return say(await themesCommand(deps, command.user_id, rest));
        case "digest":
          return ack({ response_type: "ephemeral", ...(await digestCommand(deps, command.user_id, rest)) });
        case "ship": {
          // Acknowledged first; the modal opens with the trigger, and nothing is sent before it is submitted.
          await ack();
          const reply = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
          return await openShipModal(deps, client, command.trigger_id, () => planShipNamed(feedback, actor, { text: rest }), reply);
        }
      }
    } catch (error) {
      const refused = feedbackRefusal(error);
      if (refused !== null) return say(refused);
      deps.log.error({ err: error }, "/feedback failed");
      return say(TRY_AGAIN);
    }
  });
}
