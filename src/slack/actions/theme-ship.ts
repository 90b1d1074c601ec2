// "Mark shipped" on a theme in the digest: opens the modal; its submission closes the loop after the
// modal closes (reading each source message takes longer than Slack's 3 seconds) and reports by DM.
import type { App, BlockAction, ViewSubmitAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { findTheme } from "../../feedback/use-cases/find-theme.ts";
import { shipTheme } from "../../feedback/use-cases/ship-theme.ts";
import { ACTIONS, THEME_SHIP_INPUT, VIEWS } from "../blocks/ids.ts";
import { themeShipModal } from "../blocks/theme-ship-modal.ts";
import { FEEDBACK_OFF, SHIP_FAILED, SHIP_FORM_LOST, SHIP_NOTE_REQUIRED, THEME_GONE, shipReport } from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { sourceReadable } from "../feedback-ship.ts";
import { feedbackRefusal } from "../feedback-capture.ts";

export function registerThemeShip(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTIONS.themeShip, async ({ ack, body, action, client, respond }) => {
    await ack();
    const reply = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    if (!deps.feedback) return reply(FEEDBACK_OFF);
    const actor = userActor(body.user.id, body.user.team_id);
    const theme = await findTheme(deps.feedback, actor, { ref: `#${Number((action as { value?: string }).value)}` }).catch(() => null);
    if (!theme) return reply(THEME_GONE);
    void client.views.open({ trigger_id: body.trigger_id, view: themeShipModal(theme) }).catch((error: unknown) => {
      deps.log.error({ err: error }, "could not open the ship modal");
    });
  });

  app.view<ViewSubmitAction>(VIEWS.themeShip, async ({ ack, body, view }) => {
    const block = THEME_SHIP_INPUT.block;
    const note = view.state.values[block]?.[THEME_SHIP_INPUT.action]?.value?.trim() ?? "";
    let themeId: number | null = null;
    try {
      const meta = JSON.parse(view.private_metadata || "{}") as { themeId?: unknown };
      themeId = typeof meta.themeId === "number" ? meta.themeId : null;
    } catch {
      themeId = null;
    }
    if (!themeId) return ack({ response_action: "errors", errors: { [block]: SHIP_FORM_LOST } });
    if (!note) return ack({ response_action: "errors", errors: { [block]: SHIP_NOTE_REQUIRED } });
    await ack();
    const userId = body.user.id;
    const feedback = deps.feedback;
    const text = feedback
      ? await shipTheme(feedback, userActor(userId, body.user.team_id), { themeId, note, canReply: sourceReadable(deps) }).then(
          shipReport,
          (error: unknown) => {
            const refused = feedbackRefusal(error);
            if (refused !== null) return refused;
            deps.log.error({ err: error, theme: themeId }, "marking a theme shipped failed");
            return SHIP_FAILED;
          },
        )
      : FEEDBACK_OFF;
    await deps.notify.direct(userId, text);
  });
}
