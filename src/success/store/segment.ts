// What Segment calls leave behind (POST /api/v1/segment): the messageIds taken (a replay is recognised for
// 30 days), each user's traits and account, and the distinct users and event counts of each account and
// day, from which the account's UsageDay is recomputed. The same SQL on SQLite and Postgres.
import type { Database, Tx } from "../../platform/db/client.ts";
import { execute, num, queryRows, valuesList } from "../../platform/db/sql.ts";
import { sortByKey } from "./batches.ts";

export interface SegmentUserWrite {
  userId: string;
  /** undefined: keep the stored one. */
  accountExternalId?: string;
  /** JSON object; undefined: keep the stored traits. */
  traits?: string;
}

export interface DayTotals {
  accountExternalId: string;
  date: string;
  activeUsers: number;
  events: Record<string, number>;
}

export interface SegmentStore {
  /**
   * Records the messageIds; answers those not seen before (a messageId another transaction is recording
   * waits for it, then counts as seen).
   */
  claimMessages(tx: Tx, messages: { messageId: string; type: string }[], now: Date): Promise<Set<string>>;
  /** Forgets messageIds taken in this transaction whose calls could not be used after all. */
  releaseMessages(tx: Tx, messageIds: string[]): Promise<void>;
  /** The stored account of each of these users that has one. */
  userAccounts(tx: Tx, userIds: string[]): Promise<Map<string, string>>;
  writeUsers(tx: Tx, users: SegmentUserWrite[], now: Date): Promise<void>;
  /** The externalIds among `ids` that are accounts, seen inside the transaction (locked on Postgres until it ends). */
  lockExistingAccounts(tx: Tx, ids: string[]): Promise<Set<string>>;
  /** Adds users seen and event counts to their account's days. */
  addActivity(
    tx: Tx,
    users: { accountExternalId: string; date: string; userId: string }[],
    events: { accountExternalId: string; date: string; event: string; count: number }[],
  ): Promise<void>;
  /** Each day's distinct users and event counts, as stored now. */
  dayTotals(tx: Tx, days: { accountExternalId: string; date: string }[]): Promise<DayTotals[]>;
  /**
   * Deletes the messageIds taken before `messagesBefore` and the daily users and event counts of days before
   * `daysBefore` (at most once an hour per process); answers how many rows went.
   */
  prune(messagesBefore: Date, daysBefore: string, now: Date): Promise<number>;
}

const MAX_PARAMS = 6000;
const PRUNE_EVERY_MS = 3_600_000;

export function prismaSegmentStore(db: Database): SegmentStore {
  let prunedAt = 0;

  /** Runs `statement` for parts of `rows`, as many rows as fit a statement's parameters. */
  async function inParts<T>(rows: T[], columns: number, statement: (part: T[]) => Promise<unknown>): Promise<void> {
    const per = Math.max(1, Math.floor(MAX_PARAMS / columns));
    for (let start = 0; start < rows.length; start += per) await statement(rows.slice(start, start + per));
  }

  return {
    async claimMessages(tx, messages, now) {
      const fresh = new Set<string>();
      await inParts(
        sortByKey(messages, (m) => m.messageId),
        3,
        async (part) => {
          const rows = await queryRows<{ messageId: string }>(
            db,
            tx,
            `INSERT INTO "SegmentMessage" ("messageId", "type", "receivedAt") VALUES ${valuesList(part.length, 3)}
           ON CONFLICT ("messageId") DO NOTHING RETURNING "messageId"`,
            ...part.flatMap((m) => [m.messageId, m.type, now]),
          );
          for (const r of rows) fresh.add(r.messageId);
        },
      );
      return fresh;
    },

    async releaseMessages(tx, messageIds) {
      for (let start = 0; start < messageIds.length; start += 500)
        await tx.segmentMessage.deleteMany({ where: { messageId: { in: messageIds.slice(start, start + 500) } } });
    },

    async userAccounts(tx, userIds) {
      const found = new Map<string, string>();
      for (let start = 0; start < userIds.length; start += 500) {
        const rows = await tx.segmentUser.findMany({
          where: { userId: { in: userIds.slice(start, start + 500) }, accountExternalId: { not: null } },
          select: { userId: true, accountExternalId: true },
        });
        for (const r of rows) found.set(r.userId, r.accountExternalId!);
      }
      return found;
    },

    async writeUsers(tx, users, now) {
      const sorted = sortByKey(users, (u) => u.userId);
      await inParts(sorted, 4, (part) =>
        execute(
          db,
          tx,
          `INSERT INTO "SegmentUser" ("userId", "accountExternalId", "traits", "updatedAt") VALUES ${valuesList(part.length, 4)}
           ON CONFLICT ("userId") DO UPDATE SET
             "accountExternalId" = COALESCE(excluded."accountExternalId", "SegmentUser"."accountExternalId"),
             "traits" = COALESCE(excluded."traits", "SegmentUser"."traits"),
             "updatedAt" = excluded."updatedAt"`,
          ...part.flatMap((u) => [u.userId, u.accountExternalId ?? null, u.traits ?? null, now]),
        ),
      );
    },

    async lockExistingAccounts(tx, ids) {
      const found = new Set<string>();
      const sorted = sortByKey(ids, (id) => id);
      for (let start = 0; start < sorted.length; start += 500) {
        const part = sorted.slice(start, start + 500);
        const rows = await queryRows<{ externalId: string }>(
          db,
          tx,
          `SELECT "externalId" FROM "Account" WHERE "externalId" IN (${part.map((_, i) => `$${i + 1}`).join(", ")})` +
            (db.provider === "postgres" ? ` ORDER BY "externalId" COLLATE "C" FOR UPDATE` : ""),
          ...part,
        );
        for (const r of rows) found.add(r.externalId);
      }
      return found;
    },

    async addActivity(tx, users, events) {
      await inParts(
        sortByKey(users, (u) => `${u.accountExternalId}\u0000${u.date}\u0000${u.userId}`),
        3,
        (part) =>
          execute(
            db,
            tx,
            `INSERT INTO "SegmentDailyUser" ("accountExternalId", "date", "userId") VALUES ${valuesList(part.length, 3)}
             ON CONFLICT ("accountExternalId", "date", "userId") DO NOTHING`,
            ...part.flatMap((u) => [u.accountExternalId, u.date, u.userId]),
          ),
      );
      await inParts(
        sortByKey(events, (e) => `${e.accountExternalId}\u0000${e.date}\u0000${e.event}`),
        4,
        (part) =>
          execute(
            db,
            tx,
            `INSERT INTO "SegmentDailyEvent" ("accountExternalId", "date", "event", "count") VALUES ${valuesList(part.length, 4)}
             ON CONFLICT ("accountExternalId", "date", "event") DO UPDATE SET "count" = "SegmentDailyEvent"."count" + excluded."count"`,
            ...part.flatMap((e) => [e.accountExternalId, e.date, e.event, e.count]),
          ),
      );
    },

    async dayTotals(tx, days) {
      const totals = new Map<string, DayTotals>();
      const key = (a: string, d: string) => `${a}\u0000${d}`;
      for (const day of days) totals.set(key(day.accountExternalId, day.date), { ...day, activeUsers: 0, events: {} });
      const accounts = [...new Set(days.map((d) => d.accountExternalId))];
      const dates = days.map((d) => d.date).sort();
      if (!accounts.length) return [];
      const [from, to] = [dates[0], dates[dates.length - 1]];
      for (let start = 0; start < accounts.length; start += 500) {
        const part = accounts.slice(start, start + 500);
        const where = { accountExternalId: { in: part }, date: { gte: from, lte: to } };
        const users = await tx.segmentDailyUser.groupBy({ by: ["accountExternalId", "date"], where, _count: { _all: true } });
        for (const u of users) {
          const t = totals.get(key(u.accountExternalId, u.date));
          if (t) t.activeUsers = num(u._count._all) ?? 0;
        }
        const events = await tx.segmentDailyEvent.findMany({
          where,
          select: { accountExternalId: true, date: true, event: true, count: true },
        });
        for (const e of events) {
          const t = totals.get(key(e.accountExternalId, e.date));
          if (t) t.events[e.event] = e.count;
        }
      }
      return [...totals.values()];
    },

    async prune(messagesBefore, daysBefore, now) {
      if (now.getTime() - prunedAt < PRUNE_EVERY_MS) return 0;
      prunedAt = now.getTime();
      const counts = await Promise.all([
        db.client.segmentMessage.deleteMany({ where: { receivedAt: { lt: messagesBefore } } }),
        db.client.segmentDailyUser.deleteMany({ where: { date: { lt: daysBefore } } }),
        db.client.segmentDailyEvent.deleteMany({ where: { date: { lt: daysBefore } } }),
      ]);
      return counts.reduce((sum, c) => sum + c.count, 0);
    },
  };
}
