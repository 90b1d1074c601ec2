// Shipping a theme from Slack, one path for "Mark shipped" and `/feedback ship`: the listener acknowledges,
// the plan is made (the theme, the note checked, who will be told) and the confirmation modal opens with
// the trigger; its submission (views/theme-ship.ts) ships. Before the theme is marked shipped, each source
// message is read to learn whether its thread can still be answered (deleted or unreadable: skipped).
import type { WebClient } from "@slack/web-api";
import type { ShipPlan } from "../feedback/use-cases/plan-ship.ts";
import type { SourceToAnswer } from "../feedback/use-cases/ship-theme.ts";
import { FORM_NOT_OPENED, TRY_AGAIN } from "./blocks/feedback-answers.ts";
import { themeShipModal } from "./blocks/theme-ship-modal.ts";
import type { SlackDeps } from "./deps.ts";
import { fetchMessage } from "./events/reaction.ts";
import { feedbackRefusal } from "./feedback-capture.ts";

/** Whether the item's source message can still be read, so its thread can be answered. */
export function sourceReadable(deps: SlackDeps): (source: SourceToAnswer) => Promise<boolean> {
  return async (source) => {
    try {
      return Boolean(await fetchMessage(deps, source.channelId, source.messageTs));
    } catch (error) {
      deps.log.debug({ err: error, item: source.id }, "source message cannot be read; its thread is not answered");
      return false;
    }
  };
}

/**
 * Opens the ship modal for the plan (called after the acknowledgement, while the trigger is fresh); a plan
 * refused (unknown or shipped theme, a note that may not be sent) is answered with `reply` and opens nothing.
 */
export async function openShipModal(
  deps: SlackDeps,
  client: WebClient,
  triggerId: string,
  plan: () => Promise<ShipPlan>,
  reply: (text: string) => void,
): Promise<void> {
  let view;
  try {
    view = themeShipModal(await plan());
  } catch (error) {
    const refused = feedbackRefusal(error);
    if (refused === null) deps.log.error({ err: error }, "could not plan shipping a theme");
    return reply(refused ?? TRY_AGAIN);
  }
  try {
    await client.views.open({ trigger_id: triggerId, view });
  } catch (error) {
    deps.log.error({ err: error }, "could not open the ship modal");
    reply(FORM_NOT_OPENED);
  }
}
