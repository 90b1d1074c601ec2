// The API's list of accounts: a page at a time by externalId, optionally of one health band.
import type { Actor } from "../../shared/actor.ts";
import type { AccountPage, ListQuery } from "../rules/account.ts";
import type { SuccessContext } from "./context.ts";

export async function listAccounts(ctx: SuccessContext, actor: Actor, input: ListQuery): Promise<AccountPage> {
  await ctx.access.require(actor, "success");
  return ctx.accounts.page(input);
}
