// "Mark shipped" on a theme in the digest: opens the modal; its submission closes the loop after the
// modal closes (reading each source message takes longer than Slack's 3 seconds) and reports by DM.
import type { App, BlockAction, ViewSubmitAction } from "@slack/bolt";
import { FeedbackError } from "../../feedback/rules/feedback.ts";
import { ACTIONS, THEME_SHIP_INPUT, VIEWS } from "../blocks/ids.ts";
import { themeShipModal } from "../blocks/theme-ship-modal.ts";
import type { SlackDeps } from "../deps.ts";
import { shipById } from "../feedback-ship.ts";
import { FEEDBACK_OFF } from "../feedback-capture.ts";

export function registerThemeShip(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTIONS.themeShip, async ({ ack, body, action, client, respond }) => {
    await ack();
    const reply = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    if (!deps.themes || !deps.loop) return reply(FEEDBACK_OFF);
    const theme = await deps.themes.find(`#${Number((action as { value?: string }).value)}`).catch(() => null);
    if (!theme) return reply("That theme no longer exists (it may have been merged): `/feedback themes` lists them.");
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
    if (!themeId)
      return ack({
        response_action: "errors",
        errors: { [block]: "This form has lost its theme. Close it and click Mark shipped again." },
      });
    if (!note) return ack({ response_action: "errors", errors: { [block]: "Say what shipped: customers read this in their threads." } });
    await ack();
    const userId = body.user.id;
    const text = await shipById(deps, userId, themeId, note).catch((error: unknown) => {
      if (error instanceof FeedbackError) return error.message;
      deps.log.error({ err: error, theme: themeId }, "marking a theme shipped failed");
      return "Sorry, the theme could not be marked shipped. Please try again.";
    });
    await deps.notify.direct(userId, text);
  });
}
