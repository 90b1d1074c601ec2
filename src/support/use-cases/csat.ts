// Customer satisfaction (CSAT): when a ticket is resolved its customer's thread may get a short survey
// (1 to 5). One answer per ticket per customer, which they may change; an optional comment. Only the
// requester, or a colleague of the same (external) company, may answer. A low score (1 or 2) is told
// to the team in the card's thread, once per customer and ticket, so someone follows up.
import { createHash } from "node:crypto";
import type { Database, Tx } from "../../platform/db/client.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Logger } from "../../platform/observability/log.ts";
import type { Ticket } from "../rules/ticket.ts";
import type { TicketNotifier } from "../ports.ts";

export interface CsatSettings {
  /** CSAT_ENABLED */
  enabled: boolean;
  /** CSAT_SAMPLE_RATE: the share of resolved tickets that get a survey (0..1). */
  sampleRate: number;
  /** CSAT_MIN_DAYS_BETWEEN: at most one survey per requester within this many days (0: no limit). */
  minDaysBetween: number;
}

export const CSAT_MIN_SCORE = 1;
export const CSAT_MAX_SCORE = 5;
/** Scores at or below this are posted in the card's thread. */
export const CSAT_LOW_SCORE = 2;
export const CSAT_COMMENT_MAX_CHARS = 3000;

/** Who clicked: their user id, their workspace, and the app's own workspace (the home team). */
export interface CsatVoter {
  userId: string;
  teamId: string | null;
  homeTeamId: string | null;
}

export type CsatAnswerResult =
  | { kind: "saved"; ticketId: number; score: number; previousScore: number | null }
  | { kind: "invalid_score" }
  | { kind: "no_survey"; ticketId: number }
  | { kind: "refused_not_requester"; ticketId: number; requesterId: string };

export type CsatCommentResult =
  | { kind: "saved"; ticketId: number }
  | { kind: "empty_comment" }
  | { kind: "no_survey"; ticketId: number }
  /** No score from this user on this ticket (only someone who answered may comment). */
  | { kind: "no_answer"; ticketId: number };

export type CsatSkipReason = "disabled" | "already_surveyed" | "not_sampled" | "recently_surveyed";

/** Where a ticket falls in [0, 1): the same ticket always lands in the same place, so sampling is repeatable. */
export function sampleFraction(ticketId: number): number {
  const digest = createHash("sha256").update(`csat:${ticketId}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** A score as the customer may give it: a whole number from 1 to 5. */
export function isCsatScore(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= CSAT_MIN_SCORE && value <= CSAT_MAX_SCORE;
}

export class CsatService {
  constructor(
    private readonly db: Database,
    private readonly notifier: Pick<TicketNotifier, "csatSurvey" | "csatLowScore">,
    private readonly settings: CsatSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: () => void = () => {},
  ) {}

  /**
   * Called inside the transaction that resolves a ticket: decides whether it gets a survey and, if so,
   * stores it (CsatSurvey, which is also the record that it was sent) with its post in the customer's thread.
   */
  async onResolved(tx: Tx, ticket: Ticket, at: Date): Promise<void> {
    const skipped = await this.skipReason(tx, ticket, at);
    if (skipped) {
      this.log.debug({ event: "csat.skipped", ticket: ticket.id, reason: skipped }, "no satisfaction survey");
      return;
    }
    // The row first: a second resolve racing this one fails on the primary key instead of posting twice.
    await tx.csatSurvey.create({
      data: {
        ticketId: ticket.id,
        channelId: ticket.channelId,
        requesterId: ticket.requesterId,
        requesterTeamId: ticket.requesterTeamId,
        sentAt: at,
      },
    });
    const outboxId = await this.notifier.csatSurvey(tx, ticket, at);
    if (outboxId !== null) await tx.csatSurvey.update({ where: { ticketId: ticket.id }, data: { outboxId } });
    this.log.info({ event: "csat.sent", ticket: ticket.id, requester: ticket.requesterId }, "satisfaction survey queued");
  }

  private async skipReason(tx: Tx, ticket: Ticket, at: Date): Promise<CsatSkipReason | null> {
    if (!this.settings.enabled) return "disabled";
    if (await tx.csatSurvey.findUnique({ where: { ticketId: ticket.id }, select: { ticketId: true } })) return "already_surveyed";
    if (!(sampleFraction(ticket.id) < this.settings.sampleRate)) return "not_sampled";
    if (this.settings.minDaysBetween > 0) {
      const since = new Date(at.getTime() - this.settings.minDaysBetween * 86_400_000);
      const recent = await tx.csatSurvey.findFirst({
        where: { requesterId: ticket.requesterId, sentAt: { gt: since } },
        select: { ticketId: true },
      });
      if (recent) return "recently_surveyed";
    }
    return null;
  }

  /** Whether this voter may answer a survey sent to `survey`'s requester. */
  static mayAnswer(survey: { requesterId: string; requesterTeamId: string | null }, voter: CsatVoter): boolean {
    if (voter.userId === survey.requesterId) return true;
    // Colleagues count only for another company's workspace (Slack Connect): in the app's own workspace
    // everyone shares the team id, so only the requester answers. Unknown home team: requester only.
    const team = survey.requesterTeamId;
    return Boolean(team && voter.teamId === team && voter.homeTeamId && team !== voter.homeTeamId);
  }

  /** A click on a survey button: stores (or changes) the voter's score for the ticket. */
  async answer(ticketId: number, voter: CsatVoter, score: number): Promise<CsatAnswerResult> {
    if (!isCsatScore(score)) return { kind: "invalid_score" };
    const result = await this.transaction(async (tx): Promise<CsatAnswerResult> => {
      const survey = await tx.csatSurvey.findUnique({ where: { ticketId } });
      if (!survey) return { kind: "no_survey", ticketId };
      if (!CsatService.mayAnswer(survey, voter)) return { kind: "refused_not_requester", ticketId, requesterId: survey.requesterId };
      const ticket = await tx.ticket.findUnique({ where: { id: ticketId } });
      if (!ticket) return { kind: "no_survey", ticketId };
      const now = this.clock.now();
      const key = { ticketId_userId: { ticketId, userId: voter.userId } };
      // Touch the row first: on Postgres this locks it, so two quick clicks of one voter take turns.
      await tx.csatResponse.updateMany({ where: { ticketId, userId: voter.userId }, data: { updatedAt: now } });
      const previous = await tx.csatResponse.findUnique({ where: key });
      if (previous) {
        await tx.csatResponse.update({ where: key, data: { score, updatedAt: now } });
      } else {
        await tx.csatResponse.create({ data: { ticketId, userId: voter.userId, score, answeredAt: now, updatedAt: now } });
      }
      const previousScore = previous?.score ?? null;
      if (previousScore === score) return { kind: "saved", ticketId, score, previousScore };
      // Told once: the first time this voter's answer becomes low, not on every click.
      const low = score <= CSAT_LOW_SCORE;
      const toldBefore =
        low &&
        (await tx.ticketEvent.findFirst({
          where: { ticketId, kind: "csat_answered", actorId: voter.userId, toValue: { in: lowScores() } },
          select: { id: true },
        }));
      await tx.ticketEvent.create({
        data: {
          ticketId,
          kind: "csat_answered",
          actorId: voter.userId,
          fromValue: previousScore === null ? null : String(previousScore),
          toValue: String(score),
          at: now,
        },
      });
      if (low && !toldBefore) await this.notifier.csatLowScore(tx, ticket, score, voter.userId, now);
      return { kind: "saved", ticketId, score, previousScore };
    });
    if (result.kind === "saved") {
      this.log.info(
        { event: "csat.answered", ticket: ticketId, user: voter.userId, score, previous: result.previousScore },
        "satisfaction answer saved",
      );
    } else {
      this.log.info({ event: "csat.refused", ticket: ticketId, user: voter.userId, reason: result.kind }, "satisfaction answer refused");
    }
    return result;
  }

  /** The comment modal: adds (or replaces) the voter's comment on their answer. */
  async comment(ticketId: number, userId: string, text: string): Promise<CsatCommentResult> {
    const comment = text.trim().slice(0, CSAT_COMMENT_MAX_CHARS);
    if (comment.length === 0) return { kind: "empty_comment" };
    const result = await this.transaction(async (tx): Promise<CsatCommentResult> => {
      const survey = await tx.csatSurvey.findUnique({ where: { ticketId }, select: { ticketId: true } });
      if (!survey) return { kind: "no_survey", ticketId };
      const now = this.clock.now();
      const updated = await tx.csatResponse.updateMany({ where: { ticketId, userId }, data: { comment, updatedAt: now } });
      if (updated.count === 0) return { kind: "no_answer", ticketId };
      await tx.ticketEvent.create({ data: { ticketId, kind: "csat_commented", actorId: userId, at: now } });
      return { kind: "saved", ticketId };
    });
    if (result.kind === "saved") this.log.info({ event: "csat.commented", ticket: ticketId, user: userId }, "satisfaction comment saved");
    return result;
  }

  /** The voter's current answer, if any (to fill the comment modal). */
  async responseOf(ticketId: number, userId: string): Promise<{ score: number; comment: string | null } | null> {
    return this.db.client.csatResponse.findUnique({
      where: { ticketId_userId: { ticketId, userId } },
      select: { score: true, comment: true },
    });
  }

  private async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const run = () => this.db.client.$transaction(work, { timeout: 20_000, maxWait: 20_000 });
    let result: T;
    try {
      result = await run();
    } catch (error) {
      // Two first answers of one voter at once: the loser finds the winner's row on a second try.
      if ((error as { code?: string } | null)?.code !== "P2002") throw error;
      result = await run();
    }
    this.afterCommit();
    return result;
  }
}

function lowScores(): string[] {
  const scores: string[] = [];
  for (let s = CSAT_MIN_SCORE; s <= CSAT_LOW_SCORE; s++) scores.push(String(s));
  return scores;
}
