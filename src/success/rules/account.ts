// Customer-success accounts as people and API clients read them: one account with its health, trend and
// history; a page of accounts by health band; the short context a ticket's card shows; and how a typed
// name finds its account.
import type { Band } from "./health-config.ts";
import type { Component } from "./health-model.ts";

export const BAND_FILTERS = ["green", "yellow", "red", "unscored"] as const;
export type BandFilter = (typeof BAND_FILTERS)[number];

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
/** Entries of score history returned with an account, newest first. */
export const HISTORY_LIMIT = 90;
/** Scores of recent checks shown as an account's trend in Slack. */
export const TREND_POINTS = 8;

/** An account as the API returns it. */
export interface AccountView {
  externalId: string;
  name: string;
  domain: string | null;
  tier: string | null;
  arr: number | null;
  seats: number | null;
  renewalDate: string | null;
  /** YYYY-MM-DD: when the company became a customer (from the CRM), or null. */
  customerSince: string | null;
  csmSlackUserId: string | null;
  alertChannel: string | null;
  attributes: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface HealthComponentView {
  name: string;
  score: number;
  weight: number;
  evidence: string;
}

export interface HealthView {
  score: number;
  band: string;
  components: HealthComponentView[];
  computedAt: string;
  runId: number;
  /** Newest first, at most HISTORY_LIMIT entries. */
  history: { score: number; band: string; computedAt: string }[];
}

export type AccountWithHealth = AccountView & { health: HealthView | null };

/** One computed score in an account's history, with its components' scores and weights (for charts). */
export interface HealthHistoryPoint {
  computedAt: string;
  score: number;
  components: { name: string; score: number; weight: number }[];
}

/** How far back an account's health chart reaches. */
export const HEALTH_CHART_DAYS = 90;

export interface AccountListEntry extends AccountView {
  /** null (and band "unscored") until a health check has scored the account. */
  score: number | null;
  band: string;
  computedAt: string | null;
}

export interface AccountPage {
  accounts: AccountListEntry[];
  /** The last externalId of this page; null on the last page. */
  nextCursor: string | null;
}

export interface ListQuery {
  band?: BandFilter | null;
  limit?: number;
  /** The last externalId of the previous page. */
  cursor?: string | null;
}

/** The page size asked for, kept within 1..MAX_PAGE_SIZE (DEFAULT_PAGE_SIZE when not given). */
export const pageSize = (limit: number | undefined) => Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit ?? DEFAULT_PAGE_SIZE)));

/** An account as `/cs account` shows it. */
export interface AccountSummary {
  externalId: string;
  name: string;
  tier: string | null;
  arr: number | null;
  seats: number | null;
  renewalDate: string | null;
  csmSlackUserId: string | null;
  health: { score: number; band: Band; computedAt: Date; components: Component[] } | null;
  /** Scores of the recent checks, oldest first. */
  trend: { score: number; band: string; computedAt: Date }[];
}

/** The summary of an account read with its health (for Slack: dates as dates, the last TREND_POINTS checks oldest first). */
export function accountSummary(account: AccountWithHealth): AccountSummary {
  const h = account.health;
  return {
    externalId: account.externalId,
    name: account.name,
    tier: account.tier,
    arr: account.arr,
    seats: account.seats,
    renewalDate: account.renewalDate,
    csmSlackUserId: account.csmSlackUserId,
    health: h
      ? { score: h.score, band: h.band as Band, computedAt: new Date(h.computedAt), components: h.components as Component[] }
      : null,
    trend: (h?.history ?? [])
      .slice(0, TREND_POINTS)
      .reverse()
      .map((t) => ({ score: t.score, band: t.band, computedAt: new Date(t.computedAt) })),
  };
}

/** What happened to an account since its score was computed: tickets opened and NPS answers received after it. */
export interface SinceCheck {
  tickets: number;
  /** The scores of the NPS answers received since, oldest first. */
  npsScores: number[];
}

/** An open ticket of the account, as `/cs account` lists it. */
export interface OpenTicketLine {
  id: number;
  priority: string;
  status: string;
  permalink: string | null;
  text: string;
}

/** What a ticket's card shows of its account: name, ARR, health band and CSM (name null: not in the CRM data). */
export interface CardAccount {
  externalId: string;
  name: string | null;
  arr: number | null;
  band: string | null;
  score: number | null;
  /** When the score was computed (the check's time); null when not scored yet. */
  computedAt: Date | null;
  csmSlackUserId: string | null;
}

/** An account a CSM owns, with its current score (null: not scored yet). */
export interface OwnedAccount {
  externalId: string;
  name: string;
  arr: number | null;
  renewalDate: string | null;
  score: number | null;
  band: string | null;
  /** When the score was computed (the check's time); null when not scored yet. */
  computedAt: Date | null;
}

/** A CSM's accounts, least healthy first and unscored last (then by name). */
export function byHealth(accounts: OwnedAccount[]): OwnedAccount[] {
  return [...accounts].sort((a, b) => (a.score ?? 1000) - (b.score ?? 1000) || a.name.localeCompare(b.name));
}

export type FindResult =
  { kind: "found"; account: AccountSummary } | { kind: "none" } | { kind: "several"; matches: { externalId: string; name: string }[] };

/** Name matches shown when a name is ambiguous. */
export const MAX_NAME_MATCHES = 10;

/**
 * Of the accounts whose name contains the typed text (case-insensitive), the ones meant: those whose
 * name is exactly the text, else all of them; at most MAX_NAME_MATCHES when several.
 */
export function nameMatches<T extends { name: string }>(typed: string, candidates: T[]): T[] {
  const lower = typed.trim().toLowerCase();
  const exact = candidates.filter((a) => a.name.toLowerCase() === lower);
  const matches = exact.length ? exact : candidates;
  return matches.length > 1 ? matches.slice(0, MAX_NAME_MATCHES) : matches;
}
