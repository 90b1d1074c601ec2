// The ship modal's submission, for "Mark shipped" and `/feedback ship` alike. The note is checked again
// (length, links: errors on the note field). A reply the modal is not showing yet (a first note, a note or
// a theme name changed since) updates the modal to show it; only the reply that was shown is sent. Shipping
// happens after the modal closes (reading each source message takes longer than Slack's 3 seconds) and
// is reported by direct message.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { planShip } from "../../feedback/use-cases/plan-ship.ts";
import { shipTheme } from "../../feedback/use-cases/ship-theme.ts";
import { THEME_SHIP_INPUT, VIEWS } from "../blocks/ids.ts";
import { readShipModalState, replyDigest, themeShipModal } from "../blocks/theme-ship-modal.ts";
import { FEEDBACK_OFF, SHIP_FAILED, SHIP_FORM_LOST, SHIP_NOTE_REQUIRED, shipReport } from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { sourceReadable } from "../feedback-ship.ts";
import { feedbackRefusal } from "../feedback-capture.ts";

export function registerThemeShipView(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(VIEWS.themeShip, async ({ ack, body, view }) => {
    const block = THEME_SHIP_INPUT.block;
    const refuse = (text: string) => ack({ response_action: "errors", errors: { [block]: text } });
    const state = readShipModalState(view.private_metadata);
    if (!state) return refuse(SHIP_FORM_LOST);
    const feedback = deps.feedback;
    if (!feedback) return refuse(FEEDBACK_OFF);
    const note = view.state.values[block]?.[THEME_SHIP_INPUT.action]?.value?.trim() ?? "";
    if (!note) return refuse(SHIP_NOTE_REQUIRED);
    const userId = body.user.id;
    const actor = userActor(userId, body.user.team_id);

    let plan;
    try {
      plan = await planShip(feedback, actor, { themeId: state.themeId, note });
    } catch (error) {
      const refused = feedbackRefusal(error);
      if (refused === null) deps.log.error({ err: error, theme: state.themeId }, "could not plan shipping a theme");
      return refuse(refused ?? SHIP_FAILED);
    }
    if (plan.note === null || replyDigest(plan) !== state.shown) {
      return ack({ response_action: "update", view: themeShipModal(plan) });
    }
    await ack();
    const text = await shipTheme(feedback, actor, { themeId: plan.theme.id, note: plan.note, canReply: sourceReadable(deps) }).then(
      shipReport,
      (error: unknown) => {
        const refused = feedbackRefusal(error);
        if (refused !== null) return refused;
        deps.log.error({ err: error, theme: plan.theme.id }, "marking a theme shipped failed");
        return SHIP_FAILED;
      },
    );
    await deps.notify.direct(userId, text);
  });
}
