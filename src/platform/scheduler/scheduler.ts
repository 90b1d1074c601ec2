// Scheduled jobs on node-cron. Every tick of every job is claimed by inserting its JobRun row
// ("<job>:<slot>"): the process whose insert wins runs it, so with several processes on one database
// each tick runs exactly once. Each run is recorded with its start, end and outcome. A run holds a lease
// it renews while working; a run left by a process that died is taken over by another once the lease
// runs out, and a tick missed while no process ran is run (or recorded as skipped) when one comes back.
// Sweeps (such as marking abandoned the health checks whose process died) run on the same timer.
import cron, { type ScheduledTask } from "node-cron";
import { CronExpressionParser } from "cron-parser";
import type { Database } from "../db/client.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../observability/log.ts";
import type { DeskMetrics } from "../observability/metrics.ts";
import { LeasedWork } from "../work/leased-work.ts";

export interface Job {
  name: string;
  /** A cron expression in `timezone`. */
  schedule: string;
  run(slot: Date): Promise<Record<string, unknown> | void>;
}

/** Work done every few seconds on every process, beside the jobs (cheap, and safe to run concurrently). */
export interface Sweep {
  name: string;
  run(): Promise<unknown>;
}

export interface SchedulerOptions {
  /** How long a run's claim lasts without renewal; a run whose process died is taken over after it. */
  leaseMs?: number;
  /** A tick missed while no process ran: run it once when one comes back, or record it as skipped. */
  missedTicks?: "run" | "skip";
  /** How often runs left by a dead process are looked for, and the sweeps run. */
  recoverEveryMs?: number;
  metrics?: DeskMetrics;
}

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private running = new Set<Promise<unknown>>();
  private jobs: Job[] = [];
  private sweeps: Sweep[] = [];
  private recovery: NodeJS.Timeout | null = null;
  private readonly leaseMs: number;
  private readonly missedTicks: "run" | "skip";
  private readonly recoverEveryMs: number;
  private readonly metrics: DeskMetrics | undefined;
  /** Leases are in real time: a job's slot and records follow the app's clock, its heartbeat does not. */
  private readonly work: LeasedWork<"JobRun">;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly owner: string,
    private readonly timezone: string,
    options: SchedulerOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.missedTicks = options.missedTicks ?? "run";
    this.recoverEveryMs = options.recoverEveryMs ?? 15_000;
    this.metrics = options.metrics;
    this.work = new LeasedWork(db, "JobRun", { owner, leaseMs: this.leaseMs });
  }

  start(jobs: Job[], sweeps: Sweep[] = []): void {
    this.jobs = jobs;
    this.sweeps = sweeps;
    for (const job of jobs) {
      const task = cron.schedule(
        job.schedule,
        async (context) => {
          const slot = context.triggeredAt ?? context.date ?? this.clock.now();
          await this.tick(job, slotOf(slot));
        },
        { name: job.name, timezone: this.timezone, noOverlap: true },
      );
      this.tasks.push(task);
    }
    if (jobs.length > 0) {
      void this.catchUp().catch((error: unknown) => this.log.error({ err: error }, "catching up missed job runs failed"));
    }
    if (jobs.length === 0 && sweeps.length === 0) return;
    this.recovery = setInterval(() => {
      void this.sweep()
        .then(() => this.recover())
        .catch((error: unknown) => this.log.error({ err: error }, "looking for abandoned job runs failed"));
    }, this.recoverEveryMs);
    this.recovery.unref();
  }

  /** Runs every sweep once; one that fails is logged and the others still run. */
  async sweep(): Promise<void> {
    for (const sweep of this.sweeps) {
      await sweep.run().catch((error: unknown) => this.log.error({ err: error, sweep: sweep.name }, "sweep failed"));
    }
  }

  async stop(): Promise<void> {
    if (this.recovery) clearInterval(this.recovery);
    this.recovery = null;
    for (const task of this.tasks) await task.stop();
    this.tasks = [];
    await Promise.allSettled([...this.running]);
  }

  /** Runs one tick of a job unless another process has it; returns whether this process ran it. */
  async tick(job: Job, slot: Date): Promise<boolean> {
    const key = `${job.name}:${slot.toISOString()}`;
    const claimed = await this.work.claimNew({ key, name: job.name, slot, status: "running", startedAt: this.clock.now() });
    if (!claimed) {
      this.metrics?.jobSkipped(job.name);
      return false;
    }
    await this.execute(job, slot, key);
    return true;
  }

  /**
   * Takes over runs whose process died (status running, lease expired) and runs them again. Jobs are
   * written so a second run of a tick changes nothing twice (conditional updates, keyed posts).
   */
  async recover(): Promise<number> {
    const nowMs = Date.now();
    const stale = await this.db.client.jobRun.findMany({
      where: {
        status: "running",
        // A run without a lease was written before leases existed: stale once a lease's time has passed.
        OR: [{ leaseUntil: { lt: new Date(nowMs) } }, { leaseUntil: null, startedAt: { lt: new Date(nowMs - this.leaseMs) } }],
      },
      take: 20,
    });
    let taken = 0;
    for (const run of stale) {
      const job = this.jobs.find((j) => j.name === run.name);
      if (!job) continue;
      if (!(await this.work.claim(run.key, { from: "running" }))) continue;
      taken += 1;
      this.log.warn({ job: run.name, slot: run.slot.toISOString(), from: run.owner }, "taking over a job run whose process stopped");
      await this.execute(job, run.slot, run.key);
    }
    return taken;
  }

  /**
   * A tick missed while no process was running (the latest due slot of each job that has run before):
   * run it once now, or record it as skipped (`missedTicks`). The JobRun key keeps it to one process.
   */
  async catchUp(now: Date = this.clock.now()): Promise<number> {
    let caught = 0;
    for (const job of this.jobs) {
      const slot = previousSlot(job.schedule, this.timezone, now);
      if (!slot) continue;
      const key = `${job.name}:${slot.toISOString()}`;
      if (await this.db.client.jobRun.findUnique({ where: { key }, select: { key: true } })) continue;
      // A job that never ran here was not missed: the app was not installed yet.
      const ranBefore = await this.db.client.jobRun.findFirst({ where: { name: job.name, slot: { lt: slot } }, select: { key: true } });
      if (!ranBefore) continue;
      if (this.missedTicks === "skip") {
        const recorded = await this.work.insertIfAbsent({
          key,
          name: job.name,
          slot,
          owner: this.owner,
          status: "skipped",
          startedAt: now,
          finishedAt: now,
          detail: "missed while no process was running",
        });
        if (recorded) this.log.warn({ job: job.name, slot: slot.toISOString() }, "a missed job run is recorded as skipped");
        continue;
      }
      this.log.warn({ job: job.name, slot: slot.toISOString() }, "running a job tick missed while no process was running");
      if (await this.tick(job, slot)) caught += 1;
    }
    return caught;
  }

  private async execute(job: Job, slot: Date, key: string): Promise<void> {
    // Renew the claim while the job works, so no other process takes over a live run.
    const stopHeartbeat = this.work.heartbeat(key, "running");
    const finished = this.metrics?.jobStarted(job.name);
    const work = (async () => {
      try {
        const detail = await job.run(slot);
        await this.work.release(
          key,
          { status: "done", finishedAt: this.clock.now(), detail: detail ? JSON.stringify(detail) : null },
          { ownedIn: "running" },
        );
        this.log.info({ job: job.name, slot: slot.toISOString(), ...(detail ?? {}) }, "scheduled job ran");
        finished?.("done");
      } catch (error) {
        await this.work.release(
          key,
          {
            status: "failed",
            finishedAt: this.clock.now(),
            detail: error instanceof Error ? error.message.slice(0, 500) : String(error),
          },
          { ownedIn: "running" },
        );
        this.log.error({ err: error, job: job.name }, "scheduled job failed");
        finished?.("failed");
      } finally {
        stopHeartbeat();
      }
    })();
    this.running.add(work);
    await work.finally(() => this.running.delete(work));
  }
}

/** The latest moment before `now` the cron expression fires, in the time zone; null if it cannot tell. */
export function previousSlot(schedule: string, timezone: string, now: Date): Date | null {
  try {
    return CronExpressionParser.parse(schedule, { currentDate: now, tz: timezone }).prev().toDate();
  } catch {
    return null;
  }
}

/** The next moment after `now` the cron expression fires, in the time zone; null if it cannot tell. */
export function nextSlot(schedule: string, timezone: string, now: Date): Date | null {
  try {
    return CronExpressionParser.parse(schedule, { currentDate: now, tz: timezone }).next().toDate();
  } catch {
    return null;
  }
}

/** The tick a moment belongs to: the start of its minute. */
export function slotOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}
