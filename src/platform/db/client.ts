// Opens the database named by DATABASE_URL: SQLite by default (a file under ./data/), Postgres for a
// postgres:// URL. Both generated clients have the same model, so the app is typed against one of them.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PrismaClient as SqliteClient, Prisma } from "../../generated/sqlite/client.ts";

export type Db = SqliteClient;
export type Tx = Prisma.TransactionClient;
export type Provider = "sqlite" | "postgres";

export interface Database {
  provider: Provider;
  /** The SQLite file, for SQLite. */
  sqliteFile?: string;
  client: Db;
  /** A description of where the data is, safe to log (no password). */
  location: string;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_FILE = "data/desk.db";

export function providerOf(url: string | undefined): Provider {
  return url && /^(postgres|postgresql):\/\//.test(url) ? "postgres" : "sqlite";
}

export async function openDatabase(url: string | undefined): Promise<Database> {
  return providerOf(url) === "postgres" ? openPostgres(url!) : openSqlite(url);
}

async function openSqlite(url: string | undefined): Promise<Database> {
  const file = url ? url.replace(/^file:/, "") : DEFAULT_SQLITE_FILE;
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
  const { PrismaClient } = await import("../../generated/sqlite/client.ts");
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}` }) });
  // WAL lets readers work beside the writer; NORMAL sync in WAL survives a killed process (data reaches
  // the OS before a commit returns); the busy timeout covers a second process on the same file.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await client.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  await client.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  // Checkpoints run from a background job at quiet moments (sqlite-checkpoints.ts), not inside a
  // commit that Slack is waiting on.
  await client.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0");
  return { provider: "sqlite", sqliteFile: file, client, location: `sqlite:${path.resolve(file)}`, close: () => client.$disconnect() };
}

async function openPostgres(url: string): Promise<Database> {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("../../generated/postgres/client.ts");
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) }) as unknown as Db;
  const safe = new URL(url);
  safe.password = "";
  return { provider: "postgres", client, location: `postgres:${safe.host}${safe.pathname}`, close: () => client.$disconnect() };
}
