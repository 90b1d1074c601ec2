// Raw SQL that runs on both providers. Statements are written with Postgres's numbered parameters
// ($1, $2, ... a number may repeat); on SQLite they become positional ? with the arguments repeated in
// order. Numbers come back as number, bigint or Decimal depending on the provider: `num` evens them out.
//
// `bulkRows` and `bulkExecute` are for the large statements of batch jobs (a health check's aggregates
// and multi-row writes): on SQLite they run on the driver adapter's own connection, prepared once and
// kept, which skips Prisma's query layer (for a statement with thousands of parameters that layer costs
// more than SQLite's work). Being the same connection, they take part in the Prisma transaction whose
// work issues them; issued from anywhere else, they wait until no transaction is open (transaction-gate.ts). Their rows are the driver's: on SQLite integers are bigint and datetimes
// the stored text; on Postgres (through Prisma) datetimes are Date. Read values with `num` and `new Date`.
//
// `preparedRows` and `preparedExecute` are the same path for the small statements of a hot path (a new
// ticket's rows, the inbox's claims, the outbox), run for every event: Prisma's query layer costs far more
// than SQLite's work there too. On SQLite their integers come back as numbers (not bigint), datetimes as
// the stored text (read them with `dateOf`). On Postgres they skip Prisma's query layer too (it compiles
// every raw statement): they run on `pg` directly, on the pool or on the connection of the runner's
// interactive transaction (Database.postgresDriver), with arguments and values converted as Prisma's
// adapter converts them (datetimes as UTC, int8 as bigint, numeric as text: read them with `num`); a
// runner whose connection is unknown (an array transaction) goes through Prisma's raw queries. A batch
// job's large read whose integers are all counts or small figures uses `preparedRows` too (a health
// check's inputs): on SQLite a number costs no allocation, a bigint does.
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { Database, Tx } from "./client.ts";

type Runner = Pick<Database["client"], "$queryRawUnsafe" | "$executeRawUnsafe"> | Tx;

/** What the prepared and bulk statements need of the database: its provider and, on SQLite, the adapter's connection. */
export type SqlDb = Pick<Database, "provider" | "sqliteDriver" | "transactionGate" | "postgresDriver">;

function adapt(provider: Database["provider"], sql: string, args: unknown[]): [string, unknown[]] {
  if (provider === "postgres") return [sql, args];
  const { text, order } = sqliteText(sql);
  return [text, order.map((index) => argument(args, index))];
}

function argument(args: unknown[], index: number): unknown {
  if (index < 0 || index >= args.length) throw new Error(`SQL parameter $${index + 1} has no argument`);
  return args[index];
}

export function queryRows<T>(db: Pick<Database, "provider">, runner: Runner, sql: string, ...args: unknown[]): Promise<T[]> {
  const [text, params] = adapt(db.provider, sql, args);
  return (runner as Database["client"]).$queryRawUnsafe<T[]>(text, ...params);
}

export function execute(db: Pick<Database, "provider">, runner: Runner, sql: string, ...args: unknown[]): Promise<number> {
  const [text, params] = adapt(db.provider, sql, args);
  return (runner as Database["client"]).$executeRawUnsafe(text, ...params);
}

/** An aggregate function written in JavaScript, for SQLite (see sqliteAggregateValue). */
export interface SqliteAggregate<A> {
  /** A fresh accumulator for each call of the function in a statement. */
  start: () => A;
  /** Takes one row's arguments (integers as numbers, text as strings, NULL as null). */
  step: (acc: A, ...args: (number | string | null)[]) => void;
  /** The function's value: a number, a string (JSON for anything larger) or null. */
  result: (acc: A) => number | string | null;
}

const registered = new WeakMap<BetterSqlite3.Database, Map<string, object>>();

/**
 * SQLite only: the value of a statement that returns one row of one column (written with $n parameters,
 * as everywhere), run on the connection Prisma uses, with `aggregate` registered on that connection as
 * the function `name` for the statement to call. One pass over the rows, each handed to JavaScript as
 * plain arguments, without a row object per row. undefined when the driver connection cannot be reached
 * (Postgres, or not connected yet): the caller then takes its portable path. Like every statement of the
 * SQLite adapter it runs synchronously, once no transaction is open (gated).
 */
export async function sqliteAggregateValue<A>(
  db: SqlDb,
  name: string,
  aggregate: SqliteAggregate<A>,
  sql: string,
  ...args: unknown[]
): Promise<unknown> {
  const driver = db.provider === "sqlite" ? db.sqliteDriver() : null;
  if (!driver) return undefined;
  let functions = registered.get(driver);
  if (!functions) registered.set(driver, (functions = new Map()));
  const known = functions.get(name);
  if (known && known !== aggregate) throw new Error(`another SQLite aggregate is already named ${name}`);
  if (!known) {
    driver.aggregate(name, {
      varargs: true,
      safeIntegers: false,
      start: aggregate.start,
      step: aggregate.step as (acc: A, next: unknown) => void,
      result: aggregate.result,
    } as Parameters<BetterSqlite3.Database["aggregate"]>[1]);
    functions.set(name, aggregate);
  }
  const run = direct(db, sql, args)!;
  // Gated like every direct statement: outside a transaction it must not run inside one that is open.
  return gated(db, () =>
    run.statement
      .pluck()
      .safeIntegers(false)
      .get(...run.params),
  );
}

const STATEMENTS_KEPT = 200;
const statementCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function prepared(connection: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = statementCache.get(connection);
  if (!cache) statementCache.set(connection, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    if (cache.size >= STATEMENTS_KEPT) cache.delete(cache.keys().next().value!);
    cache.set(sql, statement);
  }
  return statement;
}

/** Where each `?` of a statement's SQLite text takes its argument from (the $n of the text, less one). */
const placeholderOrders = new Map<string, { text: string; order: number[] }>();

function sqliteText(sql: string): { text: string; order: number[] } {
  let adapted = placeholderOrders.get(sql);
  if (!adapted) {
    const order: number[] = [];
    const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
      order.push(Number(n) - 1);
      return "?";
    });
    adapted = { text, order };
    if (placeholderOrders.size >= STATEMENTS_KEPT) placeholderOrders.delete(placeholderOrders.keys().next().value!);
    placeholderOrders.set(sql, adapted);
  }
  return adapted;
}

let lastDate: Date | null = null;
let lastDateTime = NaN;
let lastDateText = "";

/** An argument as Prisma's SQLite adapter binds it (datetimes as ISO text with +00:00, booleans as 0/1). */
function sqliteArg(value: unknown): unknown {
  if (value instanceof Date) {
    // A batch binds the same instant on every row: convert it once.
    if (value !== lastDate || value.getTime() !== lastDateTime) {
      lastDate = value;
      lastDateTime = value.getTime();
      lastDateText = value.toISOString().replace("Z", "+00:00");
    }
    return lastDateText;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  return value === undefined ? null : value;
}

/**
 * Runs a statement on the SQLite connection once no transaction is open on it, unless it comes from that
 * transaction's own work (see transaction-gate.ts): otherwise it would become part of that transaction.
 */
function gated<T>(db: SqlDb, statement: () => T): Promise<T> {
  return db.transactionGate ? (db.transactionGate.whenIdle(statement) as Promise<T>) : Promise.resolve(statement());
}

/** A statement's SQLite text and arguments as this module binds them (for a connection of another thread: sqlite-reader.ts). */
export function sqliteStatement(sql: string, args: unknown[]): { text: string; params: unknown[] } {
  const { text, order } = sqliteText(sql);
  return { text, params: order.map((index) => sqliteArg(argument(args, index))) };
}

function direct(db: Pick<Database, "provider" | "sqliteDriver">, sql: string, args: unknown[]) {
  const connection = db.provider === "sqlite" ? db.sqliteDriver() : null;
  if (!connection) return null;
  const { text, order } = sqliteText(sql);
  const params = order.map((index) => sqliteArg(argument(args, index)));
  return { statement: prepared(connection, text), params };
}

/** Rows of a direct statement; `safeIntegers` says whether SQLite's integers come back as bigint (set on every run: the prepared statement is shared). */
async function directRows<T>(db: SqlDb, runner: Runner, sql: string, args: unknown[], safeIntegers: boolean): Promise<T[]> {
  const run = direct(db, sql, args);
  if (!run) return queryRows<T>(db, runner, sql, ...args);
  return gated(db, () => {
    if (!run.statement.reader) {
      run.statement.run(...run.params);
      return [];
    }
    return run.statement.safeIntegers(safeIntegers).all(...run.params) as T[];
  });
}

/** A large query of a batch job (see above): the driver's rows, as objects by column name, integers as bigint. */
export function bulkRows<T>(db: SqlDb, runner: Runner, sql: string, ...args: unknown[]): Promise<T[]> {
  return directRows<T>(db, runner, sql, args, true);
}

/** A write of a batch job or of a hot path (see above); the number of rows changed. */
export async function bulkExecute(db: SqlDb, runner: Runner, sql: string, ...args: unknown[]): Promise<number> {
  const run = direct(db, sql, args);
  if (!run) return execute(db, runner, sql, ...args);
  return gated(db, () => run.statement.run(...run.params).changes);
}

/** A small statement of a hot path (see above): rows as objects by column name, integers as numbers. */
export function preparedRows<T>(db: SqlDb, runner: Runner, sql: string, ...args: unknown[]): Promise<T[]> {
  const pg = db.provider === "postgres" ? db.postgresDriver?.(runner) : null;
  if (pg) return pg.query({ text: sql, values: args.map(pgArg), types: PG_TYPES }).then((r) => r.rows as T[]);
  return directRows<T>(db, runner, sql, args, false);
}

/** A small write of a hot path (see above); the number of rows changed. */
export function preparedExecute(db: SqlDb, runner: Runner, sql: string, ...args: unknown[]): Promise<number> {
  const pg = db.provider === "postgres" ? db.postgresDriver?.(runner) : null;
  if (pg) return pg.query({ text: sql, values: args.map(pgArg), types: PG_TYPES }).then((r) => r.rowCount ?? 0);
  return bulkExecute(db, runner, sql, ...args);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** An argument as Prisma's Postgres adapter binds it: a datetime as its UTC time (the columns are TIMESTAMP without zone). */
function pgArg(value: unknown): unknown {
  if (value instanceof Date) {
    const ms = value.getUTCMilliseconds();
    return (
      `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())} ` +
      `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ""}`
    );
  }
  return value === undefined ? null : value;
}

const PG_INT8 = 20;
const PG_TIMESTAMP = 1114;
const PG_TIMESTAMPTZ = 1184;
const PG_DATE = 1082;

/**
 * Values read as Prisma's raw queries give them: TIMESTAMP (without zone, written as UTC) as a Date in
 * UTC, whatever the process's time zone; int8 (counts) as bigint; the rest as `pg` reads them.
 */
const PG_TYPES = {
  getTypeParser(oid: number): (value: string) => unknown {
    if (oid === PG_TIMESTAMP || oid === PG_DATE) return (v) => new Date(`${v.replace(" ", "T")}Z`);
    if (oid === PG_TIMESTAMPTZ) return (v) => new Date(v.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00"));
    if (oid === PG_INT8) return (v) => BigInt(v);
    return pg.types.getTypeParser(oid, "text") as (value: string) => unknown;
  },
};

/** A datetime from a raw row (Date on Postgres, the stored text or epoch milliseconds on SQLite); null stays null. */
export function dateOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "bigint") return new Date(Number(value));
  return new Date(value as string | number);
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
