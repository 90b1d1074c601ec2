// Running the app as a process: set how its heap grows (heap.ts), read ./.env when there is one (the
// environment's own variables win), read the configuration (a bad one stops with one line per problem), start,
// and stop in order on SIGTERM or SIGINT, exiting anyway once SHUTDOWN_TIMEOUT_MS has passed.
import { ConfigError, loadConfig, type Config } from "./config/config.ts";
import { loadEnvFile } from "./config/env-file.ts";
import { tuneHeap } from "./heap.ts";
import type { Logger } from "./observability/log.ts";

export interface Stoppable {
  log: Logger;
  stop(): Promise<void>;
}

export async function runProcess(start: (config: Config) => Promise<Stoppable>): Promise<void> {
  tuneHeap();
  const envFile = loadEnvFile();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const where = envFile ? ` (in ${envFile.file} or the environment)` : "";
    process.stderr.write(`Cannot start: fix the configuration${where} and try again.\n${error.problems.map((p) => `  ${p}`).join("\n")}\n`);
    process.exit(1);
  }
  let running: Stoppable;
  try {
    running = await start(config);
  } catch (error) {
    process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  if (envFile) {
    const { file, applied, overridden } = envFile;
    running.log.info(
      { file, applied: applied.length, overridden },
      `read ${applied.length} variables from ${file} (the environment's own win)`,
    );
  }
  const shutdown = (signal: string) => {
    running.log.info({ signal }, "signal received");
    const force = setTimeout(() => {
      running.log.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}
