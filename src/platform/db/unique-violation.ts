// A unique constraint refused a write, on both providers: the row was made by someone else a moment ago,
// and the caller usually reads theirs instead. Prisma says P2002; a prepared statement on SQLite's own
// connection (src/platform/db/sql.ts) throws the driver's SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY, one run by `pg` directly on
// Postgres SQLSTATE 23505.
const CODES = new Set(["P2002", "23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && CODES.has((error as { code?: string }).code ?? "");
}
