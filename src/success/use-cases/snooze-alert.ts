// A person snoozes a churn-risk alert for one of the offered periods: a worse state is then stored
// quietly and escalation waits until the snooze ends.
import type { Actor } from "../../shared/actor.ts";
import type { AlertView } from "../rules/alert.ts";
import { checkSnoozeDays, snooze } from "../rules/alert-changes.ts";
import { changeAlert } from "./change-alert.ts";
import type { SuccessContext } from "./context.ts";

export async function snoozeAlert(ctx: SuccessContext, actor: Actor, input: { alertId: number; days: number }): Promise<AlertView> {
  await ctx.access.require(actor, "success");
  checkSnoozeDays(input.days);
  return changeAlert(ctx, actor, input.alertId, (_alert, userId, now) => snooze(userId, input.days, now));
}
