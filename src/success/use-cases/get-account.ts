// The API's account: its fields with its current health and score history.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { AccountWithHealth } from "../rules/account.ts";
import type { SuccessContext } from "./context.ts";

export async function getAccount(ctx: SuccessContext, actor: Actor, input: { externalId: string }): Promise<AccountWithHealth> {
  await ctx.access.require(actor, "success");
  const account = await ctx.accounts.withHealth(input.externalId, ctx.config);
  if (!account) throw new DomainError("account.not_found", { externalId: input.externalId });
  return account;
}
