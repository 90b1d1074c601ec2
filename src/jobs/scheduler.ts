// Scheduled jobs on node-cron. Every tick of every job is claimed by inserting its JobRun row
// ("<job>:<slot>"): the process whose insert wins runs it, so with several processes on one database
// each tick runs exactly once. Each run is recorded with its start, end and outcome.
import cron, { type ScheduledTask } from "node-cron";
import type { Database } from "../db/client.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { isUniqueViolation } from "../support/tickets.ts";

export interface Job {
  name: string;
  /** A cron expression in `timezone`. */
  schedule: string;
  run(slot: Date): Promise<Record<string, unknown> | void>;
}

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private running = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly owner: string,
    private readonly timezone: string,
  ) {}

  start(jobs: Job[]): void {
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
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    this.tasks = [];
    await Promise.allSettled([...this.running]);
  }

  /** Runs one tick of a job unless another process has it; returns whether this process ran it. */
  async tick(job: Job, slot: Date): Promise<boolean> {
    const key = `${job.name}:${slot.toISOString()}`;
    try {
      await this.db.client.jobRun.create({
        data: { key, name: job.name, slot, owner: this.owner, status: "running", startedAt: this.clock.now() },
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    const work = (async () => {
      try {
        const detail = await job.run(slot);
        await this.db.client.jobRun.update({
          where: { key },
          data: { status: "done", finishedAt: this.clock.now(), detail: detail ? JSON.stringify(detail) : null },
        });
        this.log.info({ job: job.name, slot: slot.toISOString(), ...(detail ?? {}) }, "scheduled job ran");
      } catch (error) {
        await this.db.client.jobRun.update({
          where: { key },
          data: { status: "failed", finishedAt: this.clock.now(), detail: error instanceof Error ? error.message.slice(0, 500) : String(error) },
        });
        this.log.error({ err: error, job: job.name }, "scheduled job failed");
      }
    })();
    this.running.add(work);
    await work.finally(() => this.running.delete(work));
    return true;
  }
}

/** The tick a moment belongs to: the start of its minute. */
export function slotOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
}
