// Themes the product team groups feedback under: what a theme's name may be, how a theme is named in a
// command (`#12` or its name in any case), the order they are listed in, and what a card's suggestions
// become when a theme is renamed or merged. Pure.
import { DomainError } from "../../shared/errors.ts";
import type { Suggestion, ThemeRef } from "./feedback.ts";

export const MAX_THEME_NAME = 60;
/** At most this many cards are updated after a rename or merge (the most recent items); the rest keep the old name. */
export const MAX_CARD_REFRESH = 200;

export type ThemeStatus = "active" | "archived" | "merged";

/** A theme as stored: merged themes point at the theme they joined. */
export interface Theme extends ThemeRef {
  status: ThemeStatus;
  mergedIntoId: number | null;
}

export interface ThemeSummary extends ThemeRef {
  status: Exclude<ThemeStatus, "merged">;
  /** Active feedback items under the theme. */
  items: number;
  createdAt: Date;
  shippedAt: Date | null;
}

/** The name as stored: trimmed, inner whitespace collapsed. Refuses what cannot be a theme's name. */
export function cleanThemeName(raw: string): string {
  const name = raw.replace(/\s+/g, " ").trim();
  if (!name) throw new DomainError("theme.name_empty");
  if (name.length > MAX_THEME_NAME) throw new DomainError("theme.name_too_long", { name, length: name.length, max: MAX_THEME_NAME });
  if (/^#\d+$/.test(name)) throw new DomainError("theme.name_like_number", { name });
  return name;
}

/** The key a name is unique by (case and spacing ignored). */
export const themeKey = (name: string) => name.replace(/\s+/g, " ").trim().toLowerCase();

/** How a command names a theme: `#12` is theme 12 (following merges), anything else its name. */
export type ThemeLookup = { by: "id"; id: number } | { by: "key"; key: string } | null;

export function parseThemeRef(ref: string): ThemeLookup {
  const text = ref.trim();
  if (!text) return null;
  const byId = /^#(\d{1,9})$/.exec(text);
  return byId ? { by: "id", id: Number(byId[1]) } : { by: "key", key: themeKey(text) };
}

/** Active themes first, each group by items (most first), then by name. */
export function sortThemeList(themes: ThemeSummary[]): ThemeSummary[] {
  return [...themes].sort((a, b) =>
    a.status === b.status ? b.items - a.items || a.name.localeCompare(b.name) : a.status === "active" ? -1 : 1,
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

/** The theme an item may be tagged with now: a merged theme stands for the one it joined, an archived one is refused. */
export function taggable(theme: Theme | null, asked: { themeId: number }): ThemeRef {
  if (!theme || theme.status === "merged") throw new DomainError("theme.not_found", { themeId: asked.themeId });
  if (theme.status === "archived") throw new DomainError("theme.archived", { themeId: theme.id, name: theme.name });
  return { id: theme.id, name: theme.name };
}

/** The error for a name another theme already has. */
export const nameTaken = (taken: { id: number; name: string; status: string }) =>
  new DomainError("theme.name_taken", { themeId: taken.id, name: taken.name, archived: taken.status === "archived" });

/**
 * The ways "<a> <separator> <b>" can be split, where names may hold spaces and even the separator word:
 * an arrow is unambiguous (the first arrow kind found wins), a word may give several splits.
 */
export function pairCandidates(text: string, separators: readonly string[]): [string, string][] {
  const candidates: [string, string][] = [];
  for (const sep of separators) {
    const word = /^\p{L}+$/u.test(sep);
    const pattern = word ? new RegExp(`\\s${sep}\\s`, "giu") : new RegExp(`\\s*${sep}\\s*`, "gu");
    for (const m of text.matchAll(pattern)) {
      const left = text.slice(0, m.index).trim();
      const right = text.slice(m.index + m[0].length).trim();
      if (left && right) candidates.push([left, right]);
    }
    if (candidates.length && !word) break;
  }
  return candidates;
}

/** Of several splits, the one whose two sides name themes, else whose left side does, else the first. */
export function pickPair(candidates: [string, string][], found: (readonly [boolean, boolean])[]): [string, string] {
  const both = found.findIndex(([l, r]) => l && r);
  if (both !== -1) return candidates[both];
  const left = found.findIndex(([l]) => l);
  return candidates[left === -1 ? 0 : left];
}
