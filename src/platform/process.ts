// Running the app as a process: read the configuration (a bad one stops with one line per problem), start,
// and stop in order on SIGTERM or SIGINT, exiting anyway once SHUTDOWN_TIMEOUT_MS has passed.
import { ConfigError, loadConfig, type Config } from "./config/config.ts";
import type { Logger } from "./observability/log.ts";

export interface Stoppable {
  log: Logger;
  stop(): Promise<void>;
}

export async function runProcess(start: (config: Config) => Promise<Stoppable>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Cannot start: fix the configuration and try again.\n${error.problems.map((p) => `  ${p}`).join("\n")}\n`);
    process.exit(1);
  }
  let running: Stoppable;
  try {
    running = await start(config);
  } catch (error) {
    process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
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
