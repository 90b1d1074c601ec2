// The Send to product modal's account picker: the accounts whose name or external id contains what the
// person typed, highest ARR first, so relayed feedback can be attributed to the account it is for.
import type { Actor } from "../../shared/actor.ts";
import type { FeedbackContext } from "./context.ts";

/** Slack shows at most 100 options; a short list is easier to pick from. */
const MAX_ACCOUNTS = 20;

export async function findAccounts(
  ctx: Pick<FeedbackContext, "items" | "access">,
  actor: Actor,
  q: { text: string },
): Promise<{ externalId: string; name: string; arr: number | null }[]> {
  await ctx.access.require(actor, "staff");
  const text = q.text.trim().slice(0, 100);
  if (!text) return [];
  return ctx.items.accountsMatching(text, MAX_ACCOUNTS);
}
