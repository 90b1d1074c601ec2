// Clearing many open alerts at once, for both alert tables (an account's alert, AccountAlert, and the
// per-rule history behind it, HealthAlert): one UPDATE per 500 ids that clears only those still open
// (freeing their open keys) and returns their ids, so an alert closed meanwhile is left as it is.
import type { Database, Tx } from "../../platform/db/client.ts";
import { bulkRows } from "../../platform/db/sql.ts";

const CHUNK = 500;

export async function clearOpenAlerts(
  db: Database,
  tx: Tx,
  table: "AccountAlert" | "HealthAlert",
  alertIds: number[],
  change: { clearedAt: Date; runId: number },
): Promise<number[]> {
  const cleared: number[] = [];
  for (let i = 0; i < alertIds.length; i += CHUNK) {
    const ids = alertIds.slice(i, i + CHUNK);
    const rows = await bulkRows<{ id: number | bigint }>(
      db,
      tx,
      `UPDATE "${table}" SET "status" = 'cleared', "openKey" = NULL, "clearedAt" = $1, "clearedRunId" = $2, "lastRunId" = $2
        WHERE "status" = 'open' AND "id" IN (${ids.map((_, k) => `$${k + 3}`).join(",")}) RETURNING "id"`,
      change.clearedAt,
      change.runId,
      ...ids,
    );
    for (const r of rows) cleared.push(Number(r.id));
  }
  return cleared;
}
