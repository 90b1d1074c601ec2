// The App Home's row buttons: Assign to me (stored before Slack gets its acknowledgement, then the Home
// is published again), Reply (the Reply to customer modal) and Open card (a link: Slack opens it, the
// click is only acknowledged). The Home has no response URL: a refusal is sent as a direct message.
import type { App, BlockAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { assignTicket } from "../../support/use-cases/assign-ticket.ts";
import { readTicket } from "../../support/use-cases/read-ticket.ts";
import { ACTIONS } from "../blocks/ids.ts";
import { replyModal } from "../blocks/reply-modal.ts";
import { cardChangeFailed, supportErrorText, ticketGone } from "../blocks/support-errors.ts";
import type { SlackDeps } from "../deps.ts";
import { publishHome } from "../home/app-home.ts";

const ticketIdOf = (action: unknown): number | null => {
  const n = Number((action as { value?: string }).value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

export function registerHomeActions(app: App, deps: SlackDeps): void {
  const tell = (userId: string, error: unknown, ticketId: number) => {
    const known = isDomainError(error) ? supportErrorText(error) : null;
    if (!known) deps.log.error({ err: error, ticket: ticketId }, "App Home action failed");
    void deps.notify.direct(userId, known ?? cardChangeFailed(ticketId)).catch(() => {});
  };
  const refresh = (userId: string) =>
    void publishHome(deps, userId).catch((error: unknown) => deps.log.warn({ err: error, user: userId }, "could not refresh the App Home"));

  app.action<BlockAction>(ACTIONS.homeAssignMe, async ({ ack, body, action }) => {
    const ticketId = ticketIdOf(action);
    const userId = body.user.id;
    try {
      if (ticketId) await assignTicket(deps.support, userActor(userId, body.user.team_id), { ticketId, assigneeId: userId });
      await ack();
    } catch (error) {
      await ack();
      tell(userId, error, ticketId ?? 0);
    }
    refresh(userId);
  });

  // Opening a modal needs the trigger within 3 seconds: acknowledge first, then call views.open.
  app.action<BlockAction>(ACTIONS.homeReply, async ({ ack, body, action, client }) => {
    await ack();
    const ticketId = ticketIdOf(action);
    const userId = body.user.id;
    let ticket;
    try {
      ticket = ticketId ? await readTicket(deps.support, userActor(userId, body.user.team_id), { ticketId, purpose: "reply" }) : null;
    } catch (error) {
      return tell(userId, error, ticketId ?? 0);
    }
    if (!ticket) return void deps.notify.direct(userId, ticketGone(ticketId)).catch(() => {});
    void client.views.open({ trigger_id: body.trigger_id, view: replyModal(ticket) }).catch((error: unknown) => {
      deps.log.error({ err: error, ticket: ticket.id }, "could not open the reply modal");
    });
  });

  app.action<BlockAction>(ACTIONS.homeOpenCard, async ({ ack }) => {
    await ack();
  });
}
