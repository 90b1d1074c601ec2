// Health check runs and scores: a run's record (started, then finished with its counts), the accounts
// a slice at a time (by externalId), their inputs (health-inputs.ts), and the scores of a slice stored as
// history and as each account's current score, with multi-row statements.
import type { Database, Tx } from "../../platform/db/client.ts";
import { execute, valuesList } from "../../platform/db/sql.ts";
import type { AccountFacts } from "../rules/health-check.ts";
import type { HealthConfig } from "../rules/health-config.ts";
import type { HealthResult } from "../rules/health-model.ts";
import { knownFeatureCount, sliceFacts, type SliceAccount } from "./health-inputs.ts";

export type { SliceAccount };

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

export interface HealthStore {
  startRun(trigger: "scheduled" | "manual", startedAt: Date): Promise<{ id: number; startedAt: Date }>;
  finishRun(runId: number, counts: RunCounts): Promise<void>;
  /** Up to `limit` accounts after `cursor` (null: from the first), by externalId. */
  accountsAfter(cursor: string | null, limit: number): Promise<SliceAccount[]>;
  /** The number of known features: the configured list, else every feature any account used in 90 days. */
  knownFeatureCount(config: HealthConfig, at: Date): Promise<number>;
  /** Every input of every account of the slice (accounts in id order), as of `at`. */
  sliceFacts(config: HealthConfig, accounts: SliceAccount[], knownFeatures: number, at: Date): Promise<Map<string, AccountFacts>>;
  /** Stores up to SCORES_PER_STATEMENT scores as history and as the accounts' current scores. */
  writeScores(tx: Tx, runId: number, at: Date, rows: { account: SliceAccount; health: HealthResult }[]): Promise<void>;
}

/**
 * The components as history keeps them: { name: [score, weight] } without the evidence (the current
 * score keeps the evidence), about a fifth of the size, since history grows by one row per account a day.
 */
export function compactComponents(health: HealthResult): string {
  return JSON.stringify(Object.fromEntries(health.components.map((c) => [c.name, [c.score, Math.round(c.weight * 1000) / 1000]])));
}

export function prismaHealthStore(db: Database): HealthStore {
  const c = db.client;
  return {
    startRun(trigger, startedAt) {
      return c.healthCheckRun.create({ data: { trigger, status: "running", startedAt }, select: { id: true, startedAt: true } });
    },

    async finishRun(runId, counts) {
      await c.healthCheckRun.update({ where: { id: runId }, data: counts });
    },

    accountsAfter(cursor, limit) {
      return c.account.findMany({
        where: cursor === null ? {} : { externalId: { gt: cursor } },
        orderBy: { externalId: "asc" },
        take: limit,
        select: { externalId: true, name: true, arr: true, seats: true, renewalDate: true, csmSlackUserId: true, alertChannel: true },
      });
    },

    knownFeatureCount: (config, at) => knownFeatureCount(db, config, at),
    sliceFacts: (config, accounts, known, at) => sliceFacts(db, config, accounts, known, at),

    async writeScores(tx, runId, at, rows) {
      const history: unknown[] = [];
      const current: unknown[] = [];
      for (const { account, health } of rows) {
        history.push(runId, account.externalId, at, health.score, health.band, compactComponents(health));
        current.push(runId, account.externalId, at, health.score, health.band, JSON.stringify(health.components));
      }
      await execute(
        db,
        tx,
        `INSERT INTO "AccountHealth" ("runId", "accountExternalId", "computedAt", "score", "band", "components") VALUES ${valuesList(rows.length, 6)}`,
        ...history,
      );
      await execute(
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
