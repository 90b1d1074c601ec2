// Accounts' churn-risk alerts (AccountAlert, AccountAlertEvent): one open alert per account, as people see
// it, the open alerts of a slice of accounts for a health check, raising many at once (an account whose
// alert another check raised first is skipped by its open key), a check's new assessment, clearing, a
// person's change, escalation, what the digest and the check's summary list, and each account's open and
// breached tickets for the CSM's Home.
import type { Database, Tx } from "../../platform/db/client.ts";
import { clearOpenAlerts } from "./clear-open-alerts.ts";
import { bulkExecute, bulkRows, dateOf, num, queryRows, valuesList } from "../../platform/db/sql.ts";
import type { OpenAccountAlert } from "../rules/account-alert.ts";
import type { OpenAlertsReport, ReportedAlert, ReportedChannel } from "../rules/risk-report.ts";
import type { AccountAlertDetail, AlertView } from "../rules/alert.ts";
import type { Delivery } from "../rules/health-config.ts";
import type { AlertPatch } from "../rules/alert-changes.ts";

export interface NewAccountAlertRow {
  accountExternalId: string;
  delivery: Delivery;
  stake: number;
  channelId: string | null;
  ownerId: string | null;
  detail: AccountAlertDetail;
}

export interface AccountAlertEventRow {
  alertId: number;
  kind: string;
  actorId?: string | null;
  text?: string | null;
  at: Date;
}

export interface AccountAlertStore {
  /** The alert as people see it (with its account), in `tx` when given; null when there is no such alert. */
  view(alertId: number, tx?: Tx): Promise<AlertView | null>;
  /** Open alerts, optionally of one owner or account, most at stake first. */
  open(filter: { ownerId?: string; accountExternalId?: string }, limit: number): Promise<AlertView[]>;
  /** The open alerts of the accounts from `first` to `last` (by externalId). */
  openBetween(first: string, last: string): Promise<OpenAccountAlert[]>;
  /** Marks open alerts whose rules fire as before as seen by the run (a statement per 500). */
  touch(runId: number, alertIds: number[]): Promise<void>;
  /** Inserts new open alerts (skipping accounts whose alert is open already); the created ids by account. */
  insertOpen(tx: Tx, rows: NewAccountAlertRow[], raisedAt: Date, runId: number, now: Date): Promise<Map<string, number>>;
  /** A check's new assessment of an open alert; false when it is no longer open. */
  reassess(tx: Tx, alertId: number, change: { detail: AccountAlertDetail; stake: number; runId: number }): Promise<boolean>;
  /** Gives open digest alerts a message of their own; the ids changed. */
  promote(tx: Tx, alertIds: number[]): Promise<number[]>;
  /** Clears the alerts that are still open (freeing their open keys), a statement per 500; the ids cleared. */
  clearMany(tx: Tx, alertIds: number[], change: { clearedAt: Date; runId: number }): Promise<number[]>;
  /** Sets the fields of a person's change. */
  update(tx: Tx, alertId: number, patch: AlertPatch): Promise<void>;
  addEvents(tx: Tx, events: AccountAlertEventRow[]): Promise<void>;
  addEvent(tx: Tx, event: AccountAlertEventRow): Promise<void>;
  /** Open alerts of red accounts raised by `raisedBefore`, never acknowledged or escalated, not snoozed past `now`. */
  dueForEscalation(raisedBefore: Date, now: Date, limit: number): Promise<number[]>;
  /** Marks the alert escalated if it is still open, unacknowledged and not escalated; false otherwise. */
  markEscalated(tx: Tx, alertId: number, at: Date): Promise<boolean>;
  /**
   * The open alerts as a check's digests and summary need them (snoozed: past `at`): counted by channel,
   * delivery and band in SQL, and each channel's first `listMax` digest alerts read in full. `scope`: only
   * the alerts of accounts whose id starts with `accountPrefix` (the demo's own).
   */
  openForReport(at: Date, listMax: number, scope?: { accountPrefix: string }): Promise<OpenAlertsReport>;
  /** An account's alerts, open first then the latest cleared (at most `limit`), with their events. */
  ofAccount(accountExternalId: string, limit: number): Promise<(AlertView & { events: AccountAlertEventRow[] })[]>;
  /** Each account's open tickets and, of those, the ones with a breached SLA clock. */
  ticketCounts(accountIds: string[]): Promise<Map<string, { open: number; breached: number }>>;
}

const CHUNK = 500;
const INSERT_CHUNK = 200;
const EVENT_CHUNK = 300;
const CLOSED = "('resolved','closed')";

interface Row {
  id: number;
  accountExternalId: string;
  status: string;
  delivery: string;
  raisedAt: Date;
  clearedAt: Date | null;
  channelId: string | null;
  ownerId: string | null;
  acknowledgedAt: Date | null;
  acknowledgedById: string | null;
  snoozedUntil: Date | null;
  escalatedAt: Date | null;
  detail: string;
}

export function prismaAccountAlertStore(db: Database): AccountAlertStore {
  const c = db.client;

  async function views(rows: Row[], tx: Tx = c): Promise<AlertView[]> {
    if (rows.length === 0) return [];
    const accounts = await tx.account.findMany({
      where: { externalId: { in: [...new Set(rows.map((r) => r.accountExternalId))] } },
      select: { externalId: true, name: true, arr: true, renewalDate: true, csmSlackUserId: true },
    });
    const byId = new Map(accounts.map((a) => [a.externalId, a]));
    return rows.map((a) => ({
      id: a.id,
      status: a.status as AlertView["status"],
      delivery: a.delivery as Delivery,
      raisedAt: a.raisedAt,
      clearedAt: a.clearedAt,
      channelId: a.channelId,
      ownerId: a.ownerId,
      acknowledgedAt: a.acknowledgedAt,
      acknowledgedById: a.acknowledgedById,
      snoozedUntil: a.snoozedUntil,
      escalatedAt: a.escalatedAt,
      detail: JSON.parse(a.detail) as AccountAlertDetail,
      account: byId.get(a.accountExternalId) ?? {
        externalId: a.accountExternalId,
        name: a.accountExternalId,
        arr: null,
        renewalDate: null,
        csmSlackUserId: null,
      },
    }));
  }

  return {
    async view(alertId, tx = c) {
      const row = await tx.accountAlert.findUnique({ where: { id: alertId } });
      return row ? ((await views([row], tx))[0] ?? null) : null;
    },

    async open(filter, limit) {
      const rows = await c.accountAlert.findMany({
        where: {
          status: "open",
          ...(filter.ownerId ? { ownerId: filter.ownerId } : {}),
          ...(filter.accountExternalId ? { accountExternalId: filter.accountExternalId } : {}),
        },
        orderBy: [{ stake: "desc" }, { id: "asc" }],
        take: limit,
      });
      return views(rows);
    },

    async openBetween(first, last) {
      // A slice's open alerts on every check: raw rows (Prisma's layer costs more than the read here).
      const rows = await bulkRows<{
        id: number | bigint;
        accountExternalId: string;
        delivery: string;
        channelId: string | null;
        detail: string;
        snoozedUntil: Date | string | null;
      }>(
        db,
        c,
        `SELECT "id", "accountExternalId", "delivery", "channelId", "detail", "snoozedUntil" FROM "AccountAlert"
          WHERE "status" = 'open' AND "accountExternalId" >= $1 AND "accountExternalId" <= $2 ORDER BY "accountExternalId", "id"`,
        first,
        last,
      );
      return rows.map((r) => ({
        id: Number(r.id),
        accountExternalId: r.accountExternalId,
        delivery: r.delivery as Delivery,
        channelId: r.channelId,
        rules: (JSON.parse(r.detail) as AccountAlertDetail).rules,
        snoozedUntil: dateOf(r.snoozedUntil),
      }));
    },

    async touch(runId, alertIds) {
      for (let i = 0; i < alertIds.length; i += CHUNK) {
        const ids = alertIds.slice(i, i + CHUNK);
        await bulkExecute(
          db,
          c,
          `UPDATE "AccountAlert" SET "lastRunId" = $1 WHERE "status" = 'open' AND "id" IN (${ids.map((_, k) => `$${k + 2}`).join(",")})`,
          runId,
          ...ids,
        );
      }
    },

    async insertOpen(tx, rows, raisedAt, runId, now) {
      const created = new Map<string, number>();
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const part = rows.slice(i, i + INSERT_CHUNK);
        const args = part.flatMap((p) => [
          p.accountExternalId,
          p.accountExternalId,
          p.delivery,
          p.stake,
          raisedAt,
          runId,
          runId,
          JSON.stringify(p.detail),
          p.channelId,
          p.ownerId,
          now,
        ]);
        const inserted = await bulkRows<{ id: number | bigint; accountExternalId: string }>(
          db,
          tx,
          `INSERT INTO "AccountAlert" ("accountExternalId", "openKey", "delivery", "stake", "raisedAt", "raisedRunId", "lastRunId", "detail", "channelId", "ownerId", "updatedAt")
             VALUES ${valuesList(part.length, 11)} ON CONFLICT ("openKey") DO NOTHING RETURNING "id", "accountExternalId"`,
          ...args,
        );
        for (const r of inserted) created.set(r.accountExternalId, Number(r.id));
      }
      return created;
    },

    async reassess(tx, alertId, change) {
      // A check may reassess many at once, in one transaction: a direct statement each (not Prisma's layer).
      const changed = await bulkExecute(
        db,
        tx,
        `UPDATE "AccountAlert" SET "detail" = $1, "stake" = $2, "lastRunId" = $3 WHERE "id" = $4 AND "status" = 'open'`,
        JSON.stringify(change.detail),
        change.stake,
        change.runId,
        alertId,
      );
      return changed > 0;
    },

    async promote(tx, alertIds) {
      if (alertIds.length === 0) return [];
      const open = await tx.accountAlert.findMany({
        where: { id: { in: alertIds }, status: "open", delivery: "digest" },
        select: { id: true },
      });
      const ids = open.map((o) => o.id);
      if (ids.length) await tx.accountAlert.updateMany({ where: { id: { in: ids } }, data: { delivery: "realtime" } });
      return ids;
    },

    clearMany: (tx, alertIds, change) => clearOpenAlerts(db, tx, "AccountAlert", alertIds, change),

    async update(tx, alertId, patch) {
      if (Object.keys(patch).length) await tx.accountAlert.update({ where: { id: alertId }, data: patch });
    },

    async addEvents(tx, events) {
      for (let i = 0; i < events.length; i += EVENT_CHUNK) {
        const part = events.slice(i, i + EVENT_CHUNK);
        await bulkExecute(
          db,
          tx,
          `INSERT INTO "AccountAlertEvent" ("accountAlertId", "kind", "actorId", "text", "at") VALUES ${valuesList(part.length, 5)}`,
          ...part.flatMap((e) => [e.alertId, e.kind, e.actorId ?? null, e.text ?? null, e.at]),
        );
      }
    },

    async addEvent(tx, e) {
      await tx.accountAlertEvent.create({
        data: { accountAlertId: e.alertId, kind: e.kind, actorId: e.actorId ?? null, text: e.text ?? null, at: e.at },
      });
    },

    async dueForEscalation(raisedBefore, now, limit) {
      const rows = await c.accountAlert.findMany({
        where: {
          status: "open",
          acknowledgedAt: null,
          escalatedAt: null,
          raisedAt: { lte: raisedBefore },
          OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }],
        },
        select: { id: true, detail: true },
        orderBy: { stake: "desc" },
        take: limit,
      });
      return rows.filter((r) => (JSON.parse(r.detail) as AccountAlertDetail).rules.some((x) => x.rule === "entered_red")).map((r) => r.id);
    },

    async markEscalated(tx, alertId, at) {
      const updated = await tx.accountAlert.updateMany({
        where: { id: alertId, escalatedAt: null, acknowledgedAt: null, status: "open" },
        data: { escalatedAt: at },
      });
      return updated.count > 0;
    },

    async openForReport(at, listMax, scope) {
      // Which open alerts a digest lists: not snoozed past the check's time (datetimes compare as stored).
      // Alerts without a channel (null or empty) are in no digest, only in the totals.
      const notSnoozed = `(a."snoozedUntil" IS NULL OR a."snoozedUntil" <= $1)`;
      // The scope as Prisma's startsWith has it (LIKE, its wildcards escaped).
      const scoped = (n: number) => (scope ? ` AND a."accountExternalId" LIKE $${n} ESCAPE '\\'` : "");
      const scopeArgs = scope ? [`${scope.accountPrefix.replace(/[\\%_]/g, "\\$&")}%`] : [];
      const counts = await bulkRows<{ channelId: string; listed: unknown; own: unknown; snoozed: unknown }>(
        db,
        c,
        `SELECT a."channelId",
                SUM(CASE WHEN a."delivery" = 'digest' AND ${notSnoozed} THEN 1 ELSE 0 END) AS listed,
                SUM(CASE WHEN a."delivery" = 'realtime' THEN 1 ELSE 0 END) AS own,
                SUM(CASE WHEN a."delivery" = 'digest' AND NOT ${notSnoozed} THEN 1 ELSE 0 END) AS snoozed
           FROM "AccountAlert" a WHERE a."status" = 'open' AND a."channelId" IS NOT NULL AND a."channelId" <> ''${scoped(2)} GROUP BY a."channelId"`,
        at,
        ...scopeArgs,
      );
      // The band the alert was last assessed with, from its detail (JSON text).
      const band = db.provider === "postgres" ? `(a."detail"::json ->> 'band')` : `json_extract(a."detail", '$.band')`;
      const bands = await bulkRows<{ band: string | null; n: unknown; arr: unknown }>(
        db,
        c,
        `SELECT ${band} AS band, COUNT(*) AS n, SUM(CASE WHEN acc."arr" > 0 THEN acc."arr" ELSE 0 END) AS arr
           FROM "AccountAlert" a LEFT JOIN "Account" acc ON acc."externalId" = a."accountExternalId"
          WHERE a."status" = 'open'${scoped(1)} GROUP BY ${band}`,
        ...scopeArgs,
      );
      // Each channel's digest alerts to list by name: ranked without their detail, then read in full.
      const rows = await bulkRows<{
        id: number | bigint;
        accountExternalId: string;
        name: string | null;
        arr: unknown;
        channelId: string;
        delivery: string;
        stake: unknown;
        snoozedUntil: Date | string | null;
        acknowledgedAt: Date | string | null;
        detail: string;
      }>(
        db,
        c,
        `SELECT a."id", a."accountExternalId", acc."name", acc."arr", a."channelId", a."delivery", a."stake", a."snoozedUntil", a."acknowledgedAt", a."detail"
           FROM (SELECT a."id", ROW_NUMBER() OVER (PARTITION BY a."channelId" ORDER BY a."stake" DESC, a."id") AS "rank"
                   FROM "AccountAlert" a
                  WHERE a."status" = 'open' AND a."channelId" IS NOT NULL AND a."channelId" <> '' AND a."delivery" = 'digest' AND ${notSnoozed}${scoped(3)}) r
           JOIN "AccountAlert" a ON a."id" = r."id"
           LEFT JOIN "Account" acc ON acc."externalId" = a."accountExternalId"
          WHERE r."rank" <= $2 ORDER BY a."stake" DESC, a."id"`,
        at,
        listMax,
        ...scopeArgs,
      );
      const date = (v: Date | string | null) => (v === null ? null : new Date(v));
      const channels = new Map<string, ReportedChannel>(
        counts.map((r) => [
          r.channelId,
          { channelId: r.channelId, listed: num(r.listed) ?? 0, top: [], ownMessages: num(r.own) ?? 0, snoozed: num(r.snoozed) ?? 0 },
        ]),
      );
      for (const r of rows) {
        const alert: ReportedAlert = {
          id: Number(r.id),
          accountExternalId: r.accountExternalId,
          name: r.name ?? r.accountExternalId,
          arr: num(r.arr),
          channelId: r.channelId,
          delivery: r.delivery as Delivery,
          stake: num(r.stake) ?? 0,
          snoozedUntil: date(r.snoozedUntil),
          acknowledgedAt: date(r.acknowledgedAt),
          detail: JSON.parse(r.detail) as AccountAlertDetail,
        };
        channels.get(r.channelId)?.top.push(alert);
      }
      const atRisk = { red: 0, yellow: 0, green: 0, unknown: 0 };
      let arrAtRisk = 0;
      for (const b of bands) {
        const key = b.band as keyof typeof atRisk;
        if (key in atRisk) atRisk[key] += num(b.n) ?? 0;
        arrAtRisk += num(b.arr) ?? 0;
      }
      return { channels: [...channels.values()], atRisk, arrAtRisk };
    },

    async ofAccount(accountExternalId, limit) {
      const rows = await c.accountAlert.findMany({
        where: { accountExternalId },
        orderBy: [{ status: "desc" }, { raisedAt: "desc" }, { id: "desc" }],
        take: limit,
      });
      const events = await c.accountAlertEvent.findMany({
        where: { accountAlertId: { in: rows.map((r) => r.id) } },
        orderBy: [{ at: "asc" }, { id: "asc" }],
      });
      return (await views(rows)).map((v) => ({
        ...v,
        events: events
          .filter((e) => e.accountAlertId === v.id)
          .map((e) => ({ alertId: e.accountAlertId, kind: e.kind, actorId: e.actorId, text: e.text, at: e.at })),
      }));
    },

    async ticketCounts(accountIds) {
      const out = new Map<string, { open: number; breached: number }>();
      const ids = [...new Set(accountIds)];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const part = ids.slice(i, i + CHUNK);
        const rows = await queryRows<{ accountExternalId: string; open: unknown; breached: unknown }>(
          db,
          c,
          `SELECT t."accountExternalId",
                  COUNT(*) AS "open",
                  SUM(CASE WHEN EXISTS (SELECT 1 FROM "SlaTimer" s WHERE s."ticketId" = t."id" AND s."breachedAt" IS NOT NULL AND s."stoppedAt" IS NULL) THEN 1 ELSE 0 END) AS "breached"
             FROM "Ticket" t
            WHERE t."status" NOT IN ${CLOSED} AND t."accountExternalId" IN (${part.map((_, k) => `$${k + 1}`).join(",")})
            GROUP BY t."accountExternalId"`,
          ...part,
        );
        for (const r of rows) out.set(r.accountExternalId, { open: num(r.open) ?? 0, breached: num(r.breached) ?? 0 });
      }
      return out;
    },
  };
}
