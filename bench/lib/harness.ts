// Shared pieces of bench/replicas.ts and bench/soak.ts: server child processes (bench/servers/*.ts, line
// protocol of protocol.ts), signed Slack message events, posting over keep-alive loopback connections,
// percentiles, and throw-away Postgres databases. Everything started here is cleaned up when the bench
// ends, fails or is interrupted.
import { spawn, type ChildProcess } from "node:child_process";
import { START_FLAGS } from "../../src/platform/heap.ts";
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const SIGNING_SECRET = randomBytes(16).toString("hex");
export const TEAM_ID = "T0HOME";
export const TRIAGE_CHANNEL = "CTRIAGE";
const here = path.dirname(fileURLToPath(import.meta.url));

// ------------------------------------------------------------------ cleanup

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];

/** Registers something to undo at the end (databases, files); runs last-in first-out. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

export async function cleanup(): Promise<void> {
  killChildren();
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (error) {
      process.stderr.write(`cleanup: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

process.on("exit", killChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers and removing the databases\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ------------------------------------------------------------------ server children

export type Message = { bench: string } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Server {
  name: string;
  port: number;
  pid: number;
  /** What the child said when it was ready (port, pid, startMs). */
  ready: Message;
  send(command: string, expect: string, timeoutMs?: number): Promise<Message>;
  stop(): Promise<void>;
}

/** Starts bench/servers/<file> (an app node) in its own process, as the app is started (npm start: START_FLAGS), and waits for its `ready` line. */
export async function startServer(name: string, file: string, env: Record<string, string>, slackApiUrl: string): Promise<Server> {
  const child = spawn(process.execPath, [...START_FLAGS, "--import", "tsx", path.join(here, "..", "servers", file)], {
    env: { ...process.env, ...env, BENCH_SIGNING_SECRET: SIGNING_SECRET, BENCH_SLACK_API_URL: slackApiUrl },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.add(child);

  const waiting: Array<{ expect: string; resolve: (m: Message) => void; reject: (e: Error) => void }> = [];
  let exited: Error | null = null;
  const fail = (error: Error) => {
    exited = error;
    for (const w of waiting.splice(0)) w.reject(error);
  };
  createInterface({ input: child.stdout! }).on("line", (line) => {
    let message: Message | null = null;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (parsed && typeof parsed === "object" && typeof (parsed as Message).bench === "string") message = parsed as Message;
    } catch {
      /* not a protocol line */
    }
    if (!message) return void process.stderr.write(`[${name}] ${line}\n`);
    if (message.bench === "error") {
      const error = new Error(`${name}: ${String(message.command)} failed: ${String(message.message)}`);
      for (const w of waiting.splice(0)) w.reject(error);
      return;
    }
    const i = waiting.findIndex((w) => w.expect === message!.bench);
    if (i >= 0) waiting.splice(i, 1)[0].resolve(message);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => process.stderr.write(`[${name}] ${line}\n`));
  child.on("exit", (code, signal) => {
    children.delete(child);
    fail(new Error(`${name} exited (${signal ?? `code ${code}`})`));
  });
  child.on("error", (error) => fail(error));

  const expectLine = (expect: string, timeoutMs: number) =>
    new Promise<Message>((resolve, reject) => {
      if (exited) return reject(exited);
      const timer = setTimeout(() => reject(new Error(`${name}: no "${expect}" within ${timeoutMs / 1000} s`)), timeoutMs);
      waiting.push({
        expect,
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });

  const ready = await expectLine("ready", 180_000);
  return {
    name,
    port: Number(ready.port),
    pid: child.pid ?? 0,
    ready,
    send(command, expect, timeoutMs = 60_000) {
      const answer = expectLine(expect, timeoutMs);
      child.stdin!.write(`${command}\n`);
      return answer;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.stdin!.end("stop\n");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

// ------------------------------------------------------------------ events

export interface Prepared {
  body: Buffer;
  headers: http.OutgoingHttpHeaders;
}

export interface MessageEvent {
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
  eventId: string;
}

/** A Slack `event_callback` envelope for a message in a (non-shared) channel. */
export function messageEnvelope(e: MessageEvent): Buffer {
  return Buffer.from(
    JSON.stringify({
      token: "verification_token",
      team_id: TEAM_ID,
      api_app_id: "A0BENCH",
      event: {
        type: "message",
        channel: e.channel,
        user: e.user,
        text: e.text,
        ts: e.ts,
        ...(e.threadTs ? { thread_ts: e.threadTs } : {}),
        channel_type: "channel",
      },
      type: "event_callback",
      event_id: e.eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: TEAM_ID, user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: `4-bench-${e.eventId}`,
    }),
  );
}

/** Signs a body as Slack does (v0 HMAC over "v0:<timestamp>:<body>"). */
export function signed(body: Buffer, timestamp = Math.floor(Date.now() / 1000)): Prepared {
  return {
    body,
    headers: {
      "content-type": "application/json",
      "content-length": body.length,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": `v0=${createHmac("sha256", SIGNING_SECRET).update(`v0:${timestamp}:`).update(body).digest("hex")}`,
    },
  };
}

/** `n` support channel IDs: CSUP000, CSUP001, ... */
export function supportChannels(n: number): string[] {
  return Array.from({ length: n }, (_, k) => `CSUP${String(k).padStart(3, "0")}`);
}

/** A unique run id for markers in message texts. */
export const runId = () => randomBytes(3).toString("hex").toUpperCase();

/** Slack-style ts for message `i` of a run that started at `baseS`. */
export const tsFor = (baseS: number, i: number) => `${baseS + Math.floor(i / 1_000_000)}.${String(i % 1_000_000).padStart(6, "0")}`;

export function post(agent: http.Agent, port: number, p: Prepared): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: "127.0.0.1", port, method: "POST", path: "/slack/events", headers: p.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(p.body);
  });
}

// ------------------------------------------------------------------ figures

/** Nearest-rank percentile of an ascending array. */
export function rank(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "-");

/** A plain text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

// ------------------------------------------------------------------ Postgres

/** The server to create throw-away databases on: BENCH_POSTGRES_URL, else the local one (trust auth). */
export const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * Creates an empty database and registers its removal (DROP ... WITH (FORCE)) at cleanup, unless `keep`;
 * returns its URL.
 */
export async function createDatabase(prefix: string, keep = false): Promise<string> {
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString("hex")}`.toLowerCase();
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  onCleanup(async () => {
    if (keep) return;
    const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
