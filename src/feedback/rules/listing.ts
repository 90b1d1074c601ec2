// Feedback items a page at a time (the API's list), newest first, with a keyset cursor. Types and the
// order of an item's themes; the store reads the page.
import type { CapturedAccount, ThemeRef } from "./feedback.ts";
import type { Quote } from "./digest.ts";

export const DEFAULT_FEEDBACK_PAGE = 100;
export const MAX_FEEDBACK_PAGE = 1000;

/** Where the next page starts: items older than this one (createdAt, then id). */
export interface FeedbackCursor {
  createdAt: Date;
  id: number;
}

export interface FeedbackListItem {
  id: number;
  createdAt: Date;
  text: string;
  permalink: string | null;
  kind: string | null;
  importance: string | null;
  internal: boolean;
  origin: string;
  channelId: string;
  authorId: string;
  authorName: string | null;
  /** The account with its current name, ARR and band when known, else as captured. */
  account: Omit<CapturedAccount, "tier"> | null;
  themes: ThemeRef[];
}

export interface FeedbackPage {
  items: FeedbackListItem[];
  /** The cursor of the next page, null on the last. */
  next: FeedbackCursor | null;
}

/** A theme as the API names it: the theme a merged one joined, with the merged ids that led to it. */
export interface ResolvedTheme extends ThemeRef {
  status: string;
  mergedFrom: number[];
}

/** An item's themes by name (byte order, so both databases agree), then id. */
export function sortItemThemes(themes: ThemeRef[]): ThemeRef[] {
  return [...themes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
}

/** A theme's items of a period as View items shows them (src/feedback/use-cases/view-theme-items.ts). */
export interface ThemeItems {
  theme: ResolvedTheme;
  period: { from: Date; to: Date };
  /** The items shown, the accounts with the highest ARR first (newest first among equals). */
  items: Quote[];
  /** The theme's active items in the period, shown or not. */
  total: number;
}
