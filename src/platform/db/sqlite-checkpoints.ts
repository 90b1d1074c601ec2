// SQLite in WAL mode copies the log back into the database file at checkpoints. Left automatic, a
// checkpoint runs inside whichever commit crosses the threshold, often one Slack is waiting on, and
// blocks the event loop for tens of milliseconds. Here a worker thread with its own connection runs
// passive checkpoints every second instead: they never block the app's writers.
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import { statSync } from "node:fs";
import type { Database } from "./client.ts";
import type { Logger } from "../observability/log.ts";

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { statSync } = require("node:fs");
const Sqlite = require(workerData.driver);
// Open only the file the app opened: never create one (a file deleted under the app stays deleted), and
// leave alone a file that replaced it since (checkpointing it is not this worker's business).
let db = null;
try {
  db = new Sqlite(workerData.file, { timeout: 5000, fileMustExist: true });
  const now = statSync(workerData.file, { bigint: true });
  if (String(now.ino) !== workerData.ino || String(now.dev) !== workerData.dev) {
    db.close();
    db = null;
    parentPort.postMessage("the database file was replaced before checkpoints started; none will run");
  }
} catch (error) {
  db = null;
  parentPort.postMessage("cannot open the database file for checkpoints: " + String(error && error.message || error));
}
const timer = setInterval(() => {
  if (!db) return;
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (error) { parentPort.postMessage(String(error && error.message || error)); }
}, workerData.everyMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  try { if (db) db.pragma("wal_checkpoint(PASSIVE)"); } catch {} finally { if (db) db.close(); parentPort.close(); }
});
`;

export class SqliteCheckpoints {
  private worker: Worker | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    if (this.db.provider !== "sqlite" || !this.db.sqliteFile || this.db.sqliteFile === ":memory:") return;
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    // The file the app has open, as it is now: the worker checks it opens the same one.
    let opened;
    try {
      opened = statSync(this.db.sqliteFile, { bigint: true });
    } catch (error) {
      this.log.warn({ err: error, file: this.db.sqliteFile }, "sqlite checkpoints not started: the database file is gone");
      return;
    }
    const workerData = { file: this.db.sqliteFile, everyMs: this.everyMs, driver, ino: String(opened.ino), dev: String(opened.dev) };
    this.worker = new Worker(WORKER, { eval: true, workerData });
    this.worker.on("message", (message: string) => this.log.warn({ error: message }, "sqlite checkpoint failed"));
    this.worker.on("error", (error) => this.log.warn({ err: error }, "sqlite checkpoint worker stopped"));
    this.worker.unref();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.postMessage("stop");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await worker.terminate();
  }
}
