// What every feedback capture path shares: who the author is to the company (internal or a customer),
// the account of the channel or of the author's email domain, and the answers people get.
import type { SlackDeps } from "./deps.ts";
import { classifyAuthor } from "../support/rules/intake.ts";
import { withinAckBudget } from "./ack-budget.ts";

export const FEEDBACK_OFF =
  "Sending feedback to product is not set up: an admin sets PRODUCT_CHANNEL (the product team's channel ID) to turn it on.";

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
  const channelAccount = (await deps.channels.lookup(channelId))?.accountExternalId ?? null;
  if (channelAccount) return { channelAccount, emailDomain: null };
  return { channelAccount, emailDomain: await withinAckBudget(deps.directory.userEmailDomain(authorId), null) };
}

/** A person's display name for a capture, within the acknowledgement's budget. */
export function authorName(deps: SlackDeps, userId: string): Promise<string | null> {
  return withinAckBudget(deps.directory.userName(userId), null);
}

export function capturedAnswer(id: number, created: boolean, newTagger: boolean): string {
  if (created) return `Sent to product as feedback *#${id}*. Thanks!`;
  return newTagger
    ? `This message was already sent to product as feedback *#${id}*; you are added as a tagger.`
    : `You already sent this message to product (feedback *#${id}*).`;
}
