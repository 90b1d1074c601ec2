// A person's open churn-risk alerts (`/cs alerts`, the App Home), the most recent first.
import { actorUserId, type Actor } from "../../shared/actor.ts";
import type { AlertView } from "../rules/alert.ts";
import type { SuccessContext } from "./context.ts";

export async function listMyAlerts(ctx: SuccessContext, actor: Actor, input: { limit: number }): Promise<AlertView[]> {
  await ctx.access.require(actor, "success");
  const userId = actorUserId(actor);
  if (!userId) return [];
  return ctx.alerts.open({ ownerId: userId }, input.limit);
}
