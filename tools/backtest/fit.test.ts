// `--fit` starts from the backtest's own replay: the component scores the fit needs are recorded by the
// replay the report already makes, so the fit replays once (the held-out judgement) instead of twice,
// with the same result as its own first pass.
import { describe, expect, it } from "vitest";
import { parseHealthConfig } from "../../src/success/rules/health-config.ts";
import { fitJson, runFit, SAMPLE_EVERY } from "./fit.ts";
import { generateHistory } from "./generate.ts";
import { runBacktest } from "./run.ts";

describe("the fit", () => {
  it("reuses the backtest's sampled replay: one replay fewer, the same weights, cut-offs and held-out figures", async () => {
    const h = generateHistory({ accounts: 300, days: 300, seed: 5 });
    const config = parseHealthConfig(null);
    let replayed = 0;
    const count = () => void replayed++;

    const own = await runFit(h, config, 90, {}, count);
    expect(replayed).toBe(2 * h.accounts.length);

    const backtest = await runBacktest(h, config, 90, [], undefined, SAMPLE_EVERY);
    expect(backtest.result.samples.length).toBeGreaterThan(0);
    replayed = 0;
    const reused = await runFit(h, config, 90, {}, count, backtest.result);
    expect(replayed).toBe(h.accounts.length);
    expect(reused.text).toBe(own.text);
    expect(fitJson(reused)).toEqual(fitJson(own));

    // A replay without samples (the backtest without --fit) is not enough: the fit replays for its own.
    replayed = 0;
    await runFit(h, config, 90, {}, count, (await runBacktest(h, config, 90, [])).result);
    expect(replayed).toBe(2 * h.accounts.length);
  }, 120_000);
});
