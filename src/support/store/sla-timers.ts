// SLA clocks as stored, one per ticket and kind, with their due and warning instants so the sweep finds
// what is due with one indexed query. The arithmetic is in src/support/rules/sla.ts.
import type { Database, Tx } from "../../platform/db/client.ts";
import { preparedExecute, valuesList } from "../../platform/db/sql.ts";
import type { SlaTimer, TimerKind } from "../rules/sla.ts";
import type { Ticket } from "../rules/ticket.ts";
import { TICKET_FIELDS } from "./tickets.ts";

export type NewSlaTimer = Pick<SlaTimer, "startedAt" | "targetSeconds" | "consumedSeconds" | "runningSince" | "dueAt" | "warnAt"> & {
  kind: TimerKind;
};
export type SlaTimerUpdate = Partial<Omit<SlaTimer, "id" | "ticketId" | "kind">>;

export interface SlaTimerStore {
  /** Stores a new ticket's clocks (in one statement). */
  createAll(tx: Tx, ticketId: number, timers: readonly NewSlaTimer[]): Promise<void>;
  /** The ticket's clocks not stopped, in the order they were made. */
  open(tx: Tx, ticketId: number): Promise<SlaTimer[]>;
  byKind(tx: Tx, ticketId: number, kind: TimerKind): Promise<SlaTimer | null>;
  update(tx: Tx, id: number, changes: SlaTimerUpdate): Promise<void>;
  /** Stops the ticket's clock of this kind, if running or paused, without judging it (it no longer applies). */
  cancel(tx: Tx, ticketId: number, kind: TimerKind, at: Date): Promise<void>;
  /** Replaces the ticket's resolution clock with a new one (or makes it): a missed or met record starts over. */
  replaceResolution(tx: Tx, ticketId: number, timer: NewSlaTimer): Promise<void>;
  /** Running clocks whose target has passed and that are not marked breached (at most `limit`). */
  dueForBreach(tx: Tx, now: Date, limit: number): Promise<number[]>;
  /** Running clocks past their warning instant, neither warned nor breached (at most `limit`). */
  dueForWarning(tx: Tx, now: Date, limit: number): Promise<number[]>;
  /** Marks a running clock warned (or breached, which counts as warned too), unless another process did: false then. */
  claimAlert(tx: Tx, id: number, level: "warning" | "breach", now: Date): Promise<boolean>;
  withTicket(tx: Tx, id: number): Promise<{ timer: SlaTimer; ticket: Ticket }>;
  /**
   * Unresolved tickets with a running clock that passed its warning instant or its target in (since, now],
   * and those opened with /ticket since `since` that have their permalink, newest first (at most `limit`),
   * each with its clocks not stopped: the cards that may show something out of date.
   */
  passedSince(tx: Tx, since: Date, now: Date, limit: number): Promise<{ ticket: Ticket; timers: SlaTimer[] }[]>;
}

/** `createAll` is prepared SQL (src/platform/db/sql.ts): it runs for every new ticket. */
export const prismaSlaTimers = (db: Pick<Database, "provider" | "sqliteDriver">): SlaTimerStore => ({
  async createAll(tx, ticketId, timers) {
    if (timers.length === 0) return;
    await preparedExecute(
      db,
      tx,
      `INSERT INTO "SlaTimer" ("ticketId", "kind", "targetSeconds", "startedAt", "consumedSeconds", "runningSince", "dueAt", "warnAt")
       VALUES ${valuesList(timers.length, 8)}`,
      ...timers.flatMap((t) => [ticketId, t.kind, t.targetSeconds, t.startedAt, t.consumedSeconds, t.runningSince, t.dueAt, t.warnAt]),
    );
  },

  open: (tx, ticketId) => tx.slaTimer.findMany({ where: { ticketId, stoppedAt: null }, orderBy: { id: "asc" } }),

  byKind: (tx, ticketId, kind) => tx.slaTimer.findUnique({ where: { ticketId_kind: { ticketId, kind } } }),

  async update(tx, id, changes) {
    await tx.slaTimer.update({ where: { id }, data: changes });
  },

  async cancel(tx, ticketId, kind, at) {
    await tx.slaTimer.updateMany({
      where: { ticketId, kind, stoppedAt: null },
      data: { runningSince: null, stoppedAt: at, dueAt: null, warnAt: null },
    });
  },

  async replaceResolution(tx, ticketId, { kind: _kind, ...timer }) {
    await tx.slaTimer.upsert({
      where: { ticketId_kind: { ticketId, kind: "resolution" } },
      create: { ticketId, kind: "resolution", ...timer },
      update: { ...timer, warnedAt: null, breachedAt: null, stoppedAt: null, met: null },
    });
  },

  async dueForBreach(tx, now, limit) {
    const rows = await tx.slaTimer.findMany({
      where: { stoppedAt: null, runningSince: { not: null }, breachedAt: null, dueAt: { lte: now } },
      select: { id: true },
      take: limit,
    });
    return rows.map((r) => r.id);
  },

  async dueForWarning(tx, now, limit) {
    const rows = await tx.slaTimer.findMany({
      where: { stoppedAt: null, runningSince: { not: null }, warnedAt: null, breachedAt: null, warnAt: { lte: now } },
      select: { id: true },
      take: limit,
    });
    return rows.map((r) => r.id);
  },

  async claimAlert(tx, id, level, now) {
    const claimed = await tx.slaTimer.updateMany({
      where: { id, [level === "breach" ? "breachedAt" : "warnedAt"]: null, stoppedAt: null },
      data: level === "breach" ? { breachedAt: now, warnedAt: now } : { warnedAt: now },
    });
    return claimed.count > 0;
  },

  async passedSince(tx, since, now, limit) {
    const rows = await tx.ticket.findMany({
      where: {
        status: { not: "resolved" },
        OR: [
          {
            timers: {
              some: {
                stoppedAt: null,
                runningSince: { not: null },
                OR: [{ warnAt: { gt: since, lte: now } }, { dueAt: { gt: since, lte: now } }],
              },
            },
          },
          { origin: "command", permalink: { not: null }, createdAt: { gt: since } },
        ],
      },
      select: { ...TICKET_FIELDS, timers: { where: { stoppedAt: null }, orderBy: { id: "asc" } } },
      orderBy: { id: "desc" },
      take: limit,
    });
    return rows.map(({ timers, ...ticket }) => ({ ticket, timers }));
  },

  async withTicket(tx, id) {
    const { ticket, ...timer } = await tx.slaTimer.findUniqueOrThrow({ where: { id }, include: { ticket: { select: TICKET_FIELDS } } });
    return { timer, ticket };
  },
});
