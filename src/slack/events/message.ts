// Message events (after they are stored and acknowledged): a customer's top-level message in a
// support channel becomes a ticket; replies in a ticket's thread join it; notes in a card's thread stay internal.
import { classifyAuthor, isPleasantry, tsToDate } from "../../support/rules/intake.ts";
import type { Envelope, MessageEvent } from "../payloads.ts";
import { messageEventSchema, parse } from "../payloads.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import type { SlackDeps } from "../deps.ts";

export async function onMessage(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const parsed = parse(messageEventSchema, envelope.event);
  if (!parsed.ok) throw new SkipEvent(parsed.reason);
  const m = parsed.value;
  // Bots (the app included), edits, deletions, joins and every other subtype are not requests.
  if (m.subtype || m.bot_id || !m.user) return;
  if (m.user === deps.directory.identity.botUserId) return;
  const user = m.user;

  const inThread = Boolean(m.thread_ts && m.thread_ts !== m.ts);
  if (inThread && m.channel === deps.settings.triageChannel) return onCardThreadMessage(deps, m, user);
  if (inThread) return onCustomerThreadMessage(deps, envelope, m, user);
  if (m.channel === deps.settings.triageChannel) return;
  return onTopLevelMessage(deps, envelope, m, user);
}

function roleOf(deps: SlackDeps, envelope: Envelope, m: MessageEvent, user: string) {
  return classifyAuthor({
    userId: user,
    authorTeamId: m.user_team ?? m.user_profile?.team ?? m.team ?? null,
    homeTeamId: envelope.team_id ?? deps.directory.identity.teamId,
    sharedChannel: envelope.is_ext_shared_channel === true,
    isAgent: deps.directory.isAgent(user),
  });
}

async function onCardThreadMessage(deps: SlackDeps, m: MessageEvent, user: string) {
  const ticket = await deps.tickets.byThread(m.channel, m.thread_ts!, "card");
  if (!ticket) return;
  await deps.tickets.addInternalNote(ticket.id, { channelId: m.channel, ts: m.ts, userId: user, text: m.text, at: tsToDate(m.ts) });
}

async function onCustomerThreadMessage(deps: SlackDeps, envelope: Envelope, m: MessageEvent, user: string) {
  const ticket = await deps.tickets.byThread(m.channel, m.thread_ts!, "customer");
  if (!ticket) return;
  const role = roleOf(deps, envelope, m, user);
  await deps.tickets.addMessage(ticket.id, { channelId: m.channel, ts: m.ts, userId: user, text: m.text, role, at: tsToDate(m.ts) });
}

async function onTopLevelMessage(deps: SlackDeps, envelope: Envelope, m: MessageEvent, user: string) {
  const support = await deps.channels.lookup(m.channel);
  if (!support) return;
  if (roleOf(deps, envelope, m, user) !== "customer") return;
  const s = deps.settings;
  if (s.ignorePleasantries && isPleasantry(m.text)) {
    deps.log.info({ event: "intake.ignored", reason: "pleasantry", channel: m.channel, ts: m.ts }, "message is not a request");
    return;
  }
  const at = tsToDate(m.ts);
  if (s.mergeWindowMs > 0) {
    const recent = await deps.tickets.recentOpenTicket(m.channel, user, new Date(at.getTime() - s.mergeWindowMs));
    if (recent && recent.sourceTs !== m.ts) {
      await deps.tickets.addMessage(recent.id, { channelId: m.channel, ts: m.ts, userId: user, text: m.text, role: "customer", at });
      await deps.tickets.linkThread(recent.id, m.channel, m.ts);
      deps.log.info(
        { event: "intake.merged", ticket: recent.id, channel: m.channel, ts: m.ts },
        "message joined the customer's open ticket",
      );
      return;
    }
  }
  const teamId = m.user_team ?? m.user_profile?.team ?? m.team ?? null;
  const home = envelope.team_id ?? deps.directory.identity.teamId;
  const external = Boolean(teamId && home && teamId !== home);
  await deps.tickets.create({
    channelId: m.channel,
    sourceTs: m.ts,
    threadTs: m.ts,
    requesterId: user,
    requesterTeamId: teamId,
    requesterName: m.user_profile?.display_name || m.user_profile?.real_name || (await deps.directory.userName(user)),
    requesterCompany: external && teamId ? await deps.directory.teamName(teamId) : support.accountExternalId,
    text: m.text,
    permalink: deps.directory.permalink(m.channel, m.ts),
    origin: "message",
    at,
    accountExternalId: support.accountExternalId,
    tier: support.tier,
  });
}
