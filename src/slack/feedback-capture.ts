// What every feedback capture path shares: who the author is to the company (internal or a customer),
// the account of the channel or of the author's email domain, and what a refused request is answered.
import type { SlackDeps } from "./deps.ts";
import { classifyAuthor } from "../support/rules/intake.ts";
import { isDomainError } from "../shared/errors.ts";
import { withinAckBudget } from "./ack-budget.ts";
import { jobActor } from "../shared/actor.ts";
import { readSupportChannel } from "../support/use-cases/read-support-channel.ts";
import { feedbackErrorText } from "./blocks/feedback-errors.ts";
import { capturedTextAnswer } from "./blocks/feedback-answers.ts";
import type { Actor } from "../shared/actor.ts";
import { captureFeedback } from "../feedback/use-cases/capture-feedback.ts";
import type { FeedbackContext } from "../feedback/use-cases/context.ts";

/** Whether a message's author speaks for the company (an agent, or our workspace in a shared channel). */
export function isInternalAuthor(
  deps: SlackDeps,
  o: { userId: string; authorTeamId: string | null; homeTeamId: string | null; sharedChannel: boolean },
): boolean {
  return (
    classifyAuthor({
      userId: o.userId,
      authorTeamId: o.authorTeamId,
      homeTeamId: o.homeTeamId,
      sharedChannel: o.sharedChannel,
      isAgent: deps.directory.isAgent(o.userId),
    }) !== "customer"
  );
}

/**
 * The account hints of a capture: the channel's link, else the author's email domain (a users.info call,
 * made only when the channel names no account, within the acknowledgement's budget).
 */
export async function accountHints(
  deps: SlackDeps,
  channelId: string,
  authorId: string,
): Promise<{ channelAccount: string | null; emailDomain: string | null }> {
  const channelAccount = (await readSupportChannel(deps.support, jobActor("feedback-capture"), { channelId }))?.accountExternalId ?? null;
  if (channelAccount) return { channelAccount, emailDomain: null };
  return { channelAccount, emailDomain: await withinAckBudget(deps.directory.userEmailDomain(authorId), null) };
}

/** A person's display name for a capture, within the acknowledgement's budget. */
export function authorName(deps: SlackDeps, userId: string): Promise<string | null> {
  return withinAckBudget(deps.directory.userName(userId), null);
}

/** The sentence for an error the feedback context refused with; null for anything else (a failure). */
export function feedbackRefusal(error: unknown): string | null {
  return isDomainError(error) ? feedbackErrorText(error) : null;
}

/** `/feedback <text>` (or its "Send as feedback" button): the text, from the person, in the channel it was typed in. */
export async function captureTypedFeedback(
  deps: SlackDeps,
  feedback: FeedbackContext,
  actor: Actor,
  command: { user_id: string; channel_id: string; team_id: string },
  text: string,
  forAccount: string | null = null,
): Promise<string> {
  const result = await captureFeedback(feedback, actor, {
    origin: "command",
    channelId: command.channel_id,
    messageTs: null,
    threadTs: null,
    text,
    authorId: command.user_id,
    authorName: await authorName(deps, command.user_id),
    internal: isInternalAuthor(deps, {
      userId: command.user_id,
      authorTeamId: command.team_id,
      homeTeamId: deps.directory.identity.teamId,
      sharedChannel: false,
    }),
    // An account named with for: needs no hints (and no users.info call).
    ...(forAccount === null ? await accountHints(deps, command.channel_id, command.user_id) : { channelAccount: null, emailDomain: null }),
    forAccount,
    permalink: null,
    at: deps.clock.now(),
  });
  return capturedTextAnswer(result);
}
