// The scheduled SLA check: posts a warning when a clock passes its warning share and a breach when it
// passes its target, each exactly once (a conditional update claims it, in the same transaction as
// the post), whatever the number of processes sweeping.
import type { Database } from "../../platform/db/client.ts";
import type { Logger } from "../../platform/observability/log.ts";
import type { TicketNotifier } from "../ports.ts";
import type { TimerKind } from "../store/sla-timers.ts";

export class SlaSweep {
  constructor(
    private readonly db: Database,
    private readonly notifier: TicketNotifier,
    private readonly log: Logger,
    private readonly afterCommit: () => void = () => {},
  ) {}

  async run(now: Date): Promise<{ warned: number; breached: number }> {
    const c = this.db.client;
    const base = { stoppedAt: null, runningSince: { not: null } } as const;
    const breaches = await c.slaTimer.findMany({
      where: { ...base, breachedAt: null, dueAt: { lte: now } },
      select: { id: true },
      take: 500,
    });
    const warnings = await c.slaTimer.findMany({
      where: { ...base, warnedAt: null, breachedAt: null, warnAt: { lte: now } },
      select: { id: true },
      take: 500,
    });
    let breached = 0;
    let warned = 0;
    for (const { id } of breaches) if (await this.alert(id, "breach", now)) breached++;
    for (const { id } of warnings) if (await this.alert(id, "warning", now)) warned++;
    if (breached + warned > 0) this.afterCommit();
    return { warned, breached };
  }

  private async alert(timerId: number, level: "warning" | "breach", now: Date): Promise<boolean> {
    return this.db.client.$transaction(async (tx) => {
      const field = level === "breach" ? "breachedAt" : "warnedAt";
      const claimed = await tx.slaTimer.updateMany({
        where: { id: timerId, [field]: null, stoppedAt: null },
        data: level === "breach" ? { breachedAt: now, warnedAt: now } : { warnedAt: now },
      });
      if (claimed.count === 0) return false;
      const timer = await tx.slaTimer.findUniqueOrThrow({ where: { id: timerId }, include: { ticket: true } });
      await tx.ticketEvent.create({
        data: { ticketId: timer.ticketId, kind: level === "breach" ? "sla_breached" : "sla_warning", toValue: timer.kind, at: now },
      });
      await this.notifier.slaAlert(
        tx,
        timer.ticket,
        { kind: timer.kind as TimerKind, level, targetSeconds: timer.targetSeconds, dueAt: timer.dueAt },
        now,
      );
      this.log.info({ event: `ticket.sla_${level}`, ticket: timer.ticketId, target: timer.kind }, `SLA ${level}`);
      return true;
    });
  }
}
