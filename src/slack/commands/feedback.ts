// `/feedback`: send feedback to the product team and work with it.
//   /feedback <text>                  the text becomes a feedback item from you in this channel
//   /feedback themes [...]            list and manage themes
//   /feedback digest [7d|30d]         preview the voice-of-customer digest
//   /feedback ship <theme> [note]     mark a theme shipped: a modal shows the reply customers will read and
//                                     who will be told; its submission tells them (views/theme-ship.ts)
import type { App } from "@slack/bolt";
import { userActor, type Actor } from "../../shared/actor.ts";
import { captureFeedback } from "../../feedback/use-cases/capture-feedback.ts";
import { planShipNamed } from "../../feedback/use-cases/plan-ship.ts";
import type { FeedbackContext } from "../../feedback/use-cases/context.ts";
import { COMMANDS } from "../blocks/ids.ts";
import { FEEDBACK_OFF, FEEDBACK_TEXT_MISSING, FEEDBACK_USAGE, TRY_AGAIN, capturedTextAnswer } from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { accountHints, authorName, feedbackRefusal, isInternalAuthor } from "../feedback-capture.ts";
import { openShipModal } from "../feedback-ship.ts";
import { themesCommand } from "./feedback-themes.ts";
import { digestCommand } from "./feedback-digest.ts";

const SUBCOMMANDS = new Set(["help", "themes", "digest", "ship"]);

export function registerFeedbackCommand(app: App, deps: SlackDeps): void {
  app.command(COMMANDS.feedback, async ({ ack, command, respond, client }) => {
    const say = (text: string) => ack({ response_type: "ephemeral", text });
    const feedback = deps.feedback;
    if (!feedback) return say(FEEDBACK_OFF);
    const actor = userActor(command.user_id, command.team_id);
    const text = (command.text ?? "").trim();
    const first = text.split(/\s+/)[0]?.toLowerCase() ?? "";
    const rest = text.slice(first.length).trim();
    try {
      if (!text) return say(FEEDBACK_TEXT_MISSING);
      if (!SUBCOMMANDS.has(first)) return say(await captureText(deps, feedback, actor, command, text));
      switch (first) {
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

async function captureText(
  deps: SlackDeps,
  feedback: FeedbackContext,
  actor: Actor,
  command: { user_id: string; channel_id: string; team_id: string },
  text: string,
): Promise<string> {
  const result = await captureFeedback(feedback, actor, {
    origin: "command",
    channelId: command.channel_id,
    messageTs: null,
    threadTs: null,
    text,
    authorId: command.user_id,
    authorName: await authorName(deps, command.user_id),
    internal: isInternalAuthor(deps, {
      userId: command.user_id,
      authorTeamId: command.team_id,
      homeTeamId: deps.directory.identity.teamId,
      sharedChannel: false,
    }),
    ...(await accountHints(deps, command.channel_id, command.user_id)),
    permalink: null,
    at: deps.clock.now(),
  });
  return capturedTextAnswer(result);
}
