// npm run bench:soak [-- --minutes N] [--rate R] [--reply-share F] [--postgres] [--interval-ms MS]
//                      [--channels N] [--sample-seconds S] [--drain-timeout S]
//
// Endurance: one process of this app (SQLite by default, Postgres with --postgres) against the Slack stand-in,
// under a steady open-loop load of signed message events: new customer messages spread over the support
// channels (each opens a ticket: an acknowledgement in the customer's thread and a triage card) and a share of
// customer replies in those threads (each mirrored into the card's thread). Every few seconds the process
// reports its memory and the bench reads the inbox and outbox backlog; the table shows them over time, and
// the summary gives peak and final RSS and the RSS slope over the second half, so "memory stays flat" can be
// judged. The exit code is 1 only when something broke (failed requests, failed rows, a server that died).
import http from "node:http";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { SlackStandIn } from "../test/support/slack-stand-in.ts";
import {
  TEAM_ID,
  TRIAGE_CHANNEL,
  cleanup,
  createDatabase,
  fmt,
  messageEnvelope,
  onCleanup,
  post,
  rank,
  runId,
  signed,
  slope,
  startServer,
  supportChannels,
  table,
  type Message,
} from "./lib/harness.ts";

const slack = new SlackStandIn();

interface Options {
  minutes: number;
  rate: number;
  replyShare: number;
  postgres: boolean;
  intervalMs: number;
  channels: number;
  sampleSeconds: number;
  drainTimeoutS: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    minutes: 2,
    rate: 20,
    replyShare: 0.2,
    postgres: false,
    intervalMs: 0,
    channels: 200,
    sampleSeconds: 10,
    drainTimeoutS: 300,
  };
  const number = (flag: string, value: string | undefined, min: number, max = Infinity) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) usage(`${flag} needs a number from ${min}${max < Infinity ? ` to ${max}` : ""}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--minutes") o.minutes = number(flag, value(), 0.1);
    else if (flag === "--rate") o.rate = number(flag, value(), 0.1, 1000);
    else if (flag === "--reply-share") o.replyShare = number(flag, value(), 0, 0.9);
    else if (flag === "--postgres") o.postgres = true;
    else if (flag === "--interval-ms") o.intervalMs = Math.round(number(flag, value(), 0, 60_000));
    else if (flag === "--channels") o.channels = Math.round(number(flag, value(), 1, 1000));
    else if (flag === "--sample-seconds") o.sampleSeconds = number(flag, value(), 1);
    else if (flag === "--drain-timeout") o.drainTimeoutS = number(flag, value(), 1);
    else if (flag === "--help" || flag === "-h") usage();
    else usage(`unknown option ${argv[i]}`);
  }
  return o;
}

function usage(problem?: string): never {
  const text =
    "usage: npm run bench:soak -- [options]\n" +
    "  --minutes N         how long to hold the load (default 2)\n" +
    "  --rate R            messages per second (default 20)\n" +
    "  --reply-share F     share of them that are customer replies in an open ticket's thread (default 0.2)\n" +
    "  --postgres          a fresh Postgres database (BENCH_POSTGRES_URL or the local server) instead of SQLite\n" +
    "  --interval-ms MS    OUTBOX_CHANNEL_INTERVAL_MS of the app (default 0: no pacing, see bench/README.md)\n" +
    "  --channels N        support channels the messages are spread over (default 200)\n" +
    "  --sample-seconds S  sampling interval (default 10)\n" +
    "  --drain-timeout S   how long to wait for the backlog to empty after the load (default 300)\n";
  (problem ? process.stderr : process.stdout).write(problem ? `${problem}\n${text}` : text);
  process.exit(problem ? 2 : 0);
}

interface Sample {
  t: number;
  sent: number;
  errors: number;
  ackP50: number;
  ackP99: number;
  rssMb: number;
  heapMb: number;
  liveMb: number;
  inboxPending: number;
  inboxAgeS: number;
  outboxUnsent: number;
  outboxAgeS: number;
  posts: number;
  tickets: number;
}

const mb = (bytes: unknown) => Number(bytes) / 1048576;

function sampleOf(t: number, m: Message, window: { sent: number; errors: number; latencies: number[] }, posts: number): Sample {
  const sorted = Float64Array.from(window.latencies).sort();
  const age = (at: unknown) => (typeof at === "number" ? Math.max(0, Number(m.at) - at) / 1000 : 0);
  return {
    t,
    sent: window.sent,
    errors: window.errors,
    ackP50: rank(sorted, 0.5),
    ackP99: rank(sorted, 0.99),
    rssMb: mb(m.rss),
    heapMb: mb(m.heapUsed),
    liveMb: m.liveHeap === null ? NaN : mb(m.liveHeap),
    inboxPending: m.inbox.pending ?? 0,
    inboxAgeS: age(m.oldestInboxPendingAt),
    outboxUnsent: (m.outbox.pending ?? 0) + (m.outbox.sending ?? 0),
    outboxAgeS: age(m.oldestOutboxUnsentAt),
    posts,
    tickets: Number(m.tickets),
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  slack.teamId = TEAM_ID;
  await slack.start();
  const channels = supportChannels(o.channels);
  let databaseUrl: string;
  if (o.postgres) {
    databaseUrl = await createDatabase("desk_bench_soak");
  } else {
    const file = path.join(tmpdir(), `desk-soak-${process.pid}-${randomBytes(3).toString("hex")}.db`);
    onCleanup(() => {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
    });
    databaseUrl = `file:${file}`;
  }
  const server = await startServer(
    "desk",
    "desk-node.ts",
    {
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_SUPPORT_CHANNELS: channels.join(","),
      BENCH_TRIAGE_CHANNEL: TRIAGE_CHANNEL,
      BENCH_OUTBOX_INTERVAL_MS: String(o.intervalMs),
      // A full collection after each sample's figures gives the heap that is really kept (live heap).
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --expose-gc`.trim(),
    },
    slack.apiUrl,
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const run = runId();
  const durationMs = o.minutes * 60_000;
  process.stderr.write(
    `soak: ${o.postgres ? "Postgres" : "SQLite"}, ${o.rate} messages/s (${Math.round(o.replyShare * 100)}% thread replies) for ${o.minutes} min, ` +
      `${o.channels} channels, OUTBOX_CHANNEL_INTERVAL_MS=${o.intervalMs}; a sample every ${o.sampleSeconds} s\n`,
  );

  // Top-level messages a reply may answer: the customer's thread, once its ticket has had time to exist.
  const threads: Array<{ channel: string; user: string; ts: string; marker: string; at: number }> = [];
  let window = { sent: 0, errors: 0, latencies: [] as number[] };
  let totalSent = 0;
  let totalErrors = 0;
  let replies = 0;
  const errorSamples: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const methodCounts = new Map<string, number>();
  let failedCalls = 0;

  /** Takes the stand-in's call records (tallied) so it does not keep them all. */
  const takeCalls = () => {
    const calls = slack.calls;
    slack.calls = [];
    let posts = 0;
    for (const c of calls) {
      methodCounts.set(c.method, (methodCounts.get(c.method) ?? 0) + 1);
      if (c.error) failedCalls += 1;
      if (c.method === "chat.postMessage" && !c.error) posts += 1;
    }
    return posts;
  };

  const sendOne = (i: number) => {
    const now = Date.now();
    const parent =
      threads.length > 0 && threads[0].at < now - 5000 ? threads[Math.floor(Math.random() * Math.min(threads.length, 500))] : undefined;
    let body: Buffer;
    if (parent && (i % 100) / 100 < o.replyShare) {
      const text = `More detail on ${parent.marker}: it happens every time`;
      const { ts } = slack.seed(parent.channel, { user: parent.user, text, thread_ts: parent.ts });
      body = messageEnvelope({
        channel: parent.channel,
        user: parent.user,
        text,
        ts,
        threadTs: parent.ts,
        eventId: `Ev${run}${i.toString(36).toUpperCase()}`,
      });
      replies += 1;
    } else {
      const marker = `${run}-${i}`;
      const channel = channels[i % channels.length];
      const user = `UC${run}X${i}`;
      const text = `Request ${marker}: export fails`;
      const { ts } = slack.seed(channel, { user, text });
      body = messageEnvelope({ channel, user, text, ts, eventId: `Ev${run}${i.toString(36).toUpperCase()}` });
      threads.push({ channel, user, ts, marker, at: now });
      if (threads.length > 2000) threads.shift();
    }
    const w = window;
    const t0 = performance.now();
    const p = post(agent, server.port, signed(body)).then(
      ({ status, text }) => {
        w.latencies.push(performance.now() - t0);
        if (status !== 200) {
          w.errors += 1;
          totalErrors += 1;
          if (errorSamples.length < 5) errorSamples.push(`HTTP ${status} ${text.slice(0, 200)}`);
        }
      },
      (error: unknown) => {
        w.latencies.push(performance.now() - t0);
        w.errors += 1;
        totalErrors += 1;
        if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? error.message : String(error));
      },
    );
    w.sent += 1;
    totalSent += 1;
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const samples: Sample[] = [];
  const printSample = (s: Sample) =>
    process.stderr.write(
      `  ${fmt(s.t / 60, 2)} min: sent ${s.sent}, ack p99 ${fmt(s.ackP99, 1)} ms, rss ${fmt(s.rssMb, 1)} MB, heap ${fmt(s.heapMb, 1)} MB, live ${fmt(s.liveMb, 1)} MB, ` +
        `inbox ${s.inboxPending} (${fmt(s.inboxAgeS, 1)} s), outbox ${s.outboxUnsent} (${fmt(s.outboxAgeS, 1)} s)\n`,
    );
  const first = sampleOf(0, await server.send("counts", "counts"), window, takeCalls());
  samples.push(first);
  printSample(first);

  const started = performance.now();
  let next = 0;
  let nextSampleAt = o.sampleSeconds * 1000;
  while (performance.now() - started < durationMs) {
    await new Promise((r) => setTimeout(r, 20));
    const elapsed = performance.now() - started;
    const due = Math.min(Math.floor((Math.min(elapsed, durationMs) / 1000) * o.rate), Math.floor((durationMs / 1000) * o.rate));
    while (next < due) sendOne(next++);
    if (elapsed >= nextSampleAt) {
      const w = window;
      window = { sent: 0, errors: 0, latencies: [] };
      const s = sampleOf(nextSampleAt / 1000, await server.send("counts", "counts"), w, takeCalls());
      samples.push(s);
      printSample(s);
      nextSampleAt += o.sampleSeconds * 1000;
    }
  }
  await Promise.all([...inFlight]);
  const loadEndedAt = Date.now();
  const lastWindow = window;
  window = { sent: 0, errors: 0, latencies: [] };
  if (lastWindow.sent > 0) {
    const s = sampleOf(durationMs / 1000, await server.send("counts", "counts"), lastWindow, takeCalls());
    samples.push(s);
    printSample(s);
  }

  process.stderr.write(`soak: load stopped; waiting for the inbox and outbox to empty (up to ${o.drainTimeoutS} s)\n`);
  const deadline = Date.now() + o.drainTimeoutS * 1000;
  let final = await server.send("counts", "counts");
  const unfinished = (m: Message) => (m.inbox.pending ?? 0) + (m.outbox.pending ?? 0) + (m.outbox.sending ?? 0);
  while (unfinished(final) > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    final = await server.send("counts", "counts");
  }
  takeCalls();
  await server.stop();
  agent.destroy();

  // ------------------------------------------------------------------ report
  const out: string[] = [];
  out.push("");
  out.push(
    `soak: one process, ${o.postgres ? "Postgres" : "SQLite"}, ${o.rate} messages/s for ${o.minutes} min (${totalSent} sent: ${totalSent - replies} new tickets, ${replies} thread replies), ` +
      `${o.channels} support channels, one triage channel, OUTBOX_CHANNEL_INTERVAL_MS=${o.intervalMs}`,
  );
  out.push("");
  out.push(
    table(
      [
        "min",
        "sent",
        "errors",
        "ack p50 ms",
        "ack p99 ms",
        "rss MB",
        "heap MB",
        "live heap MB",
        "inbox pending",
        "oldest s",
        "outbox unsent",
        "oldest s",
        "posts",
      ],
      samples.map((s) => [
        fmt(s.t / 60, 2),
        String(s.sent),
        String(s.errors),
        fmt(s.ackP50, 1),
        fmt(s.ackP99, 1),
        fmt(s.rssMb, 1),
        fmt(s.heapMb, 1),
        fmt(s.liveMb, 1),
        String(s.inboxPending),
        fmt(s.inboxAgeS, 1),
        String(s.outboxUnsent),
        fmt(s.outboxAgeS, 1),
        String(s.posts),
      ]),
    ),
  );
  out.push("");
  const loaded = samples.filter((s) => s.t > 0);
  const peak = Math.max(...samples.map((s) => s.rssMb), mb(final.rss));
  const half = samples.filter((s) => s.t >= durationMs / 2000);
  const rssSlope = slope(half.map((s) => [s.t / 60, s.rssMb]));
  const heapSlope = slope(half.map((s) => [s.t / 60, s.heapMb]));
  const liveSlope = slope(half.map((s) => [s.t / 60, s.liveMb]));
  const lastLoaded = loaded[loaded.length - 1];
  out.push(
    `rss: ${fmt(first.rssMb, 1)} MB before the load, peak ${fmt(peak, 1)} MB, ${fmt(lastLoaded?.rssMb ?? NaN, 1)} MB at the end of the load, ${fmt(mb(final.rss), 1)} MB after the backlog drained`,
  );
  out.push(
    `slope over the second half (${half.length} samples, ${fmt(durationMs / 120_000, 1)}-${fmt(durationMs / 60_000, 1)} min): rss ${fmt(rssSlope, 2)} MB/min, heap ${fmt(heapSlope, 2)} MB/min, live heap ${fmt(liveSlope, 2)} MB/min ` +
      `(no leak: near 0; rss and heap jump by several MB with garbage collection, the live heap is the steadiest)`,
  );
  const maxOutboxAge = Math.max(...loaded.map((s) => s.outboxAgeS), 0);
  const maxInboxAge = Math.max(...loaded.map((s) => s.inboxAgeS), 0);
  out.push(
    `backlog under load: oldest unprocessed inbox event at most ${fmt(maxInboxAge, 1)} s old, oldest unsent outbox row at most ${fmt(maxOutboxAge, 1)} s old (at the samples)`,
  );
  const drained = unfinished(final) === 0;
  const lag = (at: unknown) => (typeof at === "number" ? fmt(Math.max(0, at - loadEndedAt) / 1000, 1) : "-");
  out.push(
    drained
      ? `after the load: inbox processed ${lag(final.lastProcessedAt)} s and outbox sent ${lag(final.lastSentAt)} s after the last ack`
      : `after the load: NOT drained within ${o.drainTimeoutS} s (inbox ${JSON.stringify(final.inbox)}, outbox ${JSON.stringify(final.outbox)})`,
  );
  const inbox = Object.entries(final.inbox as Record<string, number>)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  const outbox = Object.entries(final.outbox as Record<string, number>)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  out.push(`database at the end: ${final.tickets} tickets; inbox ${inbox}; outbox ${outbox}`);
  out.push(`Slack calls (stand-in): ${[...methodCounts].map(([k, v]) => `${k} ${v}`).join(", ")}; ${failedCalls} answered with an error`);
  out.push(
    "rss/heap = the app process's process.memoryUsage() at each sample; live heap = heap used after a full collection right after; oldest s = age of the oldest unfinished row at the sample.",
  );
  if (o.intervalMs === 0)
    out.push(
      "OUTBOX_CHANNEL_INTERVAL_MS=0: posts are not paced (all cards go to one triage channel, which Slack would hold to about one post a second).",
    );
  for (const sample of errorSamples) out.push(`error: ${sample}`);
  process.stdout.write(`${out.join("\n")}\n`);

  const failedRows = (final.inbox.failed ?? 0) + (final.outbox.failed ?? 0);
  if (totalErrors > 0) process.stdout.write(`ERROR ${totalErrors} requests failed\n`);
  if (failedRows > 0) process.stdout.write(`ERROR ${failedRows} inbox/outbox rows failed\n`);
  process.exitCode = totalErrors > 0 || failedRows > 0 ? 1 : 0;
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench:soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    await slack.stop();
  });
