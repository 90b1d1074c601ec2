// Themes in the database: listed with their item counts, found by id or name key, created, renamed,
// merged, archived, shipped; and the documents the similarity profiles are built from.
import type { Database, Tx } from "../../platform/db/client.ts";
import { execute, num, queryRows } from "../../platform/db/sql.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import type { Theme, ThemeStatus, ThemeSummary } from "../rules/themes.ts";

export interface StoredTheme extends Theme {
  shippedAt: Date | null;
}

export interface ThemeStore {
  /** Themes not merged away, each with its number of active items (in no particular order). */
  list(): Promise<ThemeSummary[]>;
  byId(tx: Tx | null, id: number): Promise<StoredTheme | null>;
  /** The theme holding a name key (merged themes hold none). */
  byKey(tx: Tx | null, key: string): Promise<StoredTheme | null>;
  create(tx: Tx, theme: { name: string; key: string; createdById: string; createdAt: Date }): Promise<ThemeRef>;
  rename(tx: Tx, id: number, name: string, key: string): Promise<void>;
  setStatus(tx: Tx, id: number, status: "active" | "archived"): Promise<void>;
  /**
   * Moves every item of `fromId` to `intoId` (items under both keep their link to `intoId`), marks
   * `fromId` merged into it, and points themes merged into `fromId` earlier at `intoId`; returns how many
   * of `fromId`'s links there were.
   */
  merge(tx: Tx, fromId: number, intoId: number): Promise<number>;
  /** Marks the theme shipped, once; false when it was shipped already. */
  markShipped(tx: Tx, id: number, shipped: { at: Date; by: string | null; note: string }): Promise<boolean>;
  /** Each active theme with its name and the texts of its most recent active items (at most `perTheme`). */
  profiles(perTheme: number): Promise<{ themes: { id: number; name: string; documents: string[] }[]; items: number }>;
}

const SELECT = { id: true, name: true, status: true, mergedIntoId: true, shippedAt: true } as const;
const toTheme = (row: { id: number; name: string; status: string; mergedIntoId: number | null; shippedAt: Date | null }): StoredTheme => ({
  ...row,
  status: row.status as ThemeStatus,
});

export function prismaThemes(db: Database): ThemeStore {
  const run = (tx: Tx | null): Tx => tx ?? db.client;

  return {
    async list() {
      const themes = await db.client.theme.findMany({
        where: { status: { in: ["active", "archived"] } },
        select: { id: true, name: true, status: true, createdAt: true, shippedAt: true },
      });
      const counts = await queryRows<{ themeId: number; items: unknown }>(
        db,
        db.client,
        `SELECT ft."themeId" AS "themeId", COUNT(*) AS items
           FROM "FeedbackTheme" ft JOIN "FeedbackItem" fi ON fi."id" = ft."itemId"
          WHERE fi."status" = 'active'
          GROUP BY ft."themeId"`,
      );
      const byTheme = new Map(counts.map((c) => [Number(c.themeId), num(c.items) ?? 0]));
      return themes.map((t) => ({
        id: t.id,
        name: t.name,
        status: t.status as ThemeSummary["status"],
        items: byTheme.get(t.id) ?? 0,
        createdAt: t.createdAt,
        shippedAt: t.shippedAt,
      }));
    },

    async byId(tx, id) {
      const row = await run(tx).theme.findUnique({ where: { id }, select: SELECT });
      return row ? toTheme(row) : null;
    },

    async byKey(tx, key) {
      const row = await run(tx).theme.findUnique({ where: { nameKey: key }, select: SELECT });
      return row ? toTheme(row) : null;
    },

    async create(tx, theme) {
      const row = await tx.theme.create({
        data: { name: theme.name, nameKey: theme.key, createdById: theme.createdById, createdAt: theme.createdAt },
        select: { id: true, name: true },
      });
      return row;
    },

    async rename(tx, id, name, key) {
      await tx.theme.update({ where: { id }, data: { name, nameKey: key } });
    },

    async setStatus(tx, id, status) {
      await tx.theme.update({ where: { id }, data: { status } });
    },

    async merge(tx, fromId, intoId) {
      const moved = await tx.feedbackTheme.count({ where: { themeId: fromId } });
      await execute(
        db,
        tx,
        `DELETE FROM "FeedbackTheme" WHERE "themeId" = $1 AND "itemId" IN (SELECT "itemId" FROM "FeedbackTheme" WHERE "themeId" = $2)`,
        fromId,
        intoId,
      );
      await tx.feedbackTheme.updateMany({ where: { themeId: fromId }, data: { themeId: intoId } });
      await tx.theme.update({ where: { id: fromId }, data: { status: "merged", mergedIntoId: intoId, nameKey: null } });
      await tx.theme.updateMany({ where: { mergedIntoId: fromId }, data: { mergedIntoId: intoId } });
      return moved;
    },

    async markShipped(tx, id, shipped) {
      const marked = await tx.theme.updateMany({
        where: { id, shippedAt: null },
        data: { shippedAt: shipped.at, shippedById: shipped.by, shippedNote: shipped.note },
      });
      return marked.count > 0;
    },

    async profiles(perTheme) {
      const themes = await db.client.theme.findMany({ where: { status: "active" }, select: { id: true, name: true } });
      const rows = themes.length
        ? await queryRows<{ themeId: unknown; text: string }>(
            db,
            db.client,
            `SELECT r."themeId" AS "themeId", r."text" AS "text" FROM (
               SELECT ft."themeId" AS "themeId", fi."text" AS "text",
                      ROW_NUMBER() OVER (PARTITION BY ft."themeId" ORDER BY fi."createdAt" DESC, fi."id" DESC) AS rn
                 FROM "FeedbackTheme" ft
                 JOIN "FeedbackItem" fi ON fi."id" = ft."itemId"
                 JOIN "Theme" t ON t."id" = ft."themeId"
                WHERE fi."status" = 'active' AND t."status" = 'active'
             ) r WHERE r.rn <= $1`,
            perTheme,
          )
        : [];
      const texts = new Map<number, string[]>(themes.map((t) => [t.id, [t.name]]));
      for (const row of rows) texts.get(Number(row.themeId))?.push(row.text);
      return { themes: themes.map((t) => ({ id: t.id, name: t.name, documents: texts.get(t.id)! })), items: rows.length };
    },
  };
}
