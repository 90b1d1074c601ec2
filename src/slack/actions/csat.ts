// The CSAT survey's controls. A score is stored before Slack gets its acknowledgement; the private
// answer (thanks, or why not) goes through the response URL after it. "Add a comment" acknowledges
// first and then opens the modal, since the trigger expires within 3 seconds.
import type { App, BlockAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { answerSurvey } from "../../support/use-cases/answer-survey.ts";
import { readSurveyAnswer } from "../../support/use-cases/read-survey-answer.ts";
import { ACTIONS, CSAT_SCORE_ACTION } from "../blocks/ids.ts";
import { CSAT_ANSWER_FAILED, csatChooseScoreFirst, csatCommentModal, csatThanks } from "../blocks/csat.ts";
import { supportErrorText } from "../blocks/support-errors.ts";
import type { SlackDeps } from "../deps.ts";

type Action = BlockAction["actions"][number] & { action_id: string; value?: string };
type Respond = (message: { response_type: "ephemeral"; replace_original: false; text: string; blocks?: unknown[] }) => Promise<unknown>;

function ticketIdOf(action: Action): number | null {
  const n = Number(action.value);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export function registerCsatActions(app: App, deps: SlackDeps): void {
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
    let answer: { text: string; blocks?: unknown[] };
    try {
      const saved = await answerSurvey(deps.support, userActor(body.user.id, body.user.team_id), {
        ticketId,
        score,
        homeTeamId: deps.directory.identity.teamId,
      });
      answer = csatThanks(saved.ticketId, saved.score, saved.previousScore !== null && saved.previousScore !== saved.score);
    } catch (error) {
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) deps.log.error({ err: error, ticket: ticketId }, "survey answer failed");
      answer = { text: known ?? CSAT_ANSWER_FAILED };
    }
    await ack();
    say(respond as Respond, answer);
  });

  app.action<BlockAction>(ACTIONS.csatComment, async ({ ack, body, action, client, respond }) => {
    await ack();
    const ticketId = ticketIdOf(action as Action);
    if (!ticketId || !body.user?.id) return;
    const current = await readSurveyAnswer(deps.support, userActor(body.user.id, body.user.team_id), { ticketId }).catch(() => null);
    if (!current) {
      say(respond as Respond, { text: csatChooseScoreFirst(ticketId) });
      return;
    }
    void client.views.open({ trigger_id: body.trigger_id, view: csatCommentModal(ticketId, current) }).catch((error: unknown) => {
      deps.log.error({ err: error, ticket: ticketId }, "could not open the survey comment modal");
    });
  });
}
