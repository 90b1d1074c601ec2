// What a valid batch changes, given what is stored: the rows to write (a re-sent row that changes
// nothing is skipped), the counts of created, updated and unchanged rows, the account figures to record
// (a new account, or a change of seats or ARR) and each feature's first and last day seen.
import { keyEventCount, type HealthConfig } from "./health-config.ts";
import type { AccountInput, IngestSummary, NpsInput, UsageInput } from "./batch.ts";

export type Counts = Omit<IngestSummary, "kind" | "received">;

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object")
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value));
}

// ------------------------------------------------------------------ accounts

export const ACCOUNT_FIELDS = [
  "name",
  "domain",
  "tier",
  "arr",
  "seats",
  "renewalDate",
  "customerSince",
  "csmSlackUserId",
  "alertChannel",
  "attributes",
] as const;
/** An account's stored fields (attributes as canonical JSON). */
export type AccountState = {
  [F in (typeof ACCOUNT_FIELDS)[number]]: F extends "name" ? string : F extends "arr" | "seats" ? number | null : string | null;
};

export interface AccountWrite {
  externalId: string;
  state: AccountState;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccountFigureWrite {
  accountExternalId: string;
  recordedAt: Date;
  seats: number | null;
  arr: number | null;
}

/** Accounts to upsert and figures to record; `stored` holds the batch's accounts that exist, by externalId. */
export function accountChanges(
  rows: AccountInput[],
  stored: ReadonlyMap<string, AccountState & { createdAt: Date }>,
  now: Date,
): Counts & { writes: AccountWrite[]; figures: AccountFigureWrite[] } {
  const writes: AccountWrite[] = [];
  const figures: AccountFigureWrite[] = [];
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    const before = stored.get(row.externalId);
    const after = {} as Record<string, unknown>;
    for (const field of ACCOUNT_FIELDS) {
      const given =
        field === "attributes"
          ? row.attributes === undefined
            ? undefined
            : row.attributes === null
              ? null
              : canonicalJson(row.attributes)
          : row[field];
      after[field] = given === undefined ? (before?.[field] ?? null) : given;
    }
    const state = after as AccountState;
    if (before && ACCOUNT_FIELDS.every((f) => before[f] === state[f])) continue;
    if (before) updated += 1;
    else created += 1;
    writes.push({ externalId: row.externalId, state, createdAt: before?.createdAt ?? now, updatedAt: now });
    if (!before || before.seats !== state.seats || before.arr !== state.arr) {
      figures.push({ accountExternalId: row.externalId, recordedAt: now, seats: state.seats, arr: state.arr });
    }
  }
  return { writes, figures, created, updated, unchanged: rows.length - created - updated };
}

// ------------------------------------------------------------------ usage

export interface UsageState {
  activeUsers: number;
  /** JSON list of feature names, sorted. */
  featuresUsed: string;
  /** Canonical JSON of the event counts. */
  events: string;
  keyEvents: number;
}

export interface UsageWrite extends UsageState {
  accountExternalId: string;
  date: string;
  receivedAt: Date;
}

export interface FeatureSeen {
  accountExternalId: string;
  feature: string;
  firstSeen: string;
  lastSeen: string;
}

export const usageKey = (accountExternalId: string, date: string) => `${accountExternalId}\u0000${date}`;

/** Usage days to upsert and features seen; `stored` holds the stored days of the batch's accounts and dates, by usageKey. */
export function usageChanges(
  rows: UsageInput[],
  stored: ReadonlyMap<string, UsageState>,
  config: Pick<HealthConfig, "keyEvents">,
  now: Date,
): Counts & { writes: UsageWrite[]; features: FeatureSeen[] } {
  const writes: UsageWrite[] = [];
  const features = new Map<string, FeatureSeen>();
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    const featureList = [...new Set(row.featuresUsed ?? [])].sort();
    const events = row.events ?? {};
    const next: UsageState = {
      activeUsers: row.activeUsers,
      featuresUsed: JSON.stringify(featureList),
      events: canonicalJson(events),
      keyEvents: keyEventCount(events, config),
    };
    for (const feature of featureList) {
      const key = `${row.accountExternalId}\u0000${feature}`;
      const seen = features.get(key);
      if (!seen) features.set(key, { accountExternalId: row.accountExternalId, feature, firstSeen: row.date, lastSeen: row.date });
      else {
        if (row.date < seen.firstSeen) seen.firstSeen = row.date;
        if (row.date > seen.lastSeen) seen.lastSeen = row.date;
      }
    }
    const before = stored.get(usageKey(row.accountExternalId, row.date));
    if (
      before &&
      before.activeUsers === next.activeUsers &&
      before.featuresUsed === next.featuresUsed &&
      before.events === next.events &&
      before.keyEvents === next.keyEvents
    )
      continue;
    if (before) updated += 1;
    else created += 1;
    writes.push({ accountExternalId: row.accountExternalId, date: row.date, ...next, receivedAt: now });
  }
  return { writes, features: [...features.values()], created, updated, unchanged: rows.length - created - updated };
}

// ------------------------------------------------------------------ NPS

export interface NpsWrite {
  accountExternalId: string;
  /** "" when the respondent's email was not given. */
  respondentEmail: string;
  respondedAt: Date;
  score: number;
  comment: string | null;
  receivedAt: Date;
}

export const npsKey = (accountExternalId: string, respondentEmail: string, respondedAt: Date) =>
  `${accountExternalId}\u0000${respondentEmail}\u0000${respondedAt.getTime()}`;

/** The span of answer times in the batch (to read the stored answers it may repeat). */
export function npsSpan(rows: NpsInput[]): { from: Date; to: Date } {
  const times = rows.map((r) => r.respondedAt.getTime());
  return { from: new Date(times.reduce((a, b) => Math.min(a, b))), to: new Date(times.reduce((a, b) => Math.max(a, b))) };
}

/** Answers to upsert; `stored` holds the stored answers of the batch's accounts and span, by npsKey. */
export function npsChanges(
  rows: NpsInput[],
  stored: ReadonlyMap<string, { score: number; comment: string | null }>,
  now: Date,
): Counts & { writes: NpsWrite[] } {
  const writes: NpsWrite[] = [];
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    const email = row.respondentEmail ?? "";
    const comment = row.comment ? row.comment : null;
    const before = stored.get(npsKey(row.accountExternalId, email, row.respondedAt));
    if (before && before.score === row.score && before.comment === comment) continue;
    if (before) updated += 1;
    else created += 1;
    writes.push({
      accountExternalId: row.accountExternalId,
      respondentEmail: email,
      respondedAt: row.respondedAt,
      score: row.score,
      comment,
      receivedAt: now,
    });
  }
  return { writes, created, updated, unchanged: rows.length - created - updated };
}
