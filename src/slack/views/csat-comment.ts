// The CSAT comment modal's submission: the comment is stored before the modal closes.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { commentSurvey } from "../../support/use-cases/comment-survey.ts";
import { CSAT_COMMENT_INPUT, VIEWS } from "../blocks/ids.ts";
import { CSAT_COMMENT_EMPTY, CSAT_COMMENT_FAILED, CSAT_COMMENT_LOST_TICKET } from "../blocks/csat.ts";
import { supportErrorText } from "../blocks/support-errors.ts";
import type { SlackDeps } from "../deps.ts";

export function registerCsatCommentView(app: App, deps: SlackDeps): void {
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
      await ack({ response_action: "errors", errors: { [block]: CSAT_COMMENT_LOST_TICKET } });
      return;
    }
    if (text.length === 0) {
      await ack({ response_action: "errors", errors: { [block]: CSAT_COMMENT_EMPTY } });
      return;
    }
    try {
      await commentSurvey(deps.support, userActor(body.user.id, body.user.team_id), { ticketId, text });
      await ack();
    } catch (error) {
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) deps.log.error({ err: error, ticket: ticketId }, "survey comment failed");
      await ack({ response_action: "errors", errors: { [block]: known ?? CSAT_COMMENT_FAILED } });
    }
  });
}
