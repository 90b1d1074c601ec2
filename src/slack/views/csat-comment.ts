// The CSAT comment modal's submission: the comment is stored before the modal closes.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { CSAT_COMMENT_INPUT, VIEWS } from "../blocks/ids.ts";
import type { SlackDeps } from "../deps.ts";

export function registerCsatCommentView(app: App, deps: SlackDeps): void {
  const csat = deps.csat;
  if (!csat) return;
  app.view<ViewSubmitAction>(VIEWS.csatComment, async ({ ack, body, view }) => {
    const block = CSAT_COMMENT_INPUT.block;
    let ticketId: number | null;
    try {
      const meta = JSON.parse(view.private_metadata || "{}") as { ticketId?: unknown };
      ticketId = typeof meta.ticketId === "number" ? meta.ticketId : null;
    } catch {
      ticketId = null;
    }
    const text = view.state.values[block]?.[CSAT_COMMENT_INPUT.action]?.value?.trim() ?? "";
    if (!ticketId) {
      deps.log.warn({ view: VIEWS.csatComment }, "survey comment without a ticket id; ignored");
      await ack({
        response_action: "errors",
        errors: { [block]: "This form has lost its ticket. Close it and click Add a comment again." },
      });
      return;
    }
    if (text.length === 0) {
      await ack({ response_action: "errors", errors: { [block]: "Write a comment, or close this form." } });
      return;
    }
    try {
      const result = await csat.comment(ticketId, body.user.id, text);
      switch (result.kind) {
        case "saved":
          await ack();
          return;
        case "empty_comment":
          await ack({ response_action: "errors", errors: { [block]: "Write a comment, or close this form." } });
          return;
        case "no_survey":
          await ack({ response_action: "errors", errors: { [block]: `Ticket #${ticketId} has no open survey any more.` } });
          return;
        case "no_answer":
          await ack({ response_action: "errors", errors: { [block]: `Choose a score for #${ticketId} in the survey first.` } });
          return;
      }
    } catch (error) {
      deps.log.error({ err: error, ticket: ticketId }, "survey comment failed");
      await ack({ response_action: "errors", errors: { [block]: "Your comment could not be saved. Please try again." } });
    }
  });
}
