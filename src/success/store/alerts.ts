// The per-rule history of churn-risk alerts (HealthAlert, HealthAlertEvent): for each account and rule,
// when the rule started to hold, got worse and stopped, part of the account's alert (AccountAlert,
// ./account-alerts.ts) that people see. The open rule alerts of a slice of accounts, raising many at
// once with multi-row statements (a rule alert another check raised first is skipped by its open key),
// worsening, clearing, and each account's most pressing recent tickets for the alert to show.
import type { Database, Tx } from "../../platform/db/client.ts";
import { clearOpenAlerts } from "./clear-open-alerts.ts";
import { bulkExecute, bulkRows, dateOf, num, valuesList } from "../../platform/db/sql.ts";
import type { RuleName } from "../rules/health-config.ts";
import type { AlertDetail, AlertTicket, OpenAlert } from "../rules/alert.ts";

export interface NewAlertRow {
  accountExternalId: string;
  rule: RuleName;
  /** Unique among open alerts: `<account>:<rule>`. */
  openKey: string;
  severity: number;
  channelId: string | null;
  ownerId: string | null;
  detail: AlertDetail;
  /** The account's alert this rule is part of. */
  accountAlertId: number | null;
}

export interface AlertEventRow {
  alertId: number;
  kind: string;
  actorId?: string | null;
  text?: string | null;
  at: Date;
}

/** One rule's story within an account's alert. */
export interface RuleHistory {
  accountAlertId: number | null;
  rule: string;
  status: string;
  severity: number;
  raisedAt: Date;
  clearedAt: Date | null;
  events: { kind: string; text: string | null; at: Date }[];
}

export interface RuleAlertStore {
  /** The rules' stories behind the given account alerts. */
  historyOf(accountAlertIds: number[]): Promise<RuleHistory[]>;
  /** The open alerts of the accounts from `first` to `last` (by externalId). */
  openBetween(first: string, last: string): Promise<OpenAlert[]>;
  /** Marks open alerts that still hold as seen by the run (outside any transaction, a statement per 500). */
  touch(runId: number, alertIds: number[]): Promise<void>;
  /** Each account's three most pressing tickets created in the 30 days before `at` (by priority, then newest). */
  recentTickets(accountIds: string[], at: Date): Promise<Map<string, AlertTicket[]>>;
  /** Inserts new open alerts (skipping any whose open key is taken); the created ids by open key. */
  insertOpen(tx: Tx, rows: NewAlertRow[], raisedAt: Date, runId: number, now: Date): Promise<Map<string, number>>;
  /** Adds events, many rows a statement. */
  addEvents(tx: Tx, events: AlertEventRow[]): Promise<void>;
  /** A worse state of an open alert; false when it is no longer open. */
  worsen(tx: Tx, alertId: number, change: { severity: number; runId: number; detail: AlertDetail }): Promise<boolean>;
  /** Clears the alerts that are still open (freeing their open keys), a statement per 500; the ids cleared. */
  clearMany(tx: Tx, alertIds: number[], change: { clearedAt: Date; runId: number }): Promise<number[]>;
}

const CHUNK = 500;
const INSERT_CHUNK = 200;
const EVENT_CHUNK = 300;

export function prismaRuleAlertStore(db: Database): RuleAlertStore {
  const c = db.client;

  return {
    async historyOf(accountAlertIds) {
      if (accountAlertIds.length === 0) return [];
      const rows = await c.healthAlert.findMany({
        where: { accountAlertId: { in: accountAlertIds } },
        orderBy: [{ raisedAt: "asc" }, { id: "asc" }],
      });
      const events = await c.healthAlertEvent.findMany({
        where: { alertId: { in: rows.map((r) => r.id) } },
        orderBy: [{ at: "asc" }, { id: "asc" }],
      });
      return rows.map((r) => ({
        accountAlertId: r.accountAlertId,
        rule: r.rule,
        status: r.status,
        severity: r.severity,
        raisedAt: r.raisedAt,
        clearedAt: r.clearedAt,
        events: events.filter((e) => e.alertId === r.id).map((e) => ({ kind: e.kind, text: e.text, at: e.at })),
      }));
    },

    async openBetween(first, last) {
      // A slice's open rule alerts on every check: raw rows (Prisma's layer costs more than the read here).
      const rows = await bulkRows<{
        id: number | bigint;
        accountExternalId: string;
        rule: string;
        severity: unknown;
        snoozedUntil: Date | string | null;
      }>(
        db,
        c,
        `SELECT "id", "accountExternalId", "rule", "severity", "snoozedUntil" FROM "HealthAlert"
          WHERE "status" = 'open' AND "accountExternalId" >= $1 AND "accountExternalId" <= $2 ORDER BY "accountExternalId", "id"`,
        first,
        last,
      );
      return rows.map((r) => ({
        id: Number(r.id),
        accountExternalId: r.accountExternalId,
        rule: r.rule,
        severity: num(r.severity) ?? 0,
        snoozedUntil: dateOf(r.snoozedUntil),
      }));
    },

    async touch(runId, alertIds) {
      for (let i = 0; i < alertIds.length; i += CHUNK) {
        const ids = alertIds.slice(i, i + CHUNK);
        await bulkExecute(
          db,
          c,
          `UPDATE "HealthAlert" SET "lastRunId" = $1 WHERE "status" = 'open' AND "id" IN (${ids.map((_, k) => `$${k + 2}`).join(",")})`,
          runId,
          ...ids,
        );
      }
    },

    async recentTickets(accountIds, at) {
      const out = new Map<string, AlertTicket[]>();
      const ids = [...new Set(accountIds)];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const part = ids.slice(i, i + CHUNK);
        const rows = await bulkRows<{
          id: number | bigint;
          accountExternalId: string;
          priority: string;
          status: string;
          permalink: string | null;
          createdAt: string | Date;
        }>(
          db,
          c,
          `SELECT "id", "accountExternalId", "priority", "status", "permalink", "createdAt" FROM (
           SELECT t."id", t."accountExternalId", t."priority", t."status", t."permalink", t."createdAt",
             ROW_NUMBER() OVER (PARTITION BY t."accountExternalId" ORDER BY
               CASE t."priority" WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, t."createdAt" DESC) AS rn
           FROM "Ticket" t
           WHERE t."accountExternalId" IN (${part.map((_, k) => `$${k + 3}`).join(",")}) AND t."createdAt" >= $1 AND t."createdAt" < $2
         ) ranked WHERE rn <= 3 ORDER BY "accountExternalId", rn`,
          new Date(at.getTime() - 30 * 86_400_000),
          at,
          ...part,
        );
        for (const r of rows) {
          const list = out.get(r.accountExternalId) ?? [];
          list.push({
            id: Number(r.id),
            priority: r.priority,
            status: r.status,
            permalink: r.permalink,
            createdAt: new Date(r.createdAt).toISOString(),
          });
          out.set(r.accountExternalId, list);
        }
      }
      return out;
    },

    async insertOpen(tx, rows, raisedAt, runId, now) {
      const created = new Map<string, number>();
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const part = rows.slice(i, i + INSERT_CHUNK);
        const args: unknown[] = [];
        for (const p of part) {
          args.push(
            p.accountExternalId,
            p.rule,
            p.openKey,
            p.severity,
            raisedAt,
            runId,
            runId,
            JSON.stringify(p.detail),
            p.channelId,
            p.ownerId,
            now,
            p.accountAlertId,
          );
        }
        const inserted = await bulkRows<{ id: number | bigint; openKey: string }>(
          db,
          tx,
          `INSERT INTO "HealthAlert" ("accountExternalId", "rule", "openKey", "severity", "raisedAt", "raisedRunId", "lastRunId", "detail", "channelId", "ownerId", "updatedAt", "accountAlertId")
             VALUES ${valuesList(part.length, 12)} ON CONFLICT ("openKey") DO NOTHING RETURNING "id", "openKey"`,
          ...args,
        );
        for (const r of inserted) created.set(r.openKey, Number(r.id));
      }
      return created;
    },

    async addEvents(tx, events) {
      for (let i = 0; i < events.length; i += EVENT_CHUNK) {
        const part = events.slice(i, i + EVENT_CHUNK);
        await bulkExecute(
          db,
          tx,
          `INSERT INTO "HealthAlertEvent" ("alertId", "kind", "text", "at") VALUES ${valuesList(part.length, 4)}`,
          ...part.flatMap((e) => [e.alertId, e.kind, e.text ?? null, e.at]),
        );
      }
    },

    async worsen(tx, alertId, change) {
      // A check may worsen many at once, in one transaction: a direct statement each (not Prisma's layer).
      const changed = await bulkExecute(
        db,
        tx,
        `UPDATE "HealthAlert" SET "severity" = $1, "lastRunId" = $2, "detail" = $3 WHERE "id" = $4 AND "status" = 'open'`,
        change.severity,
        change.runId,
        JSON.stringify(change.detail),
        alertId,
      );
      return changed > 0;
    },

    clearMany: (tx, alertIds, change) => clearOpenAlerts(db, tx, "HealthAlert", alertIds, change),
  };
}
