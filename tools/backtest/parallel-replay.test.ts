// The replay shared out over threads (parallel-replay.ts) gives the same result as the replay in one
// thread, with every kind of run (shared weights, a baseline without the book, another red line) and
// sampled component scores; a history whose files change under it fails with the reason, not a hang.
import { truncateSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHealthConfig } from "../../src/success/rules/health-config.ts";
import { loginsOnlyConfig } from "./baseline.ts";
import { generateHistory } from "./generate.ts";
import { FILES, openHistory } from "./history.ts";
import { writeHistory } from "./history-writer.ts";
import { replayHistory, replayInWorkers } from "./parallel-replay.ts";
import { replay } from "./replay.ts";
import { tempDirs } from "../../test/support/temp-dirs.ts";

const tempDir = tempDirs("backtest-parallel-");

const config = parseHealthConfig(null);
const runs = [
  { name: "model", config },
  { name: "model <55", config: { ...config, bands: { green: 70, yellow: 55 } } },
  { name: "baseline", config: loginsOnlyConfig(config), book: false },
];

describe("the replay in several threads", () => {
  it("gives the same alerts, snapshots and samples as one thread, and counts every account as done", async () => {
    // More accounts than one task holds, so the main thread and the worker each replay some.
    const history = generateHistory({ accounts: 120, days: 200, seed: 3 });
    const dir = tempDir();
    writeHistory(dir, history);
    const opened = openHistory(dir);
    const one = replay(opened, config, runs, { sampleEvery: 7 });
    const progress: number[] = [];
    const shared = await replayInWorkers(opened, config, runs, { sampleEvery: 7, threads: 2, onAccount: (done) => progress.push(done) });
    expect(shared).toEqual(one);
    expect(one.alerts[0].alerts.length).toBeGreaterThan(0);
    expect(one.samples.length).toBeGreaterThan(0);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(history.accounts.length);
    // replayHistory shares out a history on disk, and replays one in memory in this thread: the same result.
    expect(await replayHistory(history, config, runs, { sampleEvery: 7, threads: 2 })).toEqual(one);
  }, 60_000);

  it("fails with the reason when a file changed after it was checked", async () => {
    const dir = tempDir();
    writeHistory(dir, generateHistory({ accounts: 80, days: 120, seed: 8 }));
    const opened = openHistory(dir);
    const usage = join(dir, FILES.usage.name);
    truncateSync(usage, Math.floor(statSync(usage).size / 2));
    await expect(replayInWorkers(opened, config, runs, { threads: 2 })).rejects.toThrow(/changed while/);
  }, 60_000);

  it("fails with the error of a progress callback that throws, whichever thread's part it reports", async () => {
    const dir = tempDir();
    writeHistory(dir, generateHistory({ accounts: 80, days: 120, seed: 8 }));
    const opened = openHistory(dir);
    const stop = (done: number) => {
      if (done > 0) throw new Error("stopped by the caller");
    };
    await expect(replayInWorkers(opened, config, runs, { threads: 2, onAccount: stop })).rejects.toThrow("stopped by the caller");
  }, 60_000);
});
