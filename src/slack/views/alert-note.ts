// The alert note modal's submission: the note is stored (and queued for the alert's thread) before the modal closes.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { AlertError } from "../../success/use-cases/alerts.ts";
import { ALERT_NOTE_INPUT, VIEWS } from "../blocks/ids.ts";
import type { SlackDeps } from "../deps.ts";

export function registerAlertNoteView(app: App, deps: SlackDeps): void {
  const alerts = deps.alerts;
  if (!alerts) return;
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
      await ack({ response_action: "errors", errors: { [block]: "This form has lost its alert. Close it and click Add note again." } });
      return;
    }
    const text = view.state.values[block]?.[ALERT_NOTE_INPUT.action]?.value ?? "";
    try {
      await alerts.addNote(alertId, body.user.id, text);
      await ack();
    } catch (error) {
      if (error instanceof AlertError) {
        await ack({ response_action: "errors", errors: { [block]: error.message } });
        return;
      }
      deps.log.error({ err: error, alert: alertId }, "alert note failed");
      await ack({ response_action: "errors", errors: { [block]: "Your note could not be saved. Please try again." } });
    }
  });
}
