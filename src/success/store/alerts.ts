// Churn-risk alerts and their history (HealthAlert, HealthAlertEvent): an alert as people see it, the open
// alerts of a slice of accounts, raising many at once with multi-row statements (an alert another check
// raised first is skipped by its open key), worsening, clearing, a person's change, escalation, and each
// account's most pressing recent tickets for the alert to show.
import type { Database, Tx } from "../../platform/db/client.ts";
import { execute, queryRows, valuesList } from "../../platform/db/sql.ts";
import type { RuleName } from "../rules/health-config.ts";
import type { AlertDetail, AlertTicket, AlertView, OpenAlert } from "../rules/alert.ts";
import type { AlertPatch } from "../rules/alert-changes.ts";

export interface NewAlertRow {
  accountExternalId: string;
  rule: RuleName;
  /** Unique among open alerts: `<account>:<rule>`. */
  openKey: string;
  severity: number;
  channelId: string | null;
  ownerId: string | null;
  detail: AlertDetail;
}

export interface AlertEventRow {
  alertId: number;
  kind: string;
  actorId?: string | null;
  text?: string | null;
  at: Date;
}

export interface AlertStore {
  /** The alert as people see it (with its account), in `tx` when given; null when there is no such alert. */
  view(alertId: number, tx?: Tx): Promise<AlertView | null>;
  /** Open alerts, optionally of one owner or account, the most recent first. */
  open(filter: { ownerId?: string; accountExternalId?: string }, limit: number): Promise<AlertView[]>;
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
  addEvent(tx: Tx, event: AlertEventRow): Promise<void>;
  /** A worse state of an open alert; false when it is no longer open. */
  worsen(tx: Tx, alertId: number, change: { severity: number; runId: number; detail: AlertDetail }): Promise<boolean>;
  /** Clears an open alert (freeing its open key); false when it is no longer open. */
  clear(tx: Tx, alertId: number, change: { clearedAt: Date; runId: number }): Promise<boolean>;
  /** Sets the fields of a person's change. */
  update(tx: Tx, alertId: number, patch: AlertPatch): Promise<void>;
  /** Open red alerts raised by `raisedBefore`, never acknowledged or escalated, and not snoozed past `now` (at most `limit`). */
  dueForEscalation(raisedBefore: Date, now: Date, limit: number): Promise<number[]>;
  /** Marks the alert escalated if it is still open, unacknowledged and not escalated; false otherwise. */
  markEscalated(tx: Tx, alertId: number, at: Date): Promise<boolean>;
}

const CHUNK = 500;
const INSERT_CHUNK = 200;
const EVENT_CHUNK = 300;

export function prismaAlertStore(db: Database): AlertStore {
  const c = db.client;

  async function view(alertId: number, tx: Tx = c): Promise<AlertView | null> {
    const a = await tx.healthAlert.findUnique({ where: { id: alertId } });
    if (!a) return null;
    const account = await tx.account.findUnique({
      where: { externalId: a.accountExternalId },
      select: { externalId: true, name: true, arr: true, renewalDate: true, csmSlackUserId: true },
    });
    return {
      id: a.id,
      rule: a.rule as RuleName,
      status: a.status as AlertView["status"],
      raisedAt: a.raisedAt,
      clearedAt: a.clearedAt,
      channelId: a.channelId,
      ownerId: a.ownerId,
      acknowledgedAt: a.acknowledgedAt,
      acknowledgedById: a.acknowledgedById,
      snoozedUntil: a.snoozedUntil,
      escalatedAt: a.escalatedAt,
      detail: JSON.parse(a.detail) as AlertDetail,
      account: account ?? {
        externalId: a.accountExternalId,
        name: a.accountExternalId,
        arr: null,
        renewalDate: null,
        csmSlackUserId: null,
      },
    };
  }

  return {
    view,

    async open(filter, limit) {
      const rows = await c.healthAlert.findMany({
        where: {
          status: "open",
          ...(filter.ownerId ? { ownerId: filter.ownerId } : {}),
          ...(filter.accountExternalId ? { accountExternalId: filter.accountExternalId } : {}),
        },
        orderBy: { raisedAt: "desc" },
        take: limit,
        select: { id: true },
      });
      const views = await Promise.all(rows.map((r) => view(r.id)));
      return views.filter((v): v is AlertView => v !== null);
    },

    openBetween(first, last) {
      return c.healthAlert.findMany({
        where: { status: "open", accountExternalId: { gte: first, lte: last } },
        select: { id: true, accountExternalId: true, rule: true, severity: true, snoozedUntil: true },
      });
    },

    async touch(runId, alertIds) {
      for (let i = 0; i < alertIds.length; i += CHUNK) {
        const ids = alertIds.slice(i, i + CHUNK);
        await execute(
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
        const rows = await queryRows<{
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
          );
        }
        const inserted = await queryRows<{ id: number | bigint; openKey: string }>(
          db,
          tx,
          `INSERT INTO "HealthAlert" ("accountExternalId", "rule", "openKey", "severity", "raisedAt", "raisedRunId", "lastRunId", "detail", "channelId", "ownerId", "updatedAt")
             VALUES ${valuesList(part.length, 11)} ON CONFLICT ("openKey") DO NOTHING RETURNING "id", "openKey"`,
          ...args,
        );
        for (const r of inserted) created.set(r.openKey, Number(r.id));
      }
      return created;
    },

    async addEvents(tx, events) {
      for (let i = 0; i < events.length; i += EVENT_CHUNK) {
        const part = events.slice(i, i + EVENT_CHUNK);
        await execute(
          db,
          tx,
          `INSERT INTO "HealthAlertEvent" ("alertId", "kind", "text", "at") VALUES ${valuesList(part.length, 4)}`,
          ...part.flatMap((e) => [e.alertId, e.kind, e.text ?? null, e.at]),
        );
      }
    },

    async addEvent(tx, event) {
      await tx.healthAlertEvent.create({
        data: {
          alertId: event.alertId,
          kind: event.kind,
          ...(event.actorId !== undefined ? { actorId: event.actorId } : {}),
          ...(event.text !== undefined ? { text: event.text } : {}),
          at: event.at,
        },
      });
    },

    async worsen(tx, alertId, change) {
      const updated = await tx.healthAlert.updateMany({
        where: { id: alertId, status: "open" },
        data: { severity: change.severity, lastRunId: change.runId, detail: JSON.stringify(change.detail) },
      });
      return updated.count > 0;
    },

    async clear(tx, alertId, change) {
      const updated = await tx.healthAlert.updateMany({
        where: { id: alertId, status: "open" },
        data: { status: "cleared", openKey: null, clearedAt: change.clearedAt, clearedRunId: change.runId, lastRunId: change.runId },
      });
      return updated.count > 0;
    },

    async update(tx, alertId, patch) {
      if (Object.keys(patch).length) await tx.healthAlert.update({ where: { id: alertId }, data: patch });
    },

    async dueForEscalation(raisedBefore, now, limit) {
      const rows = await c.healthAlert.findMany({
        where: {
          status: "open",
          rule: "entered_red",
          acknowledgedAt: null,
          escalatedAt: null,
          raisedAt: { lte: raisedBefore },
          OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }],
        },
        select: { id: true },
        take: limit,
      });
      return rows.map((r) => r.id);
    },

    async markEscalated(tx, alertId, at) {
      const updated = await tx.healthAlert.updateMany({
        where: { id: alertId, escalatedAt: null, acknowledgedAt: null, status: "open" },
        data: { escalatedAt: at },
      });
      return updated.count > 0;
    },
  };
}
