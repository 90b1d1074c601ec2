// An account's health over the last 90 days, score and components per check: the chart under
// `/cs account` and in a churn-risk alert's thread.
import type { Actor } from "../../shared/actor.ts";
import { HEALTH_CHART_DAYS, type HealthHistoryPoint } from "../rules/account.ts";
import type { SuccessContext } from "./context.ts";

export interface HealthHistory {
  accountExternalId: string;
  name: string;
  from: Date;
  to: Date;
  /** Oldest first; empty when the account was not scored in the period. */
  points: HealthHistoryPoint[];
}

/** Null when there is no such account. */
export async function readHealthHistory(
  ctx: SuccessContext,
  actor: Actor,
  input: { accountExternalId: string; days?: number },
): Promise<HealthHistory | null> {
  await ctx.access.require(actor, "success");
  const name = await ctx.accounts.nameOf(input.accountExternalId);
  if (name === null) return null;
  const to = ctx.clock.now();
  const from = new Date(to.getTime() - (input.days ?? HEALTH_CHART_DAYS) * 86_400_000);
  const points = await ctx.accounts.healthHistory(input.accountExternalId, from);
  return { accountExternalId: input.accountExternalId, name, from, to, points };
}
