// A theme's overflow menu in the digest (`theme_menu`), and Mark shipped on the App Home: Mark shipped… opens the ship modal
// (src/slack/feedback-ship.ts), as `/feedback ship <theme>` does, and nothing is sent until the modal is
// submitted (views/theme-ship.ts); Archive theme archives it, as `/feedback themes archive` does.
// Digests posted before the menu carry a Mark shipped button (`theme_ship`): it opens the same modal.
import type { App, BlockAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { planShip } from "../../feedback/use-cases/plan-ship.ts";
import { archiveTheme } from "../../feedback/use-cases/archive-theme.ts";
import { ACTIONS } from "../blocks/ids.ts";
import { FEEDBACK_OFF, THEME_GONE, TRY_AGAIN, themeArchived } from "../blocks/feedback-answers.ts";
import { parseThemeMenuValue } from "../blocks/voc-digest.ts";
import type { SlackDeps } from "../deps.ts";
import { openShipModal } from "../feedback-ship.ts";
import { feedbackRefusal } from "../feedback-capture.ts";

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

  app.action<BlockAction>(ACTIONS.themeMenu, async ({ ack, body, action, client, respond }) => {
    await ack();
    const reply = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    const feedback = deps.feedback;
    if (!feedback) return reply(FEEDBACK_OFF);
    const chosen = parseThemeMenuValue((action as { selected_option?: { value?: unknown } }).selected_option?.value);
    if (!chosen) return reply(THEME_GONE);
    const actor = userActor(body.user.id, body.user.team_id);
    if (chosen.op === "ship") {
      await openShipModal(deps, client, body.trigger_id, () => planShip(feedback, actor, { themeId: chosen.themeId, note: null }), reply);
      return;
    }
    try {
      reply(themeArchived(await archiveTheme(feedback, actor, { ref: `#${chosen.themeId}` })));
    } catch (error) {
      const refused = feedbackRefusal(error);
      if (refused === null) deps.log.error({ err: error }, "archiving a theme from the digest failed");
      reply(refused ?? TRY_AGAIN);
    }
  });
}
