// The CSAT surfaces: the survey in the customer's thread, the private thanks after a click, the
// comment modal, and the low-score line in the card's thread.
import type { KnownBlock, View } from "@slack/types";
import { CSAT_COMMENT_MAX_CHARS, CSAT_MAX_SCORE, CSAT_MIN_SCORE } from "../../support/rules/csat.ts";
import type { Ticket } from "../../support/rules/ticket.ts";
import { ACTIONS, CSAT_COMMENT_INPUT, VIEWS, csatScoreActionId } from "./ids.ts";
import { LIMITS, modalMetadata, truncate } from "./limits.ts";

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const SCORE_LABELS: Record<number, string> = { 1: "1 · Poor", 2: "2", 3: "3", 4: "4", 5: "5 · Great" };

/** The survey: a short question and five buttons, 1 to 5. */
export function csatSurvey(ticket: Ticket): SlackMessage {
  const question = `How did we do with *#${ticket.id}*?`;
  const scores: number[] = [];
  for (let s = CSAT_MIN_SCORE; s <= CSAT_MAX_SCORE; s++) scores.push(s);
  return {
    text: `How did we do with #${ticket.id}? Rate it from 1 (poor) to 5 (great).`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${question} Rate it from 1 (poor) to 5 (great).` } },
      {
        type: "actions",
        block_id: `csat:${ticket.id}`,
        elements: scores.map((score) => ({
          type: "button" as const,
          action_id: csatScoreActionId(score),
          text: { type: "plain_text" as const, text: SCORE_LABELS[score] ?? String(score) },
          value: String(ticket.id),
        })),
      },
      { type: "context", elements: [{ type: "mrkdwn", text: "One answer per person; click again to change it." }] },
    ],
  };
}

/** The private answer to a click: the score, that it can be changed, and a way to add a comment. */
export function csatThanks(ticketId: number, score: number, changed: boolean): SlackMessage {
  const head = `${changed ? "Updated: you now rate" : "Thanks, you rated"} ticket *#${ticketId}* *${score}* out of 5.`;
  const text = `${head} You can change it by clicking another score.`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      {
        type: "actions",
        block_id: `csat_thanks:${ticketId}`,
        elements: [
          { type: "button", action_id: ACTIONS.csatComment, text: { type: "plain_text", text: "Add a comment" }, value: String(ticketId) },
        ],
      },
    ],
  };
}

/** A click from someone who is not the requester or of the requester's company. */
export function csatRefusal(requesterId: string): string {
  return `This survey is for <@${requesterId}>'s team, so your answer was not recorded.`;
}

export function csatNoSurvey(ticketId: number): string {
  return `Ticket #${ticketId} has no open survey any more.`;
}

export const CSAT_INVALID_SCORE = "That score is not one of the survey's (1 to 5).";
export const CSAT_ANSWER_FAILED = "Sorry, your answer could not be saved. Please try again.";

/** "Add a comment" before choosing a score. */
export const csatChooseScoreFirst = (ticketId: number): string => `Choose a score for #${ticketId} first; then you can add a comment.`;

/** The comment modal's answers to a submission that cannot be saved. */
export const CSAT_COMMENT_EMPTY = "Write a comment, or close this form.";
export const CSAT_COMMENT_LOST_TICKET = "This form has lost its ticket. Close it and click Add a comment again.";
export const csatCommentNeedsScore = (ticketId: number): string => `Choose a score for #${ticketId} in the survey first.`;
export const CSAT_COMMENT_FAILED = "Your comment could not be saved. Please try again.";

/** The comment modal (private_metadata carries the ticket id). */
export function csatCommentModal(ticketId: number, current: { score: number; comment: string | null } | null): View {
  return {
    type: "modal",
    callback_id: VIEWS.csatComment,
    private_metadata: modalMetadata({ ticketId }),
    title: { type: "plain_text", text: truncate(`Feedback on #${ticketId}`, LIMITS.modalTitle) },
    submit: { type: "plain_text", text: "Send" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      ...(current
        ? [{ type: "context" as const, elements: [{ type: "mrkdwn" as const, text: `Your score: *${current.score}* out of 5.` }] }]
        : []),
      {
        type: "input",
        block_id: CSAT_COMMENT_INPUT.block,
        label: { type: "plain_text", text: "Your comment" },
        hint: { type: "plain_text", text: "Tell us what went well or what we could do better." },
        element: {
          type: "plain_text_input",
          action_id: CSAT_COMMENT_INPUT.action,
          multiline: true,
          max_length: CSAT_COMMENT_MAX_CHARS,
          focus_on_load: true,
          ...(current?.comment ? { initial_value: current.comment } : {}),
        },
      },
    ],
  };
}

/** In the card's thread: a low score, so the assignee (or the team) follows up. */
export function csatLowScoreLine(ticket: Ticket, score: number, userId: string): string {
  const who = ticket.assigneeId ? `<@${ticket.assigneeId}> ` : "";
  const ask = ticket.assigneeId ? "please follow up." : "nobody is assigned; someone please follow up.";
  return `:small_red_triangle_down: ${who}<@${userId}> rated ticket *#${ticket.id}* *${score}* out of 5 in the satisfaction survey: ${ask}`;
}
