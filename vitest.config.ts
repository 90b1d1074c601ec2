import { defineConfig } from "vitest/config";

// Two projects: `unit` runs the rule tests next to the code (no database, no Slack, no HTTP);
// `behaviour` runs the app end to end over signed HTTP against the Slack stand-in and a real database.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    projects: [
      // An inline project does not inherit the settings above: the timeouts are given again (the backtest
      // generator's tests take several seconds on a busy machine, past vitest's default of 5 s).
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "tools/**/*.test.ts"],
          pool: "threads",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "behaviour",
          include: ["test/**/*.test.ts"],
          pool: "forks",
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
