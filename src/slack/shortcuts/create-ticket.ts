// The message shortcut "Create ticket": makes a ticket of any message.
import type { App, MessageShortcut } from "@slack/bolt";
import { tsToDate } from "../../support/rules/intake.ts";
import { SHORTCUTS } from "../blocks/ids.ts";
import { messageShortcutSchema, parse } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { appIsInChannel, notInChannelWarning } from "../membership.ts";

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
    if (channel === deps.settings.triageChannel) {
      await ack();
      reply("Messages in the triage channel are the team's own notes; make tickets from customer messages.");
      return;
    }
    const existing = await deps.tickets.bySource(channel, s.message.ts);
    if (existing) {
      await ack();
      reply(`This message is already ticket *#${existing.id}*.`);
      return;
    }
    const support = await deps.channels.lookup(channel);
    const teamId = s.message.user_team ?? s.message.team ?? null;
    const home = s.team?.id ?? deps.directory.identity.teamId;
    const external = Boolean(teamId && home && teamId !== home);
    const requesterId = s.message.user ?? s.user.id;
    const { ticket, created } = await deps.tickets.create({
      channelId: channel,
      sourceTs: s.message.ts,
      threadTs: s.message.thread_ts ?? s.message.ts,
      requesterId,
      requesterTeamId: teamId,
      requesterCompany: external && teamId ? deps.directory.cachedTeamName(teamId) : (support?.accountExternalId ?? null),
      text: s.message.text,
      permalink: deps.directory.permalink(channel, s.message.ts, s.message.thread_ts),
      origin: "shortcut",
      createdById: s.user.id,
      at: tsToDate(s.message.ts),
      accountExternalId: support?.accountExternalId ?? null,
      tier: support?.tier ?? null,
    });
    await ack();
    if (!created) {
      reply(`This message is already ticket *#${ticket.id}*.`);
      return;
    }
    const member = await appIsInChannel(deps, channel);
    reply(member === false ? notInChannelWarning(ticket.id, channel) : `Ticket *#${ticket.id}* created.`);
  });
}
