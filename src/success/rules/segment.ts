// Segment's HTTP Tracking API calls (identify, group, track; page, screen and alias are taken and not
// used), read into what customer success keeps of them. Pure: `now` is a parameter.
//
// - identify: the user's traits, and the account in context.groupId when there is one.
// - group: the account groupId names (externalId), with the traits mapped below, and the other traits
//   with a text, number or true/false value as its attributes (region, industry...); a userId joins the
//   user to it, so their later track calls count for it.
// - track: one event of a user (userId, else anonymousId) on a day (the call's timestamp, in UTC), for
//   the account in context.groupId, else the one the user was grouped into.
//
// A call that cannot be read is a problem of its own (its index and the reason): the other calls of a
// batch are still taken. A trait that cannot be read (seats: "many") is left out and named, and the rest of
// the call is taken.
import { cleanStrings, cleanText, isCleanText } from "../../shared/text.ts";
import { MAX_ATTRIBUTES_JSON, parseInstant } from "./batch.ts";

export const SEGMENT_TYPES = ["identify", "group", "track", "page", "screen", "alias"] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** The account fields a group call's traits may set (the same meaning as POST /api/v1/accounts). */
export interface GroupTraits {
  name?: string;
  domain?: string;
  tier?: string;
  arr?: number;
  seats?: number;
  renewalDate?: string;
  customerSince?: string;
  /** The other traits with a text, number or true/false value, kept as the account's attributes (merged into the stored ones). */
  attributes?: Record<string, string | number | boolean>;
}

interface Common {
  /** null: the call carries none (it cannot be recognised when replayed). */
  messageId: string | null;
  /** userId, else anonymousId. */
  userId: string | null;
}

export type SegmentCall =
  | (Common & { type: "identify"; userId: string; traits: Record<string, unknown>; groupId: string | null })
  | (Common & {
      type: "group";
      groupId: string;
      account: GroupTraits;
      /** The CSM's email, to be found in Slack. */
      csmEmail: string | null;
      /** Traits that were there but could not be read, with why. */
      unreadTraits: string[];
    })
  | (Common & { type: "track"; userId: string; event: string; groupId: string | null; date: string })
  | (Common & { type: "page" | "screen" | "alias" });

export type ReadCall = { call: SegmentCall } | { problem: string };

const MAX_ID = 200;
const MAX_EVENT = 200;
const MAX_TRAITS_JSON = 20_000;
const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** An ID as Segment sends it: a string (or a number); null when absent or empty, "bad" when it cannot be one. */
function readId(value: unknown): string | null | "bad" {
  if (value === undefined || value === null) return null;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return "bad";
  const id = value.trim();
  if (!id) return null;
  return id.length > MAX_ID || !isCleanText(id) ? "bad" : id;
}

/** Trait keys compared without case, spaces, dashes or underscores: "Renewal Date" is renewal_date is renewalDate. */
const normal = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The first trait present among `keys` (normalised), with the key it was sent under. */
function trait(traits: Record<string, unknown>, keys: string[]): { key: string; value: unknown } | null {
  for (const wanted of keys) {
    for (const [key, value] of Object.entries(traits)) {
      if (normal(key) === wanted && value !== undefined && value !== null && value !== "") return { key, value };
    }
  }
  return null;
}

/** A number sent as a number or as text ("12,000.50" and "$1200" too). */
function readNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  const text = value
    .trim()
    .replace(/^[$€£]/, "")
    .replace(/,/g, "");
  if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}

/** A day from a date, an ISO date-time (its UTC day) or epoch milliseconds. */
function readDay(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? null : at.toISOString().slice(0, 10);
  }
  if (typeof value !== "string") return null;
  return parseInstant(value.trim())?.toISOString().slice(0, 10) ?? null;
}

/** The domain of "acme.com", "https://www.acme.com/about" or "www.acme.com". */
function readDomain(value: unknown): string | null {
  if (typeof value !== "string") return null;
  let text = value.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) {
    try {
      text = new URL(text).hostname;
    } catch {
      return null;
    }
  }
  text = text.replace(/\/.*$/, "").replace(/^www\./, "");
  return DOMAIN.test(text) ? text : null;
}

const readText = (value: unknown, max: number): string | null => {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const text = cleanText(String(value)).trim();
  return text && text.length <= max ? text : null;
};

/** Which traits set which account field (normalised keys, first found wins). */
export const GROUP_TRAIT_KEYS = {
  name: ["name", "companyname", "accountname"],
  domain: ["domain", "website"],
  tier: ["plan", "tier", "planname"],
  arr: ["arr", "annualrecurringrevenue"],
  mrr: ["mrr", "monthlyrecurringrevenue"],
  seats: ["seats", "licensedseats", "seatcount", "licenses"],
  renewalDate: ["renewaldate", "renewalat", "renewsat", "renewal", "contractend", "contractenddate", "contractendsat", "contractendat"],
  // Segment's reserved group trait createdAt is "the date the group's account was first created".
  customerSince: ["customersince", "createdat", "customerstartdate", "contractstart", "contractstartdate", "startdate"],
  csmEmail: ["csmemail", "csm", "customersuccessmanageremail", "customersuccessmanager", "accountmanageremail"],
} as const;

/** The account fields of a group call's traits, the CSM's email, and the traits that could not be read. */
export function groupTraits(traits: Record<string, unknown>): { account: GroupTraits; csmEmail: string | null; unread: string[] } {
  const account: GroupTraits = {};
  const unread: string[] = [];
  const take = <T>(keys: readonly string[], read: (v: unknown) => T | null, why: string, set: (v: T) => void) => {
    const found = trait(traits, [...keys]);
    if (!found) return;
    const value = read(found.value);
    if (value === null) unread.push(`${found.key}: ${why}`);
    else set(value);
  };
  take(
    GROUP_TRAIT_KEYS.name,
    (v) => readText(v, 500),
    "must be text of at most 500 characters",
    (v) => (account.name = v),
  );
  take(GROUP_TRAIT_KEYS.domain, readDomain, "must be a domain name such as acme.com", (v) => (account.domain = v));
  take(
    GROUP_TRAIT_KEYS.tier,
    (v) => readText(v, 100),
    "must be text of at most 100 characters",
    (v) => (account.tier = v),
  );
  const money = (v: unknown) => {
    const n = readNumber(v);
    return n !== null && n >= 0 && n <= 1e15 ? n : null;
  };
  take(GROUP_TRAIT_KEYS.arr, money, "must be a number, 0 or more", (v) => (account.arr = v));
  if (account.arr === undefined)
    take(GROUP_TRAIT_KEYS.mrr, money, "must be a number, 0 or more", (v) => (account.arr = Math.round(v * 12 * 100) / 100));
  const seats = (v: unknown) => {
    const n = readNumber(v);
    return n !== null && Number.isInteger(n) && n >= 0 && n <= 2_147_483_647 ? n : null;
  };
  take(GROUP_TRAIT_KEYS.seats, seats, "must be a whole number, 0 or more", (v) => (account.seats = v));
  take(GROUP_TRAIT_KEYS.renewalDate, readDay, "must be a date such as 2027-03-31", (v) => (account.renewalDate = v));
  take(GROUP_TRAIT_KEYS.customerSince, readDay, "must be a date such as 2024-05-01", (v) => (account.customerSince = v));
  let csmEmail: string | null = null;
  take(
    GROUP_TRAIT_KEYS.csmEmail,
    (v) => (typeof v === "string" && EMAIL.test(v.trim()) && v.trim().length <= 320 && isCleanText(v) ? v.trim().toLowerCase() : null),
    "must be an email address",
    (v) => (csmEmail = v),
  );
  const attributes = otherTraits(traits, unread);
  if (attributes) account.attributes = attributes;
  return { account, csmEmail, unread };
}

/** Traits never kept as attributes: contact details and free text, which no health check groups by. */
const NOT_ATTRIBUTES = new Set(["email", "phone", "avatar", "address", "description", "id"]);
const MAPPED_TRAITS = new Set<string>(Object.values(GROUP_TRAIT_KEYS).flat());
const MAX_ATTRIBUTE_KEY = 100;
const MAX_ATTRIBUTE_TEXT = 500;
const MAX_ATTRIBUTES_A_CALL = 100;

/**
 * The traits no account field takes, as attributes (region, industry, employees...: the health model groups
 * an account with its peers by one of them, peerAttribute): text (trimmed, at most 500 characters), numbers
 * and true/false, under the key as sent. Lists and objects are not kept; what cannot be kept is named.
 */
function otherTraits(traits: Record<string, unknown>, unread: string[]): Record<string, string | number | boolean> | null {
  const out: Record<string, string | number | boolean> = {};
  let count = 0;
  for (const [key, value] of Object.entries(traits)) {
    const n = normal(key);
    if (!n || MAPPED_TRAITS.has(n) || NOT_ATTRIBUTES.has(n) || value === undefined || value === null || value === "") continue;
    const name = cleanText(key).trim();
    if (name.length > MAX_ATTRIBUTE_KEY) {
      unread.push(`${name.slice(0, 40)}…: a trait's name must be at most ${MAX_ATTRIBUTE_KEY} characters to be kept`);
      continue;
    }
    let kept: string | number | boolean | null = null;
    if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) kept = value;
    else if (typeof value === "string") {
      const text = cleanText(value).trim();
      if (!text) continue;
      if (text.length > MAX_ATTRIBUTE_TEXT) {
        unread.push(`${name}: must be text of at most ${MAX_ATTRIBUTE_TEXT} characters to be kept`);
        continue;
      }
      kept = text;
    }
    if (kept === null) {
      unread.push(`${name}: a list or an object is not kept (send text, a number or true/false)`);
      continue;
    }
    if (++count > MAX_ATTRIBUTES_A_CALL) {
      unread.push(`${name}: at most ${MAX_ATTRIBUTES_A_CALL} other traits a call are kept`);
      continue;
    }
    out[name] = kept;
  }
  return count > 0 ? out : null;
}

/**
 * The account's attributes after a group call's: the stored ones (canonical JSON; null: none) with the
 * call's traits over them; a problem when the result would be over MAX_ATTRIBUTES_JSON (then the stored
 * ones are kept).
 */
export function withTraits(
  stored: string | null,
  traits: Record<string, string | number | boolean>,
): { attributes: Record<string, unknown> } | { problem: string } {
  let before: unknown;
  try {
    before = stored === null ? null : JSON.parse(stored);
  } catch {
    before = null;
  }
  const attributes = { ...(isObject(before) ? before : {}), ...traits };
  const size = JSON.stringify(attributes).length;
  return size > MAX_ATTRIBUTES_JSON
    ? {
        problem: `the account's attributes with these traits would be ${size.toLocaleString("en-US")} characters as JSON, over ${MAX_ATTRIBUTES_JSON.toLocaleString("en-US")}: the traits were not kept`,
      }
    : { attributes };
}

/** How many days of track calls are kept to recompute a day from (older days are no longer taken). */
export const SEGMENT_ACTIVITY_DAYS = 400;

/** The first day a track call may be for. */
export const oldestTrackDay = (now: Date) => new Date(now.getTime() - SEGMENT_ACTIVITY_DAYS * 86_400_000).toISOString().slice(0, 10);

/** The day a call happened: its timestamp (or originalTimestamp, sentAt), else now; never after now. */
function callDay(raw: Record<string, unknown>, now: Date): string | "bad" {
  const sent = raw.timestamp ?? raw.originalTimestamp ?? raw.sentAt;
  if (sent === undefined || sent === null || sent === "") return now.toISOString().slice(0, 10);
  const at = typeof sent === "string" ? parseInstant(sent.trim()) : null;
  if (!at) return "bad";
  return (at.getTime() > now.getTime() ? now : at).toISOString().slice(0, 10);
}

/**
 * One call of a request. `type` is the path's (/api/v1/segment/track) when there is one, else the call's;
 * `shared` is a batch's own context, which each call's context completes.
 */
export function readSegmentCall(raw: unknown, now: Date, type?: string, shared?: Record<string, unknown>): ReadCall {
  if (!isObject(raw)) return { problem: "a call must be a JSON object" };
  const kind = type ?? raw.type;
  if (typeof kind !== "string" || !(SEGMENT_TYPES as readonly string[]).includes(kind))
    return { problem: `type must be one of ${SEGMENT_TYPES.join(", ")}, not ${JSON.stringify(kind ?? null)}` };
  const messageId = readId(raw.messageId);
  if (messageId === "bad") return { problem: `messageId must be text of at most ${MAX_ID} characters` };
  const userId = readId(raw.userId);
  const anonymousId = readId(raw.anonymousId);
  if (userId === "bad" || anonymousId === "bad") return { problem: `userId and anonymousId must be text of at most ${MAX_ID} characters` };
  const user = userId ?? anonymousId;
  const context = { ...(shared ?? {}), ...(isObject(raw.context) ? raw.context : {}) };
  const contextGroup = readId(context.groupId);
  if (contextGroup === "bad") return { problem: `context.groupId must be text of at most ${MAX_ID} characters` };
  const common = { messageId, userId: user };

  if (kind === "group") {
    const groupId = readId(raw.groupId);
    if (groupId === null || groupId === "bad") return { problem: `a group call needs a groupId: text of at most ${MAX_ID} characters` };
    const traits = isObject(raw.traits) ? raw.traits : {};
    const { account, csmEmail, unread } = groupTraits(traits);
    return { call: { type: "group", ...common, groupId, account, csmEmail, unreadTraits: unread } };
  }
  if (kind === "identify" || kind === "track") {
    if (user === null) return { problem: `an ${kind} call needs a userId or an anonymousId` };
    if (kind === "identify") {
      const traits = isObject(raw.traits) ? cleanStrings(raw.traits) : {};
      if (JSON.stringify(traits).length > MAX_TRAITS_JSON)
        return { problem: `traits must be at most ${MAX_TRAITS_JSON.toLocaleString("en-US")} characters as JSON` };
      return { call: { type: "identify", ...common, userId: user, traits, groupId: contextGroup } };
    }
    const event = readText(raw.event, MAX_EVENT);
    if (event === null) return { problem: `a track call needs an event: its name, at most ${MAX_EVENT} characters` };
    const date = callDay(raw, now);
    if (date === "bad") return { problem: "timestamp must be an ISO 8601 date-time such as 2026-01-31T09:00:00.000Z" };
    if (date < oldestTrackDay(now))
      return {
        problem: `timestamp is more than ${SEGMENT_ACTIVITY_DAYS} days ago: send usage that old through POST /api/v1/usage`,
      };
    return { call: { type: "track", ...common, userId: user, event, groupId: contextGroup, date } };
  }
  return { call: { type: kind as "page" | "screen" | "alias", ...common } };
}

export interface DailyActivity {
  accountExternalId: string;
  date: string;
  /** The distinct users seen, and the count of each event. */
  users: Set<string>;
  events: Map<string, number>;
  /** The messageIds of its track calls (those that have one). */
  messageIds: string[];
}

export const dayKey = (accountExternalId: string, date: string) => `${accountExternalId}\u0000${date}`;

/**
 * Who belongs to which account after the calls, in order: `known` holds the stored links of the calls'
 * users; a group call with a userId, and an identify call with context.groupId, link a user. Answers the
 * track calls' activity by account and day, the tracks no account could be found for, and the links made.
 */
export function foldCalls(
  calls: SegmentCall[],
  known: ReadonlyMap<string, string>,
): { activity: Map<string, DailyActivity>; unplaced: number; unplacedIds: string[]; links: Map<string, string> } {
  const links = new Map<string, string>();
  const accountOf = (userId: string) => links.get(userId) ?? known.get(userId) ?? null;
  const activity = new Map<string, DailyActivity>();
  let unplaced = 0;
  const unplacedIds: string[] = [];
  for (const call of calls) {
    if (call.type === "group" && call.userId) links.set(call.userId, call.groupId);
    else if (call.type === "identify" && call.groupId) links.set(call.userId, call.groupId);
    else if (call.type === "track") {
      const account = call.groupId ?? accountOf(call.userId);
      if (!account) {
        unplaced += 1;
        if (call.messageId) unplacedIds.push(call.messageId);
        continue;
      }
      const key = dayKey(account, call.date);
      let day = activity.get(key);
      if (!day)
        activity.set(key, (day = { accountExternalId: account, date: call.date, users: new Set(), events: new Map(), messageIds: [] }));
      day.users.add(call.userId);
      day.events.set(call.event, (day.events.get(call.event) ?? 0) + 1);
      if (call.messageId) day.messageIds.push(call.messageId);
    }
  }
  return { activity, unplaced, unplacedIds, links };
}

/** The group calls' traits by groupId, a later call's traits over an earlier one's. */
export function mergeGroups(calls: SegmentCall[]): Map<string, { account: GroupTraits; csmEmail: string | null }> {
  const groups = new Map<string, { account: GroupTraits; csmEmail: string | null }>();
  for (const call of calls) {
    if (call.type !== "group") continue;
    const before = groups.get(call.groupId);
    const attributes =
      before?.account.attributes && call.account.attributes
        ? { attributes: { ...before.account.attributes, ...call.account.attributes } }
        : {};
    groups.set(call.groupId, {
      account: { ...(before?.account ?? {}), ...call.account, ...attributes },
      csmEmail: call.csmEmail ?? before?.csmEmail ?? null,
    });
  }
  return groups;
}
