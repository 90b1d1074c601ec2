// "Mark shipped" on a theme in the digest or the App Home: opens the ship modal (src/slack/feedback-ship.ts), as
// `/feedback ship <theme>` does; nothing is sent until the modal is submitted (views/theme-ship.ts).
import type { App, BlockAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { planShip } from "../../feedback/use-cases/plan-ship.ts";
import { ACTIONS } from "../blocks/ids.ts";
import { FEEDBACK_OFF, THEME_GONE } from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { openShipModal } from "../feedback-ship.ts";

export function registerThemeShip(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTIONS.themeShip, async ({ ack, body, action, client, respond }) => {
    await ack();
    // From the App Home there is no response URL: the answer comes as a direct message.
    const reply = (text: string) =>
      void (
        body.response_url ? respond({ response_type: "ephemeral", replace_original: false, text }) : deps.notify.direct(body.user.id, text)
      ).catch(() => {});
    const feedback = deps.feedback;
    if (!feedback) return reply(FEEDBACK_OFF);
    const themeId = Number((action as { value?: string }).value);
    if (!Number.isSafeInteger(themeId) || themeId <= 0) return reply(THEME_GONE);
    const actor = userActor(body.user.id, body.user.team_id);
    await openShipModal(deps, client, body.trigger_id, () => planShip(feedback, actor, { themeId, note: null }), reply);
  });
}
