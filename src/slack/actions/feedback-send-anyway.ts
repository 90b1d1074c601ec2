// "Send as feedback" under the answer to a mistyped `/feedback theme …`: the person meant it as feedback,
// so the text in the button's value is captured as `/feedback -- <text>` would be, in the channel the
// command was typed in. Stored before Slack gets its acknowledgement (as a command's capture is); the
// private answer is then replaced by the confirmation.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { ACTIONS } from "../blocks/ids.ts";
import { FEEDBACK_NOT_SAVED, FEEDBACK_OFF, SEND_ANYWAY_LOST } from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { captureTypedFeedback, feedbackRefusal } from "../feedback-capture.ts";

export function registerFeedbackSendAnyway(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.feedbackSendAnyway, async ({ ack, body, action, respond }) => {
    const answer = (text: string) =>
      void ack()
        .then(() => respond({ response_type: "ephemeral", replace_original: true, text }))
        .catch(() => {});
    if (!deps.feedback) return answer(FEEDBACK_OFF);
    const text = (action.value ?? "").trim();
    const channelId = body.channel?.id ?? body.container?.channel_id;
    const teamId = body.user.team_id ?? body.team?.id ?? "";
    if (!text || typeof channelId !== "string") return answer(SEND_ANYWAY_LOST);
    try {
      const actor = userActor(body.user.id, teamId);
      answer(
        await captureTypedFeedback(deps, deps.feedback, actor, { user_id: body.user.id, channel_id: channelId, team_id: teamId }, text),
      );
    } catch (error) {
      const refused = feedbackRefusal(error);
      if (refused !== null) return answer(refused);
      deps.log.error({ err: error }, "sending a mistyped /feedback as feedback failed");
      answer(FEEDBACK_NOT_SAVED);
    }
  });
}
