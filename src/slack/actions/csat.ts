// The CSAT survey's controls. A score is stored before Slack gets its acknowledgement; the private
// answer (thanks, or why not) goes through the response URL after it. "Add a comment" acknowledges
// first and then opens the modal, since the trigger expires within 3 seconds.
import type { App, BlockAction } from "@slack/bolt";
import type { CsatAnswerResult } from "../../support/use-cases/csat.ts";
import { ACTIONS, CSAT_SCORE_ACTION } from "../blocks/ids.ts";
import { csatCommentModal, csatNoSurvey, csatRefusal, csatThanks } from "../blocks/csat.ts";
import type { SlackDeps } from "../deps.ts";

type Action = BlockAction["actions"][number] & { action_id: string; value?: string };
type Respond = (message: { response_type: "ephemeral"; replace_original: false; text: string; blocks?: unknown[] }) => Promise<unknown>;

function ticketIdOf(action: Action): number | null {
  const n = Number(action.value);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function answerMessage(result: CsatAnswerResult): { text: string; blocks?: unknown[] } {
  switch (result.kind) {
    case "saved":
      return csatThanks(result.ticketId, result.score, result.previousScore !== null && result.previousScore !== result.score);
    case "refused_not_requester":
      return { text: csatRefusal(result.requesterId) };
    case "no_survey":
      return { text: csatNoSurvey(result.ticketId) };
    case "invalid_score":
      return { text: "That score is not one of the survey's (1 to 5)." };
  }
}

export function registerCsatActions(app: App, deps: SlackDeps): void {
  const csat = deps.csat;
  if (!csat) return;
  const say = (respond: Respond, message: { text: string; blocks?: unknown[] }) => {
    void respond({ response_type: "ephemeral", replace_original: false, ...message }).catch((error: unknown) => {
      deps.log.warn({ err: error }, "could not answer a survey click");
    });
  };

  app.action<BlockAction>(CSAT_SCORE_ACTION, async ({ ack, body, action, respond }) => {
    const a = action as Action;
    const score = Number(CSAT_SCORE_ACTION.exec(a.action_id)?.[1]);
    const ticketId = ticketIdOf(a);
    if (!ticketId || !body.user?.id) {
      deps.log.warn({ action: a.action_id }, "survey click without a ticket or user; ignored");
      await ack();
      return;
    }
    let result: CsatAnswerResult;
    try {
      result = await csat.answer(
        ticketId,
        { userId: body.user.id, teamId: body.user.team_id ?? null, homeTeamId: deps.directory.identity.teamId },
        score,
      );
    } catch (error) {
      await ack();
      deps.log.error({ err: error, ticket: ticketId }, "survey answer failed");
      say(respond as Respond, { text: "Sorry, your answer could not be saved. Please try again." });
      return;
    }
    await ack();
    say(respond as Respond, answerMessage(result));
  });

  app.action<BlockAction>(ACTIONS.csatComment, async ({ ack, body, action, client, respond }) => {
    await ack();
    const ticketId = ticketIdOf(action as Action);
    if (!ticketId || !body.user?.id) return;
    const current = await csat.responseOf(ticketId, body.user.id).catch(() => null);
    if (!current) {
      say(respond as Respond, { text: `Choose a score for #${ticketId} first; then you can add a comment.` });
      return;
    }
    void client.views.open({ trigger_id: body.trigger_id, view: csatCommentModal(ticketId, current) }).catch((error: unknown) => {
      deps.log.error({ err: error, ticket: ticketId }, "could not open the survey comment modal");
    });
  });
}
