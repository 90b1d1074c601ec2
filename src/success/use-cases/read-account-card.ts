// What a ticket's triage card shows of its account (name, ARR, health band, CSM), read inside the
// ticket's transaction by the Slack adapter that posts the card.
import type { Tx } from "../../platform/db/transactor.ts";
import type { CardAccount } from "../rules/account.ts";
import type { SuccessContext } from "./context.ts";

export function readAccountCard(ctx: Pick<SuccessContext, "accounts">, tx: Tx, externalId: string): Promise<CardAccount> {
  return ctx.accounts.card(tx, externalId);
}
