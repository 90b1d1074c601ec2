// Mentions of the app (`app_mention`), after they are stored and acknowledged: what was written with the
// mention opens a ticket (the support desk decides where that adds nothing); a bare mention is answered
// privately with how to ask.
import { userActor } from "../../shared/actor.ts";
import { openTicketFromMention } from "../../support/use-cases/open-ticket-from-mention.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { appMentionEventSchema, parse, type Envelope } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { AGENT_MENTION_HELP, mentionHelp } from "../blocks/ticket-messages.ts";
import { withoutAppMention } from "../mentions.ts";

export async function onAppMention(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const parsed = parse(appMentionEventSchema, envelope.event);
  if (!parsed.ok) throw new SkipEvent(parsed.reason);
  const m = parsed.value;
  const bot = deps.directory.identity.botUserId;
  if (!m.user || m.bot_id || m.user === bot) return;
  const threadTs = m.thread_ts && m.thread_ts !== m.ts ? m.thread_ts : null;
  const authorTeamId = m.user_team ?? m.user_profile?.team ?? m.team ?? null;
  const outcome = await openTicketFromMention(deps.support, userActor(m.user, authorTeamId), {
    channelId: m.channel,
    ts: m.ts,
    threadTs,
    text: withoutAppMention(m.text, bot),
    authorTeamId,
    homeTeamId: envelope.team_id ?? deps.directory.identity.teamId,
    authorName: m.user_profile?.display_name || m.user_profile?.real_name || null,
    permalink: deps.directory.permalink(m.channel, m.ts, threadTs),
  });
  if (outcome.kind === "help") await deps.notify.ephemeral(m.channel, m.user, mentionHelp(bot));
  else if (outcome.kind === "agent") await deps.notify.ephemeral(m.channel, m.user, AGENT_MENTION_HELP);
  else if (outcome.kind === "opened") {
    deps.log.info({ event: "intake.mention", ticket: outcome.ticket.id, channel: m.channel }, "a mention of the app opened a ticket");
  }
}
