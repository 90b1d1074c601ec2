// `/ticket <text>`: opens a ticket by hand. The app posts it in the channel, and that post's thread is
// where the conversation with the requester happens.
import type { App } from "@slack/bolt";
import { COMMANDS } from "../blocks/ids.ts";
import type { SlackDeps } from "../deps.ts";
import { appIsInChannel, notInChannelWarning } from "../membership.ts";

export const TICKET_USAGE = "Usage: `/ticket <what the customer needs>`, for example `/ticket Acme cannot export invoices since Monday`.";

export function registerTicketCommand(app: App, deps: SlackDeps): void {
  app.command(COMMANDS.ticket, async ({ ack, command, respond }) => {
    const text = (command.text ?? "").trim();
    if (!command.channel_id || !command.user_id) {
      await ack();
      return;
    }
    if (text.length === 0) {
      await ack({ response_type: "ephemeral", text: `Please say what the ticket is about. ${TICKET_USAGE}` });
      return;
    }
    if (command.channel_id === deps.settings.triageChannel) {
      await ack({ response_type: "ephemeral", text: "Open tickets from the channel the request belongs to, not from the triage channel." });
      return;
    }
    const support = await deps.channels.lookup(command.channel_id);
    const { ticket } = await deps.tickets.create({
      channelId: command.channel_id,
      sourceTs: null,
      threadTs: null,
      requesterId: command.user_id,
      requesterTeamId: command.team_id ?? null,
      requesterName: command.user_name ?? null,
      requesterCompany: support?.accountExternalId ?? null,
      text,
      origin: "command",
      createdById: command.user_id,
      at: deps.clock.now(),
      accountExternalId: support?.accountExternalId ?? null,
      tier: support?.tier ?? null,
    });
    await ack({
      response_type: "ephemeral",
      text: `Ticket *#${ticket.id}* created. I'll post it in this channel; the conversation continues in its thread.`,
    });
    if ((await appIsInChannel(deps, command.channel_id)) === false) {
      void respond({ response_type: "ephemeral", text: notInChannelWarning(ticket.id, command.channel_id) }).catch(() => {});
    }
  });
}
