// Customer-success data in (accounts, daily product usage, NPS answers), from the API or the CSV import:
// the batch is validated whole first and stored only when no row has a problem (else InvalidBatch with
// every problem, nothing stored), in one transaction of chunked multi-row upserts. Re-sending a batch
// changes nothing. See src/success/rules/batch.ts for what a row means.
//
// Usage batches (up to hundreds of thousands of rows) are not written in one long transaction: on SQLite
// that holds the only writer for seconds and Slack's acknowledgements wait behind it. They are staged in
// short transactions with a pause between them, then published in one short transaction (see
// src/success/store/batches.ts); a failure publishes nothing and deletes what was staged.
import { randomUUID } from "node:crypto";
import type { Actor } from "../../shared/actor.ts";
import type { Tx } from "../../platform/db/transactor.ts";
import {
  InvalidBatch,
  referencedAccounts,
  validateChunk,
  type AccountInput,
  type BatchKind,
  type IngestSummary,
  type NpsInput,
  type Problem,
  type RowOf,
  type UsageInput,
} from "../rules/batch.ts";
import { accountChanges, npsChanges, npsSpan, usageChanges, type Counts } from "../rules/batch-changes.ts";
import type { SuccessContext } from "./context.ts";
import { validateBatch } from "./validate-batch.ts";

/** What ingesting needs of the context (the CSV import builds just this). */
export type IngestContext = Pick<SuccessContext, "tx" | "batches" | "clock" | "config" | "access">;

/** A large batch may take a while to write. */
const STORE_TIMEOUT_MS = 300_000;
/** Usage rows staged a transaction: a few tens of milliseconds of writing. */
export const STAGE_ROWS = 5000;
/** API usage rows checked at a time before the event loop is let go. */
const PART_ROWS = 2000;
/** Staged rows older than this were left by a process that stopped mid-batch. */
const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

export async function ingestBatch(ctx: IngestContext, actor: Actor, input: { kind: BatchKind; items: unknown[] }): Promise<IngestSummary> {
  await ctx.access.require(actor, "success");
  const now = ctx.clock.now();
  const { kind, items } = input;
  if (kind === "usage") return ingestUsage(ctx, items, now);
  const { rows, problems } = await validateBatch(ctx, actor, { kind, items });
  if (problems.length) throw new InvalidBatch(kind, items.length, problems);
  if (rows.length === 0) return { kind, received: 0, created: 0, updated: 0, unchanged: 0 };
  const counts = await ctx.tx.transaction((tx) => storeRows(ctx, tx, kind, rows, now), { timeoutMs: STORE_TIMEOUT_MS });
  return { kind, received: rows.length, ...counts };
}

/**
 * A usage batch from the API: checked and staged in parts of PART_ROWS rows, letting other work of this
 * process (Slack's acknowledgements) run between parts. Same checks and answer as validateBatch's.
 */
async function ingestUsage(ctx: IngestContext, items: unknown[], now: Date): Promise<IngestSummary> {
  const kind = "usage";
  const problems: Problem[] = [];
  const parts: UsageInput[][] = [];
  const seen = new Map<string, number>();
  for (let offset = 0; offset < items.length; offset += PART_ROWS) {
    const part = items.slice(offset, offset + PART_ROWS);
    const ids = referencedAccounts(kind, part);
    const known = ids.length ? await ctx.batches.existingAccountIds(ids) : new Set<string>();
    const checked = validateChunk(kind, part, { offset, seen }, now, known);
    problems.push(...checked.problems);
    if (checked.rows.length) parts.push(checked.rows);
    await nextTurn();
  }
  if (problems.length) throw new InvalidBatch(kind, items.length, problems);
  if (items.length === 0) return { kind, received: 0, created: 0, updated: 0, unchanged: 0 };
  const counts = await stagedUsage(ctx, now, async (stage) => {
    for (const rows of parts) await stage(rows);
  });
  return { kind, received: items.length, ...counts };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One part of a batch read in parts, with the problems found before validation (the CSV's own; indexes within the part). */
export interface BatchChunk {
  items: unknown[];
  problems?: Problem[];
}

/**
 * A batch too large to hold whole (the CSV import of a big file), read in parts twice from `read()`: first
 * every part is validated (with the same checks as a whole batch, duplicates across parts included) and
 * nothing is stored if any row has a problem (InvalidBatch with every problem); then the parts are read
 * again and stored one after the other in one transaction. The summary is the whole batch's.
 */
export async function ingestBatchInParts(
  ctx: IngestContext,
  actor: Actor,
  input: { kind: BatchKind; read: () => AsyncIterable<BatchChunk> },
): Promise<IngestSummary> {
  await ctx.access.require(actor, "success");
  const now = ctx.clock.now();
  const { kind } = input;
  // The accounts referred to are looked up in the first reading only: the second one runs inside the
  // transaction (on SQLite, a look-up outside it would wait for it).
  const validate = async (chunk: BatchChunk, offset: number, seen: Map<string, number>, lookUp: boolean) => {
    const ids = referencedAccounts(kind, chunk.items);
    const known = !lookUp ? new Set(ids) : ids.length ? await ctx.batches.existingAccountIds(ids) : new Set<string>();
    return validateChunk(kind, chunk.items, { offset, seen, earlier: chunk.problems }, now, known);
  };

  const problems: Problem[] = [];
  let received = 0;
  const seen = new Map<string, number>();
  for await (const chunk of input.read()) {
    problems.push(...(await validate(chunk, received, seen, true)).problems);
    received += chunk.items.length;
  }
  seen.clear();
  if (problems.length) throw new InvalidBatch(kind, received, problems);
  if (received === 0) return { kind, received: 0, created: 0, updated: 0, unchanged: 0 };

  // Checked again, part by part: the source may have changed since (then nothing is stored). Repeats
  // across parts were ruled out in the first reading.
  const checkAgain = async (chunk: BatchChunk, offset: number) => {
    const { rows, problems } = await validate(chunk, offset, new Map(), false);
    if (problems.length) throw new InvalidBatch(kind, offset + chunk.items.length, problems);
    return rows;
  };
  const changed = (offset: number) =>
    new Error(`the batch changed while it was stored (${received} rows, then ${offset}): nothing was stored`);

  if (kind === "usage") {
    const counts = await stagedUsage(ctx, now, async (stage) => {
      let offset = 0;
      for await (const chunk of input.read()) {
        const rows = await checkAgain(chunk, offset);
        offset += chunk.items.length;
        if (rows.length) await stage(rows as UsageInput[]);
      }
      if (offset !== received) throw changed(offset);
    });
    return { kind, received, ...counts };
  }

  const counts = await ctx.tx.transaction(
    async (tx) => {
      const total: Counts = { created: 0, updated: 0, unchanged: 0 };
      let offset = 0;
      for await (const chunk of input.read()) {
        const rows = await checkAgain(chunk, offset);
        offset += chunk.items.length;
        if (rows.length === 0) continue;
        const counts = await storeRows(ctx, tx, kind, rows, now);
        total.created += counts.created;
        total.updated += counts.updated;
        total.unchanged += counts.unchanged;
      }
      if (offset !== received) throw changed(offset);
      return total;
    },
    { timeoutMs: STORE_TIMEOUT_MS },
  );
  return { kind, received, ...counts };
}

function storeRows(ctx: IngestContext, tx: Tx, kind: BatchKind, rows: RowOf<BatchKind>[], now: Date): Promise<Counts> {
  if (kind === "accounts") return storeAccounts(ctx, tx, rows as AccountInput[], now);
  if (kind === "usage") throw new Error("usage batches are staged, then published: see stagedUsage");
  return storeNps(ctx, tx, rows as NpsInput[], now);
}

/**
 * A usage batch, staged part by part and then published whole. `feed` hands its parts to `stage`: each is
 * compared with the stored days (read outside any transaction: on SQLite a transaction that reads and then
 * writes fails when another process wrote in between) and its changes staged in transactions of STAGE_ROWS
 * rows, with a pause after each so that other writers (the app's Slack intake) get the database. Then one
 * short transaction publishes the batch. Whatever happens, the staged rows are deleted after.
 */
async function stagedUsage(
  ctx: IngestContext,
  now: Date,
  feed: (stage: (rows: UsageInput[]) => Promise<void>) => Promise<void>,
): Promise<Counts> {
  const batchId = randomUUID();
  const total: Counts = { created: 0, updated: 0, unchanged: 0 };
  await ctx.batches.dropStaleStaging(new Date(now.getTime() - STALE_STAGING_MS));
  try {
    await feed(async (rows) => {
      const dates = rows.map((r) => r.date).sort();
      const accounts = [...new Set(rows.map((r) => r.accountExternalId))];
      const stored = await ctx.batches.storedUsage(null, accounts, dates[0], dates[dates.length - 1]);
      const { writes, features, ...counts } = usageChanges(rows, stored, ctx.config, now);
      total.created += counts.created;
      total.updated += counts.updated;
      total.unchanged += counts.unchanged;
      const parts = Math.max(Math.ceil(writes.length / STAGE_ROWS), Math.ceil(features.length / STAGE_ROWS), 1);
      for (let i = 0; i < parts; i++) {
        const started = performance.now();
        await ctx.tx.transaction((tx) =>
          ctx.batches.stageUsage(
            tx,
            batchId,
            writes.slice(i * STAGE_ROWS, (i + 1) * STAGE_ROWS),
            features.slice(i * STAGE_ROWS, (i + 1) * STAGE_ROWS),
          ),
        );
        await yieldWriter(performance.now() - started);
      }
    });
    await ctx.tx.transaction((tx) => ctx.batches.publishUsage(tx, batchId), { timeoutMs: STORE_TIMEOUT_MS });
  } catch (error) {
    await ctx.batches.dropStagedUsage(batchId).catch(() => {}); // else deleted as stale later
    throw error;
  }
  // Published: staged rows left by a failure here are deleted as stale later.
  await ctx.batches.dropStagedUsage(batchId).catch(() => {});
  return total;
}

/**
 * Leaves the database to other writers for a while after holding it `heldMs`: in this process the waiting
 * queries run first; another process (the app, while `npm run import` runs) polls for the lock every few
 * tens of milliseconds, so the pause is as long as the hold (the writer is free half the time).
 */
function yieldWriter(heldMs: number): Promise<void> {
  const ms = Math.min(100, Math.max(2, heldMs));
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function storeAccounts(ctx: IngestContext, tx: Tx, rows: AccountInput[], now: Date): Promise<Counts> {
  // Read under the lock: a batch sent at the same time changes only the fields it carries.
  const stored = await ctx.batches.lockAccounts(tx, rows, now);
  const { writes, figures, ...counts } = accountChanges(rows, stored, now);
  await ctx.batches.writeAccounts(tx, writes, figures);
  return counts;
}

async function storeNps(ctx: IngestContext, tx: Tx, rows: NpsInput[], now: Date): Promise<Counts> {
  const { from, to } = npsSpan(rows);
  const stored = await ctx.batches.storedNps(tx, [...new Set(rows.map((r) => r.accountExternalId))], from, to);
  const { writes, ...counts } = npsChanges(rows, stored, now);
  await ctx.batches.writeNps(tx, writes);
  return counts;
}
