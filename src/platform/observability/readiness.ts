// Readiness for load balancers (GET /readyz): may this process take traffic? Yes when the database
// answers, every migration the code knows is applied, and the outbox is not stuck on Slack's refusals.
//
// "Stuck" is defined so that it does not flap: posts failed for good within the last 15 minutes and
// nothing was sent to Slack since the first of those failures. One channel the bot was removed from,
// while other posts go out, is not stuck (it shows in the metrics and on /healthz); a revoked token or a
// bot removed everywhere, where every post fails, is. It clears by itself once a post goes out again (an
// operator retried one with `npm run outbox -- retry <id>`, or new work succeeded), or 15 minutes after
// the last failure when nothing more is tried.
import type { Database } from "../db/client.ts";
import { isMigrated } from "../db/migrate.ts";
import { queryRows } from "../db/sql.ts";

export const STUCK_WINDOW_MS = 15 * 60_000;
const PROBE_TIMEOUT_MS = 2000;
/** The most recent sent rows looked at for the last successful send (an index scan from the newest id). */
const RECENT_SENT_ROWS = 100;

export interface Readiness {
  ready: boolean;
  /** One sentence per reason the process is not ready. */
  problems: string[];
  database: { reachable: boolean; migrated: boolean };
  outbox: { stuck: boolean; recentFailures: number; firstFailureAt: Date | null; lastSentAt: Date | null } | null;
}

export interface ReadinessOptions {
  now: () => Date;
  stuckWindowMs?: number;
  probeTimeoutMs?: number;
}

export async function checkReadiness(db: Database, o: ReadinessOptions): Promise<Readiness> {
  const timeoutMs = o.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
  const problems: string[] = [];
  let reachable = false;
  try {
    await withTimeout(queryRows(db, db.client, "SELECT 1"), timeoutMs);
    reachable = true;
  } catch (error) {
    problems.push(`the database (${db.location}) cannot be reached: ${messageOf(error)}`);
    return { ready: false, problems, database: { reachable, migrated: false }, outbox: null };
  }
  const migrated = await withTimeout(isMigrated(db), timeoutMs).catch(() => false);
  if (!migrated) problems.push("the database is not migrated to this version: restart the app so it applies its migrations");
  let outbox: Readiness["outbox"] = null;
  try {
    outbox = await withTimeout(outboxState(db, o.now(), o.stuckWindowMs ?? STUCK_WINDOW_MS), timeoutMs);
    if (outbox.stuck) {
      problems.push(
        `the outbox is stuck: ${outbox.recentFailures} post(s) to Slack failed for good in the last ${Math.round((o.stuckWindowMs ?? STUCK_WINDOW_MS) / 60_000)} minutes ` +
          "and none was sent since the first of them (check the token and the bot's channels; `npm run outbox -- list` shows the failed posts)",
      );
    }
  } catch (error) {
    if (migrated) problems.push(`the outbox cannot be read: ${messageOf(error)}`);
  }
  return { ready: problems.length === 0, problems, database: { reachable, migrated }, outbox };
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

const messageOf = (error: unknown) => (error instanceof Error ? error.message.split("\n")[0].slice(0, 300) : String(error));
