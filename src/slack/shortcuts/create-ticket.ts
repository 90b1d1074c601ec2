// The message shortcut "Create ticket": makes a ticket of any message.
import type { App, MessageShortcut } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { externalTeam, tsToDate } from "../../support/rules/intake.ts";
import { openTicket } from "../../support/use-cases/open-ticket.ts";
import { SHORTCUTS } from "../blocks/ids.ts";
import { alreadyTicket, notInChannelWarning, shortcutTicketCreated } from "../blocks/ticket-messages.ts";
import { supportErrorText } from "../blocks/support-errors.ts";
import { messageShortcutSchema, parse } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { appIsInChannel } from "../membership.ts";

export function registerCreateTicketShortcut(app: App, deps: SlackDeps): void {
  app.shortcut<MessageShortcut>(SHORTCUTS.createTicket, async ({ ack, body, respond }) => {
    const parsed = parse(messageShortcutSchema, body);
    if (!parsed.ok) {
      deps.log.warn({ shortcut: SHORTCUTS.createTicket, reason: parsed.reason }, "shortcut payload skipped: unexpected shape");
      await ack();
      return;
    }
    const s = parsed.value;
    const reply = (text: string) => void respond({ response_type: "ephemeral", text }).catch(() => {});
    const channel = s.channel.id;
    const teamId = s.message.user_team ?? s.message.team ?? null;
    let opened: Awaited<ReturnType<typeof openTicket>>;
    try {
      opened = await openTicket(deps.support, userActor(s.user.id, s.team?.id), {
        channelId: channel,
        sourceTs: s.message.ts,
        threadTs: s.message.thread_ts ?? s.message.ts,
        text: s.message.text,
        origin: "shortcut",
        requesterId: s.message.user ?? s.user.id,
        requesterTeamId: teamId,
        externalTeamId: externalTeam(teamId, s.team?.id ?? deps.directory.identity.teamId),
        requesterName: null,
        permalink: deps.directory.permalink(channel, s.message.ts, s.message.thread_ts),
        at: tsToDate(s.message.ts),
        quick: true,
      });
    } catch (error) {
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) throw error;
      await ack();
      reply(known);
      return;
    }
    await ack();
    const { ticket, created } = opened;
    if (!created) {
      reply(alreadyTicket(ticket.id));
      return;
    }
    const member = await appIsInChannel(deps, channel);
    reply(member === false ? notInChannelWarning(ticket.id, channel) : shortcutTicketCreated(ticket.id));
  });
}
