// View items on a theme of the voice-of-customer digest (`theme_items`, value `<themeId>:<from>:<to>`):
// a modal with the period's items of the theme, quoted with links to their messages. Access is the
// use case's (product people only).
import type { App, BlockAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { viewThemeItems } from "../../feedback/use-cases/view-theme-items.ts";
import { ACTIONS } from "../blocks/ids.ts";
import { FEEDBACK_OFF } from "../blocks/feedback-answers.ts";
import { THEME_ITEMS_BAD_BUTTON, THEME_ITEMS_FAILED, themeItemsModal } from "../blocks/theme-items-modal.ts";
import { parseThemeItemsValue } from "../blocks/voc-digest.ts";
import type { SlackDeps } from "../deps.ts";
import { feedbackRefusal } from "../feedback-capture.ts";

export function registerThemeItemsAction(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTIONS.themeItems, async ({ ack, body, action, client, respond }) => {
    await ack();
    const tell = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    const feedback = deps.feedback;
    if (!feedback) return tell(FEEDBACK_OFF);
    const input = parseThemeItemsValue((action as { value?: unknown }).value);
    if (!input || !body.user?.id) {
      deps.log.warn({ action: ACTIONS.themeItems }, "View items without a theme, a period or a user; ignored");
      return tell(THEME_ITEMS_BAD_BUTTON);
    }
    const actor = userActor(body.user.id, body.user.team_id ?? body.team?.id ?? null);
    // A modal needs the trigger within 3 seconds: open it first, fill it in when the items are read.
    let viewId: string | undefined;
    try {
      const opened = await client.views.open({ trigger_id: body.trigger_id, view: themeItemsModal(null) });
      viewId = opened.view?.id;
      if (!viewId) throw new Error("views.open returned no view id");
    } catch (error) {
      deps.log.error({ err: error }, "opening the theme items modal failed");
      return tell(THEME_ITEMS_FAILED);
    }
    let view;
    try {
      view = themeItemsModal(await viewThemeItems(feedback, actor, input));
    } catch (error) {
      const refused = feedbackRefusal(error);
      if (refused === null) deps.log.error({ err: error }, "reading a theme's items failed");
      view = themeItemsModal(null, refused ?? THEME_ITEMS_FAILED);
    }
    await client.views.update({ view_id: viewId, view }).catch((error: unknown) => {
      deps.log.error({ err: error }, "filling in the theme items modal failed");
    });
  });
}
