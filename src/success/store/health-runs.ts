// Health check runs and scores: a run's record (started under a lease renewed while it runs, then
// finished with its counts; marked abandoned when its process died and the lease ran out), the accounts
// a slice at a time (by externalId), their inputs (health-inputs.ts), and the scores of a slice stored as
// history and as each account's current score, with multi-row statements.
import { randomUUID } from "node:crypto";
import type { Database, Tx } from "../../platform/db/client.ts";
import { bulkExecute, num, preparedRows, valuesList } from "../../platform/db/sql.ts";
import { LeasedWork } from "../../platform/work/leased-work.ts";
import type { AccountFacts } from "../rules/health-check.ts";
import type { HealthConfig } from "../rules/health-config.ts";
import type { BookContext, HealthResult } from "../rules/health-model.ts";
import type { HealthRecord } from "../rules/health-record.ts";
import { allUsage, knownFeatureCount, sliceFacts, UsageTable, type AccountGroup, type SliceAccount } from "./health-inputs.ts";

export { UsageTable };
export type { AccountGroup, SliceAccount };

export interface RunCounts {
  status: "done" | "failed";
  finishedAt: Date;
  accountsScored: number;
  alertsRaised: number;
  alertsCleared: number;
  alertsWorsened: number;
  error: string | null;
}

/** Scores written by one statement each for history and current (6 parameters a row). */
export const SCORES_PER_STATEMENT = 500;

/** An account's score to store: its health, and what its current score keeps (healthRecord). */
export interface ScoreRow {
  account: SliceAccount;
  health: HealthResult;
  record: HealthRecord;
}

/** A health check's record, as the API shows it. */
export interface HealthCheckRecord {
  id: number;
  trigger: string;
  /** running | done | failed | abandoned */
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  accountsScored: number;
  alertsRaised: number;
  alertsCleared: number;
  alertsWorsened: number;
  error: string | null;
}

/** Who holds a running check's lease and for how long without renewal. */
export interface RunLease {
  owner: string;
  leaseMs: number;
}

export interface HealthStore {
  /**
   * Records a run scoring as of `checkedAt` as running under this process's lease, renewed (on a timer)
   * until finishRun.
   */
  startRun(trigger: "scheduled" | "manual", startedAt: Date, checkedAt: Date): Promise<{ id: number; startedAt: Date }>;
  /** Stops renewing the run's lease and records how it ended. */
  finishRun(runId: number, counts: RunCounts): Promise<void>;
  /** Marks every running check whose lease ran out (its process died) abandoned; returns them. */
  abandonExpiredRuns(finishedAt: Date, error: string): Promise<(HealthCheckRecord & { leaseOwner: string | null })[]>;
  /** The latest runs, newest first. */
  recentRuns(limit: number): Promise<HealthCheckRecord[]>;
  run(id: number): Promise<HealthCheckRecord | null>;
  /**
   * Up to `limit` accounts after `cursor` (null: from the first), by externalId. `peerAttribute`: the
   * attribute whose value is each account's `peer` (null: every peer null).
   */
  accountsAfter(cursor: string | null, limit: number, peerAttribute: string | null): Promise<SliceAccount[]>;
  /** The same accounts with only what the first pass groups them by (about a quarter of the time to read). */
  accountGroupsAfter(cursor: string | null, limit: number, peerAttribute: string | null): Promise<AccountGroup[]>;
  /** The number of known features: the configured list, else every feature any account used in 90 days. */
  knownFeatureCount(config: HealthConfig, at: Date): Promise<number>;
  /**
   * Adds the usage windows of every account of `slices` as of `at` to `table` (the check's first pass), two
   * slices at a time; `readerFailure`: why the second connection's thread failed (its slices were read on
   * the app's connection instead), null when it did not.
   */
  allUsage(slices: AsyncIterable<AccountGroup[]>, at: Date, table: UsageTable): Promise<{ readerFailure: unknown }>;
  /**
   * Every input of every account of the slice (accounts in id order), as of `at`; the usage windows from
   * `usage`, read first for an account it lacks (stored after the first pass read its slice).
   */
  sliceFacts(
    config: HealthConfig,
    accounts: SliceAccount[],
    knownFeatures: number,
    at: Date,
    usage: UsageTable,
  ): Promise<Map<string, AccountFacts>>;
  /** Keeps the book's median trends the run judges its accounts against (their evidence is worded against them when shown). */
  saveBook(runId: number, book: BookContext): Promise<void>;
  /** Stores up to SCORES_PER_STATEMENT scores as history and as the accounts' current scores (with their records). */
  writeScores(tx: Tx, runId: number, at: Date, rows: ScoreRow[]): Promise<void>;
}

/** A SQLite JSON path to one key of an object: $."key" (the configuration refuses keys with quotes or backslashes). */
const jsonPath = (key: string) => `$."${key}"`;

/**
 * The components as history keeps them: { name: [score, weight] } without the evidence (the current
 * score keeps the evidence), about a fifth of the size, since history grows by one row per account a day.
 */
export function compactComponents(health: HealthResult): string {
  return JSON.stringify(Object.fromEntries(health.components.map((c) => [c.name, [c.score, Math.round(c.weight * 1000) / 1000]])));
}

const RECORD = {
  id: true,
  trigger: true,
  status: true,
  startedAt: true,
  finishedAt: true,
  accountsScored: true,
  alertsRaised: true,
  alertsCleared: true,
  alertsWorsened: true,
  error: true,
} as const;

export function prismaHealthStore(db: Database, lease: RunLease = { owner: randomUUID(), leaseMs: 60_000 }): HealthStore {
  const c = db.client;
  const work = new LeasedWork(db, "HealthCheckRun", lease);
  const heartbeats = new Map<number, () => void>();
  /** Up to `limit` accounts after `cursor` by externalId, with `columns` (where `$peer` stands for the peer attribute's value). */
  function accountRows<T>(columns: string, cursor: string | null, limit: number, peerAttribute: string | null): Promise<T[]> {
    // The peer attribute's value as text when it is a string, number or boolean, the same on both databases
    // ("europe", "44", "true"); a list or object groups no one.
    const peer =
      peerAttribute === null
        ? `NULL`
        : db.provider === "postgres"
          ? `CASE WHEN json_typeof("attributes"::json -> $2) IN ('string', 'number', 'boolean') THEN "attributes"::json ->> $2 END`
          : `CASE json_type("attributes", $2) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
              WHEN 'text' THEN json_extract("attributes", $2) WHEN 'integer' THEN CAST(json_extract("attributes", $2) AS TEXT)
              WHEN 'real' THEN CAST(json_extract("attributes", $2) AS TEXT) END`;
    const key = peerAttribute === null ? [] : [db.provider === "postgres" ? peerAttribute : jsonPath(peerAttribute)];
    return preparedRows<T>(
      db,
      c,
      `SELECT ${columns.replace("$peer", () => peer)}
      FROM "Account" ${cursor === null ? "" : `WHERE "externalId" > $${key.length + 2}`} ORDER BY "externalId" LIMIT $1`,
      ...[limit, ...key, ...(cursor === null ? [] : [cursor])],
    );
  }
  return {
    async startRun(trigger, startedAt, checkedAt) {
      const run = await c.healthCheckRun.create({
        data: { trigger, status: "running", startedAt, checkedAt, leaseOwner: work.owner, leaseUntil: work.leaseEnd() },
        select: { id: true, startedAt: true },
      });
      heartbeats.set(run.id, work.heartbeat(run.id, "running"));
      return run;
    },

    async finishRun(runId, counts) {
      // Stop renewing first: should the record fail, the lease runs out and the run is marked abandoned.
      heartbeats.get(runId)?.();
      heartbeats.delete(runId);
      await c.healthCheckRun.update({ where: { id: runId }, data: { ...counts, leaseUntil: null } });
    },

    async abandonExpiredRuns(finishedAt, error) {
      const expired = await work.expire("running", { status: "abandoned", finishedAt, error });
      if (expired.length === 0) return [];
      const rows = await c.healthCheckRun.findMany({
        where: { id: { in: expired.map((e) => e.key) } },
        select: RECORD,
        orderBy: { id: "asc" },
      });
      const owners = new Map(expired.map((e) => [e.key, e.owner]));
      return rows.map((r) => ({ ...r, leaseOwner: owners.get(r.id) ?? null }));
    },

    recentRuns(limit) {
      return c.healthCheckRun.findMany({ select: RECORD, orderBy: { id: "desc" }, take: limit });
    },

    run(id) {
      return c.healthCheckRun.findUnique({ where: { id }, select: RECORD });
    },

    async accountsAfter(cursor, limit, peerAttribute) {
      const rows = await accountRows<{
        externalId: string;
        name: string;
        arr: unknown;
        seats: unknown;
        renewalDate: string | null;
        customerSince: string | null;
        csmSlackUserId: string | null;
        alertChannel: string | null;
        tier: string | null;
        peer: string | null;
        createdAt: Date | string | number;
      }>(
        `"externalId", "name", "arr", "seats", "renewalDate", "customerSince", "csmSlackUserId", "alertChannel", "tier", $peer AS "peer", "createdAt"`,
        cursor,
        limit,
        peerAttribute,
      );
      return rows.map((r) => ({ ...r, arr: num(r.arr), seats: num(r.seats), peer: r.peer ?? null, createdAt: new Date(r.createdAt) }));
    },

    async accountGroupsAfter(cursor, limit, peerAttribute) {
      const rows = await accountRows<AccountGroup>(`"externalId", "tier", $peer AS "peer"`, cursor, limit, peerAttribute);
      return rows.map((r) => ({ externalId: r.externalId, tier: r.tier, peer: r.peer ?? null }));
    },

    knownFeatureCount: (config, at) => knownFeatureCount(db, config, at),
    allUsage: (slices, at, table) => allUsage(db, slices, at, table),
    sliceFacts: (config, accounts, known, at, usage) => sliceFacts(db, config, accounts, known, at, usage),

    async saveBook(runId, book) {
      await c.healthCheckRun.update({ where: { id: runId }, data: { book: JSON.stringify(book) } });
    },

    async writeScores(tx, runId, at, rows) {
      const history: unknown[] = [];
      const current: unknown[] = [];
      for (const { account, health, record } of rows) {
        history.push(runId, account.externalId, at, health.score, health.band, compactComponents(health));
        current.push(runId, account.externalId, at, health.score, health.band, JSON.stringify(record));
      }
      await bulkExecute(
        db,
        tx,
        `INSERT INTO "AccountHealth" ("runId", "accountExternalId", "computedAt", "score", "band", "components") VALUES ${valuesList(rows.length, 6)}`,
        ...history,
      );
      await bulkExecute(
        db,
        tx,
        `INSERT INTO "AccountHealthCurrent" ("runId", "accountExternalId", "computedAt", "score", "band", "components") VALUES ${valuesList(rows.length, 6)}
          ON CONFLICT ("accountExternalId") DO UPDATE SET "runId" = excluded."runId", "computedAt" = excluded."computedAt",
            "score" = excluded."score", "band" = excluded."band", "components" = excluded."components"`,
        ...current,
      );
    },
  };
}
