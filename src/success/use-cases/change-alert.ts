// The one way a person's change reaches an alert (shared by acknowledge, snooze, reassign and add a
// note): in one transaction, the alert is read, the change decided by the rules, stored with its author
// in the alert's history, and told to the notifier (the message updated in place, a line in its thread).
import { actorUserId, type Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { AlertView } from "../rules/alert.ts";
import { assertChangeable, eventText, type AlertChange } from "../rules/alert-changes.ts";
import type { SuccessContext } from "./context.ts";

export async function changeAlert(
  ctx: SuccessContext,
  actor: Actor,
  alertId: number,
  decide: (alert: AlertView, userId: string, now: Date) => AlertChange,
  options: { allowCleared?: boolean } = {},
): Promise<AlertView> {
  await ctx.access.require(actor, "success");
  // Changes are made by people: their user id is kept as the change's author.
  const userId = actorUserId(actor);
  if (!userId) throw new DomainError("alert.person_required", { actor: actor.kind });
  const now = ctx.clock.now();
  return ctx.tx.transaction(async (tx) => {
    const current = await ctx.alerts.view(alertId, tx);
    assertChangeable(current, alertId, options.allowCleared ?? false);
    const { patch, line } = decide(current, userId, now);
    await ctx.alerts.update(tx, alertId, patch);
    await ctx.alerts.addEvent(tx, { alertId, kind: line.kind, actorId: userId, text: eventText(line), at: now });
    const updated = (await ctx.alerts.view(alertId, tx))!;
    await ctx.notifier.alertChanged(tx, updated, line, now);
    return updated;
  });
}
