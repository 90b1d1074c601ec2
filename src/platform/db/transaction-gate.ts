// SQLite has one connection here (the driver adapter's), so a transaction is a state of that connection:
// between BEGIN and COMMIT, every statement run on it belongs to the transaction, whoever issued it. An
// event acknowledged by Slack and stored by a statement that happened to run while a ticket's transaction
// was open would be lost if that transaction rolled back (and read data not yet committed meanwhile).
//
// The gate keeps the two apart: a transaction holds it from BEGIN to COMMIT or ROLLBACK, and a statement
// issued outside a transaction waits until no transaction is open. Statements issued by the transaction's
// own work (through its client, or through the base client from within it, as before) do not wait: the
// work's async context says so. Waiting statements run before the next transaction begins.
import { AsyncLocalStorage } from "node:async_hooks";

export class TransactionGate {
  private readonly scope = new AsyncLocalStorage<true>();
  private held = false;
  private readonly lockers: (() => void)[] = [];
  private readonly idlers: (() => void)[] = [];

  /** Runs `work` as a transaction's own: statements it issues do not wait for the open transaction. */
  within<T>(work: () => Promise<T>): Promise<T> {
    return this.scope.run(true, work);
  }

  /** Whether a transaction holds the gate now. */
  get busy(): boolean {
    return this.held;
  }

  /** Holds the gate for a transaction; the function returned lets it go (once). */
  async acquire(): Promise<() => void> {
    while (this.held) await new Promise<void>((resolve) => this.lockers.push(resolve));
    this.held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held = false;
      // Statements waiting for the gate go first (their continuations run before the next transaction's).
      for (const resolve of this.idlers.splice(0)) resolve();
      this.lockers.shift()?.();
    };
  }

  /**
   * Runs `statement` once no transaction is open (at once from within the open transaction's own work).
   * It is called in the same synchronous step as the check, so it must start its SQL synchronously (every
   * statement of better-sqlite3 does): nothing can begin a transaction in between.
   */
  async whenIdle<T>(statement: () => T): Promise<Awaited<T>> {
    if (!this.scope.getStore()) while (this.held) await new Promise<void>((resolve) => this.idlers.push(resolve));
    return await statement();
  }
}
