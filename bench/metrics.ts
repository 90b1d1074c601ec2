// npm run bench:metrics [-- --tickets N] [--db sqlite|postgres] [--compare] [--keep]
//
// How long the support metrics take on a large database: generates N tickets (default 1,000,000) spread
// over the last 365 days with a realistic mix (priorities, 20 agents, 500 accounts, 30 channels, ~85% with a
// first response, ~75% resolved, ~8% reopened), two SLA timers per ticket, CSAT surveys for ~40% of resolved
// tickets and answers for about half of those, in a SQLite file (default) or a fresh Postgres database
// (--db postgres, on BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432; dropped at the end).
// Then it times supportMetrics for the last 90 days, overall and by each groupBy (3 runs each, the median
// shown). --compare also times the portable statements (supportMetricsInSql, one statement per figure) on
// the same database right before each query and checks that both give identical figures.
// Targets (issue 18): the overall 90-day query under 1 s, each groupBy under 2 s. Missing one is reported
// (MISS), not failed.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { openDatabase } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { GROUP_BYS, type GroupBy, type MetricsResult } from "../src/support/rules/metrics.ts";
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { supportMetrics, supportMetricsInSql } from "../src/support/store/metrics.ts";
import { seededRandom } from "../tools/backtest/prng.ts";
import { cleanup as cleanupBench, createDatabase, onCleanup } from "./lib/harness.ts";

const TARGET_MS = 1000;
const GROUPED_TARGET_MS = 2000;
const DAY_MS = 86_400_000;
const RUNS = 3;

function parseArgs(argv: string[]) {
  const o = { tickets: 1_000_000, keep: false, db: "sqlite" as "sqlite" | "postgres", compare: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    if (flag === "--tickets") {
      const n = Number(inline ?? argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage("--tickets needs a whole number >= 1");
      o.tickets = n;
    } else if (flag === "--db") {
      const db = inline ?? argv[++i];
      if (db !== "sqlite" && db !== "postgres") usage("--db is sqlite or postgres");
      o.db = db;
    } else if (flag === "--compare") o.compare = true;
    else if (flag === "--keep") o.keep = true;
    else if (flag === "--help" || flag === "-h") usage();
    else usage(`unknown option ${argv[i]}`);
  }
  return o;
}

function usage(problem?: string): never {
  const text =
    "usage: npm run bench:metrics -- [--tickets N] [--db sqlite|postgres] [--compare] [--keep]\n" +
    "  --tickets N   tickets to generate (default 1000000)\n" +
    "  --db D        sqlite (a file in the temp directory, default) or postgres (a fresh database on\n" +
    "                BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432, dropped at the end)\n" +
    "  --compare     also time the portable statements (supportMetricsInSql) and check the figures agree\n" +
    "  --keep        keep the database (SQLite file or Postgres database) and print where it is\n";
  (problem ? process.stderr : process.stdout).write(problem ? `${problem}\n${text}` : text);
  process.exit(problem ? 2 : 0);
}

/** How Prisma's SQLite adapter stores a DateTime. */
const ts = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/** A batch of generated rows, in the column order of the writers' statements. */
interface Rows {
  tickets: unknown[][];
  timers: unknown[][];
  surveys: unknown[][];
  responses: unknown[][];
}

interface Writer {
  write(rows: Rows): Promise<void>;
  /** Builds the indexes dropped for the load. */
  finish(): Promise<void>;
}

const TICKET_COLUMNS = `"id", "channelId", "sourceTs", "threadTs", "requesterId", "requesterTeamId", "text", "priority", "status", "assigneeId", "createdAt", "firstResponseAt", "firstResponderId", "resolvedAt", "resolvedById", "reopenedAt", "reopenCount", "lastCustomerMessageAt", "accountExternalId", "agentResponseCount", "firstResponseSeconds", "firstResponseBusinessSeconds", "resolutionSeconds", "resolutionBusinessSeconds", "updatedAt"`;
const TIMER_COLUMNS = `"ticketId", "kind", "targetSeconds", "startedAt", "consumedSeconds", "runningSince", "dueAt", "breachedAt", "stoppedAt", "met"`;
const SURVEY_COLUMNS = `"ticketId", "channelId", "requesterId", "sentAt"`;
const RESPONSE_COLUMNS = `"ticketId", "userId", "score", "answeredAt", "updatedAt"`;
const TABLES = ["Ticket", "SlaTimer", "CsatSurvey", "CsatResponse"];

function sqliteWriter(file: string): Writer {
  const sqlite = new Sqlite(file);
  sqlite.pragma("journal_mode = OFF");
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -262144"); // 256 MB
  sqlite.pragma("foreign_keys = OFF");
  // Load without the secondary indexes and build them afterwards from the migrations' own definitions:
  // building an index over sorted data is several times faster than maintaining it row by row.
  const indexes = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${TABLES.map((t) => `'${t}'`).join(", ")})`,
    )
    .all() as { name: string; sql: string }[];
  for (const index of indexes) sqlite.exec(`DROP INDEX "${index.name}"`);
  const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
  const insertTicket = sqlite.prepare(`INSERT INTO "Ticket" (${TICKET_COLUMNS}, "origin") VALUES (${marks(25)}, 'message')`);
  const insertTimer = sqlite.prepare(`INSERT INTO "SlaTimer" (${TIMER_COLUMNS}) VALUES (${marks(10)})`);
  const insertSurvey = sqlite.prepare(`INSERT INTO "CsatSurvey" (${SURVEY_COLUMNS}, "requesterTeamId") VALUES (${marks(4)}, 'TCUSTOMER')`);
  const insertResponse = sqlite.prepare(`INSERT INTO "CsatResponse" (${RESPONSE_COLUMNS}) VALUES (${marks(5)})`);
  const load = sqlite.transaction((rows: Rows) => {
    for (const r of rows.tickets) insertTicket.run(...r);
    for (const r of rows.timers) insertTimer.run(...r.slice(0, 9), r[9] === null ? null : r[9] ? 1 : 0);
    for (const r of rows.surveys) insertSurvey.run(...r);
    for (const r of rows.responses) insertResponse.run(...r);
  });
  return {
    write: async (rows) => load(rows),
    finish: async () => {
      for (const index of indexes) sqlite.exec(index.sql);
      sqlite.close();
    },
  };
}

/**
 * Loads a Postgres database by batches of arrays unnested into each table (the timestamps, written with
 * their +00:00 offset, land as UTC in the TIMESTAMP(3) columns as Prisma writes them), without the
 * secondary indexes and foreign-key triggers; then builds the indexes and runs VACUUM ANALYZE, as autovacuum
 * would have done on a database that grew over a year.
 */
async function postgresWriter(url: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("SET session_replication_role = replica");
  const { rows: indexes } = await client.query<{ name: string; sql: string }>(
    `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1) AND indexname NOT LIKE '%_pkey'`,
    [TABLES],
  );
  for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
  /** One INSERT of a batch's rows; `constant` is a column set to the same text in every row. */
  const insert = async (table: string, columns: string, types: string[], rows: unknown[][], constant?: [string, string]) => {
    if (rows.length === 0) return;
    const arrays = types.map((_, i) => rows.map((r) => r[i]));
    const unnest = types.map((t, i) => `$${i + 1}::${t}[]`).join(", ");
    const [extraColumn, extraValue] = constant ? [`, "${constant[0]}"`, `, '${constant[1]}'`] : ["", ""];
    await client.query(`INSERT INTO "${table}" (${columns}${extraColumn}) SELECT *${extraValue} FROM unnest(${unnest})`, arrays);
  };
  const T = "timestamp";
  return {
    write: async (rows) => {
      await insert(
        "Ticket",
        TICKET_COLUMNS,
        [
          "int",
          "text",
          "text",
          "text",
          "text",
          "text",
          "text",
          "text",
          "text",
          "text",
          T,
          T,
          "text",
          T,
          "text",
          T,
          "int",
          T,
          "text",
          "int",
          "int",
          "int",
          "int",
          "int",
          T,
        ],
        rows.tickets,
        ["origin", "message"],
      );
      await insert("SlaTimer", TIMER_COLUMNS, ["int", "text", "int", T, "int", T, T, T, T, "boolean"], rows.timers);
      await insert("CsatSurvey", SURVEY_COLUMNS, ["int", "text", "text", T], rows.surveys, ["requesterTeamId", "TCUSTOMER"]);
      await insert("CsatResponse", RESPONSE_COLUMNS, ["int", "text", "int", T, T], rows.responses);
    },
    finish: async () => {
      for (const index of indexes) await client.query(index.sql);
      await client.query("VACUUM ANALYZE");
      await client.end();
    },
  };
}

async function generate(writer: Writer, tickets: number, now: number): Promise<Record<string, number>> {
  const rnd = seededRandom(20261123);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)];
  const weighted = <T>(items: readonly [T, number][]) => {
    let r = rnd();
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1][0];
  };
  // Log-normal around a median (seconds), spread by sigma.
  const lognormal = (median: number, sigma: number) => {
    const u = Math.max(rnd(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
    return Math.max(1, Math.round(median * Math.exp(sigma * z)));
  };
  const agents = Array.from({ length: 20 }, (_, i) => `UAGENT${String(i + 1).padStart(2, "0")}`);
  const channels = Array.from({ length: 30 }, (_, i) => `CSUPPORT${String(i + 1).padStart(2, "0")}`);
  const accounts = Array.from({ length: 500 }, (_, i) => `acct-${String(i + 1).padStart(3, "0")}`);
  const priorities: [string, number][] = [
    ["urgent", 0.05],
    ["high", 0.2],
    ["normal", 0.6],
    ["low", 0.15],
  ];
  const frTarget: Record<string, number> = { urgent: 1800, high: 3600, normal: 4 * 3600, low: 8 * 3600 };
  const rsTarget: Record<string, number> = { urgent: 4 * 3600, high: 8 * 3600, normal: 3 * 86_400, low: 5 * 86_400 };
  const topics = [
    "The invoice PDF is empty",
    "Cannot log in since this morning",
    "Export to CSV times out",
    "Webhook deliveries are delayed",
    "Please add a seat to our plan",
    "The dashboard shows last week's numbers",
  ];

  const counts = { tickets: 0, slaTimers: 0, csatSurveys: 0, csatResponses: 0 };
  const start = now - 365 * DAY_MS;
  const step = (365 * DAY_MS) / tickets;
  const BATCH = 50_000;
  // Business time is roughly a third of calendar time over days (8-9 hours of 24, weekdays only).
  const business = (seconds: number) => (seconds < 6 * 3600 ? Math.round(seconds * 0.8) : Math.round(seconds * 0.27));

  const batch = (first: number, last: number): Rows => {
    const rows: Rows = { tickets: [], timers: [], surveys: [], responses: [] };
    for (let id = first; id <= last; id++) {
      const created = Math.floor(start + (id - 1) * step + rnd() * step);
      const age = now - created;
      const priority = weighted(priorities);
      const channel = pick(channels);
      const account = rnd() < 0.1 ? null : accounts[Math.floor(accounts.length * rnd() * rnd())]; // a few big accounts
      const requester = `UCUST${Math.floor(rnd() * 40_000)}`;
      const assignee = rnd() < 0.05 ? null : pick(agents);

      const frSeconds =
        rnd() < 0.85 ? Math.min(lognormal(priority === "urgent" ? 600 : 1800, 1.2), Math.max(1, Math.floor(age / 1000))) : null;
      const frAt = frSeconds === null ? null : created + frSeconds * 1000;
      const reopenCount = frSeconds !== null && rnd() < 0.08 ? (rnd() < 0.8 ? 1 : 2) : 0;
      let rsSeconds: number | null = null;
      if (frSeconds !== null && rnd() < 0.75 / 0.85) {
        rsSeconds = Math.max(frSeconds, lognormal(priority === "urgent" ? 3 * 3600 : 20 * 3600, 1.3));
        if (created + rsSeconds * 1000 > now) rsSeconds = null;
      }
      // A reopened ticket that is not resolved again still has the durations of its first resolution.
      const keptResolution = rsSeconds === null && reopenCount > 0 ? lognormal(20 * 3600, 1) : null;
      const resolvedAt = rsSeconds === null ? null : created + rsSeconds * 1000;
      const responses =
        frSeconds === null
          ? 0
          : reopenCount > 0
            ? 2 + Math.floor(rnd() * 3)
            : weighted([
                [1, 0.55],
                [2, 0.3],
                [3, 0.1],
                [4, 0.05],
              ] as [number, number][]);
      const status = resolvedAt ? "resolved" : rnd() < 0.3 ? "pending" : "open";
      const createdTs = ts(created);
      const sourceTs = `${Math.floor(created / 1000)}.${String(id % 1_000_000).padStart(6, "0")}`;
      rows.tickets.push([
        id,
        channel,
        sourceTs,
        sourceTs,
        requester,
        "TCUSTOMER",
        `${pick(topics)} (#${id})`,
        priority,
        status,
        assignee,
        createdTs,
        frAt === null ? null : ts(frAt),
        frAt === null ? null : (assignee ?? agents[0]),
        resolvedAt === null ? null : ts(resolvedAt),
        resolvedAt === null ? null : (assignee ?? agents[0]),
        reopenCount > 0 ? ts(created + (rsSeconds ?? keptResolution ?? 3600) * 500) : null,
        reopenCount,
        ts(resolvedAt ?? frAt ?? created),
        account,
        responses,
        frSeconds,
        frSeconds === null ? null : business(frSeconds),
        rsSeconds ?? keptResolution,
        rsSeconds !== null ? business(rsSeconds) : keptResolution !== null ? business(keptResolution) : null,
        ts(resolvedAt ?? frAt ?? created),
      ]);
      counts.tickets++;

      for (const [kind, target, seconds, done] of [
        ["first_response", frTarget[priority], frSeconds === null ? null : business(frSeconds), frSeconds !== null],
        ["resolution", rsTarget[priority], rsSeconds === null ? null : business(rsSeconds), rsSeconds !== null],
      ] as [string, number, number | null, boolean][]) {
        const due = created + target * 3000; // business targets stretch over calendar time
        const met = done ? seconds! <= target : null;
        const breached = (done && !met) || (!done && due < now) ? ts(Math.min(due, now)) : null;
        rows.timers.push([
          id,
          kind,
          target,
          createdTs,
          done ? seconds : 0,
          done ? null : createdTs,
          done ? null : ts(due),
          breached,
          done ? ts(kind === "first_response" ? frAt! : resolvedAt!) : null,
          met,
        ]);
        counts.slaTimers++;
      }

      if (resolvedAt !== null && rnd() < 0.4) {
        rows.surveys.push([id, channel, requester, ts(resolvedAt + 1000)]);
        counts.csatSurveys++;
        if (rnd() < 0.5) {
          const score = weighted([
            [5, 0.55],
            [4, 0.25],
            [3, 0.1],
            [2, 0.05],
            [1, 0.05],
          ] as [number, number][]);
          const answered = ts(resolvedAt + 1000 + Math.floor(rnd() * 2 * DAY_MS));
          rows.responses.push([id, requester, score, answered, answered]);
          counts.csatResponses++;
        }
      }
    }
    return rows;
  };
  for (let first = 1; first <= tickets; first += BATCH) {
    await writer.write(batch(first, Math.min(tickets, first + BATCH - 1)));
    if (process.stdout.isTTY) process.stdout.write(`\r  generated ${Math.min(tickets, first + BATCH - 1).toLocaleString("en-US")} tickets`);
  }
  if (process.stdout.isTTY) process.stdout.write("\n");
  await writer.finish();
  return counts;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmtMs = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const file = path.join(tmpdir(), `desk-bench-metrics-${randomBytes(4).toString("hex")}.db`);
  // The harness runs the cleanups at the end, on failure and on Ctrl-C (and drops the Postgres database).
  onCleanup(() => {
    if (o.keep && o.db === "sqlite") return;
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
  });
  try {
    const now = Date.now();
    const url = o.db === "postgres" ? await createDatabase("desk_bench_metrics", o.keep) : `file:${file}`;
    let db = await openDatabase(url);
    await migrate(db);
    await db.close();

    console.log(`Generating ${o.tickets.toLocaleString("en-US")} tickets over 365 days in ${o.db === "postgres" ? url : file}`);
    const genStart = performance.now();
    const counts = await generate(o.db === "postgres" ? await postgresWriter(url) : sqliteWriter(file), o.tickets, now);
    const genMs = performance.now() - genStart;
    console.log(
      `  ${counts.tickets.toLocaleString("en-US")} tickets, ${counts.slaTimers.toLocaleString("en-US")} SLA timers, ` +
        `${counts.csatSurveys.toLocaleString("en-US")} CSAT surveys, ${counts.csatResponses.toLocaleString("en-US")} answers in ${(genMs / 1000).toFixed(1)} s`,
    );

    db = await openDatabase(url);
    const to = new Date(now);
    const from = new Date(now - 90 * DAY_MS);
    const rows: { name: string; runs: number[]; groups: number; tickets: number }[] = [];
    const portable: { name: string; runs: number[]; same: boolean }[] = [];
    for (const groupBy of [null, ...GROUP_BYS] as (GroupBy | null)[]) {
      const name = groupBy ? `groupBy=${groupBy}` : "overall (no groupBy)";
      let before: MetricsResult | null = null;
      const beforeRuns: number[] = [];
      if (o.compare) {
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          before = await supportMetricsInSql(db, { from, to, groupBy });
          beforeRuns.push(performance.now() - t0);
        }
      }
      const runs: number[] = [];
      let result: MetricsResult | null = null;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        result = await supportMetrics(db, { from, to, groupBy });
        runs.push(performance.now() - t0);
      }
      rows.push({ name, runs, groups: result!.groups.length, tickets: result!.overall.tickets });
      if (o.compare) portable.push({ name, runs: beforeRuns, same: isDeepStrictEqual(before, result) });
    }
    const overall = await supportMetrics(db, { from, to });
    await db.close();

    console.log(`\nsupportMetrics, last 90 days (${rows[0].tickets.toLocaleString("en-US")} tickets), ${RUNS} runs each:`);
    console.log(`  ${"query".padEnd(22)} ${"median".padStart(9)} ${"min".padStart(9)} ${"max".padStart(9)}  groups`);
    for (const r of rows) {
      console.log(
        `  ${r.name.padEnd(22)} ${fmtMs(median(r.runs))} ${fmtMs(Math.min(...r.runs))} ${fmtMs(Math.max(...r.runs))}  ${r.groups || ""}`,
      );
    }
    const fr = overall.overall.firstResponse;
    const rs = overall.overall.resolution;
    const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(1)}%`);
    console.log(
      `\n  figures: FRT median ${fr?.medianSeconds}s / p90 ${fr?.p90Seconds}s (business ${fr?.medianBusinessSeconds}s / ${fr?.p90BusinessSeconds}s), ` +
        `TTR median ${rs?.medianSeconds}s, reopen ${pct(overall.overall.reopenRate)}, FCR ${pct(overall.overall.firstContactResolution)}, ` +
        `CSAT ${pct(overall.overall.csat.satisfiedShare)} (response rate ${pct(overall.overall.csat.responseRate)}), ` +
        `SLA ${pct(overall.overall.sla.firstResponse?.attainment ?? null)} / ${pct(overall.overall.sla.resolution?.attainment ?? null)}`,
    );
    const headline = median(rows[0].runs);
    console.log(
      `\n  90-day metrics, no groupBy: ${headline.toFixed(0)} ms (target < ${TARGET_MS} ms): ${headline < TARGET_MS ? "PASS" : "MISS"}`,
    );
    const slowestGrouped = Math.max(...rows.slice(1).map((r) => median(r.runs)));
    console.log(
      `  90-day metrics, slowest groupBy: ${slowestGrouped.toFixed(0)} ms (target < ${GROUPED_TARGET_MS} ms): ${slowestGrouped < GROUPED_TARGET_MS ? "PASS" : "MISS"}`,
    );
    if (o.compare) {
      console.log(`\n  portable statements (supportMetricsInSql) on the same database, ${RUNS} runs each, just before the above:`);
      console.log(`  ${"query".padEnd(22)} ${"median".padStart(9)} ${"min".padStart(9)} ${"max".padStart(9)}  ratio  same figures`);
      portable.forEach((p, i) => {
        const ratio = median(p.runs) / median(rows[i].runs);
        console.log(
          `  ${p.name.padEnd(22)} ${fmtMs(median(p.runs))} ${fmtMs(Math.min(...p.runs))} ${fmtMs(Math.max(...p.runs))}  ${ratio.toFixed(1).padStart(4)}×  ${p.same ? "yes" : "NO"}`,
        );
      });
      if (portable.some((p) => !p.same)) process.exitCode = 1;
    }
    console.log(`  peak RSS: ${mb(process.resourceUsage().maxRSS * 1024)}`);
    if (o.keep) console.log(`  kept ${o.db === "postgres" ? url : file}`);
  } finally {
    await cleanupBench();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
