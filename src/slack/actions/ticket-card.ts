// The triage card's controls. Each change is stored (with its card update and log line in the outbox)
// before Slack gets its acknowledgement; nothing here waits on the Web API before acknowledging.
import type { App, BlockAction } from "@slack/bolt";
import { isPriority, isStatus, TicketNotFound } from "../../support/rules/ticket.ts";
import { ACTIONS, ticketIdFromBlockId } from "../blocks/ids.ts";
import { replyModal } from "../blocks/reply-modal.ts";
import type { SlackDeps } from "../deps.ts";

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
  const handle = (actionId: string, work: (ticketId: number, userId: string, action: Action, body: BlockAction) => Promise<void>) => {
    app.action<BlockAction>(actionId, async ({ ack, body, action, respond }) => {
      const a = action as Action;
      const ticketId = ticketIdOf(a);
      if (!ticketId || !body.user?.id) {
        deps.log.warn({ action: actionId }, "card action without a ticket or user; ignored");
        await ack();
        return;
      }
      try {
        await work(ticketId, body.user.id, a, body);
        await ack();
      } catch (error) {
        await ack();
        const text =
          error instanceof TicketNotFound
            ? `Ticket #${ticketId} no longer exists.`
            : `Sorry, that change to ticket #${ticketId} could not be saved. Please try again.`;
        if (!(error instanceof TicketNotFound)) deps.log.error({ err: error, ticket: ticketId, action: actionId }, "card action failed");
        void respond({ response_type: "ephemeral", replace_original: false, text }).catch(() => {});
      }
    });
  };

  handle(ACTIONS.assignMe, async (ticketId, userId) => {
    await deps.tickets.assign(ticketId, userId, userId);
  });
  handle(ACTIONS.assignee, async (ticketId, userId, action) => {
    await deps.tickets.assign(ticketId, action.selected_user ?? null, userId);
  });
  handle(ACTIONS.priority, async (ticketId, userId, action) => {
    const value = action.selected_option?.value;
    if (!isPriority(value)) throw new Error(`unknown priority ${String(value)}`);
    await deps.tickets.setPriority(ticketId, value, userId);
  });
  handle(ACTIONS.status, async (ticketId, userId, action) => {
    const value = action.selected_option?.value;
    if (!isStatus(value)) throw new Error(`unknown status ${String(value)}`);
    await deps.tickets.setStatus(ticketId, value, userId);
  });
  handle(ACTIONS.resolve, async (ticketId, userId) => {
    await deps.tickets.setStatus(ticketId, "resolved", userId);
  });

  // Opening a modal needs the trigger within 3 seconds: acknowledge first, then call views.open.
  app.action<BlockAction>(ACTIONS.reply, async ({ ack, body, action, client, respond }) => {
    await ack();
    const ticketId = ticketIdOf(action as Action);
    const ticket = ticketId ? await deps.tickets.get(ticketId) : null;
    if (!ticket) {
      void respond({ response_type: "ephemeral", replace_original: false, text: `Ticket #${ticketId ?? "?"} no longer exists.` }).catch(
        () => {},
      );
      return;
    }
    void client.views.open({ trigger_id: body.trigger_id, view: replyModal(ticket) }).catch((error: unknown) => {
      deps.log.error({ err: error, ticket: ticket.id }, "could not open the reply modal");
    });
  });
}
