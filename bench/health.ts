// npm run bench:health [-- --sizes 10000,100000] [--keep] [--cpu-prof DIR] [--max-old-space MB] [--history-days N]
//
// How long a health check takes over many accounts: for each size, seeds a fresh SQLite file (migrated
// by the app's migrator) with N accounts and 90 days of usage each (bench/health-seed.ts; not timed),
// then times runHealthCheck (src/success/use-cases) in a fresh child process (bench/health-run.ts), so the peak RSS
// printed is that run's own. Targets (issue 18): at 100,000 accounts a first run under 6 s, a daily run
// (run 2, which reads two weeks of earlier scores as a daily check does) under 4 s, peak RSS under 300 MB,
// and time growing linearly with the number of accounts. A miss is reported, not failed.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { START_FLAGS } from "../src/platform/heap.ts";
import { seedHealthData, type SeedCounts } from "./health-seed.ts";
import type { RunResult } from "./health-run.ts";

const TARGET_MS = 6_000;
const TARGET_DAILY_MS = 4_000;
const TARGET_RSS = 300 * 1024 * 1024;
const TARGET_SIZE = 100_000;
const MB = 1024 * 1024;
const here = path.dirname(fileURLToPath(import.meta.url));

interface Options {
  sizes: number[];
  keep: boolean;
  cpuProfDir: string | null;
  maxOldSpaceMb: number | null;
  /** Days of earlier daily checks before run 2 (null: the score_drop rule's days, 14 by default). */
  historyDays: number | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [10_000, 100_000], keep: false, cpuProfDir: null, maxOldSpaceMb: null, historyDays: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--sizes") {
      const sizes = String(value() ?? "")
        .split(",")
        .map((s) => Number(s.trim().replace(/_/g, "")));
      if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n < 1)) usage("--sizes needs whole numbers >= 1, separated by commas");
      o.sizes = sizes;
    } else if (flag === "--keep") o.keep = true;
    else if (flag === "--cpu-prof") o.cpuProfDir = path.resolve(value() ?? usage("--cpu-prof needs a directory"));
    else if (flag === "--max-old-space") {
      const mb = Number(value());
      if (!Number.isInteger(mb) || mb < 16) usage("--max-old-space needs a whole number of MB (16 or more)");
      o.maxOldSpaceMb = mb;
    } else if (flag === "--history-days") {
      const days = Number(value());
      if (!Number.isInteger(days) || days < 0) usage("--history-days needs a whole number of days (0 or more)");
      o.historyDays = days;
    } else if (flag === "--help" || flag === "-h") usage();
    else usage(`unknown option ${argv[i]}`);
  }
  return o;
}

function usage(problem?: string): never {
  const text =
    "usage: npm run bench:health -- [--sizes 10000,100000] [--keep] [--cpu-prof DIR] [--max-old-space MB] [--history-days N]\n" +
    "  --sizes N,M     numbers of accounts to check, one database each (default 10000,100000)\n" +
    "  --keep          keep the database files and print their paths\n" +
    "  --cpu-prof DIR  write a V8 CPU profile of each timed process into DIR/<size>\n" +
    "  --max-old-space MB  run the timed process with node --max-old-space-size=MB (V8's old generation capped)\n" +
    "  --history-days N    days of earlier daily checks the daily run (run 2) finds (default: the score_drop rule's, 14)\n";
  (problem ? process.stderr : process.stdout).write(problem ? `${problem}\n${text}` : text);
  process.exit(problem ? 2 : 0);
}

const files = new Set<string>();
let keep = false;
function cleanup(): void {
  if (keep) return;
  for (const file of files) for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
}
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    cleanup();
    process.exit(130);
  });
}

const n = (v: number) => v.toLocaleString("en-US");
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;

async function prepare(size: number, at: Date): Promise<{ file: string; counts: SeedCounts; seedMs: number }> {
  const file = path.join(tmpdir(), `desk-bench-health-${size}-${randomBytes(4).toString("hex")}.db`);
  files.add(file);
  const db = await openDatabase(`file:${file}`);
  await migrate(db);
  await db.close();
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  const t0 = performance.now();
  const counts = seedHealthData(file, size, at, (done) => {
    if (process.stdout.isTTY) process.stdout.write(`\r  seeded ${n(done)} of ${n(size)} accounts`);
  });
  if (process.stdout.isTTY) process.stdout.write("\n");
  return { file, counts, seedMs: performance.now() - t0 };
}

function timedRun(file: string, at: Date, size: number, o: Options): Promise<RunResult> {
  // Started as the app's process is (npm start), so the peak RSS is the app's.
  const args = [...START_FLAGS, "--import", "tsx"];
  if (o.maxOldSpaceMb !== null) args.push(`--max-old-space-size=${o.maxOldSpaceMb}`);
  if (o.cpuProfDir) {
    const dir = path.join(o.cpuProfDir, String(size));
    mkdirSync(dir, { recursive: true });
    args.push("--cpu-prof", `--cpu-prof-dir=${dir}`);
  }
  const history = o.historyDays === null ? [] : ["--history-days", String(o.historyDays)];
  const child = spawn(process.execPath, [...args, path.join(here, "health-run.ts"), "--db", file, "--at", at.toISOString(), ...history], {
    env: { ...process.env, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const label = `[${n(size)}]`;
  let result: RunResult | null = null;
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith('{"bench":"result"')) result = JSON.parse(line) as RunResult;
    else console.log(`  ${label} ${line}`);
  });
  createInterface({ input: child.stderr }).on("line", (line) => process.stderr.write(`  ${label} ${line}\n`));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0 && result) resolve(result);
      else
        reject(new Error(`the timed run for ${n(size)} accounts ended with ${signal ?? `code ${code}`}${result ? "" : " and no result"}`));
    });
  });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  keep = o.keep;
  // The check runs "at" 06:00 UTC today; the data is relative to it (usage up to yesterday).
  const today = new Date();
  const at = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 6));
  const rows: { size: number; counts: SeedCounts; bytes: number; r: RunResult }[] = [];

  for (const size of o.sizes) {
    console.log(`\n${n(size)} accounts: seeding a fresh SQLite file (not timed)`);
    const { file, counts, seedMs } = await prepare(size, at);
    const bytes = statSync(file).size;
    console.log(
      `  ${n(counts.accounts)} accounts (${n(counts.atRisk)} in trouble), ${n(counts.usageDays)} usage days, ${n(counts.accountFeatures)} account features, ` +
        `${n(counts.accountFigures)} figures, ${n(counts.npsResponses)} NPS answers, ${n(counts.tickets)} tickets (${n(counts.slaTimers)} SLA timers, ` +
        `${n(counts.csatResponses)} CSAT answers) in ${secs(seedMs)}; file ${mb(bytes)}`,
    );
    console.log(`  timing the check in a fresh process:`);
    const r = await timedRun(file, at, size, o);
    rows.push({ size, counts, bytes, r });
    if (o.keep) console.log(`  kept ${file}`);
    else {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
      files.delete(file);
    }
  }

  const cols: [string, (x: (typeof rows)[number]) => string][] = [
    ["accounts scored", (x) => n(x.r.run1.summary.accountsScored)],
    [
      "alerts raised (accounts)",
      (x) => `${n(x.r.run1.summary.alertsRaised)} (${n(x.r.alertAccounts)}, ${((x.r.alertAccounts / x.r.accounts) * 100).toFixed(1)}%)`,
    ],
    ["run 1 time", (x) => secs(x.r.run1.ms)],
    ["run 1 accounts/s", (x) => n(Math.round(x.r.accounts / (x.r.run1.ms / 1000)))],
    ["run 1 CPU (1 core = 100%)", (x) => `${Math.round((x.r.run1.cpuMs / x.r.run1.ms) * 100)}%`],
    ["run 1 CPU time (a busy machine: compare this)", (x) => secs(x.r.run1.cpuMs)],
    ["run 2 time (daily: 2 weeks of history, no new alerts)", (x) => secs(x.r.run2.ms)],
    ["run 2 CPU time", (x) => secs(x.r.run2.cpuMs)],
    ["run 1 - run 2 (~ alerts)", (x) => secs(x.r.run1.ms - x.r.run2.ms)],
    ["run 3 time (every rule off: alerts cleared)", (x) => secs(x.r.run3.ms)],
    ["alerts cleared by run 3", (x) => `${n(x.r.run3.summary.alertsCleared)} of ${n(x.r.run3.openBefore)}`],
    ["run 3 - run 2 (~ clearing)", (x) => secs(x.r.run3.ms - x.r.run2.ms)],
    ["inputs only (read + model)", (x) => secs(x.r.inputs.ms)],
    ["  of which usage windows (allUsage)", (x) => secs(x.r.inputs.sliceUsageMs)],
    ["  of which sliceFacts", (x) => secs(x.r.inputs.sliceFactsMs)],
    ["  of which account slices", (x) => secs(x.r.inputs.accountReadMs)],
    ["  of which model + rules", (x) => secs(x.r.inputs.scoreMs)],
    ["RSS before run 1", (x) => mb(x.r.baselineRss)],
    ["peak RSS, run 1 (VmHWM)", (x) => mb(x.r.run1.maxRss)],
    ["peak RSS, sampled run 1", (x) => mb(x.r.run1.sampledPeak)],
    ["peak RSS, whole process (runs 1-3, inputs)", (x) => mb(x.r.run3.maxRss)],
    ["WAL file after run 1 / run 2", (x) => `${mb(x.r.run1.walAfter)} / ${mb(x.r.run2.walAfter)}`],
    ["database file", (x) => mb(x.bytes)],
  ];
  const width = Math.max(...cols.map(([name]) => name.length));
  const colWidth = Math.max(...rows.flatMap((x) => cols.map(([, f]) => f(x).length)), ...rows.map((x) => n(x.size).length)) + 2;
  console.log(`\n${"".padEnd(width)} ${rows.map((x) => n(x.size).padStart(colWidth)).join("")}`);
  for (const [name, f] of cols) console.log(`${name.padEnd(width)} ${rows.map((x) => f(x).padStart(colWidth)).join("")}`);

  const small = rows.find((x) => x.size === 10_000) ?? rows[0];
  const big = rows.find((x) => x.size === TARGET_SIZE) ?? rows[rows.length - 1];
  if (rows.length >= 2 && big.size > small.size) {
    const ratio = big.r.run1.ms / small.r.run1.ms;
    const linear = big.size / small.size;
    console.log(
      `\ntime(${n(big.size)}) / time(${n(small.size)}) = ${ratio.toFixed(1)} (linear = ${linear.toFixed(0)}; run 2: ${(big.r.run2.ms / small.r.run2.ms).toFixed(1)}, ` +
        `inputs only: ${(big.r.inputs.ms / small.r.inputs.ms).toFixed(1)}): ${ratio <= linear * 1.3 ? "PASS" : "MISS"} (within 30% of linear)`,
    );
  }
  if (rows.some((x) => x.size === TARGET_SIZE)) {
    const r = rows.find((x) => x.size === TARGET_SIZE)!.r;
    console.log(
      `${n(TARGET_SIZE)} accounts, run 1: ${secs(r.run1.ms)} (target < ${secs(TARGET_MS)}): ${r.run1.ms < TARGET_MS ? "PASS" : "MISS"}`,
    );
    console.log(
      `${n(TARGET_SIZE)} accounts, run 2 (daily): ${secs(r.run2.ms)} (target < ${secs(TARGET_DAILY_MS)}): ${r.run2.ms < TARGET_DAILY_MS ? "PASS" : "MISS"}`,
    );
    console.log(
      `${n(TARGET_SIZE)} accounts, peak RSS ${mb(r.run1.maxRss)} (target < ${mb(TARGET_RSS)}): ${r.run1.maxRss < TARGET_RSS ? "PASS" : "MISS"}`,
    );
  } else {
    console.log(`(the absolute targets are for ${n(TARGET_SIZE)} accounts: add it to --sizes to judge them)`);
  }
  if (o.maxOldSpaceMb !== null) console.log(`The timed processes ran with --max-old-space-size=${o.maxOldSpaceMb}.`);
  console.log("The machine may be shared: compare figures from the same run; the ratio matters more than absolute times.");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
