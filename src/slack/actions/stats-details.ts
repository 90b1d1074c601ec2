// The Details button under the headline support figures (`support_stats_details`, value `<days>:<period end>`):
// all the figures, business hours and calendar time. In an ephemeral `/support stats` answer it replaces
// that answer; in the weekly summary and the App Home it opens a modal. Access is the read-stats use case's.
import type { App, BlockAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { readStats } from "../../support/use-cases/read-stats.ts";
import { ACTIONS } from "../blocks/ids.ts";
import { supportErrorText } from "../blocks/support-errors.ts";
import {
  parseStatsDetailsValue,
  STATS_DETAILS_BAD_BUTTON,
  STATS_FAILED,
  statsDetailsModal,
  supportStatsDetailsMessage,
} from "../blocks/support-stats.ts";
import type { SlackDeps } from "../deps.ts";

export function registerStatsDetailsAction(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTIONS.statsDetails, async ({ ack, body, action, client, respond }) => {
    await ack();
    const period = parseStatsDetailsValue((action as { value?: unknown }).value);
    const ephemeral = (body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral === true;
    const tell = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    const refusal = (error: unknown) => {
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) deps.log.error({ err: error }, "support stats details failed");
      return known ?? STATS_FAILED;
    };
    if (!period || !body.user?.id) {
      deps.log.warn({ action: ACTIONS.statsDetails }, "stats details without a period or user; ignored");
      return ephemeral || !body.trigger_id ? tell(STATS_DETAILS_BAD_BUTTON) : void openNote(STATS_DETAILS_BAD_BUTTON);
    }
    const actor = userActor(body.user.id, body.user.team_id ?? body.team?.id ?? null);

    if (ephemeral) {
      try {
        const message = supportStatsDetailsMessage(await readStats(deps.support, actor, period));
        await respond({ response_type: "ephemeral", replace_original: true, ...message } as Parameters<typeof respond>[0]);
      } catch (error) {
        tell(refusal(error));
      }
      return;
    }

    // A modal needs the trigger within 3 seconds: open it first, fill it in when the figures are ready.
    let viewId: string | undefined;
    try {
      const opened = await client.views.open({ trigger_id: body.trigger_id, view: statsDetailsModal(null) as never });
      viewId = opened.view?.id;
      if (!viewId) throw new Error("views.open returned no view id");
    } catch (error) {
      deps.log.error({ err: error }, "opening the stats details modal failed");
      return tell(STATS_FAILED);
    }
    let view: Record<string, unknown>;
    try {
      view = statsDetailsModal(await readStats(deps.support, actor, period));
    } catch (error) {
      view = statsDetailsModal(null, refusal(error));
    }
    await client.views.update({ view_id: viewId!, view: view as never }).catch((error: unknown) => {
      deps.log.error({ err: error }, "filling in the stats details modal failed");
    });

    async function openNote(text: string) {
      await client.views.open({ trigger_id: body.trigger_id, view: statsDetailsModal(null, text) as never }).catch(() => tell(text));
    }
  });
}
