// The Reply to customer modal's submission: the reply is stored with its post to the customer's
// thread (outbox) before the modal closes.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { replyToCustomer } from "../../support/use-cases/reply-to-customer.ts";
import { REPLY_INPUT, VIEWS } from "../blocks/ids.ts";
import { REPLY_EMPTY, REPLY_FAILED, REPLY_LOST_TICKET } from "../blocks/reply-modal.ts";
import { supportErrorText } from "../blocks/support-errors.ts";
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
      await ack({ response_action: "errors", errors: { [REPLY_INPUT.block]: REPLY_LOST_TICKET } });
      return;
    }
    if (text.length === 0) {
      await ack({ response_action: "errors", errors: { [REPLY_INPUT.block]: REPLY_EMPTY } });
      return;
    }
    try {
      await replyToCustomer(deps.support, userActor(body.user.id, body.user.team_id), { ticketId, text });
      await ack();
    } catch (error) {
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) deps.log.error({ err: error, ticket: ticketId }, "reply failed");
      await ack({ response_action: "errors", errors: { [REPLY_INPUT.block]: known ?? REPLY_FAILED } });
    }
  });
}
