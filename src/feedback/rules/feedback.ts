// Voice of the customer: what a feedback item is, its kinds and importance, how its text is kept, and
// when taking a reaction back withdraws it. Pure: no database, Slack or clock.
import { DomainError } from "../../shared/errors.ts";

export const KINDS = ["bug", "feature_request", "usability", "praise", "churn_reason"] as const;
export type Kind = (typeof KINDS)[number];
export const isKind = (v: unknown): v is Kind => typeof v === "string" && (KINDS as readonly string[]).includes(v);

export const IMPORTANCE = ["low", "medium", "high", "critical"] as const;
export type Importance = (typeof IMPORTANCE)[number];
export const isImportance = (v: unknown): v is Importance => typeof v === "string" && (IMPORTANCE as readonly string[]).includes(v);

/** The longest verbatim text kept (longer messages are trimmed with an ellipsis). */
export const MAX_FEEDBACK_TEXT = 2000;

/** How the item was sent to product. */
export type Origin = "reaction" | "shortcut" | "command" | "ticket";

export type FeedbackStatus = "active" | "withdrawn";

export interface ThemeRef {
  id: number;
  name: string;
}

/** A theme suggested for an item by text similarity (0..1). */
export interface Suggestion extends ThemeRef {
  similarity: number;
}

/** The account an item belongs to, as it was at capture. */
export interface CapturedAccount {
  externalId: string;
  name: string | null;
  arr: number | null;
  tier: string | null;
  band: string | null;
}

/** A feedback item as the product team sees it: the verbatim text, who said it, its account, themes and taggers. */
export interface FeedbackItem {
  id: number;
  origin: Origin;
  channelId: string;
  messageTs: string | null;
  threadTs: string | null;
  text: string;
  authorId: string;
  authorName: string | null;
  internal: boolean;
  account: CapturedAccount | null;
  permalink: string | null;
  kind: Kind | null;
  importance: Importance | null;
  note: string | null;
  ticketId: number | null;
  createdById: string;
  createdAt: Date;
  status: FeedbackStatus;
  /** Who tagged it, first tagger first. */
  taggers: string[];
  /** Its themes, by name. */
  themes: ThemeRef[];
  /** Themes suggested at capture that it is not tagged with. */
  suggestions: Suggestion[];
}

/** Trims text to the kept length; empty when nothing is left. */
export function verbatim(text: string): string {
  const t = text.trim();
  return t.length > MAX_FEEDBACK_TEXT ? `${t.slice(0, MAX_FEEDBACK_TEXT - 1).trimEnd()}…` : t;
}

/** The text an item keeps; refuses a message with nothing to quote. */
export function feedbackText(text: string): string {
  const kept = verbatim(text);
  if (!kept) throw new DomainError("feedback.empty");
  return kept;
}

/** The suggestions a card shows: those of themes the item is not tagged with yet. */
export function openSuggestions(suggestions: readonly Suggestion[], themes: readonly ThemeRef[]): Suggestion[] {
  return suggestions.filter((s) => !themes.some((t) => t.id === s.id));
}

/** What taking back a tag does (the tag by reaction, taken back `now`). */
export type UntagDecision = "none" | "kept" | "remove";

/**
 * A tagger took their reaction back: within the grace period their tag goes (and the item with it when
 * nobody else tags it); later the item stays, since it may be in a digest already. Only tags made by
 * reaction are taken back this way.
 */
export function untagDecision(tag: { via: string; taggedAt: Date } | null, now: Date, graceMs: number): UntagDecision {
  if (!tag || tag.via !== "reaction") return "none";
  return now.getTime() - tag.taggedAt.getTime() > graceMs ? "kept" : "remove";
}
