// npm run outbox -- list [--all | --status <status>] [--limit <n>] | retry <id> | drop <id>
//
// The operator's tool for posts Slack refused for good (outbox rows kept as failed). Works on the
// database named by DATABASE_URL (default ./data/desk.db), like the app, applying the migrations first.
//   list         failed rows (id, method, channel, attempts, last error, created, text excerpt) and the
//                number of rows by status; --all lists rows of every status, --status one status.
//   retry <id>   puts a failed row back to pending (attempts 0, available now, lease cleared); running
//                apps send it on their next poll.
//   drop <id>    marks a failed row dropped: it stays in the database for the record, never sent.
// Exit codes: 0 done, 1 refused (no such row, or not failed), 2 wrong arguments.
import { pathToFileURL } from "node:url";
import { openDatabase, type Database } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { loadEnvFile } from "../src/platform/config/env-file.ts";

export const OUTBOX_STATUSES = ["pending", "sending", "sent", "failed", "superseded", "dropped"] as const;
const DEFAULT_LIMIT = 50;
const EXCERPT_CHARS = 60;

const USAGE = `Usage: npm run outbox -- <command>
  list [--all | --status <${OUTBOX_STATUSES.join("|")}>] [--limit <n>]   failed posts (or those of a status) and counts by status
  retry <id>                                            send a failed post again (running apps pick it up on their next poll)
  drop <id>                                             give up on a failed post (kept in the database, marked dropped)
(reads DATABASE_URL; default ./data/desk.db)`;

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

class UsageError extends Error {}

type Command = { name: "list"; status: string | null; limit: number } | { name: "retry" | "drop"; id: number };

export function parseArguments(argv: string[]): Command {
  const [name, ...rest] = argv;
  if (name === "list") {
    let status: string | null = "failed";
    let limit = DEFAULT_LIMIT;
    for (let i = 0; i < rest.length; i++) {
      const flag = rest[i];
      if (flag === "--all") status = null;
      else if (flag === "--status") {
        const value = rest[++i];
        if (!value || !(OUTBOX_STATUSES as readonly string[]).includes(value))
          throw new UsageError(`--status needs one of ${OUTBOX_STATUSES.join(", ")}${value ? `, not "${value}"` : ""}`);
        status = value;
      } else if (flag === "--limit") {
        const value = rest[++i];
        if (!value || !/^\d+$/.test(value) || Number(value) < 1)
          throw new UsageError(`--limit needs a whole number of rows, at least 1${value ? `, not "${value}"` : ""}`);
        limit = Number(value);
      } else throw new UsageError(`unknown option "${flag}" for list`);
    }
    return { name, status, limit };
  }
  if (name === "retry" || name === "drop") {
    if (rest.length !== 1) throw new UsageError(`${name} needs exactly one outbox row id`);
    if (!/^\d+$/.test(rest[0]) || Number(rest[0]) < 1)
      throw new UsageError(`the outbox row id must be a whole number such as 42, not "${rest[0]}"`);
    return { name, id: Number(rest[0]) };
  }
  throw new UsageError(name ? `unknown command "${name}"` : "no command given");
}

/** Runs one command against an open, migrated database; returns the exit code. */
export async function runOutboxCommand(db: Database, argv: string[], io: Output, now: Date = new Date()): Promise<number> {
  let command: Command;
  try {
    command = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (command.name === "list") return list(db, command.status, command.limit, io);
  return change(db, command.name, command.id, io, now);
}

async function list(db: Database, status: string | null, limit: number, io: Output): Promise<number> {
  const c = db.client;
  const counts = await c.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
  const byStatus = new Map(counts.map((r) => [r.status, r._count._all]));
  const known = OUTBOX_STATUSES.map((s) => `${byStatus.get(s) ?? 0} ${s}`);
  const other = [...byStatus].filter(([s]) => !(OUTBOX_STATUSES as readonly string[]).includes(s)).map(([s, n]) => `${n} ${s}`);
  io.out(`Outbox in ${db.location}: ${[...known, ...other].join(", ")}`);
  const rows = await c.outboxMessage.findMany({ where: status ? { status } : {}, orderBy: { id: "desc" }, take: limit });
  const what = status ? `${status[0].toUpperCase()}${status.slice(1)} posts` : "Posts";
  if (rows.length === 0) {
    io.out(`${what}: none.`);
    return 0;
  }
  const total = status ? (byStatus.get(status) ?? 0) : [...byStatus.values()].reduce((a, b) => a + b, 0);
  io.out(`${what} (${rows.length} of ${total}, newest first):`);
  io.out(["id", "status", "method", "channel", "attempts", "created", "last error", "text"].join("\t"));
  for (const r of rows) {
    io.out(
      [
        `#${r.id}`,
        r.status,
        r.method,
        r.channelId,
        String(r.attempts),
        r.createdAt.toISOString(),
        r.lastError ?? "-",
        JSON.stringify(excerptOf(r.payload)),
      ].join("\t"),
    );
  }
  if (rows.some((r) => r.status === "failed"))
    io.out("Send one again with `npm run outbox -- retry <id>`, or give up on it with `npm run outbox -- drop <id>`.");
  return 0;
}

async function change(db: Database, action: "retry" | "drop", id: number, io: Output, now: Date): Promise<number> {
  const c = db.client;
  const row = await c.outboxMessage.findUnique({ where: { id }, select: { id: true, status: true, threadRefId: true, updateRefId: true } });
  if (!row) {
    io.err(`outbox row #${id} does not exist: \`npm run outbox -- list\` shows the failed rows`);
    return 1;
  }
  if (row.status !== "failed") {
    io.err(`outbox row #${id} is ${row.status}, not failed: only failed rows can be ${action === "retry" ? "retried" : "dropped"}`);
    return 1;
  }
  const changed = await c.outboxMessage.updateMany({
    where: { id, status: "failed" },
    data:
      action === "retry"
        ? { status: "pending", attempts: 0, availableAt: now, leaseUntil: null, leaseOwner: null, sentAt: null }
        : { status: "dropped", leaseUntil: null, leaseOwner: null },
  });
  if (changed.count === 0) {
    io.err(`outbox row #${id} changed while this ran: run the command again`);
    return 1;
  }
  if (action === "drop") {
    io.out(`outbox row #${id} is dropped: it will not be sent, and stays in the database for the record`);
    return 0;
  }
  io.out(`outbox row #${id} is pending again: a running app sends it on its next poll`);
  // A reply or an update waits for the message it depends on; if that one failed, say so.
  const parentId = row.threadRefId ?? row.updateRefId;
  const parent = parentId ? await c.outboxMessage.findUnique({ where: { id: parentId }, select: { status: true } }) : null;
  if (parentId && parent && (parent.status === "failed" || parent.status === "dropped")) {
    io.out(
      `note: it depends on outbox row #${parentId}, which is ${parent.status}: ${parent.status === "failed" ? `retry #${parentId} too, or this one fails again` : "this one will fail again"}`,
    );
  }
  return 0;
}

/** The text of a post, on one line and short: its `text`, else the first text in its blocks. */
export function excerptOf(payload: string): string {
  let text: string | null;
  try {
    const parsed = JSON.parse(payload) as unknown;
    text = firstText(parsed);
  } catch {
    text = payload;
  }
  const line = (text ?? "").replace(/\s+/g, " ").trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}

function firstText(value: unknown): string | null {
  if (!value || typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  if (typeof record.text === "string" && record.text.trim()) return record.text;
  for (const child of Array.isArray(value) ? value : Object.values(record)) {
    const found = firstText(child);
    if (found) return found;
  }
  return null;
}

async function main(argv: string[]): Promise<number> {
  const io: Output = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
  try {
    parseArguments(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  loadEnvFile(); // ./.env, as `npm start` reads it
  const db = await openDatabase(process.env.DATABASE_URL || undefined);
  try {
    await migrate(db);
    return await runOutboxCommand(db, argv, io);
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`outbox failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
