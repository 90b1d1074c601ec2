// The replay shared out over threads, with the same result as `replay` in one thread: the accounts are
// independent once the book's median trends of each day are known, so
//   1. the threads compute each account's trends, a range of accounts at a time, into arrays they share
//      (SharedArrayBuffer, 6 numbers an account-day: about 50 MB for 3,000 accounts over two years);
//   2. they compute the book's medians, a range of days at a time, from those arrays;
//   3. each gets the whole book, then replays a range of accounts at a time; the parts are put back in
//      the order of the accounts.
// The main thread does its share of the tasks beside the worker threads (one isolate fewer than a
// worker per core: less memory). Each worker reads its accounts' rows from the history's files itself
// (openHistoryFrom). The trend arrays are let go before step 3: the workers of steps 1-2 are stopped,
// and the main thread collects its garbage when gc is exposed (npm run backtest starts with --expose-gc),
// so the replay does not hold them (about 25 MB less at the peak). A worker that fails fails the replay
// with its error.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { HealthConfig } from "../../src/success/rules/health-config.ts";
import type { BookContext } from "../../src/success/rules/health-model.ts";
import type { History, OpenHistory, OpenHistoryHandle } from "./history.ts";
import type { AccountSource } from "./account-source.ts";
import {
  accountTrends,
  replay,
  bookOfDays,
  bookTrendArrays,
  replayAccounts,
  replayResult,
  replaySetup,
  type ReplaySetup,
  type ReplayOptions,
  type ReplayPart,
  type ReplayResult,
  type ReplayRun,
} from "./replay.ts";

/** Accounts per task: small enough to share the work out evenly, large enough that messages cost little. */
const ACCOUNTS_PER_TASK = 25;
/** Replayed days per task of the book's medians. */
const DAYS_PER_TASK = 30;

export interface ReplayWorkerData {
  handle: OpenHistoryHandle;
  inputsConfig: HealthConfig;
  runs: ReplayRun[];
  sampleEvery: number;
}

export type ReplayTask =
  /** The book's trend arrays (bookTrendArrays), one buffer per trend kind, for the next two kinds of task. */
  | { kind: "use-trends"; trends: SharedArrayBuffer[] }
  | { kind: "trends"; from: number; to: number }
  | { kind: "book"; from: number; to: number }
  /** The book's trends of every replayed day, for the replay; the trend arrays are let go. */
  | { kind: "use-book"; book: BookContext[] }
  | { kind: "replay"; from: number; to: number };

/** The threads a replay uses by default: one per core, at most 2 (beyond, memory grows faster than the gain). */
export const defaultReplayThreads = (): number => Math.min(2, availableParallelism());

/** Ranges [from, to) of `size` over [0, n). */
const ranges = (n: number, size: number): { from: number; to: number }[] =>
  Array.from({ length: Math.ceil(n / size) }, (_, i) => ({ from: i * size, to: Math.min(n, (i + 1) * size) }));

/** What a thread of the replay does with each task (the main thread's and each worker's). */
export class ReplayTasks {
  private trends: Float32Array[] = [];
  private book: BookContext[] | null = null;

  constructor(
    private readonly h: AccountSource,
    private readonly setup: ReplaySetup,
  ) {}

  do(task: ReplayTask): unknown {
    switch (task.kind) {
      case "use-trends":
        this.trends = task.trends.map((buffer) => new Float32Array(buffer));
        return null;
      case "trends":
        accountTrends(this.h, this.setup, this.trends, task.from, task.to);
        return null;
      case "book":
        return bookOfDays(this.h.accounts, this.setup, this.trends, task.from, task.to);
      case "use-book":
        this.book = task.book;
        this.trends = [];
        return null;
      case "replay":
        if (this.book === null) throw new Error("a replay task came before the book's trends");
        return replayAccounts(this.h, this.setup, this.book, task.from, task.to);
    }
  }
}

/** Tasks a worker holds at once: the next is there when it finishes one, while the main thread is busy with its own. */
const TASKS_IN_FLIGHT = 2;

/**
 * The main thread and `workers` worker threads doing a list of tasks. The main thread does one task at a
 * time between handling the workers' replies; each worker holds up to TASKS_IN_FLIGHT.
 */
class Pool {
  private readonly workers: Worker[];
  private failure: Error | null = null;
  private closing = false;
  private readonly onFailure = new Set<(error: Error) => void>();

  constructor(
    count: number,
    data: ReplayWorkerData,
    private readonly local: ReplayTasks,
  ) {
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const f of this.onFailure) f(error);
    };
    this.workers = [];
    try {
      for (let i = 0; i < count; i++) {
        // execArgv empty: the entry registers tsx itself (the parent's flags may or may not have done so).
        const worker = new Worker(new URL("./replay-worker.mjs", import.meta.url), { workerData: data, execArgv: [] });
        worker.on("error", fail);
        worker.on("messageerror", fail);
        worker.on("exit", (code) => {
          if (code !== 0 && !this.closing) fail(new Error(`a replay worker stopped (exit code ${code})`));
        });
        this.workers.push(worker);
      }
    } catch (error) {
      // A worker that could not start: the ones started are stopped, not left running.
      void this.close();
      throw error;
    }
  }

  /** Runs every task; results in the order of the tasks. `onResult` with each task's index as it is done. */
  run<T>(tasks: ReplayTask[], onResult?: (index: number) => void): Promise<T[]> {
    const results: T[] = new Array(tasks.length);
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      let next = 0;
      let done = 0;
      let finished = false;
      const handlers = new Map<Worker, (message: { id: number; result: T }) => void>();
      const finish = (error: Error | null) => {
        if (finished) return;
        finished = true;
        for (const [worker, handler] of handlers) worker.off("message", handler);
        this.onFailure.delete(finish);
        if (error) reject(error);
        else resolve(results);
      };
      this.onFailure.add(finish);
      const complete = (id: number, result: T) => {
        results[id] = result;
        onResult?.(id);
        if (++done === tasks.length) finish(null);
      };
      for (const worker of this.workers) {
        const handler = ({ id, result }: { id: number; result: T }) => {
          try {
            complete(id, result);
          } catch (error) {
            finish(error as Error); // onResult threw: the run fails with it, not the process
            return;
          }
          if (!finished && next < tasks.length) worker.postMessage({ id: next, task: tasks[next++] });
        };
        handlers.set(worker, handler);
        worker.on("message", handler);
        for (let k = 0; k < TASKS_IN_FLIGHT && next < tasks.length; k++) worker.postMessage({ id: next, task: tasks[next++] });
      }
      // The main thread's share: a task, then a turn of the event loop for the workers' replies.
      const step = () => {
        if (finished) return;
        if (next < tasks.length) {
          const id = next++;
          try {
            complete(id, this.local.do(tasks[id]) as T);
          } catch (error) {
            finish(error as Error);
            return;
          }
          setImmediate(step);
        }
      };
      if (tasks.length === 0) finish(null);
      else step();
    });
  }

  /** The same task for every thread (the main one too). */
  async everyThread(task: ReplayTask): Promise<void> {
    this.local.do(task);
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            if (this.failure) return reject(this.failure);
            const handler = () => {
              worker.off("message", handler);
              this.onFailure.delete(reject);
              resolve();
            };
            this.onFailure.add(reject);
            worker.on("message", handler);
            worker.postMessage({ id: -1, task });
          }),
      ),
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * The book's trends of each replayed day: every account's trends into arrays the threads share (6
 * numbers an account-day), then the medians. Its own function so that nothing of this step outlives it
 * (a suspended async function may keep its temporaries).
 */
async function bookOf(pool: Pool, setup: ReplaySetup, n: number, accounts: { from: number; to: number }[]): Promise<BookContext[]> {
  await pool.everyThread({ kind: "use-trends", trends: bookTrendArrays(n, setup.span, true).map((t) => t.buffer as SharedArrayBuffer) });
  await pool.run(accounts.map((r) => ({ kind: "trends", ...r })));
  return (await pool.run<BookContext[]>(ranges(setup.span, DAYS_PER_TASK).map((r) => ({ kind: "book", ...r })))).flat();
}

/**
 * `replay` (replay.ts) of an open history, shared out over `threads` threads, this one and worker
 * threads (default defaultReplayThreads()); `onAccount(done, total)` as ranges of accounts finish.
 */
export async function replayInWorkers(
  h: OpenHistory,
  inputsConfig: HealthConfig,
  runs: ReplayRun[],
  options: ReplayOptions & { threads?: number } = {},
): Promise<ReplayResult> {
  const { onAccount, sampleEvery = 0, threads = defaultReplayThreads() } = options;
  const setup = replaySetup(h, inputsConfig, runs, sampleEvery);
  const n = h.accounts.length;
  const workers = Math.max(0, Math.min(threads, Math.ceil(n / ACCOUNTS_PER_TASK)) - 1);
  const startPool = () => new Pool(workers, { handle: h.handle(), inputsConfig, runs, sampleEvery }, new ReplayTasks(h, setup));
  const accountRanges = ranges(n, ACCOUNTS_PER_TASK);
  // Steps 1-2 have workers of their own, stopped before the replay: their hold on the trend arrays goes
  // with them, at once, rather than at their next full collection; the main thread's with a collection.
  let pool = startPool();
  let book: BookContext[];
  try {
    book = await bookOf(pool, setup, n, accountRanges);
  } finally {
    await pool.close();
  }
  (globalThis as { gc?: () => void }).gc?.();
  pool = startPool();
  try {
    await pool.everyThread({ kind: "use-book", book });
    let done = 0;
    onAccount?.(0, n);
    const parts = await pool.run<ReplayPart>(
      accountRanges.map((r) => ({ kind: "replay", ...r })),
      (i) => onAccount?.((done += accountRanges[i].to - accountRanges[i].from), n),
    );
    return replayResult(setup, n, parts);
  } finally {
    await pool.close();
  }
}

/**
 * The replay of `input` in `threads` threads when it is a history on disk (openHistory) and more than one
 * is asked for, else in this thread (`replay`); the result is the same either way.
 */
export function replayHistory(
  input: History | AccountSource,
  inputsConfig: HealthConfig,
  runs: ReplayRun[],
  options: ReplayOptions & { threads?: number } = {},
): Promise<ReplayResult> {
  const threads = options.threads ?? defaultReplayThreads();
  const open = input as Partial<OpenHistory>;
  if (threads > 1 && typeof open.handle === "function")
    return replayInWorkers(open as OpenHistory, inputsConfig, runs, { ...options, threads });
  return Promise.resolve(replay(input, inputsConfig, runs, options));
}
