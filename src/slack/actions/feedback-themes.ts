// A suggested theme's button on a feedback card (`feedback_confirm_theme_<i>`, value `<itemId>:<themeId>`):
// one click tags the item with the theme. Stored (with the card's update in the outbox) before Slack gets
// its acknowledgement; problems are answered privately.
import type { App, BlockAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { classifyFeedback } from "../../feedback/use-cases/classify-feedback.ts";
import { ACTIONS } from "../blocks/ids.ts";
import { BAD_CONFIRM_BUTTON, FEEDBACK_OFF, THEME_NOT_ADDED } from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { feedbackRefusal } from "../feedback-capture.ts";

export const CONFIRM_THEME_ACTION = new RegExp(`^${ACTIONS.feedbackConfirmTheme}_\\d+$`);

/** `<itemId>:<themeId>`, both positive integers; null otherwise. */
export function parseConfirmValue(value: unknown): { itemId: number; themeId: number } | null {
  const match = typeof value === "string" ? /^(\d{1,9}):(\d{1,9})$/.exec(value) : null;
  if (!match) return null;
  const [itemId, themeId] = [Number(match[1]), Number(match[2])];
  return itemId > 0 && themeId > 0 ? { itemId, themeId } : null;
}

export function registerFeedbackThemeActions(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(CONFIRM_THEME_ACTION, async ({ ack, body, action, respond }) => {
    const reply = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    const parsed = parseConfirmValue((action as { value?: unknown }).value);
    const userId = body.user?.id;
    if (!deps.feedback) {
      await ack();
      return reply(FEEDBACK_OFF);
    }
    if (!parsed || !userId) {
      deps.log.warn({ action: (action as { action_id?: string }).action_id }, "theme confirmation without an item, theme or user; ignored");
      await ack();
      return reply(BAD_CONFIRM_BUTTON);
    }
    try {
      await classifyFeedback(deps.feedback, userActor(userId, body.user.team_id), { itemId: parsed.itemId, themeIds: [parsed.themeId] });
      await ack();
    } catch (error) {
      await ack();
      const refused = feedbackRefusal(error);
      if (refused !== null) return reply(refused);
      deps.log.error({ err: error, item: parsed.itemId, theme: parsed.themeId }, "confirming a suggested theme failed");
      reply(THEME_NOT_ADDED);
    }
  });
}
