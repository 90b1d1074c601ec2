// Reacting with the feedback emoji (FEEDBACK_EMOJI, :bulb: by default) to a message sends it to the
// product team; taking the reaction back soon after withdraws it.
import { isDomainError } from "../../shared/errors.ts";
import { tsToDate } from "../../support/rules/intake.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { userActor } from "../../shared/actor.ts";
import { captureFeedback } from "../../feedback/use-cases/capture-feedback.ts";
import { withdrawFeedback } from "../../feedback/use-cases/withdraw-feedback.ts";
import { parse, reactionEventSchema, type Envelope } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { fetchMessage } from "./reaction.ts";
import { accountHints, feedbackRefusal, isInternalAuthor } from "../feedback-capture.ts";
import { DELETED_MESSAGE, NOTHING_SENT, unreadableMessage } from "../blocks/feedback-answers.ts";

function feedbackReaction(deps: SlackDeps, envelope: Envelope) {
  const parsed = parse(reactionEventSchema, envelope.event);
  if (!parsed.ok) throw new SkipEvent(parsed.reason);
  const r = parsed.value;
  if (!deps.feedback || r.reaction !== deps.settings.feedbackEmoji || r.item.type !== "message" || !r.item.channel || !r.item.ts)
    return null;
  if (r.item.channel === deps.settings.productChannel) return null;
  return { user: r.user, channel: r.item.channel, ts: r.item.ts, itemUser: r.item_user ?? null };
}

export async function onFeedbackReactionAdded(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const r = feedbackReaction(deps, envelope);
  if (!r) return;
  const feedback = deps.feedback!;
  const tell = (text: string) => deps.notify.ephemeral(r.channel, r.user, text);

  let message;
  try {
    message = await fetchMessage(deps, r.channel, r.ts);
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    deps.log.warn({ event: "feedback.unreadable", channel: r.channel, code }, "cannot read the message reacted to");
    await tell(unreadableMessage(code));
    return;
  }
  if (!message) {
    await tell(DELETED_MESSAGE);
    return;
  }
  const author = message.user ?? r.itemUser ?? r.user;
  const home = envelope.team_id ?? deps.directory.identity.teamId;
  try {
    const result = await captureFeedback(feedback, userActor(r.user, home), {
      origin: "reaction",
      channelId: r.channel,
      messageTs: r.ts,
      threadTs: message.thread_ts ?? message.ts,
      text: message.text,
      authorId: author,
      authorName: await deps.directory.userName(author),
      internal: isInternalAuthor(deps, {
        userId: author,
        authorTeamId: message.user_team ?? message.team ?? null,
        homeTeamId: home,
        sharedChannel: envelope.is_ext_shared_channel === true,
      }),
      ...(await accountHints(deps, r.channel, author)),
      permalink: deps.directory.permalink(r.channel, r.ts, message.thread_ts),
      at: tsToDate(r.ts),
    });
    if (result.created) deps.log.info({ event: "feedback.reaction", item: result.item.id }, "feedback tagged by reaction");
  } catch (error) {
    const refused = feedbackRefusal(error);
    if (refused === null) throw error;
    await tell(`${refused} ${NOTHING_SENT}`);
  }
}

export async function onFeedbackReactionRemoved(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const r = feedbackReaction(deps, envelope);
  if (!r) return;
  let outcome;
  try {
    outcome = await withdrawFeedback(deps.feedback!, userActor(r.user, envelope.team_id), { channelId: r.channel, messageTs: r.ts });
  } catch (error) {
    // Someone who may not send feedback took a reaction back: there is nothing of theirs to withdraw.
    if (isDomainError(error, "access.denied")) return;
    throw error;
  }
  deps.log.info({ event: "feedback.reaction_removed", channel: r.channel, outcome }, "feedback reaction removed");
}
