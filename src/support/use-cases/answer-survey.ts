// A customer clicks a score in the satisfaction survey: their answer is stored, or changed if they had
// answered. Only the requester, or a colleague of the same (external) company, may answer. A low score
// (1 or 2) is told to the team in the card's thread, once per person and ticket, so someone follows up.
import type { Actor } from "../../shared/actor.ts";
import { DomainError, isDomainError } from "../../shared/errors.ts";
import { isCsatScore, isLowScore, lowScores, mayAnswer } from "../rules/csat.ts";
import { personOf, type SupportContext } from "./context.ts";

export interface SurveyAnswer {
  ticketId: number;
  score: number;
  /** The person's score before this click (null: their first answer). */
  previousScore: number | null;
}

/**
 * `homeTeamId`: the app's own workspace. Throws "csat.invalid_score", "csat.no_survey" (none for the ticket)
 * or "csat.not_requester" (the voter is neither the requester nor of their company).
 */
export async function answerSurvey(
  ctx: SupportContext,
  actor: Actor,
  input: { ticketId: number; score: number; homeTeamId: string | null },
): Promise<SurveyAnswer> {
  const { ticketId, score } = input;
  const person = personOf(actor);
  const voter = { userId: person.userId, teamId: person.teamId, homeTeamId: input.homeTeamId };
  if (!isCsatScore(score)) throw new DomainError("csat.invalid_score", { ticketId, score });
  const work = () =>
    ctx.tx.transaction(async (tx): Promise<SurveyAnswer> => {
      const survey = await ctx.store.csat.survey(tx, ticketId);
      if (!survey) throw new DomainError("csat.no_survey", { ticketId });
      if (!mayAnswer(survey, voter)) throw new DomainError("csat.not_requester", { ticketId, requesterId: survey.requesterId });
      const ticket = await ctx.store.tickets.byId(tx, ticketId);
      if (!ticket) throw new DomainError("csat.no_survey", { ticketId });
      const now = ctx.clock.now();
      await ctx.store.csat.lockAnswer(tx, ticketId, voter.userId, now);
      const previous = await ctx.store.csat.answer(tx, ticketId, voter.userId);
      if (previous) await ctx.store.csat.changeScore(tx, ticketId, voter.userId, score, now);
      else await ctx.store.csat.addAnswer(tx, ticketId, voter.userId, score, now);
      const previousScore = previous?.score ?? null;
      if (previousScore === score) return { ticketId, score, previousScore };
      // Told once: the first time this voter's answer becomes low, not on every click.
      const low = isLowScore(score);
      const toldBefore =
        low && (await ctx.store.events.exists(tx, { ticketId, kind: "csat_answered", actorId: voter.userId, toValues: lowScores() }));
      await ctx.store.events.record(tx, {
        ticketId,
        kind: "csat_answered",
        actorId: voter.userId,
        fromValue: previousScore === null ? null : String(previousScore),
        toValue: String(score),
        at: now,
      });
      if (low && !toldBefore) await ctx.notifier.csatLowScore(tx, ticket, score, voter.userId, now);
      return { ticketId, score, previousScore };
    });
  let answer: SurveyAnswer;
  try {
    try {
      answer = await work();
    } catch (error) {
      // Two first answers of one voter at once: the loser finds the winner's row on a second try.
      if (!isDomainError(error, "csat.answer_raced")) throw error;
      answer = await work();
    }
  } catch (error) {
    if (isDomainError(error)) throw refused(ctx, ticketId, voter.userId, error);
    throw error;
  }
  ctx.log.info(
    { event: "csat.answered", ticket: ticketId, user: voter.userId, score, previous: answer.previousScore },
    "satisfaction answer saved",
  );
  return answer;
}

function refused(ctx: SupportContext, ticketId: number, userId: string, error: DomainError): DomainError {
  ctx.log.info({ event: "csat.refused", ticket: ticketId, user: userId, reason: error.code }, "satisfaction answer refused");
  return error;
}
