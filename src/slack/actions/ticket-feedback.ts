// "Tag as feedback" on the triage card: the ticket's first message goes to the product team as feedback,
// with the ticket's account. Stored before the acknowledgement; the answer is ephemeral.
import type { App, BlockAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { captureFeedback } from "../../feedback/use-cases/capture-feedback.ts";
import { readTicket } from "../../support/use-cases/read-ticket.ts";
import { ACTIONS } from "../blocks/ids.ts";
import { capturedAnswer, FEEDBACK_NOT_SAVED, FEEDBACK_OFF, ticketGone } from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { accountHints, feedbackRefusal } from "../feedback-capture.ts";

export function registerTicketFeedbackAction(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTIONS.ticketFeedback, async ({ ack, body, action, respond }) => {
    const reply = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    await tagTicketAsFeedback(deps, body, Number((action as { value?: string }).value), ack, reply);
  });
}

/** Tag as feedback (a button on older cards, an item of the card's overflow menu on newer ones). */
export async function tagTicketAsFeedback(
  deps: SlackDeps,
  body: Pick<BlockAction, "user">,
  ticketId: number,
  ack: () => Promise<void>,
  reply: (text: string) => void,
): Promise<void> {
  const userId = body.user?.id;
  if (!deps.feedback) {
    await ack();
    return reply(FEEDBACK_OFF);
  }
  try {
    const ticket =
      userId && Number.isInteger(ticketId) && ticketId > 0
        ? await readTicket(deps.support, userActor(userId, body.user.team_id), { ticketId, purpose: "feedback" })
        : null;
    if (!ticket || !userId) {
      await ack();
      return reply(ticketGone(ticketId));
    }
    const result = await captureFeedback(deps.feedback, userActor(userId, body.user.team_id), {
      origin: "ticket",
      channelId: ticket.channelId,
      // A ticket from /ticket has no customer message: it is the ticket's own post in the channel.
      messageTs: ticket.sourceTs ?? ticket.threadTs,
      threadTs: ticket.threadTs,
      text: ticket.text,
      authorId: ticket.requesterId,
      authorName: ticket.requesterName,
      internal: false,
      ...(ticket.accountExternalId
        ? { channelAccount: ticket.accountExternalId, emailDomain: null }
        : await accountHints(deps, ticket.channelId, ticket.requesterId)),
      permalink: ticket.permalink,
      ticketId: ticket.id,
      at: ticket.createdAt,
    });
    await ack();
    reply(capturedAnswer(result.item.id, result.created, result.newTagger));
  } catch (error) {
    await ack();
    const refused = feedbackRefusal(error);
    if (refused !== null) return reply(refused);
    deps.log.error({ err: error, ticket: ticketId }, "tag as feedback failed");
    reply(FEEDBACK_NOT_SAVED);
  }
}
