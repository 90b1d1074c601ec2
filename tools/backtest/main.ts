// npm run backtest -- [dir] [--horizon 90] [--config health-config.json] [--json] [--fit] [--write file]
// Replays a labelled history day by day and prints precision, recall and lead time of red alerts for
// the health model and for a logins-only baseline. Without a dir, generates the default seeded history
// (npm run backtest:generate) into a temporary directory and replays that.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HealthConfigError, parseHealthConfig, type HealthConfig } from "../../src/success/rules/health-config.ts";
import { scoringFingerprint } from "../../src/success/rules/calibration.ts";
import { calibrationSection, historyName } from "./calibrate.ts";
import { HelpRequest, intOption, parseArgs, UsageError } from "./cli-args.ts";
import { fitJson, runFit, SAMPLE_EVERY } from "./fit.ts";
import { DEFAULT_GENERATE, generateHistory } from "./generate.ts";
import { HistoryError, openHistory } from "./history.ts";
import { defaultReplayThreads } from "./parallel-replay.ts";
import { writeHistory } from "./history-writer.ts";
import { DEFAULT_HORIZON_DAYS } from "./report.ts";
import { backtestJson, DEFAULT_SWEEP, runBacktest } from "./run.ts";

const USAGE = `usage: npm run backtest -- [dir] [--horizon days] [--config health-config.json]
  dir        a directory with accounts.csv, usage.csv, churn.csv (and tickets.csv, nps.csv, seat_changes.csv;
             with patterns.csv, as generated, the report adds the share of each pattern's accounts flagged red);
             without it, the default generated history (seed ${DEFAULT_GENERATE.seed}) is written to a temporary directory and replayed
  --horizon  days after an alert within which a churn makes it right (default ${DEFAULT_HORIZON_DAYS})
  --config   a health configuration file (default: the built-in defaults)
  --sweep    other "red below" scores to try, comma-separated, or none (default ${DEFAULT_SWEEP.join(",")})
  --json     print the figures as one JSON object on stdout (progress and notes go to stderr)
  --fit      also fit the weights and cut-offs on the older half of the days and compare default and fitted on the newer half
  --threads  threads the replay uses, this one and worker threads (default: one per core, at most ${defaultReplayThreads()} here; 1: no workers)
  --write    write the churn per score bucket ("calibration": "about 1 in N similar accounts churned" in alerts and /cs account)
             into this health configuration file, the rest of its JSON kept (the file must score as --config does; new: --config's JSON);
             with --fit: the fitted configuration, with the fitted weights' calibration on the held-out part (the app loads it as HEALTH_CONFIG_FILE)`;

function loadConfig(path: string | undefined): { config: HealthConfig; raw: Record<string, unknown> } {
  if (path === undefined) return { config: parseHealthConfig(null), raw: {} };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the health configuration ${path}: ${(error as Error).message}`);
  }
  const config = parseHealthConfig(text, path);
  return { config, raw: JSON.parse(text) as Record<string, unknown> };
}

function parseSweep(raw: string | undefined): number[] {
  if (raw === undefined) return DEFAULT_SWEEP;
  if (raw === "none") return [];
  return raw.split(",").map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 1 || n > 100)
      throw new UsageError(`--sweep takes scores from 1 to 100 separated by commas (or none), not "${part}"\n${USAGE}`);
    return n;
  });
}

/**
 * The JSON a plain backtest's calibration is written into: an existing file's own (which must score
 * accounts as the backtested configuration does, else the calibration would describe other scores), or
 * for a new file the --config file's JSON (or nothing else). Checked before the replay.
 */
function calibrationBase(
  path: string,
  config: HealthConfig,
  configPath: string | undefined,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  if (!existsSync(path)) return raw;
  const text = readFileSync(path, "utf8");
  const target = parseHealthConfig(text, path);
  if (scoringFingerprint(target) !== scoringFingerprint(config))
    throw new UsageError(
      `${path} scores accounts with other settings (weights, distressWeight, knownFeatures or keyEvents) than the backtest uses (${configPath ?? "the built-in defaults"}), so a calibration would not describe its scores: nothing is replayed or written. Backtest it with --config ${path}, or --write a new file.`,
    );
  return JSON.parse(text) as Record<string, unknown>;
}

const PROGRESS_EVERY_MS = 3000;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ["horizon", "config", "sweep", "write", "threads"], USAGE, ["json", "fit"]);
  const json = args.flags.has("json");
  const fit = args.flags.has("fit");
  const write = args.options.get("write");
  // With --json, stdout holds the JSON object only.
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  if (args.positional.length > 1) throw new UsageError(`give at most one directory, not ${args.positional.length}\n${USAGE}`);
  const horizon = intOption(args, "horizon", DEFAULT_HORIZON_DAYS, 1, 3650, USAGE);
  const threads = intOption(args, "threads", defaultReplayThreads(), 1, 64, USAGE);
  const configPath = args.options.get("config");
  const { config, raw } = loadConfig(configPath);
  const sweep = parseSweep(args.options.get("sweep"));
  const writeBase = write !== undefined && !fit ? calibrationBase(write, config, configPath, raw) : null;

  let dir = args.positional[0];
  const history = dir === undefined ? `generated (seed ${DEFAULT_GENERATE.seed})` : historyName(dir);
  let temporary: string | null = null;
  if (dir === undefined) {
    temporary = mkdtempSync(join(tmpdir(), "backtest-"));
    dir = temporary;
    const started = performance.now();
    writeHistory(dir, generateHistory());
    const o = DEFAULT_GENERATE;
    say(
      `Generated the default history (${o.accounts} accounts, ${o.days} days from ${o.start}, seed ${o.seed}) in ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
  }
  try {
    const started = performance.now();
    const opened = openHistory(dir);
    const read = performance.now();
    // A progress line on stderr every few seconds: accounts replayed of all, and the pace.
    // The pace is that of the replay under way (with --fit, the fit's judgement replays the history again).
    let lastLine = performance.now();
    let replayStarted = read;
    const progress = (done: number, total: number) => {
      const now = performance.now();
      if (done === 0) replayStarted = now;
      if (done === 0 || now - lastLine < PROGRESS_EVERY_MS || now - replayStarted < 1000) return;
      lastLine = now;
      const rate = done / ((now - replayStarted) / 1000);
      process.stderr.write(
        `backtest: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} accounts replayed (${Math.round(rate).toLocaleString("en-US")} accounts/s, about ${Math.ceil((total - done) / Math.max(rate, 1))} s left)\n`,
      );
    };
    // With --fit, the backtest's replay records the component scores the fit starts from (one replay fewer).
    const backtest = await runBacktest(opened, config, horizon, sweep, progress, fit ? SAMPLE_EVERY : 0, threads);
    const fitted = fit ? await runFit(opened, config, horizon, raw, progress, backtest.result, threads) : null;
    const done = performance.now();
    const date = new Date().toISOString().slice(0, 10);
    const accounts = opened.accounts.length;
    let wrote: string | null = null;
    let notWritten: string | null = null;
    if (fitted && write !== undefined) {
      const section = calibrationSection(fitted.calibration, { kind: "fit", history, accounts, date, scoredUnder: fitted.fitted });
      const { calibration: _old, ...rest } = fitted.file;
      writeFileSync(write, `${JSON.stringify(section ? { ...rest, calibration: section } : rest, null, 2)}\n`);
      wrote = `Wrote the fitted health configuration${section ? " with its calibration" : " (no calibration: no held-out month-end snapshot has a known outcome)"} to ${write} (load it with HEALTH_CONFIG_FILE=${write}).`;
    } else if (write !== undefined) {
      const section = calibrationSection(backtest.calibration, { kind: "backtest", history, accounts, date, scoredUnder: config });
      if (section) {
        writeFileSync(write, `${JSON.stringify({ ...writeBase, calibration: section }, null, 2)}\n`);
        wrote = `Wrote the calibration (${section.buckets.length} score buckets, ${section.source.snapshots} month-end snapshots) into ${write}.`;
      } else
        notWritten = `nothing written to ${write}: no month-end snapshot is at least ${horizon} days before the end of the data, so no churn can be counted`;
    }
    if (json) {
      console.log(JSON.stringify({ ...backtestJson(backtest, horizon), ...(fitted ? { fit: fitJson(fitted) } : {}) }, null, 2));
    } else {
      console.log(backtest.text);
      if (fitted) console.log(`\n${fitted.text}`);
    }
    if (wrote) say(`\n${wrote}`);
    say(`\nRead in ${((read - started) / 1000).toFixed(1)} s, replayed in ${((done - read) / 1000).toFixed(1)} s.`);
    if (notWritten) throw new UsageError(notWritten);
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  if (error instanceof HelpRequest) {
    console.log(error.message);
    process.exit(0);
  }
  if (error instanceof UsageError || error instanceof HistoryError || error instanceof HealthConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
