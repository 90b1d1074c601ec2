// Reading one churn-risk alert as people see it (to open its note form).
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { AlertView } from "../rules/alert.ts";
import type { SuccessContext } from "./context.ts";

export async function getAlert(ctx: SuccessContext, actor: Actor, input: { alertId: number }): Promise<AlertView> {
  await ctx.access.require(actor, "success");
  const alert = await ctx.alerts.view(input.alertId);
  if (!alert) throw new DomainError("alert.not_found", { alertId: input.alertId });
  return alert;
}
