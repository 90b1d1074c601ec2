// Customer-success data in: accounts, daily product usage and NPS answers. A batch is validated whole
// first (every problem of every row: type, range, date, Slack ID, duplicate key in the batch, unknown
// account) and stored only when it has none, in one transaction of chunked multi-row upserts. Re-sending
// a batch changes nothing. Knows nothing of HTTP or CSV: the API routes and the import script call it.
//
// Semantics of a row:
// - accounts: upsert by externalId. A field left out (or an empty string) keeps its stored value; null
//   clears it. `attributes` replaces the stored object. A new account, or a change of seats or ARR,
//   records an AccountFigure row (the history the account growth component reads).
// - usage: one row per account and day; a re-sent day replaces it (left-out featuresUsed/events mean
//   none). AccountFeature keeps each feature's first and last day seen.
// - nps: one answer per account, respondent email ("" when not given) and answer time; re-sending
//   updates score and comment.
import { z } from "zod";
import type { Database, Provider, Tx } from "../../platform/db/client.ts";
import { execute, valuesList } from "../../platform/db/sql.ts";
import { keyEventCount, type HealthConfig } from "../rules/health-config.ts";

export const BATCH_KINDS = ["accounts", "usage", "nps"] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];

/** The key under which each kind's JSON body carries its rows. */
export const BATCH_KEYS: Record<BatchKind, string> = { accounts: "accounts", usage: "usage", nps: "responses" };

const ROW_NOUNS: Record<BatchKind, string> = { accounts: "account", usage: "usage row", nps: "NPS response" };

export interface Problem {
  /** The row's position in the batch (0-based). */
  index: number;
  /** The field at fault ("events.uploads" for a nested one; "row" for the row as a whole). */
  field: string;
  reason: string;
}

export interface IngestContext {
  now: Date;
  healthConfig: Pick<HealthConfig, "keyEvents">;
}

export interface IngestSummary {
  kind: BatchKind;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** A batch with problems: nothing of it was stored. */
export class InvalidBatch extends Error {
  constructor(
    readonly kind: BatchKind,
    readonly rowCount: number,
    readonly problems: Problem[],
  ) {
    const bad = new Set(problems.map((p) => p.index)).size;
    super(
      `${bad} of ${rowCount} ${ROW_NOUNS[kind]}${rowCount === 1 ? "" : "s"} ${bad === 1 ? "has" : "have"} problems, so nothing was stored: ` +
        "fix every row listed and send the whole batch again",
    );
  }
}

// ------------------------------------------------------------------ field schemas

const MAX_INT = 2_147_483_647;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL = /^[CG][A-Z0-9]{2,}$/;
const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A value as it appears in an error message. */
function show(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return String(value);
}

/** zod's error option: "is required" when missing, else what was expected and what came. */
const expected = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? `is required: give ${what}` : `must be ${what}, not ${show(issue.input)}`,
});

const text = (what: string, max: number) =>
  z.string(expected(what)).trim().min(1, `must not be empty: give ${what}`).max(max, `must be at most ${max} characters long`);

const wholeNumber = (what: string, max = MAX_INT) =>
  z
    .number(expected(what))
    .int({ error: (issue) => `must be a whole number, not ${show(issue.input)}` })
    .min(0, { error: (issue) => `must be 0 or more, not ${show(issue.input)}` })
    .max(max, { error: (issue) => `must be at most ${max.toLocaleString("en-US")}, not ${show(issue.input)}` });

function isRealDay(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1900 && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

const day = z
  .string(expected("a date as YYYY-MM-DD, for example 2026-01-31"))
  .trim()
  .refine(isRealDay, {
    error: (issue) => `must be a real date as YYYY-MM-DD, for example 2026-01-31, not ${show(issue.input)}`,
    abort: true,
  });

/** An ISO date-time (without an offset it is UTC) or a date (midnight UTC); null when not one. */
export function parseInstant(value: string): Date | null {
  if (isRealDay(value)) return new Date(`${value}T00:00:00Z`);
  const m = DATE_TIME.exec(value);
  if (!m || !isRealDay(`${m[1]}-${m[2]}-${m[3]}`) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return null;
  const offset = m[8] ? (m[8].toUpperCase() === "Z" ? "Z" : m[8].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")) : "Z";
  const at = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${(m[7] ?? "").slice(0, 4)}${offset}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

const instant = z.string(expected("an ISO date-time such as 2026-01-31T09:00:00Z")).transform((value, ctx) => {
  const at = parseInstant(value.trim());
  if (at) return at;
  ctx.addIssue({
    code: "custom",
    message: `must be an ISO date-time such as 2026-01-31T09:00:00Z (or 2026-01-31T10:00:00+01:00), not ${show(value)}`,
  });
  return z.NEVER;
});

const slackUserId = z
  .string(expected("a Slack user ID such as U0123ABCD"))
  .trim()
  .refine((v) => SLACK_USER.test(v), {
    error: (issue) =>
      `must be a Slack user ID such as U0123ABCD (in Slack: the person's profile → ⋮ → Copy member ID), not ${show(issue.input)}`,
  });

const slackChannelId = z
  .string(expected("a Slack channel ID such as C0123ABCD"))
  .trim()
  .refine((v) => SLACK_CHANNEL.test(v), {
    error: (issue) =>
      `must be a Slack channel ID such as C0123ABCD (in Slack: the channel's details → About, at the bottom), not a name like #alerts: got ${show(issue.input)}`,
  });

const domain = z
  .string(expected("a domain name such as acme.com"))
  .trim()
  .toLowerCase()
  .refine((v) => DOMAIN.test(v), {
    error: (issue) => `must be a domain name such as acme.com (no https:// and no path), not ${show(issue.input)}`,
  });

const email = z
  .string(expected("an email address"))
  .trim()
  .toLowerCase()
  .max(320, "must be at most 320 characters long")
  .refine((v) => EMAIL.test(v), { error: (issue) => `must be an email address such as ana@acme.com, not ${show(issue.input)}` });

const attributes = z
  .record(z.string(), z.unknown(), expected('an object of attributes such as {"region": "EMEA"}'))
  .refine((v) => JSON.stringify(v).length <= 20_000, "must be at most 20,000 characters as JSON: keep attributes small");

const accountSchema = z.strictObject({
  externalId: text("the account's ID in your CRM", 200),
  name: text("the account's name", 500),
  domain: domain.nullable().optional(),
  tier: text("a tier name such as enterprise", 100).nullable().optional(),
  arr: z
    .number(expected("the annual recurring revenue as a number"))
    .min(0, { error: (issue) => `must be 0 or more, not ${show(issue.input)}` })
    .max(1e15, { error: (issue) => `is too large (${show(issue.input)})` })
    .nullable()
    .optional(),
  seats: wholeNumber("the number of licensed seats").nullable().optional(),
  renewalDate: day.nullable().optional(),
  csmSlackUserId: slackUserId.nullable().optional(),
  alertChannel: slackChannelId.nullable().optional(),
  attributes: attributes.nullable().optional(),
});

/** The latest day usage may be sent for: tomorrow in UTC (clients a time zone ahead may be there). */
const latestDay = (now: Date) => new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);

const usageSchema = (now: Date) =>
  z.strictObject({
    accountExternalId: text("the account's externalId", 200),
    date: day.refine((v) => v <= latestDay(now), {
      error: (issue) => `is in the future (${show(issue.input)}): send usage for days that have passed`,
    }),
    activeUsers: wholeNumber("the number of active users that day"),
    featuresUsed: z
      .array(text("a feature name", 200), expected('a list of feature names such as ["reports", "exports"]'))
      .max(1000, "must list at most 1,000 features")
      .nullable()
      .optional(),
    events: z
      .record(
        text("an event name", 200),
        wholeNumber("a count of events", 1_000_000_000),
        expected('an object of event counts such as {"uploads": 12}'),
      )
      .refine((v) => Object.keys(v).length <= 1000, "must have at most 1,000 events")
      .refine(
        (v) => Object.values(v).reduce((sum, n) => sum + n, 0) <= MAX_INT,
        `must add up to at most ${MAX_INT.toLocaleString("en-US")} a day`,
      )
      .nullable()
      .optional(),
  });

const npsSchema = (now: Date) =>
  z.strictObject({
    accountExternalId: text("the account's externalId", 200),
    score: wholeNumber("the score, a whole number from 0 to 10", 10),
    comment: z.string(expected("text")).trim().max(10_000, "must be at most 10,000 characters long").nullable().optional(),
    respondedAt: instant.refine((at) => at.getTime() <= now.getTime() + 86_400_000, {
      error: (issue) => `is in the future (${(issue.input as Date).toISOString()}): check the date and its time zone`,
    }),
    respondentEmail: email.nullable().optional(),
  });

const schemas = (now: Date) => ({ accounts: accountSchema, usage: usageSchema(now), nps: npsSchema(now) }) as const;
const FIELDS: Record<BatchKind, string> = Object.fromEntries(
  Object.entries(schemas(new Date())).map(([kind, schema]) => [kind, Object.keys(schema.shape).join(", ")]),
) as Record<BatchKind, string>;
const REQUIRED: Record<BatchKind, string[]> = {
  accounts: ["externalId", "name"],
  usage: ["accountExternalId", "date", "activeUsers"],
  nps: ["accountExternalId", "score", "respondedAt"],
};
const EXAMPLES: Record<BatchKind, string> = {
  accounts: '{"externalId": "acme", "name": "Acme"}',
  usage: '{"accountExternalId": "acme", "date": "2026-01-31", "activeUsers": 40}',
  nps: '{"accountExternalId": "acme", "score": 9, "respondedAt": "2026-01-31T09:00:00Z"}',
};

export type AccountInput = z.output<typeof accountSchema>;
export type UsageInput = z.output<ReturnType<typeof usageSchema>>;
export type NpsInput = z.output<ReturnType<typeof npsSchema>>;
type RowOf<K extends BatchKind> = K extends "accounts" ? AccountInput : K extends "usage" ? UsageInput : NpsInput;

// ------------------------------------------------------------------ validation

export interface Validated<K extends BatchKind> {
  rows: RowOf<K>[];
  problems: Problem[];
}

/** Empty strings (and blanks) in optional fields count as absent. */
function dropBlanks(kind: BatchKind, item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (typeof value === "string" && value.trim() === "" && !REQUIRED[kind].includes(key)) continue;
    out[key] = value;
  }
  return out;
}

function rowProblems(kind: BatchKind, index: number, issues: z.core.$ZodIssue[]): Problem[] {
  const fields = FIELDS[kind];
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        index,
        field: key,
        reason: `is not a field of ${ROW_NOUNS[kind] === "account" ? "an" : "a"} ${ROW_NOUNS[kind]}: check the spelling (the fields are ${fields})`,
      }));
    }
    return [{ index, field: issue.path.length ? issue.path.map(String).join(".") : "row", reason: issue.message }];
  });
}

/** Checks each row on its own (types, ranges, dates, IDs): no database. */
function validateRows<K extends BatchKind>(kind: K, items: unknown[], now: Date): { rows: (RowOf<K> | null)[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const schema = schemas(now)[kind];
  const rows = items.map((item, index): RowOf<K> | null => {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      problems.push({ index, field: "row", reason: `must be an object such as ${EXAMPLES[kind]}, not ${show(item)}` });
      return null;
    }
    const parsed = schema.safeParse(dropBlanks(kind, item as Record<string, unknown>));
    if (parsed.success) return parsed.data as RowOf<K>;
    problems.push(...rowProblems(kind, index, parsed.error.issues));
    return null;
  });
  return { rows, problems };
}

/** The key that must be unique within a batch, and the field to blame for a duplicate. */
function batchKey(kind: BatchKind, row: RowOf<BatchKind>): { key: string; field: string; describe: string } {
  if (kind === "accounts") {
    const a = row as AccountInput;
    return { key: a.externalId, field: "externalId", describe: `account "${a.externalId}"` };
  }
  if (kind === "usage") {
    const u = row as UsageInput;
    return { key: `${u.accountExternalId}\u0000${u.date}`, field: "date", describe: `usage of "${u.accountExternalId}" on ${u.date}` };
  }
  const n = row as NpsInput;
  const who = n.respondentEmail ? ` by ${n.respondentEmail}` : " without respondentEmail";
  return {
    key: `${n.accountExternalId}\u0000${n.respondentEmail ?? ""}\u0000${n.respondedAt.getTime()}`,
    field: "respondedAt",
    describe: `an answer for "${n.accountExternalId}"${who} at ${n.respondedAt.toISOString()}`,
  };
}

const CHUNK_IDS = 500;

/** The externalIds among `ids` that are stored accounts. */
async function existingAccountIds(db: Database, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK_IDS) {
    const rows = await db.client.account.findMany({
      where: { externalId: { in: ids.slice(i, i + CHUNK_IDS) } },
      select: { externalId: true },
    });
    for (const r of rows) found.add(r.externalId);
  }
  return found;
}

/**
 * Every problem of the batch: each row's own, duplicates within the batch and (usage, nps) accounts
 * that do not exist. `rows` holds the valid rows, in order, when `problems` is empty.
 */
export async function validateBatch<K extends BatchKind>(db: Database, kind: K, items: unknown[], now: Date): Promise<Validated<K>> {
  const { rows, problems } = validateRows(kind, items, now);

  const firstIndex = new Map<string, number>();
  rows.forEach((row, index) => {
    if (!row) return;
    const { key, field, describe } = batchKey(kind, row);
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else problems.push({ index, field, reason: `repeats ${describe}, already at index ${first} of this batch: send each once` });
  });

  if (kind !== "accounts") {
    // Also for rows with other problems, so that one answer lists everything to fix.
    const accountOf = (item: unknown) => {
      const id = item && typeof item === "object" ? (item as Record<string, unknown>).accountExternalId : undefined;
      return typeof id === "string" && id.trim() ? id.trim() : null;
    };
    const known = await existingAccountIds(db, [...new Set(items.map(accountOf).filter((id): id is string => id !== null))]);
    items.forEach((item, index) => {
      const id = accountOf(item);
      if (id && !known.has(id)) {
        problems.push({
          index,
          field: "accountExternalId",
          reason: `is not a known account ("${id}"): send the account first (POST /api/v1/accounts or npm run import -- accounts), or check the ID`,
        });
      }
    });
  }

  problems.sort((a, b) => a.index - b.index); // stable: a row's problems keep the order of its fields
  return { rows: problems.length ? [] : (rows as RowOf<K>[]), problems };
}

// ------------------------------------------------------------------ writes

/** Parameters per statement: well under SQLite's 32,766 and Postgres's 65,535. */
const MAX_PARAMS = 6000;

const q = (name: string) => `"${name}"`;

interface Upsert {
  table: string;
  columns: string[];
  conflict: string[];
  /** The SET clause of DO UPDATE (null: DO NOTHING). */
  set: string | null;
  /** Update only when this holds (skips no-op writes). */
  where?: string;
}

const fromExcluded = (columns: string[]) => columns.map((c) => `${q(c)} = excluded.${q(c)}`).join(", ");

/** INSERT ... ON CONFLICT DO UPDATE, many rows a statement (the same SQL on SQLite and Postgres). */
async function upsertMany(tx: Tx, provider: Provider, spec: Upsert, rows: unknown[][]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / spec.columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const action = spec.set ? `UPDATE SET ${spec.set}${spec.where ? ` WHERE ${spec.where}` : ""}` : "NOTHING";
    const sql = `INSERT INTO ${q(spec.table)} (${spec.columns.map(q).join(", ")}) VALUES ${valuesList(chunk.length, spec.columns.length)} ON CONFLICT (${spec.conflict.map(q).join(", ")}) DO ${action}`;
    await execute({ provider }, tx, sql, ...chunk.flat());
  }
}

function chunks<T>(items: T[], size = CHUNK_IDS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** JSON with object keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
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

const ACCOUNT_FIELDS = ["name", "domain", "tier", "arr", "seats", "renewalDate", "csmSlackUserId", "alertChannel", "attributes"] as const;
type AccountState = {
  [F in (typeof ACCOUNT_FIELDS)[number]]: F extends "name" ? string : F extends "arr" | "seats" ? number | null : string | null;
};

async function storeAccounts(
  tx: Tx,
  provider: Provider,
  rows: AccountInput[],
  now: Date,
): Promise<Omit<IngestSummary, "kind" | "received">> {
  const stored = new Map<string, AccountState & { createdAt: Date }>();
  for (const ids of chunks(rows.map((r) => r.externalId))) {
    for (const a of await tx.account.findMany({ where: { externalId: { in: ids } } })) stored.set(a.externalId, a);
  }
  const writes: unknown[][] = [];
  const figures: { accountExternalId: string; recordedAt: Date; seats: number | null; arr: number | null }[] = [];
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
    writes.push([row.externalId, ...ACCOUNT_FIELDS.map((f) => state[f]), before?.createdAt ?? now, now]);
    if (!before || before.seats !== state.seats || before.arr !== state.arr) {
      figures.push({ accountExternalId: row.externalId, recordedAt: now, seats: state.seats, arr: state.arr });
    }
  }
  await upsertMany(
    tx,
    provider,
    {
      table: "Account",
      columns: ["externalId", ...ACCOUNT_FIELDS, "createdAt", "updatedAt"],
      conflict: ["externalId"],
      set: fromExcluded([...ACCOUNT_FIELDS, "updatedAt"]),
    },
    writes,
  );
  if (figures.length) await tx.accountFigure.createMany({ data: figures });
  return { created, updated, unchanged: rows.length - created - updated };
}

async function storeUsage(
  tx: Tx,
  provider: Provider,
  rows: UsageInput[],
  context: IngestContext,
): Promise<Omit<IngestSummary, "kind" | "received">> {
  const dates = rows.map((r) => r.date).sort();
  const stored = new Map<string, { activeUsers: number; featuresUsed: string; events: string; keyEvents: number }>();
  for (const ids of chunks([...new Set(rows.map((r) => r.accountExternalId))])) {
    const found = await tx.usageDay.findMany({
      where: { accountExternalId: { in: ids }, date: { gte: dates[0], lte: dates[dates.length - 1] } },
      select: { accountExternalId: true, date: true, activeUsers: true, featuresUsed: true, events: true, keyEvents: true },
    });
    for (const u of found) stored.set(`${u.accountExternalId}\u0000${u.date}`, u);
  }
  const writes: unknown[][] = [];
  const features = new Map<string, { account: string; feature: string; first: string; last: string }>();
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    const featureList = [...new Set(row.featuresUsed ?? [])].sort();
    const events = row.events ?? {};
    const next = {
      activeUsers: row.activeUsers,
      featuresUsed: JSON.stringify(featureList),
      events: canonicalJson(events),
      keyEvents: keyEventCount(events, context.healthConfig),
    };
    for (const feature of featureList) {
      const key = `${row.accountExternalId}\u0000${feature}`;
      const seen = features.get(key);
      if (!seen) features.set(key, { account: row.accountExternalId, feature, first: row.date, last: row.date });
      else {
        if (row.date < seen.first) seen.first = row.date;
        if (row.date > seen.last) seen.last = row.date;
      }
    }
    const before = stored.get(`${row.accountExternalId}\u0000${row.date}`);
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
    writes.push([row.accountExternalId, row.date, next.activeUsers, next.featuresUsed, next.events, next.keyEvents, context.now]);
  }
  await upsertMany(
    tx,
    provider,
    {
      table: "UsageDay",
      columns: ["accountExternalId", "date", "activeUsers", "featuresUsed", "events", "keyEvents", "receivedAt"],
      conflict: ["accountExternalId", "date"],
      set: fromExcluded(["activeUsers", "featuresUsed", "events", "keyEvents", "receivedAt"]),
    },
    writes,
  );
  const [least, greatest] = provider === "postgres" ? ["LEAST", "GREATEST"] : ["MIN", "MAX"];
  await upsertMany(
    tx,
    provider,
    {
      table: "AccountFeature",
      columns: ["accountExternalId", "feature", "firstSeen", "lastSeen"],
      conflict: ["accountExternalId", "feature"],
      set: `"firstSeen" = ${least}("AccountFeature"."firstSeen", excluded."firstSeen"), "lastSeen" = ${greatest}("AccountFeature"."lastSeen", excluded."lastSeen")`,
      where: `excluded."firstSeen" < "AccountFeature"."firstSeen" OR excluded."lastSeen" > "AccountFeature"."lastSeen"`,
    },
    [...features.values()].map((f) => [f.account, f.feature, f.first, f.last]),
  );
  return { created, updated, unchanged: rows.length - created - updated };
}

async function storeNps(tx: Tx, provider: Provider, rows: NpsInput[], now: Date): Promise<Omit<IngestSummary, "kind" | "received">> {
  const times = rows.map((r) => r.respondedAt.getTime());
  const from = new Date(times.reduce((a, b) => Math.min(a, b)));
  const to = new Date(times.reduce((a, b) => Math.max(a, b)));
  const keyOf = (account: string, email: string, at: Date) => `${account}\u0000${email}\u0000${at.getTime()}`;
  const stored = new Map<string, { score: number; comment: string | null }>();
  for (const ids of chunks([...new Set(rows.map((r) => r.accountExternalId))])) {
    const found = await tx.npsResponse.findMany({
      where: { accountExternalId: { in: ids }, respondedAt: { gte: from, lte: to } },
      select: { accountExternalId: true, respondentEmail: true, respondedAt: true, score: true, comment: true },
    });
    for (const r of found) stored.set(keyOf(r.accountExternalId, r.respondentEmail, r.respondedAt), r);
  }
  const writes: unknown[][] = [];
  let created = 0;
  let updated = 0;
  for (const row of rows) {
    const email = row.respondentEmail ?? "";
    const comment = row.comment ? row.comment : null;
    const before = stored.get(keyOf(row.accountExternalId, email, row.respondedAt));
    if (before && before.score === row.score && before.comment === comment) continue;
    if (before) updated += 1;
    else created += 1;
    writes.push([row.accountExternalId, email, row.respondedAt, row.score, comment, now]);
  }
  await upsertMany(
    tx,
    provider,
    {
      table: "NpsResponse",
      columns: ["accountExternalId", "respondentEmail", "respondedAt", "score", "comment", "receivedAt"],
      conflict: ["accountExternalId", "respondentEmail", "respondedAt"],
      set: fromExcluded(["score", "comment", "receivedAt"]),
    },
    writes,
  );
  return { created, updated, unchanged: rows.length - created - updated };
}

/** Stores rows that passed `validateBatch`, all in one transaction. */
export async function storeBatch<K extends BatchKind>(
  db: Database,
  kind: K,
  rows: RowOf<K>[],
  context: IngestContext,
): Promise<IngestSummary> {
  if (rows.length === 0) return { kind, received: 0, created: 0, updated: 0, unchanged: 0 };
  const counts = await db.client.$transaction(
    (tx) => {
      if (kind === "accounts") return storeAccounts(tx, db.provider, rows as AccountInput[], context.now);
      if (kind === "usage") return storeUsage(tx, db.provider, rows as UsageInput[], context);
      return storeNps(tx, db.provider, rows as NpsInput[], context.now);
    },
    { timeout: 300_000, maxWait: 60_000 },
  );
  return { kind, received: rows.length, ...counts };
}

/** Validates the whole batch and stores it; InvalidBatch (nothing stored) when any row has a problem. */
export async function ingestBatch(db: Database, kind: BatchKind, items: unknown[], context: IngestContext): Promise<IngestSummary> {
  const { rows, problems } = await validateBatch(db, kind, items, context.now);
  if (problems.length) throw new InvalidBatch(kind, items.length, problems);
  return storeBatch(db, kind, rows, context);
}
