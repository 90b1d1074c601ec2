// npm run bench:replicas [-- --requests N] [--warmup N] [--replicas N] [--channels N] [--interval-ms MS]
//                          [--steady-rate R] [--steady-seconds S] [--drain-timeout SECONDS]
//
// The intake load of bench:intake against one process and against several replicas (3 by default) of this
// app on Postgres, in the same run, side by side. Each scenario gets a fresh Postgres database (dropped at the
// end); its processes start at the same moment on the empty database, migrate it once under the advisory
// lock, and share it. The load generator sends signed message events round-robin over the processes (as a
// load balancer would), then measures how long the inbox and the outbox take to empty after the last ack and
// the end-to-end time from sending each customer message to the moment the Slack stand-in received its
// triage card. A short steady phase at a fixed rate below capacity then gives the end-to-end time under
// normal load. Figures worse than hoped are reported; the exit code is 1 only when something broke.
import http from "node:http";
import { SlackStandIn } from "../test/support/slack-stand-in.ts";
import { listMigrations } from "../src/platform/db/migrate.ts";
import {
  TEAM_ID,
  TRIAGE_CHANNEL,
  cleanup,
  createDatabase,
  fmt,
  messageEnvelope,
  post,
  rank,
  runId,
  signed,
  startServer,
  supportChannels,
  table,
  type Message,
  type Prepared,
  type Server,
} from "./lib/harness.ts";

const slack = new SlackStandIn();

interface Options {
  requests: number;
  warmup: number;
  connections: number;
  replicas: number;
  channels: number;
  intervalMs: number;
  steadyRate: number;
  steadySeconds: number;
  drainTimeoutS: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    requests: 3000,
    warmup: 300,
    connections: 20,
    replicas: 3,
    channels: 200,
    intervalMs: 0,
    steadyRate: 10,
    steadySeconds: 20,
    drainTimeoutS: 900,
  };
  const count = (flag: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) usage(`${flag} needs a whole number >= ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--requests") o.requests = count(flag, value(), 1);
    else if (flag === "--warmup") o.warmup = count(flag, value(), 0);
    else if (flag === "--connections") o.connections = count(flag, value(), 1);
    else if (flag === "--replicas") o.replicas = count(flag, value(), 2);
    else if (flag === "--channels") o.channels = count(flag, value(), 1);
    else if (flag === "--interval-ms") o.intervalMs = count(flag, value(), 0);
    else if (flag === "--steady-rate") o.steadyRate = count(flag, value(), 1);
    else if (flag === "--steady-seconds") o.steadySeconds = count(flag, value(), 0);
    else if (flag === "--drain-timeout") o.drainTimeoutS = count(flag, value(), 1);
    else if (flag === "--help" || flag === "-h") usage();
    else usage(`unknown option ${argv[i]}`);
  }
  if (o.channels > 1000) usage("--channels must be at most 1000");
  return o;
}

function usage(problem?: string): never {
  const text =
    "usage: npm run bench:replicas -- [options]\n" +
    "  --requests N        measured requests per scenario (default 3000)\n" +
    "  --warmup N          requests sent first and not counted (default 300)\n" +
    "  --connections N     keep-alive connections of the load generator (default 20)\n" +
    "  --replicas N        processes in the second scenario (default 3)\n" +
    "  --channels N        support channels the messages are spread over (default 200)\n" +
    "  --interval-ms MS    OUTBOX_CHANNEL_INTERVAL_MS of the app (default 0: no pacing, see bench/README.md)\n" +
    "  --steady-rate R     messages per second of the steady phase (default 10)\n" +
    "  --steady-seconds S  length of the steady phase (default 20; 0 skips it)\n" +
    "  --drain-timeout S   how long to wait for the inbox and outbox to empty (default 900)\n";
  (problem ? process.stderr : process.stdout).write(problem ? `${problem}\n${text}` : text);
  process.exit(problem ? 2 : 0);
}

// ------------------------------------------------------------------ load

interface Sent {
  marker: string;
  sentAt: number;
}

interface Phase {
  requests: number;
  errors: number;
  errorSamples: string[];
  wallMs: number;
  latenciesMs: Float64Array;
  lastAckAt: number;
}

/**
 * Builds message `i` of a run: a new customer each, channels in turn, a marker the card will quote. Each
 * message is first stored in the stand-in (as Slack has the customer's message before it sends the event),
 * so the thread the acknowledgement goes to exists there, as it would in Slack.
 */
function buildMessages(run: string, from: number, n: number, channels: string[]): Array<{ marker: string; body: Buffer }> {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const marker = `${run}-${i}`;
    const channel = channels[i % channels.length];
    const user = `UC${run}X${i}`;
    const text = `Request ${marker}: export fails`;
    const { ts } = slack.seed(channel, { user, text });
    const body = messageEnvelope({ channel, user, text, ts, eventId: `Ev${run}${i.toString(36).toUpperCase().padStart(6, "0")}` });
    return { marker, body };
  });
}

/** Outbox rows the stand-in received more than once (each post carries its outbox id in its metadata). */
function duplicatePosts(): number {
  const seen = new Map<number, number>();
  for (const call of slack.calls) {
    if (call.method !== "chat.postMessage" || call.status !== 200 || call.error) continue;
    const id = Number(call.args.metadata?.event_payload?.outbox_id);
    if (Number.isFinite(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of seen.values()) if (n > 1) duplicates += 1;
  return duplicates;
}

/** Closed loop: `connections` workers, one request at a time each; request i goes to server i mod n. */
async function drive(
  agent: http.Agent,
  ports: number[],
  events: Prepared[],
  markers: string[],
  connections: number,
  sent: Sent[],
): Promise<Phase> {
  const latencies = new Float64Array(events.length);
  const errorSamples: string[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= events.length) return;
      sent.push({ marker: markers[i], sentAt: Date.now() });
      const started = performance.now();
      try {
        const { status, text } = await post(agent, ports[i % ports.length], events[i]);
        latencies[i] = performance.now() - started;
        if (status !== 200) {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(`HTTP ${status} ${text.slice(0, 200)}`);
        }
      } catch (error) {
        latencies[i] = performance.now() - started;
        errors += 1;
        if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return {
    requests: events.length,
    errors,
    errorSamples,
    wallMs: performance.now() - started,
    latenciesMs: latencies,
    lastAckAt: Date.now(),
  };
}

/** Open loop: `rate` messages a second for `seconds`, round-robin, each signed as it is sent. */
async function steady(
  agent: http.Agent,
  ports: number[],
  messages: Array<{ marker: string; body: Buffer }>,
  rate: number,
  sent: Sent[],
): Promise<Phase> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < messages.length; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const m = messages[i];
    const t0 = performance.now();
    sent.push({ marker: m.marker, sentAt: Date.now() });
    inFlight.push(
      post(agent, ports[i % ports.length], signed(m.body)).then(
        ({ status, text }) => {
          latencies.push(performance.now() - t0);
          if (status !== 200) {
            errors += 1;
            if (errorSamples.length < 5) errorSamples.push(`HTTP ${status} ${text.slice(0, 200)}`);
          }
        },
        (error: unknown) => {
          latencies.push(performance.now() - t0);
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? error.message : String(error));
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return {
    requests: messages.length,
    errors,
    errorSamples,
    wallMs: performance.now() - started,
    latenciesMs: Float64Array.from(latencies),
    lastAckAt: Date.now(),
  };
}

/** Polls one node until no inbox event is pending and no outbox row is pending or sending. */
async function drain(node: Server, timeoutS: number): Promise<{ drained: boolean; counts: Message }> {
  const deadline = Date.now() + timeoutS * 1000;
  let counts = await node.send("counts", "counts");
  const unfinished = (m: Message) => (m.inbox.pending ?? 0) + (m.outbox.pending ?? 0) + (m.outbox.sending ?? 0);
  let lastLog = Date.now();
  while (unfinished(counts) > 0 && Date.now() < deadline) {
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      process.stderr.write(`  waiting: inbox ${JSON.stringify(counts.inbox)}, outbox ${JSON.stringify(counts.outbox)}\n`);
    }
    await new Promise((r) => setTimeout(r, 250));
    counts = await node.send("counts", "counts");
  }
  return { drained: unfinished(counts) === 0, counts };
}

interface EndToEnd {
  matched: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

/** Matches each sent message to the first triage card the stand-in received quoting its marker. */
function endToEnd(sent: Sent[]): EndToEnd {
  const cardAt = new Map<string, number>();
  for (const call of slack.calls) {
    if (
      call.method !== "chat.postMessage" ||
      call.status !== 200 ||
      call.error ||
      call.args.channel !== TRIAGE_CHANNEL ||
      call.args.thread_ts
    )
      continue;
    const m = /Request ([0-9A-F]+-\d+):/.exec(String(call.args.text ?? ""));
    if (m && !cardAt.has(m[1])) cardAt.set(m[1], call.at);
  }
  const times: number[] = [];
  let missing = 0;
  for (const s of sent) {
    const at = cardAt.get(s.marker);
    if (at === undefined) missing += 1;
    else times.push(Math.max(0, at - s.sentAt));
  }
  const sorted = Float64Array.from(times).sort();
  return {
    matched: times.length,
    missing,
    p50: rank(sorted, 0.5),
    p99: rank(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

// ------------------------------------------------------------------ scenario

interface Scenario {
  name: string;
  nodes: number;
  startAllMs: number;
  startMs: number[];
  migrations: number;
  burst: Phase;
  warmupErrors: number;
  cpuShares: number[];
  rssMb: number[];
  drained: boolean;
  final: Message;
  inboxLagS: number;
  outboxLagS: number;
  e2e: EndToEnd;
  duplicates: number;
  lookups: number;
  steady?: { phase: Phase; e2e: EndToEnd; drained: boolean; inboxLagS: number; outboxLagS: number };
}

async function runScenario(name: string, nodes: number, o: Options, channels: string[]): Promise<Scenario> {
  slack.reset();
  process.stderr.write(`${name}: creating a database\n`);
  const url = await createDatabase("desk_bench_replicas");
  const env = {
    BENCH_DATABASE_URL: url,
    BENCH_SUPPORT_CHANNELS: channels.join(","),
    BENCH_TRIAGE_CHANNEL: TRIAGE_CHANNEL,
    BENCH_OUTBOX_INTERVAL_MS: String(o.intervalMs),
  };
  process.stderr.write(`${name}: starting ${nodes} process${nodes > 1 ? "es at the same moment" : ""} on the empty database\n`);
  const t0 = performance.now();
  const started = await Promise.allSettled(
    Array.from({ length: nodes }, (_, k) => startServer(`${name} #${k + 1}`, "desk-node.ts", env, slack.apiUrl)),
  );
  const startAllMs = performance.now() - t0;
  const servers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  try {
    const failedStart = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failedStart) throw new Error(`${name}: not every process came up: ${String(failedStart.reason)}`);
    const migrations = Number((await servers[0].send("migrations", "migrations")).applied);
    const ports = servers.map((s) => s.port);
    const run = runId();
    const all = buildMessages(run, 0, o.warmup + o.requests, channels);

    process.stderr.write(`${name}: warm-up, ${o.warmup} requests, then waiting for its inbox and outbox to empty\n`);
    const warmEvents = all.slice(0, o.warmup).map((m) => signed(m.body));
    const warm = await drive(
      agent,
      ports,
      warmEvents,
      all.slice(0, o.warmup).map((m) => m.marker),
      o.connections,
      [],
    );
    for (const sample of warm.errorSamples) process.stderr.write(`${name}: warm-up error: ${sample}\n`);
    await drain(servers[0], o.drainTimeoutS);

    await Promise.all(servers.map((s) => s.send("mark", "marked")));
    process.stderr.write(
      `${name}: measuring, ${o.requests} requests over ${o.connections} connections, round-robin over ${nodes} process(es)\n`,
    );
    const measured = all.slice(o.warmup);
    const sent: Sent[] = [];
    const burst = await drive(
      agent,
      ports,
      measured.map((m) => signed(m.body)),
      measured.map((m) => m.marker),
      o.connections,
      sent,
    );
    const reports = await Promise.all(servers.map((s) => s.send("report", "report")));
    process.stderr.write(`${name}: waiting for the inbox and outbox to empty (up to ${o.drainTimeoutS} s)\n`);
    const { drained, counts: final } = await drain(servers[0], o.drainTimeoutS);
    const e2e = endToEnd(sent);
    const lag = (at: unknown, from: number) => (typeof at === "number" ? Math.max(0, at - from) / 1000 : NaN);

    let steadyResult: Scenario["steady"];
    if (o.steadySeconds > 0) {
      const n = o.steadyRate * o.steadySeconds;
      process.stderr.write(`${name}: steady phase, ${o.steadyRate} messages/s for ${o.steadySeconds} s\n`);
      const steadySent: Sent[] = [];
      const phase = await steady(agent, ports, buildMessages(run, o.warmup + o.requests, n, channels), o.steadyRate, steadySent);
      const d = await drain(servers[0], o.drainTimeoutS);
      steadyResult = {
        phase,
        e2e: endToEnd(steadySent),
        drained: d.drained,
        inboxLagS: lag(d.counts.lastProcessedAt, phase.lastAckAt),
        outboxLagS: lag(d.counts.lastSentAt, phase.lastAckAt),
      };
    }
    return {
      name,
      nodes,
      startAllMs,
      startMs: servers.map((s) => Number(s.ready.startMs)),
      migrations,
      burst,
      warmupErrors: warm.errors,
      cpuShares: reports.map((r) => Number(r.load.cpuShare)),
      rssMb: reports.map((r) => Number(r.load.rssMb)),
      drained,
      final,
      inboxLagS: lag(final.lastProcessedAt, burst.lastAckAt),
      outboxLagS: lag(final.lastSentAt, burst.lastAckAt),
      e2e,
      duplicates: duplicatePosts(),
      lookups: slack.calls.filter((c) => c.method === "conversations.replies" || c.method === "conversations.history").length,
      steady: steadyResult,
    };
  } finally {
    agent.destroy();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

// ------------------------------------------------------------------ report

function report(o: Options, scenarios: Scenario[]): string {
  const out: string[] = [];
  const s = (ms: number) => fmt(ms / 1000, 1);
  out.push("");
  out.push(
    `intake on Postgres: ${o.requests} signed message events per scenario after ${o.warmup} warm-up, ${o.connections} keep-alive connections, round-robin over the processes; ` +
      `${o.channels} support channels, one triage channel, OUTBOX_CHANNEL_INTERVAL_MS=${o.intervalMs}`,
  );
  out.push("");
  const rows = scenarios.map((r) => {
    const sorted = Float64Array.from(r.burst.latenciesMs).sort();
    return [
      r.name,
      String(r.burst.requests),
      String(r.burst.errors),
      fmt((r.burst.requests / r.burst.wallMs) * 1000, 0),
      fmt(rank(sorted, 0.5)),
      fmt(rank(sorted, 0.99)),
      r.drained ? fmt(r.inboxLagS, 1) : `>${o.drainTimeoutS}`,
      r.drained ? fmt(r.outboxLagS, 1) : `>${o.drainTimeoutS}`,
      s(r.e2e.p50),
      s(r.e2e.p99),
      `${r.e2e.matched}/${r.e2e.matched + r.e2e.missing}`,
    ];
  });
  out.push("burst (closed loop, as fast as the processes answer):");
  out.push(
    table(
      [
        "setup",
        "requests",
        "errors",
        "throughput req/s",
        "ack p50 ms",
        "ack p99 ms",
        "inbox lag s",
        "outbox lag s",
        "e2e p50 s",
        "e2e p99 s",
        "cards",
      ],
      rows,
    ),
  );
  if (scenarios.some((r) => r.steady)) {
    out.push("");
    out.push(`steady (open loop, ${o.steadyRate} messages/s for ${o.steadySeconds} s, after the burst has drained):`);
    const steadyRows = scenarios.flatMap((r) => {
      if (!r.steady) return [];
      const st = r.steady;
      const sorted = Float64Array.from(st.phase.latenciesMs).sort();
      return [
        [
          r.name,
          String(st.phase.requests),
          String(st.phase.errors),
          fmt(rank(sorted, 0.5)),
          fmt(rank(sorted, 0.99)),
          st.drained ? fmt(st.outboxLagS, 1) : "not drained",
          fmt(st.e2e.p50 / 1000, 2),
          fmt(st.e2e.p99 / 1000, 2),
          fmt(st.e2e.max / 1000, 2),
          `${st.e2e.matched}/${st.e2e.matched + st.e2e.missing}`,
        ],
      ];
    });
    out.push(
      table(
        ["setup", "requests", "errors", "ack p50 ms", "ack p99 ms", "outbox lag s", "e2e p50 s", "e2e p99 s", "e2e max s", "cards"],
        steadyRows,
      ),
    );
  }
  out.push("");
  for (const r of scenarios) {
    const cpu = r.cpuShares.map((c) => `${fmt(c * 100, 0)}%`).join(" + ");
    out.push(
      `${r.name}: ${r.nodes} process(es) up ${s(r.startAllMs)} s after spawning (each ${r.startMs.map((m) => s(m)).join(", ")} s in its own startApp), ` +
        `${r.migrations} migrations recorded once; during the burst ${cpu} of a core, rss ${r.rssMb.join(" / ")} MB`,
    );
    const inbox = Object.entries(r.final.inbox as Record<string, number>)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    const outbox = Object.entries(r.final.outbox as Record<string, number>)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    out.push(`  database at the end: ${r.final.tickets} tickets; inbox ${inbox}; outbox ${outbox}`);
    out.push(
      `  Slack stand-in: ${r.duplicates} outbox rows posted more than once, ${r.lookups} look-ups of possibly sent posts (conversations.replies/history)`,
    );
    if (r.warmupErrors > 0) out.push(`  ${r.warmupErrors} errors during warm-up`);
    for (const sample of r.burst.errorSamples) out.push(`  error: ${sample}`);
    for (const sample of r.steady?.phase.errorSamples ?? []) out.push(`  steady error: ${sample}`);
  }
  out.push("");
  out.push("ack = HTTP response time of the event request; inbox/outbox lag = last event processed / last post sent, after the last ack;");
  out.push(
    "e2e = from sending a customer's message to the stand-in receiving its triage card (every measured message is matched by a marker in its text).",
  );
  if (o.intervalMs === 0)
    out.push(
      "OUTBOX_CHANNEL_INTERVAL_MS=0: posts are not paced, so the outbox figures show what the processes can send, not Slack's one post a second per channel.",
    );
  return out.join("\n");
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  slack.teamId = TEAM_ID;
  await slack.start();
  const channels = supportChannels(o.channels);
  const expected = listMigrations("postgres").length;
  const scenarios: Scenario[] = [];
  scenarios.push(await runScenario("1 process", 1, o, channels));
  scenarios.push(await runScenario(`${o.replicas} replicas`, o.replicas, o, channels));
  process.stdout.write(`${report(o, scenarios)}\n`);
  const problems: string[] = [];
  for (const r of scenarios) {
    if (r.migrations !== expected) problems.push(`${r.name}: ${r.migrations} migrations recorded, ${expected} expected`);
    if (r.burst.errors + r.warmupErrors + (r.steady?.phase.errors ?? 0) > 0) problems.push(`${r.name}: requests failed`);
    const failed = (r.final.inbox.failed ?? 0) + (r.final.outbox.failed ?? 0);
    if (failed > 0) problems.push(`${r.name}: ${failed} inbox/outbox rows failed`);
    if (r.duplicates > 0) problems.push(`${r.name}: ${r.duplicates} outbox rows were posted to Slack more than once`);
  }
  for (const p of problems) process.stdout.write(`ERROR ${p}\n`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench:replicas failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    await slack.stop();
  });
