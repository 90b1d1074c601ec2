// A person's open churn-risk alerts (`/cs alerts`, the App Home): one per account, most at stake first,
// each with the account's open tickets and how many of them have a breached SLA clock.
import { actorUserId, type Actor } from "../../shared/actor.ts";
import type { MyAlert } from "../rules/alert.ts";
import type { SuccessContext } from "./context.ts";

export async function listMyAlerts(ctx: SuccessContext, actor: Actor, input: { limit: number }): Promise<MyAlert[]> {
  await ctx.access.require(actor, "success");
  const userId = actorUserId(actor);
  if (!userId) return [];
  const alerts = await ctx.alerts.open({ ownerId: userId }, input.limit);
  const counts = await ctx.alerts.ticketCounts(alerts.map((a) => a.account.externalId));
  return alerts.map((a) => {
    const c = counts.get(a.account.externalId);
    return { ...a, openTickets: c?.open ?? 0, breachedTickets: c?.breached ?? 0 };
  });
}
