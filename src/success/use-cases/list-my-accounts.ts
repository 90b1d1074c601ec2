// The accounts a CSM owns, least healthy first (unscored last), for their App Home.
import { actorUserId, type Actor } from "../../shared/actor.ts";
import { byHealth, type OwnedAccount } from "../rules/account.ts";
import type { SuccessContext } from "./context.ts";

/** Accounts read for one person: more than anyone owns. */
const MAX_OWNED = 2000;

export async function listMyAccounts(
  ctx: SuccessContext,
  actor: Actor,
  input: { limit: number },
): Promise<{ accounts: OwnedAccount[]; total: number }> {
  await ctx.access.require(actor, "success");
  const userId = actorUserId(actor);
  if (!userId) return { accounts: [], total: 0 };
  const owned = byHealth(await ctx.accounts.ownedBy(userId, MAX_OWNED));
  return { accounts: owned.slice(0, input.limit), total: owned.length };
}
