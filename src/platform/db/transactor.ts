// How a use case owns its transaction without knowing the database: `transaction(work)` runs `work` in
// one database transaction and, once it commits, wakes whatever sends what it wrote (the outbox).
//
// Postgres may abort a transaction that did nothing wrong: a deadlock (40P01) or a serialisation failure
// (40001). Such a transaction is run again from the start, a few times with a short random pause; `work`
// must therefore only touch the database (it does: posts are outbox rows). When every try fails the
// caller gets DatabaseBusy, which the HTTP side answers 503 with Retry-After.
import type { Database, Tx } from "./client.ts";

export type { Tx };

export interface TransactionOptions {
  /** Longest time the transaction may run (ms); large batch writers raise it. */
  timeoutMs?: number;
}

export interface Transactor {
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface RetryOptions {
  /** Runs after the first, when the database aborted the transaction as a deadlock or serialisation failure. */
  retries?: number;
  /** Pause before the n-th retry: a random time up to base × 2^(n-1) ms. */
  backoffBaseMs?: number;
  /** Told of every retry (for the log). */
  onRetry?: (info: { attempt: number; code: string; delayMs: number }) => void;
  /** Told when the last try failed too (the caller gets DatabaseBusy). */
  onGiveUp?: (info: { attempts: number; code: string }) => void;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_RETRIES = 4;
const DEFAULT_BACKOFF_BASE_MS = 25;

/** The database stayed too busy to run a transaction (deadlocks or serialisation failures on every try). */
export class DatabaseBusy extends Error {
  constructor(
    readonly attempts: number,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`the transaction was aborted by the database (${code}) on each of ${attempts} tries`, options);
    this.name = "DatabaseBusy";
  }
}

const TRANSIENT_CODES = new Set(["40001", "40P01"]);

/**
 * The SQLSTATE when the database aborted the transaction for a conflict with another one (40P01
 * deadlock, 40001 serialisation failure), else null. The driver adapter's error carries it as
 * `cause.originalCode`; Prisma's own error for a write conflict is P2034.
 */
export function transientConflictCode(error: unknown): string | null {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): string | null => {
    if (typeof e !== "object" || e === null || seen.has(e) || depth > 4) return null;
    seen.add(e);
    const o = e as { code?: unknown; originalCode?: unknown; kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    for (const code of [o.originalCode, o.code]) if (typeof code === "string" && TRANSIENT_CODES.has(code)) return code;
    if (o.kind === "TransactionWriteConflict" || o.code === "P2034") return "40001";
    return visit(o.cause, depth + 1) ?? visit(o.meta?.driverAdapterError, depth + 1);
  };
  return visit(error, 0);
}

export function prismaTransactor(db: Database, afterCommit: () => void = () => {}, retry: RetryOptions = {}): Transactor {
  const retries = retry.retries ?? DEFAULT_RETRIES;
  const base = retry.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    async transaction(work, options) {
      const timeout = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await db.client.$transaction(work, { timeout, maxWait: timeout });
          afterCommit();
          return result;
        } catch (error) {
          const code = transientConflictCode(error);
          if (!code) throw error;
          if (attempt > retries) {
            retry.onGiveUp?.({ attempts: attempt, code });
            throw new DatabaseBusy(attempt, code, { cause: error });
          }
          const delayMs = Math.round(Math.random() * base * 2 ** (attempt - 1));
          retry.onRetry?.({ attempt, code, delayMs });
          await sleep(delayMs);
        }
      }
    },
  };
}
