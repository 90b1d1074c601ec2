// A worker thread of a parallel replay (parallel-replay.ts): it opens the same history from its handle
// and does the tasks the main thread gives it, in order.
import { parentPort, workerData } from "node:worker_threads";
import { openHistoryFrom } from "./history.ts";
import { ReplayTasks, type ReplayTask, type ReplayWorkerData } from "./parallel-replay.ts";
import { replaySetup } from "./replay.ts";

const data = workerData as ReplayWorkerData;
const h = openHistoryFrom(data.handle);
const tasks = new ReplayTasks(h, replaySetup(h, data.inputsConfig, data.runs, data.sampleEvery));

parentPort!.on("message", ({ id, task }: { id: number; task: ReplayTask }) => {
  parentPort!.postMessage({ id, result: tasks.do(task) });
});
