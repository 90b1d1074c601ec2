// The timed part of `npm run bench:health`, in a fresh process per database so the peak RSS is this
// run's own: tsx bench/health-run.ts --db FILE --at ISO [--history-days N]
//
// Opens the seeded SQLite file the way the app does (openDatabase), builds the success context as
// src/main.ts does (the real SlackAlertPosts over an Outbox, so alert writes cost what they cost in the
// app) and times:
//   run 1  `run("manual", at)` on the fresh data: scores, history and current rows, alerts raised;
//   run 2  the same again, as a daily run: first (untimed) the history is given the days a daily check
//          would have left, run 1's scores copied to each of the score_drop rule's days before `at` (14
//          by default, or --history-days; a run of its own each day, oldest first), so run 2 reads an
//          account's recent scores as it does after that many days of daily checks (a fresh database has
//          none: the bench's daily run read no history before 2 Dec 2026);
//          no new alerts (each still-open alert is touched instead), so run 1 - run 2 approximates what
//          raising the alerts costs;
//   run 3  (after inputs) a check with every rule turned off, as after a change of the configuration:
//          each open alert is cleared (its account's and its rules'), so run 3 - run 2 approximates
//          what clearing them costs;
//   inputs the read side alone, outside the service: the account slices, sliceFacts (the SQL
//          aggregates) and the pure model, without any writes.
// Prints readable lines, then one JSON line {"bench":"result",...} for bench/health.ts.
import { toolAccess } from "../src/shared/access.ts";
import { readFileSync, statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { openDatabase } from "../src/platform/db/client.ts";
import { tuneHeap } from "../src/platform/heap.ts";
import { systemClock } from "../src/platform/clock.ts";
import { createLogger } from "../src/platform/observability/log.ts";
import { SqliteCheckpoints } from "../src/platform/db/sqlite-checkpoints.ts";
import { Outbox } from "../src/platform/outbox/outbox.ts";
import { SlackAlertPosts } from "../src/slack/posts/alert-posts.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { jobActor } from "../src/shared/actor.ts";
import { runHealthCheck, type HealthCheckSummary } from "../src/success/use-cases/run-health-check.ts";
import { prismaSuccessStores } from "../src/success/store/index.ts";
import { parseHealthConfig, RULES } from "../src/success/rules/health-config.ts";
import { assessAccount, dayOf } from "../src/success/rules/health-check.ts";
import { allUsage, knownFeatureCount, sliceFacts, UsageTable } from "../src/success/store/health-inputs.ts";
import { bookTrends } from "../src/success/rules/health-model.ts";
import { bulkExecute } from "../src/platform/db/sql.ts";

const MB = 1024 * 1024;

const USAGE = "usage: tsx bench/health-run.ts --db FILE --at ISO [--history-days N]";

function parseArgs(argv: string[]) {
  let db: string | null = null;
  let at: Date | null = null;
  let historyDays: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--db") db = value();
    else if (flag === "--at") at = new Date(value());
    else if (flag === "--history-days") {
      historyDays = Number(value());
      if (!Number.isInteger(historyDays) || historyDays < 0) throw new Error("--history-days needs a whole number of days (0 or more)");
    } else throw new Error(`unknown option ${argv[i]} (${USAGE})`);
  }
  if (!db || !at || Number.isNaN(at.getTime())) throw new Error(USAGE);
  return { db, at, historyDays };
}

/**
 * This process's peak RSS so far (bytes): VmHWM on Linux. Not `process.resourceUsage().maxRSS`: Linux
 * carries ru_maxrss over from the parent through fork and exec, so a child of the bench (which has just
 * seeded with a 256 MB page cache) would report the parent's peak, not its own.
 */
function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Samples RSS every 20 ms (between awaits: the SQLite calls themselves block the thread). */
function rssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    reset: () => (peak = process.memoryUsage.rss()),
    peak: () => Math.max(peak, process.memoryUsage.rss()),
    stop: () => clearInterval(timer),
  };
}

export interface PhaseResult {
  ms: number;
  /** The process's peak RSS so far, after the phase (bytes; see peakRss). */
  maxRss: number;
  /** The highest sampled RSS during the phase (bytes). */
  sampledPeak: number;
  heapUsedAfter: number;
  cpuMs: number;
  /** The WAL file's size after the phase (bytes). */
  walAfter: number;
}

export interface RunResult {
  bench: "result";
  accounts: number;
  baselineRss: number;
  run1: PhaseResult & { summary: HealthCheckSummary };
  run2: PhaseResult & { summary: HealthCheckSummary };
  /** Every rule turned off: each open alert cleared. */
  run3: PhaseResult & { summary: HealthCheckSummary; openBefore: number };
  inputs: PhaseResult & { accountReadMs: number; sliceUsageMs: number; sliceFactsMs: number; scoreMs: number; slices: number };
  alertAccounts: number;
  openAlerts: number;
  outboxRows: number;
  historyRows: number;
  bands: Record<string, number>;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  tuneHeap(); // as the app's process does (src/platform/process.ts)
  const db = await openDatabase(`file:${o.db}`);
  const config = parseHealthConfig(null);
  const log = createLogger("silent");
  // As in the app (src/main.ts): passive WAL checkpoints from a worker thread every second.
  const checkpoints = new SqliteCheckpoints(db, log);
  checkpoints.start();
  const success = {
    ...prismaSuccessStores(db),
    tx: prismaTransactor(db),
    notifier: new SlackAlertPosts(new Outbox(db), db),
    clock: systemClock,
    log,
    config,
    settings: { alertsChannel: "CALERTS" },
    access: toolAccess,
  };
  const service = {
    run: (trigger: "manual", at: Date, config = success.config) =>
      runHealthCheck({ ...success, config }, jobActor("bench"), { trigger, at }),
  };
  const walSize = () => {
    try {
      return statSync(`${o.db}-wal`).size;
    } catch {
      return 0;
    }
  };
  const accounts = await db.client.account.count();
  const sampler = rssSampler();
  const baselineRss = process.memoryUsage.rss();

  const phase = async <T>(body: () => Promise<T>): Promise<[T, PhaseResult]> => {
    global.gc?.();
    sampler.reset();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await body();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return [
      value,
      {
        ms,
        walAfter: walSize(),
        maxRss: peakRss(),
        sampledPeak: sampler.peak(),
        heapUsedAfter: process.memoryUsage().heapUsed,
        cpuMs: (cpu.user + cpu.system) / 1000,
      },
    ];
  };
  const line = (name: string, p: PhaseResult, extra: string) =>
    console.log(
      `${name.padEnd(7)} ${(p.ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(accounts / (p.ms / 1000))
        .toLocaleString("en-US")
        .padStart(7)} accounts/s  ` +
        `cpu ${Math.round((p.cpuMs / p.ms) * 100)}%  WAL ${Math.round(p.walAfter / MB)} MB  peak RSS ${Math.round(p.maxRss / MB)} MB (sampled ${Math.round(p.sampledPeak / MB)} MB)  ${extra}`,
    );

  const [s1, run1] = await phase(() => service.run("manual", o.at));
  if (s1.status !== "done") throw new Error(`run 1 failed: ${s1.error}`);
  line("run 1", run1, `scored ${s1.accountsScored}, unscored ${s1.accountsUnscored}, alerts raised ${s1.alertsRaised}`);

  // The days of history two weeks of daily checks leave (what the score_drop rule reads back), untimed.
  const historyDays = o.historyDays ?? config.rules.score_drop.days;
  const t0History = performance.now();
  // Each day a run of its own, oldest first, as daily checks leave them.
  for (let day = historyDays; day >= 1; day--) {
    const checkedAt = new Date(o.at.getTime() - day * 86_400_000);
    const { id: runId } = await db.client.healthCheckRun.create({
      data: {
        trigger: "scheduled",
        status: "done",
        startedAt: checkedAt,
        finishedAt: checkedAt,
        checkedAt,
        accountsScored: s1.accountsScored,
      },
      select: { id: true },
    });
    const copied = await bulkExecute(
      db,
      db.client,
      `INSERT INTO "AccountHealth" ("runId", "accountExternalId", "computedAt", "score", "band", "components")
        SELECT $1, "accountExternalId", $2, "score", "band", "components" FROM "AccountHealth"
        WHERE "runId" = $3 ORDER BY "accountExternalId"`,
      runId,
      checkedAt,
      s1.runId,
    );
    if (copied !== s1.accountsScored) throw new Error(`history: ${copied} of run 1's ${s1.accountsScored} scores copied to day -${day}`);
  }
  // Folded into the file before run 2, so its WAL figure is its own (the checkpoint thread may hold it: retried).
  let folded = false;
  for (let attempt = 0; attempt < 50 && !folded; attempt++) {
    const [r] = await db.client.$queryRawUnsafe<{ busy: number | bigint }[]>(`PRAGMA wal_checkpoint(TRUNCATE)`);
    folded = Number(r.busy) === 0;
    if (!folded) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!folded) console.log("history: the WAL could not be folded into the file: run 2's WAL figure includes the copies");
  console.log(
    `history: ${historyDays} earlier days of run 1's scores written in ${((performance.now() - t0History) / 1000).toFixed(1)} s (untimed)`,
  );

  const [s2, run2] = await phase(() => service.run("manual", o.at));
  if (s2.status !== "done") throw new Error(`run 2 failed: ${s2.error}`);
  line("run 2", run2, `scored ${s2.accountsScored}, raised ${s2.alertsRaised}, worsened ${s2.alertsWorsened}, cleared ${s2.alertsCleared}`);

  // The read side alone: the same slices and inputs as the service, no writes.
  const split = { accountReadMs: 0, sliceUsageMs: 0, sliceFactsMs: 0, scoreMs: 0, slices: 0 };
  const [, inputsPhase] = await phase(async () => {
    const known = await knownFeatureCount(db, config, o.at);
    const today = dayOf(o.at);
    // Both passes of the service: every account's usage windows (for the book's median trends), then the rest.
    // The first pass reads each account's id and groups only, the second the whole account, as the check does.
    async function* slices<T extends { externalId: string }>(
      after: (cursor: string | null, size: number, peerAttribute: string | null) => Promise<T[]>,
    ): AsyncGenerator<T[]> {
      let cursor: string | null = null;
      for (;;) {
        const t = performance.now();
        // The store's own statement, as the check reads its slices (with the configured peer attribute).
        const slice = await after(cursor, 1000, config.peerAttribute);
        split.accountReadMs += performance.now() - t;
        if (slice.length === 0) return;
        yield slice;
        if (slice.length < 1000) return;
        cursor = slice[slice.length - 1].externalId;
      }
    }
    const usage = new UsageTable(s1.accountsScored + s1.accountsUnscored);
    const t0 = performance.now();
    // As the check reads them: two slices at a time, one on a reader thread (allUsage). The time includes
    // reading the slices' accounts, also counted under "accounts".
    await allUsage(db, slices(success.health.accountGroupsAfter), o.at, usage);
    split.sliceUsageMs += performance.now() - t0;
    let t = performance.now();
    const book = bookTrends(usage.all(), config.peerAttribute);
    split.scoreMs += performance.now() - t;
    for await (const slice of slices(success.health.accountsAfter)) {
      split.slices++;
      t = performance.now();
      const facts = await sliceFacts(db, config, slice, known, o.at, usage);
      split.sliceFactsMs += performance.now() - t;
      t = performance.now();
      for (const a of slice) {
        const f = facts.get(a.externalId)!;
        // As the check scores: without words, then worded where a rule fires.
        if (assessAccount(a, f, today, config, book, { evidence: false }).hits.length > 0) assessAccount(a, f, today, config, book);
      }
      split.scoreMs += performance.now() - t;
    }
  });
  line(
    "inputs",
    inputsPhase,
    `(${split.slices} slices: accounts ${(split.accountReadMs / 1000).toFixed(2)} s, usage windows ${(split.sliceUsageMs / 1000).toFixed(2)} s, sliceFacts ${(split.sliceFactsMs / 1000).toFixed(2)} s, model ${(split.scoreMs / 1000).toFixed(2)} s)`,
  );

  const [alertAccounts] = await db.client.$queryRawUnsafe<{ n: number | bigint }[]>(
    `SELECT COUNT(DISTINCT "accountExternalId") AS n FROM "HealthAlert"`,
  );
  const bands = await db.client.accountHealthCurrent.groupBy({ by: ["band"], _count: { _all: true } });
  const openAlerts = await db.client.healthAlert.count({ where: { status: "open" } });
  const openBefore = await db.client.accountAlert.count({ where: { status: "open" } });
  const noRules = parseHealthConfig(JSON.stringify({ rules: Object.fromEntries(RULES.map((r) => [r, { enabled: false }])) }));
  const [s3, run3] = await phase(() => service.run("manual", o.at, noRules));
  if (s3.status !== "done") throw new Error(`run 3 failed: ${s3.error}`);
  line("run 3", run3, `every rule off: ${s3.alertsCleared} of ${openBefore} open alerts cleared`);
  sampler.stop();
  const result: RunResult = {
    bench: "result",
    accounts,
    baselineRss,
    run1: { ...run1, summary: s1 },
    run2: { ...run2, summary: s2 },
    run3: { ...run3, summary: s3, openBefore },
    inputs: { ...inputsPhase, ...split },
    alertAccounts: Number(alertAccounts.n),
    openAlerts,
    outboxRows: await db.client.outboxMessage.count(),
    historyRows: await db.client.accountHealth.count(),
    bands: Object.fromEntries(bands.map((b) => [b.band, b._count._all])),
  };
  await checkpoints.stop();
  await db.close();
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  // Exit now: the checkpoint thread and the database would otherwise keep a failed run alive.
  process.exit(1);
});
