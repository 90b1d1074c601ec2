// The churn-risk alert's controls: acknowledge, snooze, reassign the owner, add a note. Each change is
// stored (with the alert's update and its thread line in the outbox) before Slack gets its acknowledgement.
import type { App, BlockAction } from "@slack/bolt";
import { AlertError } from "../../success/use-cases/alerts.ts";
import { ACTIONS, alertIdFromBlockId } from "../blocks/ids.ts";
import { alertNoteModal } from "../blocks/alert-note-modal.ts";
import type { SlackDeps } from "../deps.ts";

type Action = BlockAction["actions"][number] & {
  value?: string;
  selected_user?: string | null;
  selected_option?: { value?: string } | null;
};

function alertIdOf(action: Action): number | null {
  const fromBlock = alertIdFromBlockId(action.block_id);
  if (fromBlock) return fromBlock;
  const n = Number(action.value);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export function registerHealthAlertActions(app: App, deps: SlackDeps): void {
  const alerts = deps.alerts;
  if (!alerts) return;
  const handle = (actionId: string, work: (alertId: number, userId: string, action: Action) => Promise<unknown>) => {
    app.action<BlockAction>(actionId, async ({ ack, body, action, respond }) => {
      const a = action as Action;
      const alertId = alertIdOf(a);
      if (!alertId || !body.user?.id) {
        deps.log.warn({ action: actionId }, "alert action without an alert or user; ignored");
        await ack();
        return;
      }
      try {
        await work(alertId, body.user.id, a);
        await ack();
      } catch (error) {
        await ack();
        const text = error instanceof AlertError ? error.message : "Sorry, that change to the alert could not be saved. Please try again.";
        if (!(error instanceof AlertError)) deps.log.error({ err: error, alert: alertId, action: actionId }, "alert action failed");
        void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
      }
    });
  };

  handle(ACTIONS.alertAcknowledge, (alertId, userId) => alerts.acknowledge(alertId, userId));
  handle(ACTIONS.alertSnooze, (alertId, userId, action) => {
    const days = Number(action.selected_option?.value);
    return alerts.snooze(alertId, userId, days);
  });
  handle(ACTIONS.alertReassign, (alertId, userId, action) => {
    if (!action.selected_user) throw new AlertError("Pick the person who should own this alert.");
    return alerts.reassign(alertId, userId, action.selected_user);
  });

  // The note modal needs the trigger within 3 seconds: acknowledge first, then views.open.
  app.action<BlockAction>(ACTIONS.alertNote, async ({ ack, body, action, client, respond }) => {
    await ack();
    const alertId = alertIdOf(action as Action);
    const alert = alertId ? await alerts.get(alertId) : null;
    if (!alert) {
      void respond({ response_type: "ephemeral", replace_original: false, text: "This alert no longer exists." }).catch(() => {});
      return;
    }
    void client.views.open({ trigger_id: body.trigger_id, view: alertNoteModal(alert) }).catch((error: unknown) => {
      deps.log.error({ err: error, alert: alert.id }, "could not open the alert note modal");
    });
  });
}
