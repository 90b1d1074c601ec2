// Readiness for load balancers (GET /readyz): may this process take traffic? Yes when the database
// answers, accepts a write, is still the file the app opened (SQLite), every migration the code knows is
// applied, and the outbox is not stuck on Slack's refusals.
//
// The database is probed by DatabaseProbe, shared with /healthz: reads on every request (cheap), and one
// write of the current time in the one-row ReadinessProbe table at most every few seconds (the answer
// is kept in between), so a database that answers reads but refuses writes (a read-only file or mount,
// a full disk, a read-only replica) is not called ready. On SQLite the file at the database's path is
// compared (inode and device) with the one opened at start: a file deleted or replaced under the running
// app takes the app's writes to a file nobody will open again.
//
// "Stuck" is defined so that it does not flap: posts failed for good within the last 15 minutes and
// nothing was sent to Slack since the first of those failures. One channel the bot was removed from,
// while other posts go out, is not stuck (it shows in the metrics and on /healthz); a revoked token or a
// bot removed everywhere, where every post fails, is. It clears by itself once a post goes out again (an
// operator retried one with `npm run outbox -- retry <id>`, or new work succeeded), or 15 minutes after
// the last failure when nothing more is tried.
import { performance } from "node:perf_hooks";
import type { Database, FileProblem } from "../db/client.ts";
import { isMigrated } from "../db/migrate.ts";
import { execute, queryRows } from "../db/sql.ts";

export const STUCK_WINDOW_MS = 15 * 60_000;
const PROBE_TIMEOUT_MS = 2000;
/** The write probe writes at most this often; its answer is kept in between. */
export const WRITE_PROBE_EVERY_MS = 5000;
/** The most recent sent rows looked at for the last successful send (an index scan from the newest id). */
const RECENT_SENT_ROWS = 100;

export interface DatabaseState {
  reachable: boolean;
  migrated: boolean;
  /** The latest write probe succeeded; null when none was tried (the database cannot be reached or is not migrated). */
  writable: boolean | null;
  /** When a write last succeeded (this process's probe). */
  lastWriteAt: Date | null;
  /** SQLite: whether the file at the database's path is the one the app opened; null on Postgres. */
  file: "same" | FileProblem["kind"] | null;
  /** One sentence per problem. */
  problems: string[];
}

export interface DatabaseProbeOptions {
  /** Identifies this process in the probe row. */
  owner: string;
  /** Least time between two writes (default 5 s). */
  writeEveryMs?: number;
  timeoutMs?: number;
}

/** What /readyz and /healthz know of the database; see the top of this file. */
export class DatabaseProbe {
  private lastWrite: { atMs: number; ok: true } | { atMs: number; ok: false; error: string } | null = null;
  private lastWriteAt: Date | null = null;
  private writing: Promise<void> | null = null;
  private readonly writeEveryMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly db: Database,
    private readonly o: DatabaseProbeOptions,
  ) {
    this.writeEveryMs = o.writeEveryMs ?? WRITE_PROBE_EVERY_MS;
    this.timeoutMs = o.timeoutMs ?? PROBE_TIMEOUT_MS;
  }

  async check(): Promise<DatabaseState> {
    const db = this.db;
    const problems: string[] = [];
    const fileProblem = db.fileProblem();
    const file = db.provider === "sqlite" ? (fileProblem?.kind ?? "same") : null;
    if (fileProblem) problems.push(fileProblem.message);
    const state = (s: Pick<DatabaseState, "reachable" | "migrated" | "writable">): DatabaseState => ({
      ...s,
      lastWriteAt: this.lastWriteAt,
      file,
      problems,
    });
    try {
      await withTimeout(queryRows(db, db.client, "SELECT 1"), this.timeoutMs);
    } catch (error) {
      problems.push(`the database (${db.location}) cannot be reached: ${messageOf(error)}`);
      return state({ reachable: false, migrated: false, writable: null });
    }
    const migrated = await withTimeout(isMigrated(db), this.timeoutMs).catch(() => false);
    if (!migrated) {
      problems.push("the database is not migrated to this version: restart the app so it applies its migrations");
      return state({ reachable: true, migrated, writable: null });
    }
    const write = await this.write();
    if (!write.ok) problems.push(`the database (${db.location}) does not accept writes: ${write.error}`);
    return state({ reachable: true, migrated, writable: write.ok });
  }

  /** The latest write's outcome, writing again when it is older than the interval (one write at a time). */
  private async write(): Promise<NonNullable<DatabaseProbe["lastWrite"]>> {
    const fresh = () => this.lastWrite && performance.now() - this.lastWrite.atMs < this.writeEveryMs;
    if (!fresh()) {
      this.writing ??= this.probeWrite().finally(() => (this.writing = null));
      await this.writing;
    }
    return this.lastWrite!;
  }

  private async probeWrite(): Promise<void> {
    const at = new Date();
    try {
      await withTimeout(
        execute(
          this.db,
          this.db.client,
          `INSERT INTO "ReadinessProbe" ("id", "checkedAt", "owner") VALUES (1, $1, $2)
           ON CONFLICT ("id") DO UPDATE SET "checkedAt" = excluded."checkedAt", "owner" = excluded."owner"`,
          at,
          this.o.owner,
        ),
        this.timeoutMs,
      );
      this.lastWrite = { atMs: performance.now(), ok: true };
      this.lastWriteAt = at;
    } catch (error) {
      this.lastWrite = { atMs: performance.now(), ok: false, error: messageOf(error) };
    }
  }
}

export interface Readiness {
  ready: boolean;
  /** One sentence per reason the process is not ready. */
  problems: string[];
  database: Omit<DatabaseState, "problems">;
  outbox: { stuck: boolean; recentFailures: number; firstFailureAt: Date | null; lastSentAt: Date | null } | null;
}

export interface ReadinessOptions {
  now: () => Date;
  stuckWindowMs?: number;
  probeTimeoutMs?: number;
}

export async function checkReadiness(db: Database, probe: DatabaseProbe, o: ReadinessOptions): Promise<Readiness> {
  const timeoutMs = o.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
  const { problems, ...database } = await probe.check();
  let outbox: Readiness["outbox"] = null;
  if (database.reachable) {
    try {
      outbox = await withTimeout(outboxState(db, o.now(), o.stuckWindowMs ?? STUCK_WINDOW_MS), timeoutMs);
      if (outbox.stuck) {
        problems.push(
          `the outbox is stuck: ${outbox.recentFailures} post(s) to Slack failed for good in the last ${Math.round((o.stuckWindowMs ?? STUCK_WINDOW_MS) / 60_000)} minutes ` +
            "and none was sent since the first of them (check the token and the bot's channels; `npm run outbox -- list` shows the failed posts)",
        );
      }
    } catch (error) {
      if (database.migrated) problems.push(`the outbox cannot be read: ${messageOf(error)}`);
    }
  }
  return { ready: problems.length === 0, problems, database, outbox };
}

async function outboxState(db: Database, now: Date, windowMs: number): Promise<NonNullable<Readiness["outbox"]>> {
  const c = db.client;
  // A failed row's sentAt is when it failed.
  const failures = await c.outboxMessage.aggregate({
    where: { status: "failed", sentAt: { gte: new Date(now.getTime() - windowMs) } },
    _count: { _all: true },
    _min: { sentAt: true },
  });
  const recentFailures = failures._count._all;
  const firstFailureAt = failures._min.sentAt;
  if (recentFailures === 0 || !firstFailureAt) return { stuck: false, recentFailures, firstFailureAt: null, lastSentAt: null };
  const sent = await c.outboxMessage.findMany({
    where: { status: "sent" },
    orderBy: { id: "desc" },
    take: RECENT_SENT_ROWS,
    select: { sentAt: true },
  });
  const lastSentAt = sent.reduce<Date | null>((latest, r) => (r.sentAt && (!latest || r.sentAt > latest) ? r.sentAt : latest), null);
  return { stuck: !lastSentAt || lastSentAt < firstFailureAt, recentFailures, firstFailureAt, lastSentAt };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The cause in an error's message: Prisma's messages say where first and what last. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const lines = error.message.split("\n").filter((l) => l.trim() !== "");
  return (lines.at(-1) ?? error.name).trim().slice(0, 300);
}
