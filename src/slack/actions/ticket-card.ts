// The triage card's controls. Each change is stored (with its card update and log line in the outbox)
// before Slack gets its acknowledgement; nothing here waits on the Web API before acknowledging.
import type { App, BlockAction } from "@slack/bolt";
import { userActor, type Actor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { isPriority, isStatus } from "../../support/rules/ticket.ts";
import { assignTicket } from "../../support/use-cases/assign-ticket.ts";
import { readTicket } from "../../support/use-cases/read-ticket.ts";
import { setPriority } from "../../support/use-cases/set-priority.ts";
import { resolveTicket, setStatus } from "../../support/use-cases/set-status.ts";
import { reopenTicket } from "../../support/use-cases/reopen-ticket.ts";
import { ACTIONS, ticketIdFromBlockId } from "../blocks/ids.ts";
import { replyModal } from "../blocks/reply-modal.ts";
import { cardChangeFailed, supportErrorText, ticketGone } from "../blocks/support-errors.ts";
import type { SlackDeps } from "../deps.ts";
import { tagTicketAsFeedback } from "./ticket-feedback.ts";

type Action = BlockAction["actions"][number] & {
  value?: string;
  selected_user?: string | null;
  selected_option?: { value?: string } | null;
};

function ticketIdOf(action: Action): number | null {
  const fromBlock = ticketIdFromBlockId(action.block_id);
  if (fromBlock) return fromBlock;
  const n = Number(action.value);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export function registerTicketCardActions(app: App, deps: SlackDeps): void {
  const ctx = deps.support;
  const handle = (actionId: string, work: (ticketId: number, actor: Actor, action: Action, userId: string) => Promise<unknown>) => {
    app.action<BlockAction>(actionId, async ({ ack, body, action, respond }) => {
      const a = action as Action;
      const ticketId = ticketIdOf(a);
      if (!ticketId || !body.user?.id) {
        deps.log.warn({ action: actionId }, "card action without a ticket or user; ignored");
        await ack();
        return;
      }
      try {
        await work(ticketId, userActor(body.user.id, body.user.team_id), a, body.user.id);
        await ack();
      } catch (error) {
        await ack();
        const known = isDomainError(error) ? supportErrorText(error) : null;
        if (!known) deps.log.error({ err: error, ticket: ticketId, action: actionId }, "card action failed");
        void respond({ response_type: "ephemeral", replace_original: false, text: known ?? cardChangeFailed(ticketId) }).catch(() => {});
      }
    });
  };

  handle(ACTIONS.assignMe, (ticketId, actor, _action, userId) => assignTicket(ctx, actor, { ticketId, assigneeId: userId }));
  handle(ACTIONS.assignee, (ticketId, actor, action) => assignTicket(ctx, actor, { ticketId, assigneeId: action.selected_user ?? null }));
  handle(ACTIONS.priority, (ticketId, actor, action) => {
    const value = action.selected_option?.value;
    if (!isPriority(value)) throw new Error(`unknown priority ${String(value)}`);
    return setPriority(ctx, actor, { ticketId, priority: value });
  });
  handle(ACTIONS.status, (ticketId, actor, action) => {
    const value = action.selected_option?.value;
    if (!isStatus(value)) throw new Error(`unknown status ${String(value)}`);
    return setStatus(ctx, actor, { ticketId, status: value });
  });
  handle(ACTIONS.resolve, (ticketId, actor) => resolveTicket(ctx, actor, { ticketId }));
  handle(ACTIONS.reopen, (ticketId, actor) => reopenTicket(ctx, actor, { ticketId }));

  // The overflow menu: a status ("status:pending", "status:open") or Tag as feedback ("feedback");
  // with one choice only, the same value comes from a button.
  app.action<BlockAction>(ACTIONS.cardMore, async ({ ack, body, action, respond }) => {
    const a = action as Action;
    const value = a.selected_option?.value ?? (a.type === "button" ? (a.value ?? "") : "");
    const ticketId = ticketIdOf({ ...a, value: undefined } as Action);
    const tell = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    if (!ticketId || !body.user?.id) {
      deps.log.warn({ action: ACTIONS.cardMore }, "card action without a ticket or user; ignored");
      return ack();
    }
    if (value === "feedback") return tagTicketAsFeedback(deps, body, ticketId, () => ack(), tell);
    const status = value.startsWith("status:") ? value.slice("status:".length) : null;
    try {
      if (!isStatus(status)) throw new Error(`unknown card menu item ${value}`);
      await setStatus(ctx, userActor(body.user.id, body.user.team_id), { ticketId, status });
      await ack();
    } catch (error) {
      await ack();
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) deps.log.error({ err: error, ticket: ticketId, action: ACTIONS.cardMore }, "card action failed");
      tell(known ?? cardChangeFailed(ticketId));
    }
  });

  // Opening a modal needs the trigger within 3 seconds: acknowledge first, then call views.open.
  app.action<BlockAction>(ACTIONS.reply, async ({ ack, body, action, client, respond }) => {
    await ack();
    const ticketId = ticketIdOf(action as Action);
    const tell = (text: string) => void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
    let ticket;
    try {
      ticket = ticketId ? await readTicket(ctx, userActor(body.user.id, body.user.team_id), { ticketId, purpose: "reply" }) : null;
    } catch (error) {
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) deps.log.error({ err: error, ticket: ticketId }, "could not read the ticket to reply to");
      return tell(known ?? cardChangeFailed(ticketId ?? 0));
    }
    if (!ticket) return tell(ticketGone(ticketId));
    void client.views.open({ trigger_id: body.trigger_id, view: replyModal(ticket) }).catch((error: unknown) => {
      deps.log.error({ err: error, ticket: ticket.id }, "could not open the reply modal");
    });
  });
}
