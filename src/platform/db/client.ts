// Opens the database named by DATABASE_URL: SQLite by default (a file under ./data/), Postgres for a
// postgres:// URL. Both generated clients have the same model, so the app is typed against one of them.
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { TransactionGate } from "./transaction-gate.ts";
import type { PrismaClient as SqliteClient, Prisma } from "../../generated/sqlite/client.ts";

export type Db = SqliteClient;
export type Tx = Prisma.TransactionClient;
export type Provider = "sqlite" | "postgres";

export interface Database {
  provider: Provider;
  /** The SQLite file, for SQLite. */
  sqliteFile?: string;
  client: Db;
  /**
   * SQLite: the better-sqlite3 connection that Prisma's adapter runs every statement on (the same data,
   * the same transaction state), for what Prisma cannot do, such as a JavaScript aggregate function
   * (see sql.ts); null before Prisma connects, and always on Postgres. Use it through sql.ts only.
   */
  sqliteDriver(): BetterSqlite3.Database | null;
  /**
   * Postgres: the `pg` connection a runner's statements go to (the pool for the client, the transaction's
   * own connection for an interactive transaction's client), for the prepared statements of sql.ts, which
   * skip Prisma's query layer; null when unknown (then Prisma runs them). Absent on SQLite.
   */
  postgresDriver?(runner: unknown): PgQueryable | null;
  /** SQLite: keeps statements outside a transaction from running inside an open one (transaction-gate.ts). */
  transactionGate?: TransactionGate;
  /** A description of where the data is, safe to log (no password). */
  location: string;
  /**
   * SQLite: why the file this process writes to is no longer the file at its path (deleted, or replaced
   * by another), else null: the writes still succeed but go to a file nobody will open again. A `stat`,
   * cheap enough to ask before acknowledging an event. Always null on Postgres.
   */
  fileProblem(): FileProblem | null;
  close(): Promise<void>;
}

/** What sql.ts needs of a `pg` pool or connection. */
export interface PgQueryable {
  query(config: {
    text: string;
    values: unknown[];
    types: { getTypeParser: (oid: number, format?: string) => (value: string) => unknown };
  }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** The SQLite file at the path is not the one the app writes to. */
export interface FileProblem {
  kind: "deleted" | "replaced" | "unreadable";
  message: string;
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
  const adapter = new PrismaBetterSQLite3({ url: `file:${file}` });
  const gate = new TransactionGate();
  // Keep hold of the driver connection the adapter opens (its `client`), each time Prisma connects, and
  // keep a transaction's statements and everyone else's apart on it (transaction-gate.ts).
  let driver: BetterSqlite3.Database | null = null;
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connection = await connect();
    const candidate = (connection as unknown as { client?: unknown }).client;
    driver = isBetterSqlite3(candidate) ? candidate : null;
    gateConnection(connection, gate);
    return connection;
  };
  const client = new PrismaClient({ adapter });
  // An interactive transaction's work runs as the transaction's own: its statements do not wait for it.
  const transaction = client.$transaction.bind(client) as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(client, "$transaction", {
    value: (...args: unknown[]) => (typeof args[0] === "function" ? gate.within(() => transaction(...args)) : transaction(...args)),
  });
  // WAL lets readers work beside the writer; NORMAL sync in WAL survives a killed process (data reaches
  // the OS before a commit returns); the busy timeout covers a second process on the same file.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await client.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  await client.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  // Checkpoints run from a background job at quiet moments (sqlite-checkpoints.ts), not inside a
  // commit that Slack is waiting on.
  await client.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0");
  return {
    provider: "sqlite",
    sqliteFile: file,
    client,
    location: `sqlite:${path.resolve(file)}`,
    sqliteDriver: () => (driver?.open ? driver : null),
    transactionGate: gate,
    fileProblem: file === ":memory:" ? () => null : watchFile(path.resolve(file)),
    close: () => client.$disconnect(),
  };
}

type Connection = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;

/**
 * The adapter's statements outside a transaction wait until none is open; a transaction holds the gate
 * from BEGIN until Prisma commits or rolls it back (after its COMMIT or ROLLBACK statement).
 */
function gateConnection(connection: Connection, gate: TransactionGate): void {
  const queryRaw = connection.queryRaw.bind(connection);
  const executeRaw = connection.executeRaw.bind(connection);
  const startTransaction = connection.startTransaction.bind(connection);
  connection.queryRaw = (query) => gate.whenIdle(() => queryRaw(query));
  connection.executeRaw = (query) => gate.whenIdle(() => executeRaw(query));
  connection.startTransaction = async (isolationLevel) => {
    const release = await gate.acquire();
    try {
      const tx = await startTransaction(isolationLevel);
      const commit = tx.commit.bind(tx);
      const rollback = tx.rollback.bind(tx);
      tx.commit = () => commit().finally(release);
      tx.rollback = () => rollback().finally(release);
      return tx;
    } catch (error) {
      release();
      throw error;
    }
  };
}

/** A better-sqlite3 connection (the adapter's `client` is not part of its typed interface: check it). */
function isBetterSqlite3(value: unknown): value is BetterSqlite3.Database {
  const v = value as Partial<BetterSqlite3.Database> | null | undefined;
  return typeof v?.prepare === "function" && typeof v.aggregate === "function" && typeof v.open === "boolean";
}

/**
 * Remembers which file is at `file` now (the connection opened it just before) and tells, when asked,
 * whether the path still leads to it: an inode and device compared, so a file deleted, or moved aside
 * and another put in its place (a restore), is noticed; a file overwritten in place is not.
 */
function watchFile(file: string): () => FileProblem | null {
  const opened = statSync(file);
  return () => {
    let now;
    try {
      now = statSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return {
          kind: "deleted",
          message: `the database file ${file} was deleted while the app ran: what it writes now is lost when the app stops (put the file back, then restart the app)`,
        };
      }
      return { kind: "unreadable", message: `the database file ${file} cannot be looked at: ${(error as Error).message}` };
    }
    if (now.ino !== opened.ino || now.dev !== opened.dev) {
      return {
        kind: "replaced",
        message: `the database file ${file} was replaced by another file while the app ran: the app still writes to the old one (restart it to open the new one)`,
      };
    }
    return null;
  };
}

/**
 * Connections per process on Postgres: the inbox works on up to 12 events at once (INBOX_CONCURRENCY), each
 * holding one in its transaction, and intake, the outbox and the jobs need theirs.
 */
export const POSTGRES_POOL_SIZE = 16;

async function openPostgres(url: string): Promise<Database> {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("../../generated/postgres/client.ts");
  const adapter = new PrismaPg({ connectionString: url, max: POSTGRES_POOL_SIZE });
  // Keep hold of the adapter's pool, and of each interactive transaction's connection (by its client),
  // for the prepared statements of sql.ts. A transaction's connection is caught when the adapter starts
  // it, within the async context of the $transaction call that asked for it.
  let pool: PgQueryable | null = null;
  const starting = new AsyncLocalStorage<{ connection: PgQueryable | null }>();
  const connections = new WeakMap<object, PgQueryable>();
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connection = await connect();
    pool = pgQueryable((connection as unknown as { client?: unknown }).client);
    const startTransaction = connection.startTransaction.bind(connection);
    connection.startTransaction = async (isolationLevel) => {
      const tx = await startTransaction(isolationLevel);
      const pending = starting.getStore();
      if (pending && !pending.connection) pending.connection = pgQueryable((tx as unknown as { client?: unknown }).client);
      return tx;
    };
    return connection;
  };
  const client = new PrismaClient({ adapter }) as unknown as Db;
  const transaction = client.$transaction.bind(client) as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(client, "$transaction", {
    value: (...args: unknown[]) => {
      const work = args[0];
      if (typeof work !== "function") return transaction(...args);
      const pending = { connection: null as PgQueryable | null };
      return starting.run(pending, () =>
        transaction(
          (tx: object) => {
            if (pending.connection) connections.set(tx, pending.connection);
            return (work as (tx: object) => unknown)(tx);
          },
          ...args.slice(1),
        ),
      );
    },
  });
  const safe = new URL(url);
  safe.password = "";
  return {
    provider: "postgres",
    client,
    location: `postgres:${safe.host}${safe.pathname}`,
    sqliteDriver: () => null,
    postgresDriver: (runner) =>
      runner === client ? pool : typeof runner === "object" && runner !== null ? (connections.get(runner) ?? null) : null,
    fileProblem: () => null,
    close: () => client.$disconnect(),
  };
}

/** A `pg` pool or connection (the adapter's fields are not part of its typed interface: check them). */
function pgQueryable(value: unknown): PgQueryable | null {
  return typeof (value as Partial<PgQueryable> | null)?.query === "function" ? (value as PgQueryable) : null;
}
