// Segment's HTTP Tracking API calls in (POST /api/v1/segment): group calls create or update accounts,
// identify calls keep users' traits and account, track calls become the account's daily usage (distinct
// active users, the events as features, the key events counted), written as UsageDay rows exactly like
// POST /api/v1/usage writes them, so the health check reads them the same way.
//
// Each call stands alone: one that cannot be read is counted as rejected (with why) and the others are
// taken. A call whose messageId was taken before (within 30 days) is skipped, so a replay counts once.
// Everything a request changes is written in one transaction; CSMs are looked up in Slack before it.
import type { Actor } from "../../shared/actor.ts";
import type { Tx } from "../../platform/db/transactor.ts";
import type { AccountInput, UsageInput } from "../rules/batch.ts";
import { accountChanges, usageChanges } from "../rules/batch-changes.ts";
import {
  foldCalls,
  mergeGroups,
  oldestTrackDay,
  readSegmentCall,
  withTraits,
  type DailyActivity,
  type SegmentCall,
} from "../rules/segment.ts";
import type { PeopleDirectory } from "../ports.ts";
import type { SegmentStore, SegmentUserWrite } from "../store/segment.ts";
import type { SuccessContext } from "./context.ts";

export type SegmentContext = Pick<SuccessContext, "access" | "tx" | "batches" | "clock" | "log" | "config"> & {
  segment: SegmentStore;
  people: PeopleDirectory;
};

/** How long a messageId is remembered. */
export const SEGMENT_MESSAGE_RETENTION_MS = 30 * 86_400_000;

export interface SegmentSummary {
  received: number;
  /** Calls taken (replays and rejected calls are not). */
  taken: number;
  /** Calls whose messageId was taken before (or earlier in the same request). */
  replayed: number;
  /** Calls that could not be read, with why. */
  rejected: { index: number; reason: string }[];
  /** Group calls taken with traits that could not be read (left out: the account keeps what it had), with why. */
  unreadTraits: { index: number; groupId: string; traits: string[] }[];
  /** Track calls of a user no account could be found for, or of an account that does not exist. */
  unplaced: number;
  accountsCreated: number;
  accountsUpdated: number;
  usageDays: number;
}

export async function ingestSegmentCalls(
  ctx: SegmentContext,
  actor: Actor,
  input: { calls: unknown[]; type?: string; context?: Record<string, unknown> },
): Promise<SegmentSummary> {
  await ctx.access.require(actor, "success");
  const now = ctx.clock.now();
  const rejected: SegmentSummary["rejected"] = [];
  const unreadTraits: SegmentSummary["unreadTraits"] = [];
  const read: SegmentCall[] = [];
  let replayed = 0;
  const inRequest = new Set<string>();
  input.calls.forEach((raw, index) => {
    const result = readSegmentCall(raw, now, input.type, input.context);
    if ("problem" in result) return void rejected.push({ index, reason: result.problem });
    const id = result.call.messageId;
    if (id !== null && inRequest.has(id)) return void (replayed += 1);
    if (id !== null) inRequest.add(id);
    if (result.call.type === "group" && result.call.unreadTraits.length)
      unreadTraits.push({ index, groupId: result.call.groupId, traits: result.call.unreadTraits });
    read.push(result.call);
  });
  const summary: SegmentSummary = {
    received: input.calls.length,
    taken: 0,
    replayed,
    rejected,
    unreadTraits,
    unplaced: 0,
    accountsCreated: 0,
    accountsUpdated: 0,
    usageDays: 0,
  };
  if (read.length === 0) return summary;

  // The CSMs named by group calls, found in Slack before the transaction (no network call inside it).
  const csms = new Map<string, string | null>();
  for (const email of new Set(read.flatMap((c) => (c.type === "group" && c.csmEmail ? [c.csmEmail] : [])))) {
    const userId = await ctx.people.slackUserIdByEmail(email);
    if (!userId) ctx.log.warn({ csmEmail: email }, "segment: no Slack user has this CSM email; the account keeps its CSM (none if new)");
    csms.set(email, userId);
  }

  await ctx.tx.transaction(async (tx) => {
    const withIds = read.filter((c) => c.messageId !== null);
    const fresh = withIds.length
      ? await ctx.segment.claimMessages(
          tx,
          withIds.map((c) => ({ messageId: c.messageId!, type: c.type })),
          now,
        )
      : new Set<string>();
    const calls = read.filter((c) => c.messageId === null || fresh.has(c.messageId));
    // Assigned, not added to: the transactor runs this again after a deadlock.
    summary.replayed = replayed + read.length - calls.length;
    summary.taken = calls.length;
    if (calls.length === 0) return;
    await storeGroups(ctx, tx, calls, csms, now, summary);
    const users = [...new Set(calls.flatMap((c) => (c.type === "track" && !c.groupId ? [c.userId] : [])))];
    const known = users.length ? await ctx.segment.userAccounts(tx, users) : new Map<string, string>();
    const { activity, unplaced, unplacedIds, links } = foldCalls(calls, known);
    await ctx.segment.writeUsers(tx, userWrites(calls, links), now);
    summary.unplaced = unplaced;
    const unused = await storeActivity(ctx, tx, [...activity.values()], now, summary);
    // A track call that counted for no account does not use up its messageId: sent again later, it counts.
    await ctx.segment.releaseMessages(tx, [...unplacedIds, ...unused]);
  });
  const pruned = await ctx.segment.prune(new Date(now.getTime() - SEGMENT_MESSAGE_RETENTION_MS), oldestTrackDay(now), now);
  if (pruned) ctx.log.info({ pruned }, "segment: messageIds older than 30 days and track activity older than 400 days forgotten");
  return summary;
}

/** Group calls create or update their accounts (a field no trait gives keeps its stored value). */
async function storeGroups(
  ctx: SegmentContext,
  tx: Tx,
  calls: SegmentCall[],
  csms: ReadonlyMap<string, string | null>,
  now: Date,
  summary: SegmentSummary,
): Promise<void> {
  const groups = mergeGroups(calls);
  if (groups.size === 0) return;
  const ids = [...groups.keys()];
  const stored = await ctx.batches.lockAccounts(
    tx,
    ids.map((id) => ({ externalId: id, name: groups.get(id)!.account.name ?? id })),
    now,
  );
  const rows = ids.map((id): AccountInput => {
    const { account, csmEmail } = groups.get(id)!;
    const csm = csmEmail ? csms.get(csmEmail) : undefined;
    // The other traits join the stored attributes (a group call rarely carries them all).
    const merged = account.attributes ? withTraits(stored.get(id)?.attributes ?? null, account.attributes) : null;
    if (merged && "problem" in merged) ctx.log.warn({ groupId: id }, `segment: ${merged.problem}`);
    return {
      externalId: id,
      // A new account without a name trait is named by its groupId until one comes.
      name: account.name ?? stored.get(id)?.name ?? id,
      domain: account.domain,
      tier: account.tier,
      arr: account.arr,
      seats: account.seats,
      renewalDate: account.renewalDate,
      customerSince: account.customerSince,
      csmSlackUserId: csm ?? undefined,
      attributes: merged && "attributes" in merged ? merged.attributes : undefined,
    };
  });
  const { writes, figures, created, updated } = accountChanges(rows, stored, now);
  // lockAccounts inserted the new ones with a name only: every new account is written whole.
  await ctx.batches.writeAccounts(tx, writes, figures);
  summary.accountsCreated = created;
  summary.accountsUpdated = updated;
}

/** The users to record: identify calls' traits, and every link a call made. */
function userWrites(calls: SegmentCall[], links: ReadonlyMap<string, string>): SegmentUserWrite[] {
  const users = new Map<string, SegmentUserWrite>();
  for (const call of calls) {
    if (call.type !== "identify") continue;
    users.set(call.userId, { userId: call.userId, traits: JSON.stringify(call.traits) });
  }
  for (const [userId, accountExternalId] of links) users.set(userId, { ...(users.get(userId) ?? { userId }), accountExternalId });
  return [...users.values()];
}

/**
 * Adds the tracks to their accounts' days and rewrites those UsageDay rows from the day's totals. Answers
 * the messageIds of the tracks for accounts that do not exist.
 */
async function storeActivity(ctx: SegmentContext, tx: Tx, days: DailyActivity[], now: Date, summary: SegmentSummary): Promise<string[]> {
  if (days.length === 0) return [];
  const existing = await ctx.segment.lockExistingAccounts(tx, [...new Set(days.map((d) => d.accountExternalId))]);
  const placed = days.filter((d) => existing.has(d.accountExternalId));
  const unused: string[] = [];
  for (const day of days) {
    if (existing.has(day.accountExternalId)) continue;
    unused.push(...day.messageIds);
    const tracks = [...day.events.values()].reduce((a, b) => a + b, 0);
    summary.unplaced += tracks;
    ctx.log.warn(
      { groupId: day.accountExternalId, tracks },
      "segment: track calls for a groupId that is no account; send a group call for it first",
    );
  }
  if (placed.length === 0) return unused;
  await ctx.segment.addActivity(
    tx,
    placed.flatMap((d) => [...d.users].map((userId) => ({ accountExternalId: d.accountExternalId, date: d.date, userId }))),
    placed.flatMap((d) => [...d.events].map(([event, count]) => ({ accountExternalId: d.accountExternalId, date: d.date, event, count }))),
  );
  const totals = await ctx.segment.dayTotals(tx, placed);
  const rows: UsageInput[] = totals.map((t) => ({
    accountExternalId: t.accountExternalId,
    date: t.date,
    activeUsers: t.activeUsers,
    featuresUsed: Object.keys(t.events),
    events: t.events,
  }));
  const dates = rows.map((r) => r.date).sort();
  const stored = await ctx.batches.storedUsage(tx, [...new Set(rows.map((r) => r.accountExternalId))], dates[0], dates[dates.length - 1]);
  const { writes, features } = usageChanges(rows, stored, ctx.config, now);
  await ctx.batches.writeUsage(tx, writes, features);
  summary.usageDays = writes.length;
  return unused;
}
