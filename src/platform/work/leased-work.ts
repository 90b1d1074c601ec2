// Leased work: rows that one process at a time works on, under a lease it must renew. The inbox
// processor (InboxEvent), the outbox dispatcher (OutboxMessage), the scheduler (JobRun) and the health
// check (HealthCheckRun) all use it.
//
// - claim: a conditional update that succeeds only while no live lease holds the row (none, or one that
//   ran out: a dead owner's work is taken over that way), setting this process as owner until now + lease;
//   an attempt is counted where the table counts them (claimAttempt: and says which attempt it is);
// - claimNew: an insert that is the claim (a row per unit of work, such as one tick of a job);
// - renew: pushes this owner's lease further while the work runs (heartbeat does it on a timer);
// - release: ends the lease, with the row's next state (done, pending again, failed...);
// - expire: for work that cannot be taken over (a health check half done), gives every row whose lease
//   ran out its final state (abandoned), so it does not pass for running forever;
// - retryDecision / backoffDelayMs: when a failed attempt is tried again (exponential backoff with
//   jitter, so failures that happened together do not retry together), and when to give up.
// Every statement goes through src/platform/db/sql.ts; the frequent ones (claim, release, renew) as
// prepared statements (on SQLite on the adapter's connection, in the caller's transaction if any).
import type { Database, Tx } from "../db/client.ts";
import { preparedExecute, preparedRows, queryRows } from "../db/sql.ts";

/**
 * The tables worked on under leases: their key column, the column naming the lease's owner, and whether a
 * claim counts an attempt. Each has "status" and "leaseUntil" columns.
 */
export const LEASED_TABLES = {
  InboxEvent: { key: "id", owner: "leaseOwner", countsAttempts: true },
  OutboxMessage: { key: "id", owner: "leaseOwner", countsAttempts: true },
  JobRun: { key: "key", owner: "owner", countsAttempts: false },
  HealthCheckRun: { key: "id", owner: "leaseOwner", countsAttempts: false },
} as const;

export type LeasedTable = keyof typeof LEASED_TABLES;
type KeyOf<T extends LeasedTable> = (typeof LEASED_TABLES)[T]["key"] extends "id" ? number : string;

/** Column values written with a state change: column name to value (`null` clears it). */
export type Columns = Record<string, unknown>;

type Runner = Database["client"] | Tx;

export interface RetryPolicy {
  /** The first retry's delay; each further attempt doubles it. */
  baseMs: number;
  /** The longest delay. */
  maxMs: number;
  /** Attempts in all (the first included); after the last one the work is given up. */
  maxAttempts: number;
  /** Spread of the delay, as a share of it: 0.25 gives a delay from 75% to 125% of the nominal one. */
  jitter: number;
}

export const DEFAULT_MAX_DELAY_MS = 300_000;
export const DEFAULT_JITTER = 0.25;

/**
 * The delay before attempt `attempt + 1`, after `attempt` failed attempts (1 = the first failed): base ×
 * 2^(attempt-1), at most maxMs, then spread by ±jitter. `random` returns a number in [0, 1).
 */
export function backoffDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, "baseMs" | "maxMs" | "jitter">,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.baseMs * 2 ** Math.max(0, attempt - 1), policy.maxMs);
  const spread = Math.min(Math.max(policy.jitter, 0), 1);
  return Math.round(nominal * (1 - spread + 2 * spread * random()));
}

export type RetryDecision = { giveUp: true } | { giveUp: false; delayMs: number; availableAt: Date };

/** After `attempts` attempts, the last of which failed: give up, or try again after a backoff. */
export function retryDecision(attempts: number, policy: RetryPolicy, now: Date, random: () => number = Math.random): RetryDecision {
  if (attempts >= policy.maxAttempts) return { giveUp: true };
  const delayMs = backoffDelayMs(attempts, policy, random);
  return { giveUp: false, delayMs, availableAt: new Date(now.getTime() + delayMs) };
}

export interface LeasedWorkOptions {
  /** Identifies this process in leases. */
  owner: string;
  /** How long a claim lasts without renewal. */
  leaseMs: number;
  /** The time leases are measured in (the app's clock, or real time where a test clock stands still). */
  now?: () => Date;
}

const quote = (column: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column)) throw new Error(`not a column name: ${column}`);
  return `"${column}"`;
};

export class LeasedWork<T extends LeasedTable> {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly key: string;
  private readonly ownerColumn: string;
  private readonly countsAttempts: boolean;

  constructor(
    private readonly db: Database,
    private readonly table: T,
    options: LeasedWorkOptions,
  ) {
    this.owner = options.owner;
    this.leaseMs = options.leaseMs;
    this.now = options.now ?? (() => new Date());
    this.key = quote(LEASED_TABLES[table].key);
    this.ownerColumn = quote(LEASED_TABLES[table].owner);
    this.countsAttempts = LEASED_TABLES[table].countsAttempts;
  }

  /** When a lease taken now would run out. */
  leaseEnd(): Date {
    return new Date(this.now().getTime() + this.leaseMs);
  }

  /**
   * Claims the row while its status is one of `from` and no live lease holds it; `to` sets a new status.
   * True when this process holds it now. A row whose owner died is claimed once that lease ran out. With
   * `due`, only once its "availableAt" has come: a row read while due, then put back for a retry later by
   * another process, is not taken before its time.
   */
  async claim(
    key: KeyOf<T>,
    o: { from: string | readonly string[]; to?: string; due?: boolean },
    runner: Runner = this.db.client,
  ): Promise<boolean> {
    const { sql, args } = this.claimStatement(key, o);
    return (await preparedExecute(this.db, runner, sql, ...args)) > 0;
  }

  /**
   * `claim` for a table that counts attempts: which attempt this claim is (1 for the first), as the row
   * itself counts it, or null when the row was not claimed. A caller's copy of the row may be stale (another
   * replica may have tried it between the read and the claim), so its own "attempts" must not be used to
   * decide on retries or on whether a post may already have gone out.
   */
  async claimAttempt(
    key: KeyOf<T>,
    o: { from: string | readonly string[]; to?: string; due?: boolean },
    runner: Runner = this.db.client,
  ): Promise<number | null> {
    if (!this.countsAttempts) throw new Error(`${this.table} does not count attempts: use claim`);
    const { sql, args } = this.claimStatement(key, o);
    const [row] = await preparedRows<{ attempts: unknown }>(this.db, runner, `${sql} RETURNING "attempts"`, ...args);
    return row ? Number(row.attempts) : null;
  }

  private claimStatement(key: KeyOf<T>, o: { from: string | readonly string[]; to?: string; due?: boolean }) {
    const from = typeof o.from === "string" ? [o.from] : o.from;
    const now = this.now();
    const args: unknown[] = [this.owner, new Date(now.getTime() + this.leaseMs), key, now];
    const sets = [`${this.ownerColumn} = $1`, `"leaseUntil" = $2`];
    if (this.countsAttempts) sets.push(`"attempts" = "attempts" + 1`);
    if (o.to !== undefined) sets.push(`"status" = $${args.push(o.to)}`);
    const statuses = from.map((s) => `$${args.push(s)}`).join(", ");
    const sql = `UPDATE "${this.table}" SET ${sets.join(", ")} WHERE ${this.key} = $3 AND "status" IN (${statuses}) AND ("leaseUntil" IS NULL OR "leaseUntil" < $4)${o.due ? ` AND "availableAt" <= $4` : ""}`;
    return { sql, args };
  }

  /**
   * Inserts a row already claimed by this process (owner and lease are added to `values`): the claim of
   * a unit of work that has no row yet. False when another process inserted it first.
   */
  async claimNew(values: Columns, runner: Runner = this.db.client): Promise<boolean> {
    return this.insertIfAbsent({ ...values, [LEASED_TABLES[this.table].owner]: this.owner, leaseUntil: this.leaseEnd() }, runner);
  }

  /** Inserts a row unless one with the same key exists; true when inserted. */
  async insertIfAbsent(values: Columns, runner: Runner = this.db.client): Promise<boolean> {
    const columns = Object.keys(values);
    const count = await preparedExecute(
      this.db,
      runner,
      `INSERT INTO "${this.table}" (${columns.map(quote).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT DO NOTHING`,
      ...Object.values(values),
    );
    return count > 0;
  }

  /**
   * Ends every lease that ran out on a row in status `from` and writes `set` (its final state, such as
   * status "abandoned"): work whose owner died and that nobody takes over. Returns the rows' keys with the
   * owner that held them. A row whose lease is still live, or that has none, is left alone.
   */
  async expire(from: string, set: Columns, runner: Runner = this.db.client): Promise<{ key: KeyOf<T>; owner: string | null }[]> {
    const args: unknown[] = [from, this.now()];
    const sets = [`"leaseUntil" = NULL`];
    for (const [column, value] of Object.entries(set)) sets.push(`${quote(column)} = $${args.push(value)}`);
    const rows = await queryRows<{ key: unknown; owner: string | null }>(
      this.db,
      runner,
      `UPDATE "${this.table}" SET ${sets.join(", ")} WHERE "status" = $1 AND "leaseUntil" < $2 RETURNING ${this.key} AS "key", ${this.ownerColumn} AS "owner"`,
      ...args,
    );
    const numeric = LEASED_TABLES[this.table].key === "id";
    return rows.map((r) => ({ key: (numeric ? Number(r.key) : String(r.key)) as KeyOf<T>, owner: r.owner }));
  }

  /** Pushes this owner's lease on the row further (while it is in `status`); false when it is no longer ours. */
  async renew(key: KeyOf<T>, status: string, runner: Runner = this.db.client): Promise<boolean> {
    const count = await preparedExecute(
      this.db,
      runner,
      `UPDATE "${this.table}" SET "leaseUntil" = $1 WHERE ${this.key} = $2 AND ${this.ownerColumn} = $3 AND "status" = $4`,
      this.leaseEnd(),
      key,
      this.owner,
      status,
    );
    return count > 0;
  }

  /** Renews the lease every third of it until the returned function is called. */
  heartbeat(key: KeyOf<T>, status: string, onError: (error: unknown) => void = () => {}): () => void {
    const timer = setInterval(
      () => {
        this.renew(key, status).catch(onError);
      },
      Math.max(1000, Math.floor(this.leaseMs / 3)),
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Ends the lease and writes the row's next state (`set`: status and whatever else). `ownedBy`: only
   * while this process still holds it in that status (a release after a takeover changes nothing).
   * `refundAttempt`: the claim's attempt is not counted (waiting out a rate limit is not a failure).
   * True when the row changed.
   */
  async release(
    key: KeyOf<T>,
    set: Columns,
    o: { ownedIn?: string; refundAttempt?: boolean } = {},
    runner: Runner = this.db.client,
  ): Promise<boolean> {
    const args: unknown[] = [key];
    const sets = [`"leaseUntil" = NULL`];
    for (const [column, value] of Object.entries(set)) sets.push(`${quote(column)} = $${args.push(value)}`);
    if (o.refundAttempt && this.countsAttempts) sets.push(`"attempts" = CASE WHEN "attempts" > 0 THEN "attempts" - 1 ELSE 0 END`);
    let where = `${this.key} = $1`;
    if (o.ownedIn !== undefined) where += ` AND ${this.ownerColumn} = $${args.push(this.owner)} AND "status" = $${args.push(o.ownedIn)}`;
    const count = await preparedExecute(this.db, runner, `UPDATE "${this.table}" SET ${sets.join(", ")} WHERE ${where}`, ...args);
    return count > 0;
  }
}
