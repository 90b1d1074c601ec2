// A second SQLite connection, in a worker thread, for a job's large reads: better-sqlite3 runs a statement
// on the thread that calls it, so a job that reads on the app's connection alone uses one core. With a
// reader, the job keeps one statement running here while it runs another on the app's connection (a
// health check's usage windows: about half their time on two cores). The reader opens the same file
// read-only; in WAL mode it reads the last committed data, whatever the app writes meanwhile. Statements
// are written as for the app's connection ($1, $2...; sqliteStatement binds them the same way); rows come
// back as objects by column name with integers as numbers, as preparedRows gives them.
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Database } from "./client.ts";
import { sqliteStatement } from "./sql.ts";

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Sqlite = require(workerData.driver);
const { statSync } = require("node:fs");
let db = null;
let failure = null;
try {
  db = new Sqlite(workerData.file, { readonly: true, fileMustExist: true, timeout: 5000 });
  // The file the app has open, not one put in its place since (a restore): else two databases would mix.
  const now = statSync(workerData.file, { bigint: true });
  if (String(now.ino) !== workerData.ino || String(now.dev) !== workerData.dev) {
    db.close();
    db = null;
    failure = "the database file was replaced since the app opened it";
  }
} catch (error) {
  failure = "cannot open the database file for reading: " + String((error && error.message) || error);
}
const statements = new Map();
parentPort.on("message", (m) => {
  if (m.stop) {
    try { if (db) db.close(); } finally { parentPort.close(); }
    return;
  }
  if (failure) return parentPort.postMessage({ id: m.id, error: failure });
  try {
    let statement = statements.get(m.text);
    if (!statement) statements.set(m.text, (statement = db.prepare(m.text)));
    parentPort.postMessage({ id: m.id, rows: statement.all(...m.params) });
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String((error && error.message) || error) });
  }
});
`;

type Reply = { id: number; rows?: unknown[]; error?: string };

export class SqliteReader {
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.error !== undefined) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.rows ?? []);
    });
    worker.on("error", (error) => this.fail(error));
    worker.on("exit", () => this.fail(new Error("the SQLite reader thread stopped")));
    // The thread keeps the process alive only while a statement waits for it (a script that awaits its
    // rows and nothing else must not exit first).
    worker.unref();
  }

  /** A reader of the app's SQLite file; null on Postgres or an in-memory database (nothing to open twice). */
  static open(db: Pick<Database, "provider" | "sqliteFile">): SqliteReader | null {
    if (db.provider !== "sqlite" || !db.sqliteFile || db.sqliteFile === ":memory:") return null;
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    // The file as the app has it open now (the thread checks it opens the same one); none: nothing to read.
    let opened;
    try {
      opened = statSync(db.sqliteFile, { bigint: true });
    } catch {
      return null;
    }
    const workerData = { file: db.sqliteFile, driver, ino: String(opened.ino), dev: String(opened.dev) };
    // A small young generation: the thread holds one statement's rows at a time (each MB of it is RSS). No
    // flags of the app's (tsx, its heap sizes): the thread runs plain JavaScript.
    const resourceLimits = { maxYoungGenerationSizeMb: 4 };
    return new SqliteReader(new Worker(WORKER, { eval: true, workerData, resourceLimits, execArgv: [] }));
  }

  /** The rows of a read statement, run on the reader's thread. Rejects with SQLite's reason when it fails. */
  rows<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    if (this.failure) return Promise.reject(this.failure);
    const { text, params } = sqliteStatement(sql, args);
    const id = this.nextId++;
    return new Promise<T[]>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      this.worker.postMessage({ id, text, params });
    });
  }

  /**
   * Refuses the statements still waiting, closes the connection and stops the thread. A statement SQLite is
   * running when it is called runs to its end first (a thread cannot be stopped inside SQLite).
   */
  async close(): Promise<void> {
    if (this.failure) return;
    this.fail(new Error("the SQLite reader is closed"));
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.ref(); // waited for: the process stays until the thread has closed the connection
    this.worker.postMessage({ stop: true });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
