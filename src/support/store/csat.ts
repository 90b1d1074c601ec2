// Satisfaction surveys (one per ticket, which is also the record that it was sent) and their answers
// (one per ticket and person, which they may change, with an optional comment).
import type { Tx } from "../../platform/db/client.ts";
import { isUniqueViolation } from "../../platform/db/unique-violation.ts";
import { DomainError } from "../../shared/errors.ts";
import type { CsatSurvey } from "../rules/csat.ts";

export interface CsatAnswer {
  score: number;
  comment: string | null;
}

export interface CsatStore {
  surveyExists(tx: Tx, ticketId: number): Promise<boolean>;
  /** Whether the requester got a survey after `since`. */
  surveyedSince(tx: Tx, requesterId: string, since: Date): Promise<boolean>;
  /** Stores a survey (a second one for the ticket fails on the key). */
  addSurvey(tx: Tx, survey: CsatSurvey): Promise<void>;
  survey(tx: Tx, ticketId: number): Promise<CsatSurvey | null>;
  /** Touches the person's answer, if any: on Postgres this locks it, so two quick clicks of one person take turns. */
  lockAnswer(tx: Tx, ticketId: number, userId: string, now: Date): Promise<void>;
  answer(tx: Tx, ticketId: number, userId: string): Promise<CsatAnswer | null>;
  changeScore(tx: Tx, ticketId: number, userId: string, score: number, now: Date): Promise<void>;
  /** Stores a person's first answer; "csat.answer_raced" when another click of theirs stored it first. */
  addAnswer(tx: Tx, ticketId: number, userId: string, score: number, now: Date): Promise<void>;
  /** Sets the comment of the person's answer; false when they have not answered. */
  setComment(tx: Tx, ticketId: number, userId: string, comment: string, now: Date): Promise<boolean>;
}

export const prismaCsat: CsatStore = {
  async surveyExists(tx, ticketId) {
    return (await tx.csatSurvey.findUnique({ where: { ticketId }, select: { ticketId: true } })) !== null;
  },

  async surveyedSince(tx, requesterId, since) {
    return (await tx.csatSurvey.findFirst({ where: { requesterId, sentAt: { gt: since } }, select: { ticketId: true } })) !== null;
  },

  async addSurvey(tx, survey) {
    await tx.csatSurvey.create({ data: survey });
  },

  survey: (tx, ticketId) =>
    tx.csatSurvey.findUnique({
      where: { ticketId },
      select: { ticketId: true, channelId: true, requesterId: true, requesterTeamId: true, sentAt: true },
    }),

  async lockAnswer(tx, ticketId, userId, now) {
    await tx.csatResponse.updateMany({ where: { ticketId, userId }, data: { updatedAt: now } });
  },

  answer: (tx, ticketId, userId) =>
    tx.csatResponse.findUnique({ where: { ticketId_userId: { ticketId, userId } }, select: { score: true, comment: true } }),

  async changeScore(tx, ticketId, userId, score, now) {
    await tx.csatResponse.update({ where: { ticketId_userId: { ticketId, userId } }, data: { score, updatedAt: now } });
  },

  async addAnswer(tx, ticketId, userId, score, now) {
    try {
      await tx.csatResponse.create({ data: { ticketId, userId, score, answeredAt: now, updatedAt: now } });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError("csat.answer_raced", { ticketId, userId });
      throw error;
    }
  },

  async setComment(tx, ticketId, userId, comment, now) {
    const updated = await tx.csatResponse.updateMany({ where: { ticketId, userId }, data: { comment, updatedAt: now } });
    return updated.count > 0;
  },
};
