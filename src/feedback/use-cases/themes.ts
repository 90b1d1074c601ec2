// Themes the product team groups feedback under: listed with their item counts, created, renamed, merged
// and archived. A name is unique (case-insensitively) among themes not merged away. After a rename or a
// merge the cards of the affected items are updated, in the same transaction as the change.
import type { Database, Tx } from "../../platform/db/client.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Logger } from "../../platform/observability/log.ts";
import { execute, num, queryRows } from "../../platform/db/sql.ts";
import { isUniqueViolation } from "../../support/use-cases/tickets.ts";
import { loadFeedback } from "./capture.ts";
import { FeedbackError, type FeedbackNotifier, type Suggestion, type ThemeRef } from "../rules/feedback.ts";

export const MAX_THEME_NAME = 60;
/** At most this many cards are updated after a rename or merge (the most recent items); the rest keep the old name. */
export const MAX_CARD_REFRESH = 200;

export type ThemeStatus = "active" | "archived" | "merged";

export interface ThemeSummary extends ThemeRef {
  status: Exclude<ThemeStatus, "merged">;
  /** Active feedback items under the theme. */
  items: number;
  createdAt: Date;
  shippedAt: Date | null;
}

type ThemeRow = { id: number; name: string; nameKey: string | null; status: string; mergedIntoId: number | null };

/** The name as stored: trimmed, inner whitespace collapsed. Throws when it cannot be a theme's name. */
export function cleanThemeName(raw: string): string {
  const name = raw.replace(/\s+/g, " ").trim();
  if (!name) throw new FeedbackError("Give the theme a name, for example `/feedback themes add Excel export`.");
  if (name.length > MAX_THEME_NAME)
    throw new FeedbackError(`“${name.slice(0, 40)}…” is ${name.length} characters; keep a theme's name to ${MAX_THEME_NAME}.`);
  if (/^#\d+$/.test(name))
    throw new FeedbackError(`“${name}” looks like a theme number (\`#12\` refers to theme 12); choose a name with words.`);
  return name;
}

export const themeKey = (name: string) => name.replace(/\s+/g, " ").trim().toLowerCase();

/** Room for a rename or merge that updates up to MAX_CARD_REFRESH cards. */
const TX_OPTIONS = { timeout: 30_000, maxWait: 20_000 };

const noSuchTheme = (ref: string) => new FeedbackError(`No theme called “${ref.trim().slice(0, 80)}”. \`/feedback themes\` lists them.`);

export class ThemeService {
  constructor(
    private readonly db: Database,
    private readonly notifier: FeedbackNotifier,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: () => void,
    /** Told after any change of themes (the similarity index rebuilds). */
    private readonly onChange: () => void = () => {},
    private readonly settings: { maxCardRefresh: number } = { maxCardRefresh: MAX_CARD_REFRESH },
  ) {}

  /** Themes not merged away, active first, each with its number of active items. */
  async list(): Promise<ThemeSummary[]> {
    const themes = await this.db.client.theme.findMany({
      where: { status: { in: ["active", "archived"] } },
      select: { id: true, name: true, status: true, createdAt: true, shippedAt: true },
    });
    const counts = await queryRows<{ themeId: number; items: unknown }>(
      this.db,
      this.db.client,
      `SELECT ft."themeId" AS "themeId", COUNT(*) AS items
         FROM "FeedbackTheme" ft JOIN "FeedbackItem" fi ON fi."id" = ft."itemId"
        WHERE fi."status" = 'active'
        GROUP BY ft."themeId"`,
    );
    const byTheme = new Map(counts.map((c) => [Number(c.themeId), num(c.items) ?? 0]));
    return themes
      .map((t) => ({
        id: t.id,
        name: t.name,
        status: t.status as ThemeSummary["status"],
        items: byTheme.get(t.id) ?? 0,
        createdAt: t.createdAt,
        shippedAt: t.shippedAt,
      }))
      .sort((a, b) => (a.status === b.status ? b.items - a.items || a.name.localeCompare(b.name) : a.status === "active" ? -1 : 1));
  }

  /** A theme by `#id` (following merges) or by name (case-insensitive); null when none. */
  async find(ref: string): Promise<ThemeRef | null> {
    const row = await this.lookup(this.db.client, ref);
    return row ? { id: row.id, name: row.name } : null;
  }

  /** The theme to tag an item with: follows a merge; refuses an archived or unknown theme. */
  async forTagging(themeId: number): Promise<ThemeRef> {
    const row = await this.lookup(this.db.client, `#${themeId}`);
    if (!row) throw new FeedbackError("That theme no longer exists: `/feedback themes` lists them.");
    if (row.status === "archived")
      throw new FeedbackError(
        `“${row.name}” is archived, so nothing new is tagged with it. \`/feedback themes unarchive ${row.name}\` brings it back.`,
      );
    return { id: row.id, name: row.name };
  }

  async create(rawName: string, userId: string): Promise<ThemeRef> {
    const name = cleanThemeName(rawName);
    const created = await this.write(name, (tx) => this.insert(tx, name, userId));
    this.log.info({ event: "feedback.theme_created", theme: created.id, by: userId }, "theme created");
    return created;
  }

  /** The theme of that name, created when there is none (a name typed in the "Send to product" modal). */
  async findOrCreate(rawName: string, userId: string): Promise<ThemeRef> {
    const name = cleanThemeName(rawName);
    const existing = await this.db.client.theme.findUnique({ where: { nameKey: themeKey(name) } });
    if (existing) {
      if (existing.status === "archived")
        throw new FeedbackError(
          `“${existing.name}” is archived, so nothing new is tagged with it. \`/feedback themes unarchive ${existing.name}\` brings it back.`,
        );
      return { id: existing.id, name: existing.name };
    }
    try {
      return await this.create(name, userId);
    } catch (error) {
      // Created by someone else a moment ago: use theirs.
      const now = await this.db.client.theme.findUnique({ where: { nameKey: themeKey(name) } });
      if (now && now.status === "active") return { id: now.id, name: now.name };
      throw error;
    }
  }

  async rename(ref: string, rawName: string, userId: string): Promise<{ from: string; to: ThemeRef; cardsUpdated: number }> {
    const name = cleanThemeName(rawName);
    const now = this.clock.now();
    const result = await this.write(name, async (tx) => {
      const theme = await this.require(tx, ref);
      if (theme.name === name) throw new FeedbackError(`The theme is already called “${name}”.`);
      await this.refuseTaken(tx, name, theme.id);
      await tx.theme.update({ where: { id: theme.id }, data: { name, nameKey: themeKey(name) } });
      const to = { id: theme.id, name };
      const cardsUpdated = await this.refreshCards(tx, theme.id, to, now, await this.cardedItems(tx, theme.id));
      return { from: theme.name, to, cardsUpdated };
    });
    this.log.info({ event: "feedback.theme_renamed", theme: result.to.id, by: userId, cards: result.cardsUpdated }, "theme renamed");
    return result;
  }

  /** Moves every item of `fromRef` to `intoRef` (no item twice) and leaves `fromRef` pointing at it. */
  async merge(
    fromRef: string,
    intoRef: string,
    userId: string,
  ): Promise<{ from: ThemeRef; into: ThemeRef; moved: number; cardsUpdated: number }> {
    const now = this.clock.now();
    const result = await this.db.client.$transaction(async (tx) => {
      const from = await this.require(tx, fromRef);
      const into = await this.require(tx, intoRef);
      if (from.id === into.id) throw new FeedbackError(`“${from.name}” and “${into.name}” are the same theme: name two different themes.`);
      if (into.status !== "active")
        throw new FeedbackError(
          `“${into.name}” is archived: merge into an active theme, or \`/feedback themes unarchive ${into.name}\` first.`,
        );

      // The cards to update are the merged theme's items: chosen before they move.
      const cards = await this.cardedItems(tx, from.id);
      const moved = await tx.feedbackTheme.count({ where: { themeId: from.id } });
      // Items under both themes keep their link to `into`; the others move.
      await execute(
        this.db,
        tx,
        `DELETE FROM "FeedbackTheme" WHERE "themeId" = $1 AND "itemId" IN (SELECT "itemId" FROM "FeedbackTheme" WHERE "themeId" = $2)`,
        from.id,
        into.id,
      );
      await tx.feedbackTheme.updateMany({ where: { themeId: from.id }, data: { themeId: into.id } });
      await tx.theme.update({ where: { id: from.id }, data: { status: "merged", mergedIntoId: into.id, nameKey: null } });
      // Themes merged into `from` earlier now point straight at `into`.
      await tx.theme.updateMany({ where: { mergedIntoId: from.id }, data: { mergedIntoId: into.id } });
      const intoRef2 = { id: into.id, name: into.name };
      const cardsUpdated = await this.refreshCards(tx, from.id, intoRef2, now, cards);
      return { from: { id: from.id, name: from.name }, into: intoRef2, moved, cardsUpdated };
    }, TX_OPTIONS);
    this.changed();
    this.log.info(
      {
        event: "feedback.theme_merged",
        theme: result.from.id,
        into: result.into.id,
        items: result.moved,
        cards: result.cardsUpdated,
        by: userId,
      },
      "theme merged",
    );
    return result;
  }

  /** Archived themes keep their items and count in history, but are not offered for new tagging. */
  archive(ref: string, userId: string): Promise<ThemeRef> {
    return this.setStatus(ref, "archived", userId);
  }

  unarchive(ref: string, userId: string): Promise<ThemeRef> {
    return this.setStatus(ref, "active", userId);
  }

  // ------------------------------------------------------------------ internals

  private async setStatus(ref: string, status: "active" | "archived", userId: string): Promise<ThemeRef> {
    const theme = await this.db.client.$transaction(async (tx) => {
      const row = await this.require(tx, ref);
      if (row.status === status) throw new FeedbackError(`“${row.name}” is already ${status}.`);
      await tx.theme.update({ where: { id: row.id }, data: { status } });
      return { id: row.id, name: row.name };
    }, TX_OPTIONS);
    this.changed();
    this.log.info(
      { event: status === "archived" ? "feedback.theme_archived" : "feedback.theme_unarchived", theme: theme.id, by: userId },
      `theme ${status === "archived" ? "archived" : "unarchived"}`,
    );
    return theme;
  }

  private async insert(tx: Tx, name: string, userId: string): Promise<ThemeRef> {
    await this.refuseTaken(tx, name, null);
    const row = await tx.theme.create({ data: { name, nameKey: themeKey(name), createdById: userId, createdAt: this.clock.now() } });
    return { id: row.id, name: row.name };
  }

  /** Runs a change that sets a theme's name; a name taken at the same moment gets the clear error. */
  private async write<T>(name: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      const result = await this.db.client.$transaction(work, TX_OPTIONS);
      this.changed();
      return result;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const taken = await this.db.client.theme.findUnique({ where: { nameKey: themeKey(name) } });
      throw taken ? takenError(taken) : error;
    }
  }

  private async refuseTaken(tx: Tx, name: string, ownId: number | null): Promise<void> {
    const taken = await tx.theme.findUnique({ where: { nameKey: themeKey(name) } });
    if (taken && taken.id !== ownId) throw takenError(taken);
  }

  private async require(tx: Tx, ref: string): Promise<ThemeRow> {
    const row = await this.lookup(tx, ref);
    if (!row) throw noSuchTheme(ref);
    return row;
  }

  private async lookup(c: Tx | Database["client"], ref: string): Promise<ThemeRow | null> {
    const text = ref.trim();
    if (!text) return null;
    const select = { id: true, name: true, nameKey: true, status: true, mergedIntoId: true } as const;
    const byId = /^#(\d{1,9})$/.exec(text);
    if (byId) {
      let row = await c.theme.findUnique({ where: { id: Number(byId[1]) }, select });
      // A merged theme answers for the theme it joined (merges are kept flat, this is a safeguard).
      for (let hops = 0; row?.status === "merged" && row.mergedIntoId && hops < 5; hops++) {
        row = await c.theme.findUnique({ where: { id: row.mergedIntoId }, select });
      }
      return row && row.status !== "merged" ? row : null;
    }
    return c.theme.findUnique({ where: { nameKey: themeKey(text) }, select });
  }

  /** The most recent active items of a theme that have a card (at most the cap), and how many there are. */
  private async cardedItems(tx: Tx, themeId: number): Promise<{ ids: number[]; total: number }> {
    const from = `FROM "FeedbackTheme" ft JOIN "FeedbackItem" fi ON fi."id" = ft."itemId"
      WHERE ft."themeId" = $1 AND fi."status" = 'active' AND fi."cardOutboxId" IS NOT NULL`;
    const rows = await queryRows<{ id: unknown }>(
      this.db,
      tx,
      `SELECT fi."id" AS "id" ${from} ORDER BY fi."createdAt" DESC, fi."id" DESC LIMIT $2`,
      themeId,
      this.settings.maxCardRefresh,
    );
    const ids = rows.map((r) => Number(r.id));
    if (ids.length < this.settings.maxCardRefresh) return { ids, total: ids.length };
    const [count] = await queryRows<{ n: unknown }>(this.db, tx, `SELECT COUNT(*) AS n ${from}`, themeId);
    return { ids, total: num(count?.n) ?? ids.length };
  }

  /**
   * Updates the cards showing `themeId`: `tagged` (its items) and the items it is suggested for (their
   * suggestion now names `current`), the most recent ones only; how many were left is logged.
   */
  private async refreshCards(
    tx: Tx,
    themeId: number,
    current: ThemeRef,
    at: Date,
    tagged: { ids: number[]; total: number },
  ): Promise<number> {
    const suggested = await tx.feedbackItem.findMany({
      where: { suggestions: { contains: `"id":${themeId},` }, status: "active", cardOutboxId: { not: null } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: this.settings.maxCardRefresh,
      select: { id: true, suggestions: true },
    });
    for (const item of suggested) {
      const rewritten = renameSuggestion(JSON.parse(item.suggestions) as Suggestion[], themeId, current);
      await tx.feedbackItem.update({ where: { id: item.id }, data: { suggestions: JSON.stringify(rewritten) } });
    }
    if (tagged.total > tagged.ids.length) {
      this.log.warn(
        { event: "feedback.cards_not_refreshed", theme: themeId, updated: tagged.ids.length, skipped: tagged.total - tagged.ids.length },
        "only the most recent cards show the new theme name; older cards keep the old one",
      );
    }
    const ids = [...new Set([...tagged.ids, ...suggested.map((i) => i.id)])];
    for (const id of ids) await this.notifier.itemChanged(tx, (await loadFeedback(tx, id))!, at);
    return ids.length;
  }

  private changed(): void {
    this.afterCommit();
    try {
      this.onChange();
    } catch (error) {
      this.log.warn({ err: error }, "theme change listener failed");
    }
  }
}

function takenError(taken: { id: number; name: string; status: string }): FeedbackError {
  const archived = taken.status === "archived" ? " (archived)" : "";
  return new FeedbackError(
    `There is already a theme called “${taken.name}”${archived} (#${taken.id}): choose another name, or merge into it with \`/feedback themes merge <theme> into ${taken.name}\`.`,
  );
}

/** A card's suggestions after the theme `themeId` became `current` (renamed, or merged into it): no theme twice. */
export function renameSuggestion(suggestions: Suggestion[], themeId: number, current: ThemeRef): Suggestion[] {
  const out: Suggestion[] = [];
  for (const s of suggestions) {
    const next = s.id === themeId ? { id: current.id, name: current.name, similarity: s.similarity } : s;
    const seen = out.findIndex((o) => o.id === next.id);
    if (seen === -1) out.push(next);
    else if (out[seen].similarity < next.similarity) out[seen] = next;
  }
  return out;
}
