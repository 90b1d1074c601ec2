// npm run bench:digest [-- --items N] [--themes N] [--accounts N] [--keep]
//
// How long the voice-of-customer digest takes on a large SQLite database: seeds N feedback items
// (default 50,000) over the last 90 days, 500 themes, ~2,000 accounts with ARR and health bands (a
// fifth of the items' accounts not imported, so their captured ARR and band count), each item in 1-2
// themes (popularity skewed: a few themes get most of the feedback), 3% withdrawn, 5% without an
// account, 4% untagged, and 10 merged themes. Then it times buildDigest (the SQL ranking for the period
// and the previous one, the totals, the quotes and the new themes) for the last 7 and 30 days, 3 runs
// each, the median shown. Target: under 5 s. Missing it is reported (MISS), not failed.
import { toolAccess } from "../src/shared/access.ts";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { openDatabase } from "../src/platform/db/client.ts";
import { migrate } from "../src/platform/db/migrate.ts";
import { apiActor } from "../src/shared/actor.ts";
import type { Database } from "../src/platform/db/client.ts";
import type { Period } from "../src/feedback/rules/digest.ts";
import { prismaDigests } from "../src/feedback/store/digest.ts";
import { readDigest } from "../src/feedback/use-cases/read-digest.ts";
import { vocDigestMessages } from "../src/slack/blocks/voc-digest.ts";
import { seededRandom } from "../tools/backtest/prng.ts";

/** The digest as the scheduled job reads it: the store's figures, ranked and composed by the rules. */
const buildDigest = (db: Database, q: Period) => readDigest({ digests: prismaDigests(db), access: toolAccess }, apiActor, q);

const TARGET_MS = 5000;
const DAY_MS = 86_400_000;
const RUNS = 3;
const SPAN_DAYS = 90;

function parseArgs(argv: string[]) {
  const o = { items: 50_000, themes: 500, accounts: 2_000, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2) as [string, string | undefined];
    const whole = (name: string) => {
      const n = Number(inline ?? argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage(`${name} needs a whole number >= 1`);
      return n;
    };
    if (flag === "--items") o.items = whole("--items");
    else if (flag === "--themes") o.themes = whole("--themes");
    else if (flag === "--accounts") o.accounts = whole("--accounts");
    else if (flag === "--keep") o.keep = true;
    else if (flag === "--help" || flag === "-h") usage();
    else usage(`unknown option ${argv[i]}`);
  }
  return o;
}

function usage(problem?: string): never {
  const text =
    "usage: npm run bench:digest -- [--items N] [--themes N] [--accounts N] [--keep]\n" +
    "  --items N      feedback items over 90 days (default 50000)\n" +
    "  --themes N     themes (default 500)\n" +
    "  --accounts N   accounts (default 2000)\n" +
    "  --keep         keep the database file and print its path\n";
  (problem ? process.stderr : process.stdout).write(problem ? `${problem}\n${text}` : text);
  process.exit(problem ? 2 : 0);
}

/** How Prisma's SQLite adapter stores a DateTime. */
const ts = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

const PHRASES = [
  "We need exports to Excel, the CSV breaks our finance macros",
  "SSO with Okta is a must before we roll out to the whole company",
  "The dashboard is slow with more than ten widgets",
  "Please add an audit log for admin changes",
  "Dark mode would help our night shift",
  "The API rate limit stops our nightly sync",
];

function seed(file: string, o: { items: number; themes: number; accounts: number }, now: number): Record<string, number> {
  const rnd = seededRandom(20261123);
  const bands = ["green", "green", "green", "yellow", "red"];
  const sqlite = new Sqlite(file);
  sqlite.pragma("journal_mode = OFF");
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("foreign_keys = OFF");
  const insertAccount = sqlite.prepare(
    `INSERT INTO "Account" ("externalId", "name", "arr", "seats", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertHealth = sqlite.prepare(
    `INSERT INTO "AccountHealthCurrent" ("accountExternalId", "runId", "computedAt", "score", "band", "components") VALUES (?, 1, ?, ?, ?, '[]')`,
  );
  const insertTheme = sqlite.prepare(
    `INSERT INTO "Theme" ("id", "name", "nameKey", "status", "mergedIntoId", "createdById", "createdAt") VALUES (?, ?, ?, ?, ?, 'UPM', ?)`,
  );
  const insertItem = sqlite.prepare(
    `INSERT INTO "FeedbackItem" ("id", "origin", "channelId", "messageTs", "threadTs", "text", "authorId", "internal", "accountExternalId", "accountName", "accountArr", "accountBand", "permalink", "createdById", "createdAt", "status", "suggestions")
     VALUES (?, 'reaction', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'UAGENT1', ?, ?, '[]')`,
  );
  const insertLink = sqlite.prepare(
    `INSERT INTO "FeedbackTheme" ("itemId", "themeId", "addedById", "addedAt") VALUES (?, ?, 'UAGENT1', ?)`,
  );
  const counts = { accounts: 0, notImported: 0, themes: 0, merged: 0, items: 0, withdrawn: 0, untagged: 0, links: 0 };

  // Accounts: ARR log-uniform from 5,000 to 500,000; 80% imported (with a current band), the rest known
  // only from what was captured on their items.
  const accounts = Array.from({ length: o.accounts }, (_, i) => ({
    id: `acct-${String(i + 1).padStart(5, "0")}`,
    name: `Customer ${i + 1}`,
    arr: Math.round((5000 * Math.pow(100, rnd())) / 100) * 100,
    band: bands[Math.floor(rnd() * bands.length)],
    imported: rnd() < 0.8,
  }));
  const mergedThemes = Math.min(10, Math.floor(o.themes / 10));
  sqlite.transaction(() => {
    for (const a of accounts) {
      if (!a.imported) {
        counts.notImported++;
        continue;
      }
      insertAccount.run(a.id, a.name, a.arr, 10 + Math.floor(rnd() * 500), ts(now - 400 * DAY_MS), ts(now - DAY_MS));
      insertHealth.run(a.id, ts(now - DAY_MS), a.band === "green" ? 80 : a.band === "yellow" ? 55 : 25, a.band);
      counts.accounts++;
    }
    for (let t = 1; t <= o.themes; t++) {
      const merged = t > o.themes - mergedThemes;
      const name = `Theme ${t}: ${PHRASES[t % PHRASES.length].split(" ").slice(0, 4).join(" ")}`;
      // Themes created over a year, some in the last weeks (new in the period).
      insertTheme.run(
        t,
        name,
        merged ? null : name.toLowerCase(),
        merged ? "merged" : "active",
        merged ? 1 : null,
        ts(now - Math.floor(rnd() * 365) * DAY_MS),
      );
      counts.themes++;
      if (merged) counts.merged++;
    }
  })();

  // Popularity: theme k is picked with weight ~ 1/k (a few themes get most of the feedback).
  const weights = Array.from({ length: o.themes }, (_, k) => 1 / (k + 1));
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const total = cumulative[cumulative.length - 1];
  const pickTheme = () => {
    const r = rnd() * total;
    let lo = 0,
      hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  const BATCH = 10_000;
  const start = now - SPAN_DAYS * DAY_MS;
  const step = (SPAN_DAYS * DAY_MS) / o.items;
  const batch = sqlite.transaction((first: number, last: number) => {
    for (let id = first; id <= last; id++) {
      const created = Math.floor(start + (id - 1) * step + rnd() * step);
      const account = rnd() < 0.05 ? null : accounts[Math.floor(accounts.length * rnd() * rnd())];
      const withdrawn = rnd() < 0.03;
      const messageTs = `${Math.floor(created / 1000)}.${String(id % 1_000_000).padStart(6, "0")}`;
      const channel = `CCUST${String(id % 200).padStart(3, "0")}`;
      const text = `${PHRASES[Math.floor(rnd() * PHRASES.length)]} (${id})`;
      insertItem.run(
        id,
        channel,
        messageTs,
        messageTs,
        text,
        `UCUST${Math.floor(rnd() * 20_000)}`,
        rnd() < 0.1 ? 1 : 0,
        account?.id ?? null,
        account?.name ?? null,
        // What was captured: the ARR of the time (a little off the current one), the band of the time.
        account ? Math.round(account.arr * (0.8 + rnd() * 0.4)) : null,
        account ? bands[Math.floor(rnd() * bands.length)] : null,
        `https://example.slack.com/archives/${channel}/p${messageTs.replace(".", "")}`,
        ts(created),
        withdrawn ? "withdrawn" : "active",
      );
      counts.items++;
      if (withdrawn) counts.withdrawn++;
      if (rnd() < 0.04) {
        counts.untagged++;
        continue;
      }
      const first = pickTheme();
      insertLink.run(id, first, ts(created));
      counts.links++;
      if (rnd() < 0.4) {
        const second = pickTheme();
        if (second !== first) {
          insertLink.run(id, second, ts(created));
          counts.links++;
        }
      }
    }
  });
  for (let first = 1; first <= o.items; first += BATCH) batch(first, Math.min(o.items, first + BATCH - 1));
  sqlite.close();
  return counts;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmtMs = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const file = path.join(tmpdir(), `desk-bench-digest-${randomBytes(4).toString("hex")}.db`);
  const cleanup = () => {
    if (o.keep) return;
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
  };
  process.once("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    const now = Date.now();
    let db = await openDatabase(`file:${file}`);
    await migrate(db);
    await db.close();

    console.log(
      `Seeding ${o.items.toLocaleString("en-US")} feedback items over ${SPAN_DAYS} days, ${o.themes} themes, ${o.accounts.toLocaleString("en-US")} accounts in ${file}`,
    );
    const t0 = performance.now();
    const counts = seed(file, o, now);
    console.log(
      `  ${counts.items.toLocaleString("en-US")} items (${counts.withdrawn} withdrawn, ${counts.untagged} untagged), ${counts.links.toLocaleString("en-US")} theme links, ` +
        `${counts.themes} themes (${counts.merged} merged), ${counts.accounts} accounts imported (+${counts.notImported} known only from captures) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    db = await openDatabase(`file:${file}`);
    const rows: { days: number; runs: number[]; items: number; themes: number; messages: number; renderMs: number }[] = [];
    for (const days of [7, 30]) {
      const to = new Date(now);
      const from = new Date(now - days * DAY_MS);
      const runs: number[] = [];
      let digest = await buildDigest(db, { from, to }); // warm-up, not counted
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        digest = await buildDigest(db, { from, to });
        runs.push(performance.now() - start);
      }
      const r0 = performance.now();
      const messages = vocDigestMessages(digest);
      rows.push({
        days,
        runs,
        items: digest.totals.items,
        themes: digest.themes.length + digest.moreThemes,
        messages: messages.length,
        renderMs: performance.now() - r0,
      });
    }
    await db.close();

    console.log(`\nbuildDigest, ${RUNS} runs each (after one warm-up):`);
    console.log(
      `  ${"period".padEnd(8)} ${"items".padStart(7)} ${"themes".padStart(7)} ${"median".padStart(9)} ${"min".padStart(9)} ${"max".padStart(9)}  messages (render)`,
    );
    for (const r of rows) {
      console.log(
        `  ${`${r.days} days`.padEnd(8)} ${r.items.toLocaleString("en-US").padStart(7)} ${String(r.themes).padStart(7)} ${fmtMs(median(r.runs))} ${fmtMs(Math.min(...r.runs))} ${fmtMs(Math.max(...r.runs))}  1 + ${r.messages - 1} in thread (${r.renderMs.toFixed(0)} ms)`,
      );
    }
    const worst = Math.max(...rows.map((r) => median(r.runs)));
    console.log(`\n  slowest median: ${worst.toFixed(0)} ms (target < ${TARGET_MS} ms): ${worst < TARGET_MS ? "PASS" : "MISS"}`);
    console.log(`  peak RSS: ${mb(process.resourceUsage().maxRSS * 1024)}`);
    if (o.keep) console.log(`  kept ${file}`);
  } finally {
    cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
