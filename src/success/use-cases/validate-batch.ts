// Checking a batch of customer-success data without storing it: every problem of every row, including
// rows that name an account that does not exist (the CSV import lists them with its own problems).
import type { Actor } from "../../shared/actor.ts";
import { referencedAccounts, validateBatch as checkBatch, type BatchKind, type Validated } from "../rules/batch.ts";
import type { SuccessContext } from "./context.ts";

export async function validateBatch<K extends BatchKind>(
  ctx: Pick<SuccessContext, "batches" | "clock">,
  _actor: Actor,
  input: { kind: K; items: unknown[] },
): Promise<Validated<K>> {
  const now = ctx.clock.now();
  const ids = referencedAccounts(input.kind, input.items);
  const known = ids.length ? await ctx.batches.existingAccountIds(ids) : new Set<string>();
  return checkBatch(input.kind, input.items, now, known);
}
