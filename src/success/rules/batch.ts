// A batch of customer-success data (accounts, daily product usage, NPS answers) checked before anything is
// stored: every problem of every row (type, range, date, Slack ID, a duplicate key in the batch, an
// unknown account), each with the row's index, the field and the reason an API client or an importer
// reads. Pure: which accounts exist is given (the ingest use case reads them).
//
// Semantics of a row:
// - accounts: upsert by externalId. A field left out (or an empty string) keeps its stored value; null
//   clears it. `attributes` replaces the stored object. A new account, or a change of seats or ARR,
//   records an AccountFigure row (the history the account growth component reads).
// - usage: one row per account and day; a re-sent day replaces it (left-out featuresUsed/events mean
//   none). AccountFeature keeps each feature's first and last day seen.
// - nps: one answer per account, respondent email ("" when not given) and answer time; re-sending
//   updates score and comment.
// Text a database cannot store (U+0000, an unpaired surrogate) is cleaned out of names, comments, feature
// and event names and attributes; an ID or email holding it is a problem of its field (src/shared/text.ts).
import { z } from "zod";
import { DomainError } from "../../shared/errors.ts";
import { cleanStrings, cleanText, isCleanText } from "../../shared/text.ts";

export const BATCH_KINDS = ["accounts", "usage", "nps"] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];

/** The key under which each kind's JSON body carries its rows. */
export const BATCH_KEYS: Record<BatchKind, string> = { accounts: "accounts", usage: "usage", nps: "responses" };

/** What one row of each kind is called. */
export const ROW_NOUNS: Record<BatchKind, string> = { accounts: "account", usage: "usage row", nps: "NPS response" };

export interface Problem {
  /** The row's position in the batch (0-based). */
  index: number;
  /** The field at fault ("events.uploads" for a nested one; "row" for the row as a whole). */
  field: string;
  reason: string;
}

export interface IngestSummary {
  kind: BatchKind;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** A batch with problems: nothing of it was stored. The adapters say so in their own words. */
export class InvalidBatch extends DomainError<"batch.invalid"> {
  constructor(
    readonly kind: BatchKind,
    readonly rowCount: number,
    readonly problems: Problem[],
  ) {
    super("batch.invalid", { kind, rowCount, badRows: new Set(problems.map((p) => p.index)).size, problemCount: problems.length });
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
  z
    .string(expected(what))
    .overwrite(cleanText)
    .trim()
    .min(1, `must not be empty: give ${what}`)
    .max(max, `must be at most ${max} characters long`);

const STORABLE = { error: "must not hold U+0000 or an unpaired UTF-16 surrogate", abort: true } as const;

/** An identifier: refused, not changed, when it holds what no database can store. */
const id = (what: string, max: number) =>
  z
    .string(expected(what))
    .refine(isCleanText, STORABLE)
    .trim()
    .min(1, `must not be empty: give ${what}`)
    .max(max, `must be at most ${max} characters long`);

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
  .refine(isCleanText, STORABLE)
  .trim()
  .toLowerCase()
  .max(320, "must be at most 320 characters long")
  .refine((v) => EMAIL.test(v), { error: (issue) => `must be an email address such as ana@acme.com, not ${show(issue.input)}` });

/** How deep attributes may nest: `{"region": "EMEA"}` is 1 level, `{"plan": {"name": "gold"}}` 2. */
export const MAX_ATTRIBUTE_DEPTH = 10;

/** Whether objects and lists nest at most `max` levels in `value` (counted without recursion, so any depth is safe). */
export function nestsWithin(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > max) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return true;
}

/** The largest attributes an account keeps, as JSON characters (the API's, the import's and Segment's traits'). */
export const MAX_ATTRIBUTES_JSON = 20_000;

const attributes = z
  .record(z.string(), z.unknown(), expected('an object of attributes such as {"region": "EMEA"}'))
  .refine((v) => nestsWithin(v, MAX_ATTRIBUTE_DEPTH), {
    error: `must nest at most ${MAX_ATTRIBUTE_DEPTH} levels of objects and lists: flatten the attributes`,
    abort: true,
  })
  .overwrite(cleanStrings)
  .refine(
    (v) => JSON.stringify(v).length <= MAX_ATTRIBUTES_JSON,
    `must be at most ${MAX_ATTRIBUTES_JSON.toLocaleString("en-US")} characters as JSON: keep attributes small`,
  );

const accountSchema = z.strictObject({
  externalId: id("the account's ID in your CRM", 200),
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
  customerSince: day.nullable().optional(),
  csmSlackUserId: slackUserId.nullable().optional(),
  alertChannel: slackChannelId.nullable().optional(),
  attributes: attributes.nullable().optional(),
});

/** The latest day usage may be sent for: tomorrow in UTC (clients a time zone ahead may be there). */
const latestDay = (now: Date) => new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);

const usageSchema = (now: Date) =>
  z.strictObject({
    accountExternalId: id("the account's externalId", 200),
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
    accountExternalId: id("the account's externalId", 200),
    score: wholeNumber("the score, a whole number from 0 to 10", 10),
    comment: z
      .string(expected("text"))
      .overwrite(cleanText)
      .trim()
      .max(10_000, "must be at most 10,000 characters long")
      .nullable()
      .optional(),
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
export type RowOf<K extends BatchKind> = K extends "accounts" ? AccountInput : K extends "usage" ? UsageInput : NpsInput;

// ------------------------------------------------------------------ checks

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

/**
 * Every problem of the batch that the rows show by themselves: each row's own, then duplicates within
 * the batch. `rows` holds each row's parsed value (null for a row that is not valid on its own).
 */
export function checkRows<K extends BatchKind>(kind: K, items: unknown[], now: Date): { rows: (RowOf<K> | null)[]; problems: Problem[] } {
  const { rows, problems } = validateRows(kind, items, now);
  const firstIndex = new Map<string, number>();
  rows.forEach((row, index) => {
    if (!row) return;
    const { key, field, describe } = batchKey(kind, row);
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else problems.push({ index, field, reason: `repeats ${describe}, already at index ${first} of this batch: send each once` });
  });
  return { rows, problems };
}

const accountOf = (item: unknown): string | null => {
  const id = item && typeof item === "object" ? (item as Record<string, unknown>).accountExternalId : undefined;
  // An ID no database can look up is its row's problem (id() above), not an account to look for.
  return typeof id === "string" && id.trim() && isCleanText(id) ? id.trim() : null;
};

/** The accounts a usage or NPS batch refers to (also in rows with other problems); none for accounts. */
export function referencedAccounts(kind: BatchKind, items: unknown[]): string[] {
  if (kind === "accounts") return [];
  return [...new Set(items.map(accountOf).filter((id): id is string => id !== null))];
}

/** A problem for each row that refers to an account not in `known`. */
export function unknownAccountProblems(kind: BatchKind, items: unknown[], known: ReadonlySet<string>): Problem[] {
  if (kind === "accounts") return [];
  const problems: Problem[] = [];
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
  return problems;
}

/**
 * validateBatch for one chunk of a batch read in parts (a file too large to hold whole): `items` are the
 * batch's rows `offset`… and `earlier` holds a problem list found before validation (chunk indexes, such as
 * the CSV's own). `seen` carries each valid row's key and batch index from chunk to chunk, so a row repeating
 * one of an earlier chunk is a problem too. Problem indexes are the batch's.
 */
export function validateChunk<K extends BatchKind>(
  kind: K,
  items: unknown[],
  chunk: { offset: number; seen: Map<string, number>; earlier?: Problem[] },
  now: Date,
  knownAccounts: ReadonlySet<string>,
): Validated<K> {
  const { offset, seen } = chunk;
  const { rows, problems } = validateRows(kind, items, now);
  rows.forEach((row, index) => {
    if (!row) return;
    const { key, field, describe } = batchKey(kind, row);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, offset + index);
    else problems.push({ index, field, reason: `repeats ${describe}, already at index ${first} of this batch: send each once` });
  });
  problems.push(...unknownAccountProblems(kind, items, knownAccounts), ...(chunk.earlier ?? []));
  problems.sort((a, b) => a.index - b.index); // stable
  return { rows: problems.length ? [] : (rows as RowOf<K>[]), problems: problems.map((p) => ({ ...p, index: p.index + offset })) };
}

/**
 * Every problem of the batch, given the accounts that exist: each row's own, duplicates within the batch
 * and (usage, nps) unknown accounts, by row (a row's problems keep the order of its fields). `rows` holds
 * the valid rows, in order, when `problems` is empty.
 */
export function validateBatch<K extends BatchKind>(kind: K, items: unknown[], now: Date, knownAccounts: ReadonlySet<string>): Validated<K> {
  const { rows, problems } = checkRows(kind, items, now);
  problems.push(...unknownAccountProblems(kind, items, knownAccounts));
  problems.sort((a, b) => a.index - b.index); // stable
  return { rows: problems.length ? [] : (rows as RowOf<K>[]), problems };
}
