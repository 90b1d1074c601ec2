// The scheduled SLA check: posts a warning when a clock passes its warning share and a breach when it
// passes its target, each exactly once (a conditional update claims it, in the same transaction as the
// post), whatever the number of processes sweeping.
import type { Actor } from "../../shared/actor.ts";
import type { TimerKind } from "../rules/sla.ts";
import type { SupportContext } from "./context.ts";
import { slaStatusOf } from "./steps/sla-clocks.ts";

/** At most this many clocks of each level per sweep; the next sweep takes the rest. */
const BATCH = 500;

export async function sweepSla(ctx: SupportContext, _actor: Actor, input: { now: Date }): Promise<{ warned: number; breached: number }> {
  const { now } = input;
  const breaches = await ctx.store.timers.dueForBreach(ctx.db, now, BATCH);
  const warnings = await ctx.store.timers.dueForWarning(ctx.db, now, BATCH);
  let breached = 0;
  let warned = 0;
  for (const id of breaches) if (await alert(ctx, id, "breach", now)) breached++;
  for (const id of warnings) if (await alert(ctx, id, "warning", now)) warned++;
  return { warned, breached };
}

async function alert(ctx: SupportContext, timerId: number, level: "warning" | "breach", now: Date): Promise<boolean> {
  return ctx.tx.transaction(async (tx) => {
    if (!(await ctx.store.timers.claimAlert(tx, timerId, level, now))) return false;
    const { timer, ticket } = await ctx.store.timers.withTicket(tx, timerId);
    await ctx.store.events.record(tx, {
      ticketId: timer.ticketId,
      kind: level === "breach" ? "sla_breached" : "sla_warning",
      toValue: timer.kind,
      at: now,
    });
    await ctx.notifier.slaAlert(
      tx,
      ticket,
      { kind: timer.kind as TimerKind, level, targetSeconds: timer.targetSeconds, dueAt: timer.dueAt },
      await slaStatusOf(ctx, tx, ticket.id, now),
      now,
    );
    ctx.log.info({ event: `ticket.sla_${level}`, ticket: timer.ticketId, target: timer.kind }, `SLA ${level}`);
    return true;
  });
}
