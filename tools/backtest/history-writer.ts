// Writes a history as the CSV files readHistory reads (used by the generator and the tests).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvLine } from "./csv.ts";
import { ACCOUNTS_OPTIONAL_COLUMNS, FILES, type History } from "./history.ts";

function writeCsv(dir: string, name: string, columns: readonly string[], rows: (string | number | null)[][]): void {
  let text = csvLine(columns);
  for (const r of rows) text += csvLine(r);
  writeFileSync(join(dir, name), text);
}

const bool = (v: boolean | null) => (v === null ? null : v ? "true" : "false");

export function writeHistory(dir: string, h: History): void {
  mkdirSync(dir, { recursive: true });
  // The accounts' attributes as columns of their own, after the known ones (blank where an account has none).
  const attributes = [...new Set(h.accounts.flatMap((a) => Object.keys(a.attributes ?? {})))].sort();
  writeCsv(
    dir,
    FILES.accounts.name,
    [...FILES.accounts.columns, ...ACCOUNTS_OPTIONAL_COLUMNS, ...attributes],
    h.accounts.map((a) => [
      a.externalId,
      a.name,
      a.seats,
      a.arr,
      a.renewalDate,
      a.tier,
      a.createdDate ?? null,
      ...attributes.map((k) => a.attributes?.[k] ?? null),
    ]),
  );
  writeCsv(
    dir,
    FILES.usage.name,
    FILES.usage.columns,
    h.usage.map((u) => [
      u.accountExternalId,
      u.date,
      u.activeUsers,
      u.featuresUsed.join(";"),
      Object.entries(u.events)
        .map(([k, v]) => `${k}=${v}`)
        .join(";"),
    ]),
  );
  writeCsv(
    dir,
    FILES.tickets.name,
    FILES.tickets.columns,
    h.tickets.map((t) => [t.accountExternalId, t.createdAt, t.priority, t.resolvedAt, bool(t.reopened), t.csat, bool(t.slaBreached)]),
  );
  writeCsv(
    dir,
    FILES.nps.name,
    FILES.nps.columns,
    h.nps.map((n) => [n.accountExternalId, n.respondedAt, n.score, n.comment]),
  );
  writeCsv(
    dir,
    FILES.churn.name,
    FILES.churn.columns,
    h.churn.map((c) => [c.accountExternalId, c.churnDate]),
  );
  if (h.seatChanges)
    writeCsv(
      dir,
      FILES.seatChanges.name,
      FILES.seatChanges.columns,
      h.seatChanges.map((s) => [s.accountExternalId, s.date, s.seats, s.arr]),
    );
  if (h.patterns)
    writeCsv(
      dir,
      FILES.patterns.name,
      FILES.patterns.columns,
      h.patterns.map((p) => [p.accountExternalId, p.pattern, p.churned ? "yes" : "no", p.churnDate]),
    );
}
