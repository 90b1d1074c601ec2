// SLA clocks: a first-response and a resolution clock per ticket, counted in business time on the policy's
// calendar and paused while the ticket is pending on the customer. These functions compute a clock's
// target, its due and warning instants, what pausing, resuming, retargeting or stopping it changes, and
// what the card shows; the use cases store the results (so a sweep finds what is due with one query).
import { addBusinessMs } from "./business-hours.ts";
import { businessSecondsBetween, priorityOf, type Ticket } from "./ticket.ts";
import type { SlaPolicy } from "./sla-policy.ts";

export const TIMER_KINDS = ["first_response", "resolution"] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** A clock as stored. */
export interface SlaTimer {
  id: number;
  ticketId: number;
  /** One of TIMER_KINDS (stored as text). */
  kind: string;
  targetSeconds: number;
  startedAt: Date;
  /** Business seconds used before runningSince. */
  consumedSeconds: number;
  /** null while paused or stopped. */
  runningSince: Date | null;
  dueAt: Date | null;
  warnAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  stoppedAt: Date | null;
  /** Set when stopped: the target was met. */
  met: boolean | null;
}

/** The next target of a ticket as its card shows it. */
export interface SlaStatus {
  kind: TimerKind;
  state: "running" | "paused" | "warning" | "breached";
  dueAt: Date | null;
  /** Business seconds left (negative when breached). */
  leftSeconds: number;
}

/** A clock near its target (warning) or past it (breach). */
export interface SlaAlert {
  kind: TimerKind;
  level: "warning" | "breach";
  targetSeconds: number;
  dueAt: Date | null;
}

type Running = Pick<SlaTimer, "targetSeconds" | "consumedSeconds" | "runningSince">;

/** The target of a ticket's clock, in whole seconds, for its priority and tier. */
export function targetSeconds(policy: SlaPolicy, ticket: Pick<Ticket, "priority" | "tier">, kind: TimerKind): number {
  const t = policy.targetsFor(priorityOf(ticket), ticket.tier);
  return Math.round((kind === "first_response" ? t.firstResponseMs : t.resolutionMs) / 1000);
}

/** Due and warning instants of a running clock (none while paused). */
export function schedule(policy: SlaPolicy, t: Running): { dueAt: Date | null; warnAt: Date | null } {
  if (!t.runningSince) return { dueAt: null, warnAt: null };
  const cal = policy.calendar;
  const left = Math.max(0, t.targetSeconds - t.consumedSeconds) * 1000;
  const toWarn = Math.max(0, t.targetSeconds * policy.warnAt - t.consumedSeconds) * 1000;
  return { dueAt: addBusinessMs(cal, t.runningSince, left), warnAt: addBusinessMs(cal, t.runningSince, toWarn) };
}

/** Business seconds a clock has used by `at`. */
export function consumedAt(policy: SlaPolicy, timer: Pick<SlaTimer, "consumedSeconds" | "runningSince">, at: Date): number {
  return timer.consumedSeconds + (timer.runningSince ? businessSecondsBetween(policy.calendar, timer.runningSince, at) : 0);
}

/** A new clock, running from the customer's request. */
export function newClock(policy: SlaPolicy, ticket: Pick<Ticket, "priority" | "tier">, kind: TimerKind, at: Date) {
  const timer = { targetSeconds: targetSeconds(policy, ticket, kind), consumedSeconds: 0, runningSince: at };
  return { kind, startedAt: at, ...timer, ...schedule(policy, timer) };
}

/** Both clocks of a new ticket, first response first. */
export function newClocks(policy: SlaPolicy, ticket: Pick<Ticket, "priority" | "tier">, at: Date) {
  return TIMER_KINDS.map((kind) => newClock(policy, ticket, kind, at));
}

/** Priority or tier changed: the clock's new target and instants. */
export function retargeted(policy: SlaPolicy, timer: SlaTimer, ticket: Pick<Ticket, "priority" | "tier">) {
  const target = targetSeconds(policy, ticket, timer.kind as TimerKind);
  return { targetSeconds: target, ...schedule(policy, { ...timer, targetSeconds: target }) };
}

/** Pending on the customer: a running clock stops counting (null: it was not running). */
export function paused(policy: SlaPolicy, timer: SlaTimer, at: Date) {
  if (!timer.runningSince) return null;
  return { consumedSeconds: consumedAt(policy, timer, at), runningSince: null, dueAt: null, warnAt: null };
}

/** The customer answered: a paused clock counts again from now (null: it was running). */
export function resumed(policy: SlaPolicy, timer: SlaTimer, at: Date) {
  if (timer.runningSince) return null;
  return { runningSince: at, ...schedule(policy, { ...timer, runningSince: at }) };
}

/** The first response came, or the ticket was resolved: the clock stops, met or not (null: stopped already). */
export function stopped(policy: SlaPolicy, timer: SlaTimer, at: Date) {
  if (timer.stoppedAt) return null;
  const consumed = consumedAt(policy, timer, at);
  const met = consumed <= timer.targetSeconds;
  return {
    consumedSeconds: consumed,
    runningSince: null,
    stoppedAt: at,
    met,
    ...(met || timer.breachedAt ? {} : { breachedAt: timer.dueAt ?? at }),
  };
}

/** The card's SLA line: the first-response clock while it runs, else the resolution clock (`open`: clocks not stopped). */
export function slaStatus(
  policy: SlaPolicy,
  open: readonly Pick<SlaTimer, "kind" | "targetSeconds" | "consumedSeconds" | "runningSince" | "dueAt" | "warnedAt" | "breachedAt">[],
  now: Date,
): SlaStatus | null {
  const next = open.find((t) => t.kind === "first_response") ?? open.find((t) => t.kind === "resolution");
  if (!next) return null;
  const leftSeconds = next.targetSeconds - consumedAt(policy, next, now);
  const state = !next.runningSince ? "paused" : next.breachedAt || leftSeconds < 0 ? "breached" : next.warnedAt ? "warning" : "running";
  return { kind: next.kind as TimerKind, state, dueAt: next.dueAt, leftSeconds };
}
