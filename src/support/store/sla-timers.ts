// SLA clocks: a first-response and a resolution timer per ticket, counted in business time on the
// policy's calendar, paused while the ticket is pending on the customer. Their due and warning instants
// are stored so a scheduled sweep finds what is due with one indexed query.
import type { Tx } from "../../platform/db/client.ts";
import type { SlaTimer } from "../../generated/sqlite/client.ts";
import { addBusinessMs, businessMsBetween } from "../rules/business-hours.ts";
import { isPriority, type Ticket } from "../rules/ticket.ts";
import type { SlaPolicy } from "../rules/sla-policy.ts";

export type TimerKind = "first_response" | "resolution";

export interface SlaStatus {
  kind: TimerKind;
  state: "running" | "paused" | "warning" | "breached";
  dueAt: Date | null;
  /** Business seconds left (negative when breached). */
  leftSeconds: number;
}

export class SlaClock {
  constructor(readonly policy: SlaPolicy) {}

  targetsFor(ticket: Pick<Ticket, "priority" | "tier">) {
    return this.policy.targetsFor(isPriority(ticket.priority) ? ticket.priority : "normal", ticket.tier);
  }

  businessSeconds(from: Date, to: Date): number {
    return Math.round(businessMsBetween(this.policy.calendar, from, to) / 1000);
  }

  /** Starts both clocks of a new ticket at the customer's request. */
  async start(tx: Tx, ticket: Ticket, at: Date): Promise<void> {
    const t = this.targetsFor(ticket);
    for (const [kind, ms] of [
      ["first_response", t.firstResponseMs],
      ["resolution", t.resolutionMs],
    ] as const) {
      const timer = { targetSeconds: Math.round(ms / 1000), consumedSeconds: 0, runningSince: at };
      await tx.slaTimer.create({ data: { ticketId: ticket.id, kind, startedAt: at, ...timer, ...this.schedule(timer) } });
    }
  }

  /** Priority or tier changed: new targets for the clocks still running or paused. */
  async retarget(tx: Tx, ticket: Ticket): Promise<void> {
    const t = this.targetsFor(ticket);
    for (const timer of await this.open(tx, ticket.id)) {
      const targetSeconds = Math.round((timer.kind === "first_response" ? t.firstResponseMs : t.resolutionMs) / 1000);
      await tx.slaTimer.update({ where: { id: timer.id }, data: { targetSeconds, ...this.schedule({ ...timer, targetSeconds }) } });
    }
  }

  /** Pending on the customer: the clocks stop counting. */
  async pause(tx: Tx, ticketId: number, at: Date): Promise<void> {
    for (const timer of await this.open(tx, ticketId)) {
      if (!timer.runningSince) continue;
      await tx.slaTimer.update({
        where: { id: timer.id },
        data: {
          consumedSeconds: timer.consumedSeconds + this.businessSeconds(timer.runningSince, at),
          runningSince: null,
          dueAt: null,
          warnAt: null,
        },
      });
    }
  }

  /** The customer answered: the clocks count again from now. */
  async resume(tx: Tx, ticketId: number, at: Date): Promise<void> {
    for (const timer of await this.open(tx, ticketId)) {
      if (timer.runningSince) continue;
      await tx.slaTimer.update({ where: { id: timer.id }, data: { runningSince: at, ...this.schedule({ ...timer, runningSince: at }) } });
    }
  }

  /** The first response came, or the ticket was resolved: the clock stops, met or not. */
  async stop(tx: Tx, ticketId: number, kind: TimerKind, at: Date): Promise<SlaTimer | null> {
    const timer = await tx.slaTimer.findUnique({ where: { ticketId_kind: { ticketId, kind } } });
    if (!timer || timer.stoppedAt) return null;
    const consumed = this.consumedAt(timer, at);
    const met = consumed <= timer.targetSeconds;
    return tx.slaTimer.update({
      where: { id: timer.id },
      data: {
        consumedSeconds: consumed,
        runningSince: null,
        stoppedAt: at,
        met,
        ...(met || timer.breachedAt ? {} : { breachedAt: timer.dueAt ?? at }),
      },
    });
  }

  /** Resolved without a first response: that clock no longer applies (counted neither met nor missed). */
  async cancel(tx: Tx, ticketId: number, kind: TimerKind, at: Date): Promise<void> {
    await tx.slaTimer.updateMany({
      where: { ticketId, kind, stoppedAt: null },
      data: { runningSince: null, stoppedAt: at, dueAt: null, warnAt: null },
    });
  }

  /** A reopened ticket gets a new resolution clock from the customer's reply. */
  async restartResolution(tx: Tx, ticket: Ticket, at: Date): Promise<void> {
    const targetSeconds = Math.round(this.targetsFor(ticket).resolutionMs / 1000);
    const timer = { targetSeconds, consumedSeconds: 0, runningSince: at };
    await tx.slaTimer.upsert({
      where: { ticketId_kind: { ticketId: ticket.id, kind: "resolution" } },
      create: { ticketId: ticket.id, kind: "resolution", startedAt: at, ...timer, ...this.schedule(timer) },
      update: { startedAt: at, ...timer, ...this.schedule(timer), warnedAt: null, breachedAt: null, stoppedAt: null, met: null },
    });
  }

  /** The next target of a ticket as the card shows it. */
  async status(tx: Tx, ticketId: number, now: Date): Promise<SlaStatus | null> {
    const timers = await this.open(tx, ticketId);
    const next = timers.find((t) => t.kind === "first_response") ?? timers.find((t) => t.kind === "resolution");
    if (!next) return null;
    const leftSeconds = next.targetSeconds - this.consumedAt(next, now);
    const state = !next.runningSince ? "paused" : next.breachedAt || leftSeconds < 0 ? "breached" : next.warnedAt ? "warning" : "running";
    return { kind: next.kind as TimerKind, state, dueAt: next.dueAt, leftSeconds };
  }

  consumedAt(timer: Pick<SlaTimer, "consumedSeconds" | "runningSince">, at: Date): number {
    return timer.consumedSeconds + (timer.runningSince ? this.businessSeconds(timer.runningSince, at) : 0);
  }

  private open(tx: Tx, ticketId: number) {
    return tx.slaTimer.findMany({ where: { ticketId, stoppedAt: null }, orderBy: { id: "asc" } });
  }

  /** Due and warning instants of a running clock (none while paused). */
  private schedule(t: { targetSeconds: number; consumedSeconds: number; runningSince: Date | null }): {
    dueAt: Date | null;
    warnAt: Date | null;
  } {
    if (!t.runningSince) return { dueAt: null, warnAt: null };
    const cal = this.policy.calendar;
    const left = Math.max(0, t.targetSeconds - t.consumedSeconds) * 1000;
    const toWarn = Math.max(0, t.targetSeconds * this.policy.warnAt - t.consumedSeconds) * 1000;
    return { dueAt: addBusinessMs(cal, t.runningSince, left), warnAt: addBusinessMs(cal, t.runningSince, toWarn) };
  }
}
