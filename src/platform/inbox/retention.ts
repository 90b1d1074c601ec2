// Retention of the raw stored events: events worked through (status done) longer ago than
// INBOX_RETENTION are deleted, a batch of rows per statement so no statement holds the write lock for
// long (SQLite has one writer; on Postgres, short transactions keep vacuum and replicas happy). Failed
// events are kept for an operator to look at; pending ones are still to be worked through.
import type { Database } from "../db/client.ts";
import { execute } from "../db/sql.ts";
import type { Job } from "../scheduler/scheduler.ts";

export const INBOX_RETENTION_JOB = "inbox-retention";
/** Daily at 03:30 in the SLA policy's time zone, a quiet hour for most desks. */
export const INBOX_RETENTION_SCHEDULE = "30 3 * * *";
const BATCH_ROWS = 5000;

export interface RetentionResult {
  deleted: number;
  batches: number;
  cutoff: string;
}

export class InboxRetention {
  private readonly batchRows: number;

  constructor(
    private readonly db: Database,
    private readonly retentionMs: number,
    options: { batchRows?: number } = {},
  ) {
    this.batchRows = options.batchRows ?? BATCH_ROWS;
  }

  /** Deletes the done events processed before `now` minus the retention, a batch at a time. */
  async purge(now: Date): Promise<RetentionResult> {
    const cutoff = new Date(now.getTime() - this.retentionMs);
    let deleted = 0;
    let batches = 0;
    for (;;) {
      // availableAt <= processedAt for a done event: the extra condition lets the (status, availableAt)
      // index find the candidates without reading the whole table.
      const count = await execute(
        this.db,
        this.db.client,
        `DELETE FROM "InboxEvent" WHERE "id" IN (
           SELECT "id" FROM "InboxEvent"
           WHERE "status" = 'done' AND "availableAt" < $1 AND ("processedAt" IS NULL OR "processedAt" < $1)
           ORDER BY "id" LIMIT ${this.batchRows})`,
        cutoff,
      );
      deleted += count;
      batches += 1;
      if (count < this.batchRows) break;
      // Let other writers in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { deleted, batches, cutoff: cutoff.toISOString() };
  }
}

/** The scheduled job that purges old events (wired in main.ts when INBOX_RETENTION is not off). */
export function inboxRetentionJob(db: Database, retentionMs: number, now: () => Date): Job {
  const retention = new InboxRetention(db, retentionMs);
  return { name: INBOX_RETENTION_JOB, schedule: INBOX_RETENTION_SCHEDULE, run: async () => ({ ...(await retention.purge(now())) }) };
}
