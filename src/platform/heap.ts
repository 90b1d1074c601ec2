// How the app's JavaScript heap grows. V8 lets the old generation grow in large steps before it collects
// (on a machine with gigabytes to spare, to about 4 times what was live at the last collection), so a job
// that allocates much and keeps little, such as the health check (a live heap of about 45 MB at 100,000
// accounts), took the process's resident memory from about 155 MB at rest to 410-450 MB. Growing by 30% a
// step instead keeps it under 300 MB in the same time (docs/benchmarks.md). This is not a cap: the heap
// still grows as far as the work needs.
import v8 from "node:v8";

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
