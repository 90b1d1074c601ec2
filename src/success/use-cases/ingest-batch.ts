// Customer-success data in (accounts, daily product usage, NPS answers), from the API or the CSV import:
// the batch is validated whole first and stored only when no row has a problem (else InvalidBatch with
// every problem, nothing stored), in one transaction of chunked multi-row upserts. Re-sending a batch
// changes nothing. See src/success/rules/batch.ts for what a row means.
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

export async function ingestBatch(ctx: IngestContext, actor: Actor, input: { kind: BatchKind; items: unknown[] }): Promise<IngestSummary> {
  await ctx.access.require(actor, "success");
  const now = ctx.clock.now();
  const { kind, items } = input;
  const { rows, problems } = await validateBatch(ctx, actor, { kind, items });
  if (problems.length) throw new InvalidBatch(kind, items.length, problems);
  if (rows.length === 0) return { kind, received: 0, created: 0, updated: 0, unchanged: 0 };
  const counts = await ctx.tx.transaction((tx) => storeRows(ctx, tx, kind, rows, now), { timeoutMs: STORE_TIMEOUT_MS });
  return { kind, received: rows.length, ...counts };
}

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

  const counts = await ctx.tx.transaction(
    async (tx) => {
      const total: Counts = { created: 0, updated: 0, unchanged: 0 };
      let offset = 0;
      for await (const chunk of input.read()) {
        // Checked again, part by part: the source may have changed since (then nothing is stored). Repeats
        // across parts were ruled out in the first reading.
        const { rows, problems } = await validate(chunk, offset, new Map(), false);
        if (problems.length) throw new InvalidBatch(kind, offset + chunk.items.length, problems);
        offset += chunk.items.length;
        if (rows.length === 0) continue;
        const counts = await storeRows(ctx, tx, kind, rows, now);
        total.created += counts.created;
        total.updated += counts.updated;
        total.unchanged += counts.unchanged;
      }
      if (offset !== received)
        throw new Error(`the batch changed while it was stored (${received} rows, then ${offset}): nothing was stored`);
      return total;
    },
    { timeoutMs: STORE_TIMEOUT_MS },
  );
  return { kind, received, ...counts };
}

function storeRows(ctx: IngestContext, tx: Tx, kind: BatchKind, rows: RowOf<BatchKind>[], now: Date): Promise<Counts> {
  if (kind === "accounts") return storeAccounts(ctx, tx, rows as AccountInput[], now);
  if (kind === "usage") return storeUsage(ctx, tx, rows as UsageInput[], now);
  return storeNps(ctx, tx, rows as NpsInput[], now);
}

async function storeAccounts(ctx: IngestContext, tx: Tx, rows: AccountInput[], now: Date): Promise<Counts> {
  // Read under the lock: a batch sent at the same time changes only the fields it carries.
  const stored = await ctx.batches.lockAccounts(tx, rows, now);
  const { writes, figures, ...counts } = accountChanges(rows, stored, now);
  await ctx.batches.writeAccounts(tx, writes, figures);
  return counts;
}

async function storeUsage(ctx: IngestContext, tx: Tx, rows: UsageInput[], now: Date): Promise<Counts> {
  const dates = rows.map((r) => r.date).sort();
  const stored = await ctx.batches.storedUsage(tx, [...new Set(rows.map((r) => r.accountExternalId))], dates[0], dates[dates.length - 1]);
  const { writes, features, ...counts } = usageChanges(rows, stored, ctx.config, now);
  await ctx.batches.writeUsage(tx, writes, features);
  return counts;
}

async function storeNps(ctx: IngestContext, tx: Tx, rows: NpsInput[], now: Date): Promise<Counts> {
  const { from, to } = npsSpan(rows);
  const stored = await ctx.batches.storedNps(tx, [...new Set(rows.map((r) => r.accountExternalId))], from, to);
  const { writes, ...counts } = npsChanges(rows, stored, now);
  await ctx.batches.writeNps(tx, writes);
  return counts;
}
