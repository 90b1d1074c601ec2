// The Reply to customer modal's submission: the reply is stored with its post to the customer's
// thread (outbox) before the modal closes.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { TicketNotFound } from "../../support/rules/ticket.ts";
import { REPLY_INPUT, VIEWS } from "../blocks/ids.ts";
import type { SlackDeps } from "../deps.ts";

export function registerReplyView(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(VIEWS.reply, async ({ ack, body, view }) => {
    let ticketId: number | null;
    try {
      const meta = JSON.parse(view.private_metadata || "{}") as { ticketId?: unknown };
      ticketId = typeof meta.ticketId === "number" ? meta.ticketId : null;
    } catch {
      ticketId = null;
    }
    const text = view.state.values[REPLY_INPUT.block]?.[REPLY_INPUT.action]?.value?.trim() ?? "";
    if (!ticketId) {
      deps.log.warn({ view: VIEWS.reply }, "reply modal without a ticket id; ignored");
      await ack({
        response_action: "errors",
        errors: { [REPLY_INPUT.block]: "This form has lost its ticket. Close it and use Reply to customer again." },
      });
      return;
    }
    if (text.length === 0) {
      await ack({ response_action: "errors", errors: { [REPLY_INPUT.block]: "Write the reply the customer should see." } });
      return;
    }
    try {
      await deps.tickets.replyToCustomer(ticketId, body.user.id, text);
      await ack();
    } catch (error) {
      const message =
        error instanceof TicketNotFound ? `Ticket #${ticketId} no longer exists.` : "The reply could not be saved. Please try again.";
      if (!(error instanceof TicketNotFound)) deps.log.error({ err: error, ticket: ticketId }, "reply failed");
      await ack({ response_action: "errors", errors: { [REPLY_INPUT.block]: message } });
    }
  });
}
