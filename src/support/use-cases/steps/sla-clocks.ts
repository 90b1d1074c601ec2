// The SLA clocks of a ticket inside a use case's transaction: the rules (src/support/rules/sla.ts) decide,
// the timer store keeps the result.
import type { Tx } from "../../../platform/db/client.ts";
import { newClocks, newClock, paused, resumed, retargeted, slaStatus, stopped, type SlaStatus, type TimerKind } from "../../rules/sla.ts";
import type { Ticket } from "../../rules/ticket.ts";
import type { SupportContext } from "../context.ts";

/** Starts both clocks of a new ticket at the customer's request; returns the card's SLA status at `now`. */
export async function startClocks(ctx: SupportContext, tx: Tx, ticket: Ticket, at: Date, now: Date): Promise<SlaStatus | null> {
  const clocks = newClocks(ctx.settings.sla, ticket, at);
  await ctx.store.timers.createAll(tx, ticket.id, clocks);
  return slaStatus(
    ctx.settings.sla,
    clocks.map((c) => ({ ...c, warnedAt: null, breachedAt: null })),
    now,
  );
}

/** Priority or tier changed: new targets for the clocks still running or paused. */
export async function retargetClocks(ctx: SupportContext, tx: Tx, ticket: Ticket): Promise<void> {
  for (const timer of await ctx.store.timers.open(tx, ticket.id)) {
    await ctx.store.timers.update(tx, timer.id, retargeted(ctx.settings.sla, timer, ticket));
  }
}

/** Pending on the customer: the clocks stop counting. */
export async function pauseClocks(ctx: SupportContext, tx: Tx, ticketId: number, at: Date): Promise<void> {
  for (const timer of await ctx.store.timers.open(tx, ticketId)) {
    const change = paused(ctx.settings.sla, timer, at);
    if (change) await ctx.store.timers.update(tx, timer.id, change);
  }
}

/** The customer answered: the clocks count again from now. */
export async function resumeClocks(ctx: SupportContext, tx: Tx, ticketId: number, at: Date): Promise<void> {
  for (const timer of await ctx.store.timers.open(tx, ticketId)) {
    const change = resumed(ctx.settings.sla, timer, at);
    if (change) await ctx.store.timers.update(tx, timer.id, change);
  }
}

/** The first response came, or the ticket was resolved: the clock stops, met or not. */
export async function stopClock(ctx: SupportContext, tx: Tx, ticketId: number, kind: TimerKind, at: Date): Promise<void> {
  const timer = await ctx.store.timers.byKind(tx, ticketId, kind);
  const change = timer && stopped(ctx.settings.sla, timer, at);
  if (timer && change) await ctx.store.timers.update(tx, timer.id, change);
}

/** A reopened ticket gets a new resolution clock from the customer's reply. */
export async function restartResolutionClock(ctx: SupportContext, tx: Tx, ticket: Ticket, at: Date): Promise<void> {
  await ctx.store.timers.replaceResolution(tx, ticket.id, newClock(ctx.settings.sla, ticket, "resolution", at));
}

/** The ticket's next target as its card shows it. */
export async function slaStatusOf(ctx: SupportContext, tx: Tx, ticketId: number, now: Date): Promise<SlaStatus | null> {
  return slaStatus(ctx.settings.sla, await ctx.store.timers.open(tx, ticketId), now);
}
