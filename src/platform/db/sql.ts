// Raw SQL that runs on both providers. Statements are written with Postgres's numbered parameters
// ($1, $2, ... a number may repeat); on SQLite they become positional ? with the arguments repeated in
// order. Numbers come back as number, bigint or Decimal depending on the provider: `num` evens them out.
import type { Database, Tx } from "./client.ts";

type Runner = Pick<Database["client"], "$queryRawUnsafe" | "$executeRawUnsafe"> | Tx;

function adapt(provider: Database["provider"], sql: string, args: unknown[]): [string, unknown[]] {
  if (provider === "postgres") return [sql, args];
  const ordered: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= args.length) throw new Error(`SQL parameter $${n} has no argument`);
    ordered.push(args[index]);
    return "?";
  });
  return [text, ordered];
}

export function queryRows<T>(db: Pick<Database, "provider">, runner: Runner, sql: string, ...args: unknown[]): Promise<T[]> {
  const [text, params] = adapt(db.provider, sql, args);
  return (runner as Database["client"]).$queryRawUnsafe<T[]>(text, ...params);
}

export function execute(db: Pick<Database, "provider">, runner: Runner, sql: string, ...args: unknown[]): Promise<number> {
  const [text, params] = adapt(db.provider, sql, args);
  return (runner as Database["client"]).$executeRawUnsafe(text, ...params);
}

/** A count or sum from a raw row as a number (null stays null). */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return Number(String(value));
}

/** "($1,$2,$3),($4,$5,$6)..." for a multi-row VALUES list. */
export function valuesList(rows: number, columns: number, offset = 0): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < columns; c++) cells.push(`$${offset + r * columns + c + 1}`);
    out.push(`(${cells.join(",")})`);
  }
  return out.join(",");
}
