// The little protocol between bench/intake.ts (the parent) and a server child process.
// The child prints one JSON line per message on stdout, each with a `bench` field; everything else it
// prints (logs) goes to stderr. The parent sends one command per line on the child's stdin.
// When the parent goes away (stdin closes), the child stops and exits: no process is left behind.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";

export type Command = "mark" | "report" | "drain" | "stop";

export function emit(message: { bench: string } & Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

export function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is not set (this file is started by bench/intake.ts)\n`);
    process.exit(2);
  }
  return value;
}

/** CPU time and event-loop delay of this process since the last `mark`. */
export function loadMeter() {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let cpu = process.cpuUsage();
  let since = performance.now();
  return {
    mark() {
      delay.reset();
      cpu = process.cpuUsage();
      since = performance.now();
    },
    read() {
      const used = process.cpuUsage(cpu);
      const wallMs = performance.now() - since;
      const cpuMs = (used.user + used.system) / 1000;
      return {
        wallMs: Math.round(wallMs),
        cpuMs: Math.round(cpuMs),
        cpuShare: wallMs > 0 ? cpuMs / wallMs : 0,
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        loopDelayMaxMs: delay.max / 1e6,
        rssMb: Math.round(process.memoryUsage().rss / 1e6),
      };
    },
  };
}

/**
 * Reads commands from stdin. `stop` (or stdin closing) runs `shutdown` once, then exits.
 * Other commands go to `handle`; an exception there is reported as an `error` line.
 */
export function serve(handle: (command: Command) => Promise<void>, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code || 1), 10_000);
    force.unref();
    shutdown().then(
      () => process.exit(code),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    const command = line.trim() as Command;
    if (!command) return;
    if (command === "stop") return stop(0);
    handle(command).catch((error: unknown) =>
      emit({ bench: "error", command, message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  lines.on("close", () => stop(0));
  process.once("SIGTERM", () => stop(0));
  process.once("SIGINT", () => stop(0));
}
