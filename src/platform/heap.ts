// How the app's JavaScript heap grows. V8 lets the old generation grow in large steps before it collects
// (on a machine with gigabytes to spare, to about 4 times what was live at the last collection), so a job
// that allocates much and keeps little, such as the health check (a live heap of about 45 MB at 100,000
// accounts), took the process's resident memory from about 155 MB at rest to 410-450 MB. Growing by 30% a
// step instead keeps it under 300 MB in the same time (docs/benchmarks.md). This is not a cap: the heap
// still grows as far as the work needs.
import v8 from "node:v8";

/**
 * Flags the app's process is started with (`npm start`: package.json's start script; a test keeps the two
 * alike). The young generation's two halves are 8 MB each instead of Node's 16 MB: the health check
 * allocates much and keeps little, and at 100,000 accounts the larger young generation took its peak RSS
 * past 300 MB (294-315 MB against 267-291 MB, for about 7% more time; docs/benchmarks.md).
 * V8 sizes the young generation when the process starts, so this cannot be set from tuneHeap.
 */
export const START_FLAGS = ["--max-semi-space-size=8"] as const;

/** The old generation grows by this share of what was live at the last collection, at most. */
export const HEAP_GROWING_PERCENT = 30;

const FLAG = "--heap-growing-percent";

/**
 * Sets V8's heap growing step for this process (read at every collection, so setting it at run time
 * takes effect), unless the process was started with its own `--heap-growing-percent`.
 */
export function tuneHeap(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`))) return;
  v8.setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);
}
