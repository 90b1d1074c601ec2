// `/ticket [@customer] <text>`: opens a ticket by hand for the customer named first (else for no one in
// particular: the card says who opened it, and the channel's linked account is the ticket's). The app posts
// it in the channel, and that post's thread is where the conversation with the requester happens.
import type { App } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { openTicket } from "../../support/use-cases/open-ticket.ts";
import { COMMANDS } from "../blocks/ids.ts";
import { commandTicketCreated, notInChannelWarning, TICKET_NEEDS_TEXT } from "../blocks/ticket-messages.ts";
import { supportErrorText } from "../blocks/support-errors.ts";
import type { SlackDeps } from "../deps.ts";
import { appIsInChannel } from "../membership.ts";

/** A leading `<@U…>` or `<@U…|name>` (the command escapes mentions): the customer the ticket is for. */
export function ticketFor(text: string): { customerId: string | null; customerName: string | null; text: string } {
  const match = /^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>[\s,:]*/.exec(text);
  if (!match) return { customerId: null, customerName: null, text };
  return { customerId: match[1], customerName: match[2] || null, text: text.slice(match[0].length).trim() };
}

export function registerTicketCommand(app: App, deps: SlackDeps): void {
  app.command(COMMANDS.ticket, async ({ ack, command, respond }) => {
    const { customerId, customerName, text } = ticketFor((command.text ?? "").trim());
    if (!command.channel_id || !command.user_id) {
      await ack();
      return;
    }
    if (text.length === 0) {
      await ack({ response_type: "ephemeral", text: TICKET_NEEDS_TEXT });
      return;
    }
    let ticketId: number;
    try {
      const { ticket } = await openTicket(deps.support, userActor(command.user_id, command.team_id), {
        channelId: command.channel_id,
        sourceTs: null,
        threadTs: null,
        text,
        origin: "command",
        requesterId: customerId ?? command.user_id,
        requesterTeamId: customerId ? null : (command.team_id ?? null),
        externalTeamId: null,
        requesterName: customerId ? customerName : (command.user_name ?? null),
        permalink: null,
        quick: true,
      });
      ticketId = ticket.id;
    } catch (error) {
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) throw error;
      await ack({ response_type: "ephemeral", text: known });
      return;
    }
    await ack({ response_type: "ephemeral", text: commandTicketCreated(ticketId) });
    if ((await appIsInChannel(deps, command.channel_id)) === false) {
      void respond({ response_type: "ephemeral", text: notInChannelWarning(ticketId, command.channel_id) }).catch(() => {});
    }
  });
}
