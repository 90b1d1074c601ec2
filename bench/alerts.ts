// npm run bench:alerts [-- --accounts 2000]
//
// What one health check leaves in Slack: seeds a fresh SQLite file with N accounts and 90 days of their
// data (bench/health-seed.ts, the same data as bench:health: about 5-10% of the accounts in trouble), runs
// one check with the real Slack adapter writing to the outbox, every account routed to one channel
// (ALERTS_CHANNEL), and counts what it queued: top-level messages, thread replies, updates, and how long
// posting them takes at the outbox's pace of one post per 1.1 s per channel (OUTBOX_CHANNEL_INTERVAL_MS). Two cases: a first check
// over a newly imported book, and a check of a book scored before (every account green the day before).
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { systemClock } from "../src/platform/clock.ts";
import { createLogger } from "../src/platform/observability/log.ts";
import { Outbox } from "../src/platform/outbox/outbox.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { SlackAlertPosts } from "../src/slack/posts/alert-posts.ts";
import { jobActor } from "../src/shared/actor.ts";
import { toolAccess } from "../src/shared/access.ts";
import { parseHealthConfig } from "../src/success/rules/health-config.ts";
import { prismaSuccessStores } from "../src/success/store/index.ts";
import { runHealthCheck } from "../src/success/use-cases/run-health-check.ts";
import type { SuccessContext } from "../src/success/use-cases/context.ts";
import { seedHealthData, ts } from "./health-seed.ts";

const CHANNEL = "CALERTS";

function parseArgs(argv: string[]): { accounts: number } {
  let accounts = 2000;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    if (flag === "--accounts") accounts = Number(inline ?? argv[++i]);
    else {
      process.stderr.write(`unknown option ${argv[i]}\nusage: npm run bench:alerts -- [--accounts 2000]\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(accounts) || accounts < 1) {
    process.stderr.write("--accounts needs a whole number >= 1\n");
    process.exit(2);
  }
  return { accounts };
}

interface Posted {
  topLevel: number;
  threadReplies: number;
  updates: number;
  busiestChannel: number;
  channels: number;
}

async function oneCase(accounts: number, scoredBefore: boolean, at: Date) {
  const file = path.join(tmpdir(), `desk-bench-alerts-${randomBytes(4).toString("hex")}.db`);
  try {
    const db0 = await openDatabase(`file:${file}`);
    await migrate(db0);
    await db0.close();
    seedHealthData(file, accounts, at);
    const db = await openDatabase(`file:${file}`);
    if (scoredBefore)
      await db.client.$executeRawUnsafe(
        `INSERT INTO "AccountHealthCurrent" ("accountExternalId", "runId", "computedAt", "score", "band", "components")
         SELECT "externalId", 0, ?, 75, 'green', '[]' FROM "Account"`,
        ts(at.getTime() - 86_400_000),
      );
    const ctx = {
      ...prismaSuccessStores(db),
      tx: prismaTransactor(db),
      notifier: new SlackAlertPosts(new Outbox(db), db),
      clock: systemClock,
      log: createLogger("silent"),
      config: parseHealthConfig(null),
      settings: { alertsChannel: CHANNEL },
      access: toolAccess,
    } as unknown as SuccessContext;
    const summary = await runHealthCheck(ctx, jobActor("bench"), { trigger: "manual", at });
    const rows = await db.client.outboxMessage.findMany({ select: { method: true, channelId: true, threadRefId: true, threadTs: true } });
    const perChannel = new Map<string, number>();
    const posted: Posted = { topLevel: 0, threadReplies: 0, updates: 0, busiestChannel: 0, channels: 0 };
    for (const r of rows) {
      perChannel.set(r.channelId, (perChannel.get(r.channelId) ?? 0) + 1);
      if (r.method === "chat.update") posted.updates += 1;
      else if (r.threadRefId !== null || r.threadTs !== null) posted.threadReplies += 1;
      else posted.topLevel += 1;
    }
    posted.channels = perChannel.size;
    posted.busiestChannel = Math.max(0, ...perChannel.values());
    const atRisk = await db.client.healthAlert.groupBy({ by: ["accountExternalId"], where: { status: "open" } });
    const ruleAlerts = await db.client.healthAlert.count({ where: { status: "open" } });
    await db.close();
    return { summary, posted, atRiskAccounts: atRisk.length, ruleAlerts };
  } finally {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
  }
}

async function main() {
  const { accounts } = parseArgs(process.argv.slice(2));
  const today = new Date();
  const at = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 6));
  console.log(`bench:alerts: one health check over ${accounts.toLocaleString("en-US")} accounts, every account routed to one channel`);
  console.log(
    "case                   | accounts at risk | rule alerts | top-level posts | thread replies | updates | minutes of posting (1.1 s a post per channel)",
  );
  for (const [label, scoredBefore] of [
    ["first check, new book", false],
    ["book scored before", true],
  ] as const) {
    const r = await oneCase(accounts, scoredBefore, at);
    const p = r.posted;
    const minutes = ((p.busiestChannel * 1.1) / 60).toFixed(1);
    console.log(
      `${label.padEnd(22)} | ${String(r.atRiskAccounts).padStart(16)} | ${String(r.ruleAlerts).padStart(11)} | ${String(p.topLevel).padStart(15)} | ${String(p.threadReplies).padStart(14)} | ${String(p.updates).padStart(7)} | ${minutes}`,
    );
  }
}

await main();
