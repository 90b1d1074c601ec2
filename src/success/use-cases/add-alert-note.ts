// A person adds a note to a churn-risk alert (also once it is cleared): kept in its history and posted
// in its thread for the account team.
import type { Actor } from "../../shared/actor.ts";
import type { AlertView } from "../rules/alert.ts";
import { note, noteText } from "../rules/alert-changes.ts";
import { changeAlert } from "./change-alert.ts";
import type { SuccessContext } from "./context.ts";

export async function addAlertNote(ctx: SuccessContext, actor: Actor, input: { alertId: number; text: string }): Promise<AlertView> {
  await ctx.access.require(actor, "success");
  const text = noteText(input.text);
  return changeAlert(ctx, actor, input.alertId, (_alert, userId) => note(userId, text), { allowCleared: true });
}
