import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files that take minutes, started before the others so that they run beside them, not after them: the
 * default order (by earlier durations, else by file size) put the Postgres-only replica test, a small file,
 * last, and the Postgres pass waited 5 minutes for it alone on a 2-core machine.
 */
const LONGEST = ["test/replicas.test.ts"];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const long = (f: TestSpecification) => LONGEST.some((name) => f.moduleId.replaceAll("\\", "/").endsWith(name));
    return [...sorted.filter(long), ...sorted.filter((f) => !long(f))];
  }
}

/**
 * The rule tests use no database, so the Postgres pass (TEST_DATABASE=postgres) leaves them to the SQLite
 * pass instead of running the same tests twice (about 80 s of CI on a 2-core machine).
 */
const onPostgres = process.env.TEST_DATABASE === "postgres";

// Two projects: `unit` runs the rule tests next to the code (no database, no Slack, no HTTP);
// `behaviour` runs the app end to end over signed HTTP against the Slack stand-in and a real database.
// An inline project does not inherit the settings above: the timeouts are given again (the backtest
// generator's tests take several seconds on a busy machine, past vitest's default of 5 s).
const unit = {
  test: {
    name: "unit",
    include: ["src/**/*.test.ts", "tools/**/*.test.ts"],
    pool: "threads" as const,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { groupOrder: 0 },
  },
};

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    sequence: { sequencer: LongestFirst },
    projects: [
      ...(onPostgres ? [] : [unit]),
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
