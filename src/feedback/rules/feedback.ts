// Voice of the customer: what a feedback item is, its kinds and importance, and what the outside world
// is told when items change (the Slack adapter writes outbox rows inside the caller's transaction).
import type { Tx } from "../../platform/db/client.ts";

export const KINDS = ["bug", "feature_request", "usability", "praise", "churn_reason"] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_LABELS: Record<Kind, string> = {
  bug: "Bug",
  feature_request: "Feature request",
  usability: "Usability",
  praise: "Praise",
  churn_reason: "Churn reason",
};
export const isKind = (v: unknown): v is Kind => typeof v === "string" && (KINDS as readonly string[]).includes(v);

export const IMPORTANCE = ["low", "medium", "high", "critical"] as const;
export type Importance = (typeof IMPORTANCE)[number];
export const IMPORTANCE_LABELS: Record<Importance, string> = {
  low: "Nice to have",
  medium: "Important",
  high: "Very important",
  critical: "Blocker",
};
export const isImportance = (v: unknown): v is Importance => typeof v === "string" && (IMPORTANCE as readonly string[]).includes(v);

/** The longest verbatim text kept (longer messages are trimmed with an ellipsis). */
export const MAX_FEEDBACK_TEXT = 2000;

export type Origin = "reaction" | "shortcut" | "command" | "ticket";

export interface ThemeRef {
  id: number;
  name: string;
}

export interface Suggestion extends ThemeRef {
  similarity: number;
}

export interface FeedbackView {
  id: number;
  origin: Origin;
  channelId: string;
  messageTs: string | null;
  threadTs: string | null;
  text: string;
  authorId: string;
  authorName: string | null;
  internal: boolean;
  account: { externalId: string; name: string | null; arr: number | null; tier: string | null; band: string | null } | null;
  permalink: string | null;
  kind: Kind | null;
  importance: Importance | null;
  note: string | null;
  ticketId: number | null;
  createdById: string;
  createdAt: Date;
  status: "active" | "withdrawn";
  cardOutboxId: number | null;
  taggers: string[];
  themes: ThemeRef[];
  suggestions: Suggestion[];
}

export interface FeedbackNotifier {
  /** Posts the item's card to the product channel; returns its outbox id (null when there is no channel). */
  itemCaptured(tx: Tx, item: FeedbackView, now: Date): Promise<number | null>;
  /** The item changed (a tagger, themes, kind): update its card in place. */
  itemChanged(tx: Tx, item: FeedbackView, now: Date): Promise<void>;
  /** The item was withdrawn: remove its card. */
  itemWithdrawn(tx: Tx, item: FeedbackView, now: Date): Promise<void>;
}

/** Trims text to the kept length; empty when nothing is left. */
export function verbatim(text: string): string {
  const t = text.trim();
  return t.length > MAX_FEEDBACK_TEXT ? `${t.slice(0, MAX_FEEDBACK_TEXT - 1).trimEnd()}…` : t;
}

export class FeedbackError extends Error {}
