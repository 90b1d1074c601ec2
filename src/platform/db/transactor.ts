// How a use case owns its transaction without knowing the database: `transaction(work)` runs `work` in
// one database transaction and, once it commits, wakes whatever sends what it wrote (the outbox).
import type { Database, Tx } from "./client.ts";

export type { Tx };

export interface TransactionOptions {
  /** Longest time the transaction may run (ms); large batch writers raise it. */
  timeoutMs?: number;
}

export interface Transactor {
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

const DEFAULT_TIMEOUT_MS = 20_000;

export function prismaTransactor(db: Database, afterCommit: () => void = () => {}): Transactor {
  return {
    async transaction(work, options) {
      const timeout = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const result = await db.client.$transaction(work, { timeout, maxWait: timeout });
      afterCommit();
      return result;
    },
  };
}
