// The churn-risk alert's controls: acknowledge, snooze, reassign the owner, add a note, each acting on the
// account's alert as a whole. Each change is stored (with the alert's update and its thread line in the
// outbox) before Slack gets its acknowledgement. Also the risk digest's View button (the account in a modal).
import type { App, BlockAction } from "@slack/bolt";
import { userActor, type Actor } from "../../shared/actor.ts";
import { DomainError, isDomainError } from "../../shared/errors.ts";
import type { AlertView } from "../../success/rules/alert.ts";
import { acknowledgeAlert } from "../../success/use-cases/acknowledge-alert.ts";
import { snoozeAlert } from "../../success/use-cases/snooze-alert.ts";
import { reassignAlert } from "../../success/use-cases/reassign-alert.ts";
import { getAlert } from "../../success/use-cases/get-alert.ts";
import { lookUpAccount } from "../../success/use-cases/look-up-account.ts";
import { accountModal, csAccountMessage } from "../blocks/cs-account.ts";
import { ACTIONS, alertIdFromBlockId } from "../blocks/ids.ts";
import { alertNoteModal } from "../blocks/alert-note-modal.ts";
import { ALERT_CHANGE_FAILED, successErrorText } from "../blocks/success-errors.ts";
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

const teamOf = (body: BlockAction) => body.user.team_id ?? body.team?.id ?? null;

export function registerHealthAlertActions(app: App, deps: SlackDeps): void {
  const success = deps.success;
  const handle = (actionId: string, work: (actor: Actor, alertId: number, action: Action) => Promise<unknown>) => {
    app.action<BlockAction>(actionId, async ({ ack, body, action, respond }) => {
      const a = action as Action;
      const alertId = alertIdOf(a);
      if (!alertId || !body.user?.id) {
        deps.log.warn({ action: actionId }, "alert action without an alert or user; ignored");
        await ack();
        return;
      }
      try {
        await work(userActor(body.user.id, teamOf(body)), alertId, a);
        await ack();
      } catch (error) {
        await ack();
        const known = isDomainError(error) ? successErrorText(error) : null;
        if (known === null) deps.log.error({ err: error, alert: alertId, action: actionId }, "alert action failed");
        void respond({ response_type: "ephemeral", replace_original: false, text: known ?? ALERT_CHANGE_FAILED }).catch(() => {});
      }
    });
  };

  handle(ACTIONS.alertAcknowledge, (actor, alertId) => acknowledgeAlert(success, actor, { alertId }));
  handle(ACTIONS.alertSnooze, (actor, alertId, action) =>
    snoozeAlert(success, actor, { alertId, days: Number(action.selected_option?.value) }),
  );
  handle(ACTIONS.alertReassign, (actor, alertId, action) =>
    reassignAlert(success, actor, { alertId, ownerId: action.selected_user ?? null }),
  );

  // The note modal needs the trigger within 3 seconds: acknowledge first, then views.open.
  app.action<BlockAction>(ACTIONS.alertNote, async ({ ack, body, action, client, respond }) => {
    await ack();
    const alertId = alertIdOf(action as Action);
    const tell = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    if (!alertId) return tell(successErrorText(new DomainError("alert.not_found"))!);
    let alert: AlertView;
    try {
      alert = await getAlert(success, userActor(body.user.id, teamOf(body)), { alertId });
    } catch (error) {
      const known = isDomainError(error) ? successErrorText(error) : null;
      if (known === null) deps.log.error({ err: error, alert: alertId }, "could not read the alert for its note");
      return tell(known ?? ALERT_CHANGE_FAILED);
    }
    void client.views.open({ trigger_id: body.trigger_id, view: alertNoteModal(alert) }).catch((error: unknown) => {
      deps.log.error({ err: error, alert: alert.id }, "could not open the alert note modal");
    });
  });

  // The digest's View: the account as `/cs account` shows it, in a modal (the trigger is used at once).
  app.action<BlockAction>(ACTIONS.riskDigestView, async ({ ack, body, action, client, respond }) => {
    await ack();
    const externalId = (action as Action).value ?? "";
    const tell = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    try {
      const found = await lookUpAccount(success, userActor(body.user.id, teamOf(body)), { query: externalId });
      if (found.kind !== "found") return tell(successErrorText(new DomainError("account.not_found", { externalId }))!);
      await client.views.open({
        trigger_id: body.trigger_id,
        view: accountModal(csAccountMessage(found.account, found.alerts, found.tickets, found.since, found.chance)),
      });
    } catch (error) {
      const known = isDomainError(error) ? successErrorText(error) : null;
      if (known === null) deps.log.error({ err: error, account: externalId }, "could not open the account view");
      tell(known ?? ALERT_CHANGE_FAILED);
    }
  });
}
