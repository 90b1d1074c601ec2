// The API's list of accounts: a page at a time by externalId, optionally of one health band.
import type { Actor } from "../../shared/actor.ts";
import type { AccountPage, ListQuery } from "../rules/account.ts";
import type { SuccessContext } from "./context.ts";

export function listAccounts(ctx: SuccessContext, _actor: Actor, input: ListQuery): Promise<AccountPage> {
  return ctx.accounts.page(input);
}
