// This app, as in production: startApp() on a fresh SQLite file (or the fresh Postgres database in
// BENCH_DATABASE_URL), against the Slack stand-in that the
// bench runs in its own process (Slack is remote in production), so the work after the ack (tickets,
// outbox posts) really happens beside intake. Started by bench/intake.ts in its own process.
import { rmSync } from "node:fs";
import pino from "pino";
import { loadConfig } from "../../src/platform/config/config.ts";
import { startApp } from "../../src/main.ts";
import { emit, loadMeter, required, serve } from "./protocol.ts";

const signingSecret = required("BENCH_SIGNING_SECRET");
const databaseUrl = process.env.BENCH_DATABASE_URL;
const dbFile = databaseUrl ? null : required("BENCH_DB_FILE");
const supportChannel = required("BENCH_SUPPORT_CHANNEL");
const triageChannel = required("BENCH_TRIAGE_CHANNEL");
const teamId = required("BENCH_TEAM_ID");
const drainTimeoutMs = Number(process.env.BENCH_DRAIN_TIMEOUT_MS ?? 600_000);

const slackApiUrl = required("BENCH_SLACK_API_URL");
void teamId;

const config = loadConfig({
  SLACK_BOT_TOKEN: "xoxb-bench",
  SLACK_SIGNING_SECRET: signingSecret,
  SLACK_API_URL: slackApiUrl,
  PORT: "0",
  DATABASE_URL: databaseUrl ?? `file:${dbFile}`,
  SUPPORT_CHANNELS: supportChannel,
  TRIAGE_CHANNEL: triageChannel,
  AGENT_USER_IDS: "UAGENT1",
  LOG_LEVEL: "warn",
  // bench/contention.ts turns the /api/v1 routes on; bench/intake.ts leaves them off.
  INGEST_API_TOKEN: process.env.BENCH_INGEST_TOKEN ?? "",
});
// Logs go to stderr: stdout carries the protocol lines.
const running = await startApp(config, { logDestination: pino.destination({ dest: 2, sync: true }) });
const meter = loadMeter();
emit({ bench: "ready", port: running.port });

const c = running.db.client;
const countBy = async (model: "inboxEvent" | "outboxMessage") => {
  const rows =
    model === "inboxEvent"
      ? await c.inboxEvent.groupBy({ by: ["status"], _count: { _all: true } })
      : await c.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
};

/** The app's own count of events worked through (`desk_inbox_events_processed_total`, outcome done), from GET /metrics. */
async function processedTotal(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${running.port}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n"))
    if (line.startsWith("desk_inbox_events_processed_total{") && line.includes('outcome="done"')) total += Number(line.split(" ").pop());
  return total;
}

/** When the measured phase started, and how many events the app had worked through by then. */
let markedAt = Date.now();
let processedAtMark = 0;

/** Waits until no inbox event is pending; reports when the last one was processed. */
async function drain(): Promise<void> {
  const started = Date.now();
  let pending = await c.inboxEvent.count({ where: { status: "pending" } });
  while (pending > 0 && Date.now() - started < drainTimeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
    pending = await c.inboxEvent.count({ where: { status: "pending" } });
  }
  const last = await c.inboxEvent.aggregate({ _max: { processedAt: true } });
  emit({
    bench: "drained",
    drained: pending === 0,
    lastProcessedAt: last._max.processedAt?.getTime() ?? null,
    reportedAt: Date.now(),
    markedAt,
    processedSinceMark: (await processedTotal()) - processedAtMark,
    tickets: await c.ticket.count(),
    inbox: await countBy("inboxEvent"),
    outbox: await countBy("outboxMessage"),
    load: meter.read(),
  });
}

serve(
  async (command) => {
    if (command === "mark") {
      meter.mark();
      markedAt = Date.now();
      processedAtMark = await processedTotal();
      emit({ bench: "marked" });
    } else if (command === "report") {
      emit({ bench: "report", load: meter.read(), inbox: await countBy("inboxEvent") });
    } else if (command === "drain") {
      await drain();
    } else {
      emit({ bench: "error", command, message: `unknown command ${command}` });
    }
  },
  async () => {
    await running.stop();
    if (dbFile) for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${dbFile}${suffix}`, { force: true });
  },
);
