// A person makes someone (else) the owner of a churn-risk alert.
import type { Actor } from "../../shared/actor.ts";
import type { AlertView } from "../rules/alert.ts";
import { checkNewOwner, reassign } from "../rules/alert-changes.ts";
import { changeAlert } from "./change-alert.ts";
import type { SuccessContext } from "./context.ts";

export async function reassignAlert(
  ctx: SuccessContext,
  actor: Actor,
  input: { alertId: number; ownerId: string | null },
): Promise<AlertView> {
  await ctx.access.require(actor, "success");
  const ownerId = input.ownerId;
  checkNewOwner(ownerId);
  return changeAlert(ctx, actor, input.alertId, (alert, userId) => reassign(alert, userId, ownerId));
}
