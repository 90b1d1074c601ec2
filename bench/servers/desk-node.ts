// One node of this app for bench/replicas.ts and bench/soak.ts: startApp(loadConfig(...)) on the database
// the bench names (a SQLite file or a Postgres database, possibly shared with other nodes), against the
// Slack stand-in that runs in the bench's own process. Same line protocol as the intake servers
// (protocol.ts), plus a `counts` command: inbox and outbox by status, the age of the oldest unfinished
// row of each, the last processed/sent times, and this process's memory (and, when started with
// --expose-gc, the heap left after a full collection, taken after the other figures).
import { performance } from "node:perf_hooks";
import pino from "pino";
import { loadConfig } from "../../src/platform/config/config.ts";
import { startApp } from "../../src/main.ts";
import { emit, loadMeter, required, serve } from "./protocol.ts";

const startedAt = performance.now();
const config = loadConfig({
  SLACK_BOT_TOKEN: "xoxb-bench",
  SLACK_SIGNING_SECRET: required("BENCH_SIGNING_SECRET"),
  SLACK_API_URL: required("BENCH_SLACK_API_URL"),
  PORT: "0",
  DATABASE_URL: required("BENCH_DATABASE_URL"),
  SUPPORT_CHANNELS: required("BENCH_SUPPORT_CHANNELS"),
  TRIAGE_CHANNEL: required("BENCH_TRIAGE_CHANNEL"),
  AGENT_USER_IDS: "UAGENT1",
  OUTBOX_CHANNEL_INTERVAL_MS: required("BENCH_OUTBOX_INTERVAL_MS"),
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
});
// Logs go to stderr: stdout carries the protocol lines.
const running = await startApp(config, { logDestination: pino.destination({ dest: 2, sync: true }) });
const meter = loadMeter();
emit({ bench: "ready", port: running.port, pid: process.pid, startMs: Math.round(performance.now() - startedAt) });

const c = running.db.client;

async function counts() {
  const [inbox, outbox, oldestInbox, oldestOutbox, lastProcessed, lastSent] = await Promise.all([
    c.inboxEvent.groupBy({ by: ["status"], _count: { _all: true } }),
    c.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } }),
    c.inboxEvent.aggregate({ where: { status: "pending" }, _min: { receivedAt: true } }),
    c.outboxMessage.aggregate({ where: { status: { in: ["pending", "sending"] } }, _min: { createdAt: true } }),
    c.inboxEvent.aggregate({ _max: { processedAt: true } }),
    c.outboxMessage.aggregate({ _max: { sentAt: true } }),
  ]);
  const memory = process.memoryUsage();
  // With --expose-gc (bench:soak sets it), the heap that survives a full collection: what is really kept.
  const gc = (globalThis as { gc?: () => void }).gc;
  let liveHeap: number | null = null;
  if (gc) {
    gc();
    liveHeap = process.memoryUsage().heapUsed;
  }
  return {
    at: Date.now(),
    inbox: Object.fromEntries(inbox.map((r) => [r.status, r._count._all])),
    outbox: Object.fromEntries(outbox.map((r) => [r.status, r._count._all])),
    oldestInboxPendingAt: oldestInbox._min.receivedAt?.getTime() ?? null,
    oldestOutboxUnsentAt: oldestOutbox._min.createdAt?.getTime() ?? null,
    lastProcessedAt: lastProcessed._max.processedAt?.getTime() ?? null,
    lastSentAt: lastSent._max.sentAt?.getTime() ?? null,
    tickets: await c.ticket.count(),
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    liveHeap,
  };
}

serve(
  async (command) => {
    const name = command as string;
    if (name === "mark") {
      meter.mark();
      emit({ bench: "marked" });
    } else if (name === "report") {
      emit({ bench: "report", load: meter.read() });
    } else if (name === "counts") {
      emit({ bench: "counts", ...(await counts()) });
    } else if (name === "migrations") {
      const rows = await c.$queryRawUnsafe<{ name: string }[]>('SELECT "name" FROM "_app_migrations"');
      emit({ bench: "migrations", applied: rows.length });
    } else {
      emit({ bench: "error", command: name, message: `unknown command ${name}` });
    }
  },
  async () => {
    await running.stop();
  },
);
