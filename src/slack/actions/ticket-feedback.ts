// "Tag as feedback" on the triage card: the ticket's first message goes to the product team as feedback,
// with the ticket's account. Stored before the acknowledgement; the answer is ephemeral.
import type { App, BlockAction } from "@slack/bolt";
import { FeedbackError } from "../../feedback/rules/feedback.ts";
import { ACTIONS } from "../blocks/ids.ts";
import type { SlackDeps } from "../deps.ts";
import { accountHints, capturedAnswer, FEEDBACK_OFF } from "../feedback-capture.ts";

export function registerTicketFeedbackAction(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ACTIONS.ticketFeedback, async ({ ack, body, action, respond }) => {
    const reply = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    const userId = body.user?.id;
    const ticketId = Number((action as { value?: string }).value);
    if (!deps.feedback) {
      await ack();
      return reply(FEEDBACK_OFF);
    }
    const ticket = Number.isInteger(ticketId) && ticketId > 0 ? await deps.tickets.get(ticketId) : null;
    if (!ticket || !userId) {
      await ack();
      return reply(`Ticket #${Number.isInteger(ticketId) ? ticketId : "?"} no longer exists.`);
    }
    try {
      const result = await deps.feedback.capture({
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
        taggerId: userId,
        ticketId: ticket.id,
        at: ticket.createdAt,
      });
      await ack();
      reply(capturedAnswer(result.item.id, result.created, result.newTagger));
    } catch (error) {
      await ack();
      if (error instanceof FeedbackError) return reply(error.message);
      deps.log.error({ err: error, ticket: ticketId }, "tag as feedback failed");
      reply("Sorry, the feedback could not be saved. Please try again.");
    }
  });
}
