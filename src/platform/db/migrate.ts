// Applies pending migrations on start, on both providers (Prisma Migrate cannot run on Postgres here).
// Bookkeeping: table _app_migrations. Replicas starting together migrate once: Postgres takes an
// advisory lock, SQLite an immediate write transaction per migration.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "./client.ts";
import { execute, queryRows } from "./sql.ts";

const migrationsRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../prisma");
const LOCK_KEY = 4_217_001; // any constant shared by every replica

export interface Migration {
  name: string;
  sql: string;
}

export function listMigrations(provider: Database["provider"]): Migration[] {
  const dir = path.join(migrationsRoot, provider, "migrations");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => existsSync(path.join(dir, d, "migration.sql")))
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(dir, name, "migration.sql"), "utf8") }));
}

/** Splits a migration file into statements (Prisma writes one statement per `;` line end, no bodies). */
function statements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0);
}

export async function migrate(db: Database): Promise<string[]> {
  const client = db.client;
  const applied: string[] = [];
  const bookkeeping = 'CREATE TABLE IF NOT EXISTS "_app_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)';
  if (db.provider === "postgres") {
    await client.$transaction(
      async (tx) => {
        await execute(db, tx, "SELECT pg_advisory_xact_lock($1::bigint)", LOCK_KEY);
        await execute(db, tx, bookkeeping);
        const done = new Set((await queryRows<{ name: string }>(db, tx, 'SELECT "name" FROM "_app_migrations"')).map((r) => r.name));
        for (const m of listMigrations("postgres")) {
          if (done.has(m.name)) continue;
          for (const s of statements(m.sql)) await execute(db, tx, s);
          await execute(db, tx, 'INSERT INTO "_app_migrations" ("name", "appliedAt") VALUES ($1, $2)', m.name, new Date().toISOString());
          applied.push(m.name);
        }
      },
      { timeout: 120_000, maxWait: 120_000 },
    );
    return applied;
  }
  await execute(db, client, bookkeeping);
  for (const m of listMigrations("sqlite")) {
    await client.$transaction(async (tx) => {
      const done = await queryRows<{ name: string }>(db, tx, 'SELECT "name" FROM "_app_migrations" WHERE "name" = $1', m.name);
      if (done.length > 0) return;
      for (const s of statements(m.sql)) await execute(db, tx, s);
      await execute(db, tx, 'INSERT INTO "_app_migrations" ("name", "appliedAt") VALUES ($1, $2)', m.name, new Date().toISOString());
      applied.push(m.name);
    });
  }
  return applied;
}

/** True when every migration the code knows is applied (for /healthz). */
export async function isMigrated(db: Database): Promise<boolean> {
  const rows = await queryRows<{ name: string }>(db, db.client, 'SELECT "name" FROM "_app_migrations"');
  const done = new Set(rows.map((r) => r.name));
  return listMigrations(db.provider).every((m) => done.has(m.name));
}
