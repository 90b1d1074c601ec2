// The alert note modal's submission: the note is stored (and queued for the alert's thread) before the modal closes.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { addAlertNote } from "../../success/use-cases/add-alert-note.ts";
import { ALERT_NOTE_INPUT, VIEWS } from "../blocks/ids.ts";
import { ALERT_NOTE_FAILED, ALERT_NOTE_LOST, successErrorText } from "../blocks/success-errors.ts";
import type { SlackDeps } from "../deps.ts";

export function registerAlertNoteView(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(VIEWS.alertNote, async ({ ack, body, view }) => {
    const block = ALERT_NOTE_INPUT.block;
    let alertId: number | null;
    try {
      const meta = JSON.parse(view.private_metadata || "{}") as { alertId?: unknown };
      alertId = typeof meta.alertId === "number" ? meta.alertId : null;
    } catch {
      alertId = null;
    }
    if (!alertId) {
      await ack({ response_action: "errors", errors: { [block]: ALERT_NOTE_LOST } });
      return;
    }
    const text = view.state.values[block]?.[ALERT_NOTE_INPUT.action]?.value ?? "";
    try {
      await addAlertNote(deps.success, userActor(body.user.id, body.user.team_id ?? body.team?.id), { alertId, text });
      await ack();
    } catch (error) {
      const known = isDomainError(error) ? successErrorText(error) : null;
      if (known === null) deps.log.error({ err: error, alert: alertId }, "alert note failed");
      await ack({ response_action: "errors", errors: { [block]: known ?? ALERT_NOTE_FAILED } });
    }
  });
}
