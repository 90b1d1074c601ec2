// Customer-success data in (accounts, daily product usage, NPS answers), from the API or the CSV import:
// the batch is validated whole first and stored only when no row has a problem (else InvalidBatch with
// every problem, nothing stored), in one transaction of chunked multi-row upserts. Re-sending a batch
// changes nothing. See src/success/rules/batch.ts for what a row means.
import type { Actor } from "../../shared/actor.ts";
import type { Tx } from "../../platform/db/transactor.ts";
import { InvalidBatch, type AccountInput, type BatchKind, type IngestSummary, type NpsInput, type UsageInput } from "../rules/batch.ts";
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
  const counts = await ctx.tx.transaction(
    (tx) => {
      if (kind === "accounts") return storeAccounts(ctx, tx, rows as AccountInput[], now);
      if (kind === "usage") return storeUsage(ctx, tx, rows as UsageInput[], now);
      return storeNps(ctx, tx, rows as NpsInput[], now);
    },
    { timeoutMs: STORE_TIMEOUT_MS },
  );
  return { kind, received: rows.length, ...counts };
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
