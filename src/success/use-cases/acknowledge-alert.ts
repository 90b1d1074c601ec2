// A person acknowledges a churn-risk alert (once: a second acknowledgement says who was first).
import type { Actor } from "../../shared/actor.ts";
import type { AlertView } from "../rules/alert.ts";
import { acknowledge } from "../rules/alert-changes.ts";
import { changeAlert } from "./change-alert.ts";
import type { SuccessContext } from "./context.ts";

export async function acknowledgeAlert(ctx: SuccessContext, actor: Actor, input: { alertId: number }): Promise<AlertView> {
  await ctx.access.require(actor, "success");
  return changeAlert(ctx, actor, input.alertId, (alert, userId, now) => acknowledge(alert, userId, now));
}
