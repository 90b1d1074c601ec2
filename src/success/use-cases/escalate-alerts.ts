// A job: mentions the CSM lead in the thread of each open red alert (the account entered red) nobody
// acknowledged within the configured hours: once per alert, each in its own transaction; snoozed alerts
// wait. Returns how many were escalated.
import type { Actor } from "../../shared/actor.ts";
import { escalationDue } from "../rules/alert-changes.ts";
import type { SuccessContext } from "./context.ts";

/** Candidates looked at per run. */
const MAX_CANDIDATES = 500;

export async function escalateAlerts(ctx: SuccessContext, _actor: Actor): Promise<number> {
  const now = ctx.clock.now();
  const due = escalationDue(ctx.config, now);
  if (!due) return 0;
  const candidates = await ctx.alerts.dueForEscalation(due.raisedBefore, now, MAX_CANDIDATES);
  let escalated = 0;
  for (const alertId of candidates) {
    const done = await ctx.tx.transaction(async (tx) => {
      if (!(await ctx.alerts.markEscalated(tx, alertId, now))) return false;
      await ctx.alerts.addEvent(tx, { alertId, kind: "escalated", actorId: due.leadUserId, at: now });
      await ctx.notifier.alertChanged(tx, (await ctx.alerts.view(alertId, tx))!, due.line, now);
      return true;
    });
    if (done) escalated += 1;
  }
  if (escalated) ctx.log.info({ escalated }, "unacknowledged red alerts escalated");
  return escalated;
}
