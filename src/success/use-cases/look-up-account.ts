// `/cs account <name or id>`: the account meant (by exact external id, else by name: exact and
// case-insensitive, then containing the text), with its health and trend, its open alerts and its open
// tickets, and what happened since its score was computed (new tickets, NPS answers); or the accounts the text could mean, or none.
import type { Actor } from "../../shared/actor.ts";
import { accountSummary, nameMatches, type AccountSummary, type OpenTicketLine, type SinceCheck } from "../rules/account.ts";
import type { AlertView } from "../rules/alert.ts";
import { churnChance, type ChurnChance } from "../rules/calibration.ts";
import type { SuccessContext } from "./context.ts";

/** Name candidates read: one more than the matches shown, so "several" is known. */
const NAME_CANDIDATES = 51;
const OPEN_ALERTS = 10;
const OPEN_TICKETS = 5;

export type AccountLookUp =
  | {
      kind: "found";
      account: AccountSummary;
      alerts: AlertView[];
      tickets: OpenTicketLine[];
      /** What happened since the score was computed; null when never scored. */
      since: SinceCheck | null;
      /** What the health configuration's calibration says of the account's score; null without one. */
      chance: ChurnChance | null;
    }
  | { kind: "none" }
  | { kind: "several"; matches: { externalId: string; name: string }[] };

export async function lookUpAccount(ctx: SuccessContext, actor: Actor, input: { query: string }): Promise<AccountLookUp> {
  await ctx.access.require(actor, "success");
  const q = input.query.trim();
  if (!q) return { kind: "none" };
  let externalId: string;
  if (await ctx.accounts.exists(q)) externalId = q;
  else {
    const matches = nameMatches(q, await ctx.accounts.nameContains(q, NAME_CANDIDATES));
    if (matches.length === 0) return { kind: "none" };
    if (matches.length > 1) return { kind: "several", matches };
    externalId = matches[0].externalId;
  }
  const account = await ctx.accounts.withHealth(externalId, ctx.config);
  if (!account) return { kind: "none" };
  const [alerts, tickets, since] = await Promise.all([
    ctx.alerts.open({ accountExternalId: externalId }, OPEN_ALERTS),
    ctx.accounts.openTickets(externalId, OPEN_TICKETS),
    account.health ? ctx.accounts.sinceCheck(externalId, new Date(account.health.computedAt)) : null,
  ]);
  const chance = churnChance(account.health?.score ?? null, ctx.config);
  return { kind: "found", account: accountSummary(account), alerts, tickets, since, chance };
}
