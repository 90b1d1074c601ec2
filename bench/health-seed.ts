// Seeds a migrated SQLite file for `npm run bench:health` (bench/health.ts) with raw better-sqlite3
// statements in transactions: N accounts with 90 days of product usage each, the features they use,
// seat/ARR history, NPS answers and some support tickets (with SLA timers and CSAT answers), as the
// app's ingestion would have stored them. About 5% of the accounts are in trouble (low and falling
// usage, detractor NPS, some with a ticket spike), plus the odd detractor among healthy accounts: a
// first health check over this data raises alerts for about 5-10% of the accounts.
import Sqlite from "better-sqlite3";
import { seededRandom } from "../tools/backtest/prng.ts";

const DAY_MS = 86_400_000;
export const USAGE_DAYS = 90;

/** How Prisma's SQLite adapter stores a DateTime. */
export const ts = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
/** A date column (YYYY-MM-DD, UTC). */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const accountId = (n: number) => `acct-${String(n).padStart(7, "0")}`;

const FEATURES = [
  "dashboards",
  "reports",
  "exports",
  "api",
  "sso",
  "alerts",
  "workflows",
  "comments",
  "mobile",
  "integrations",
  "audit_log",
  "templates",
];
const EVENTS = ["upload", "share", "export", "invite"];
const PRIORITIES: [string, number][] = [
  ["urgent", 0.05],
  ["high", 0.2],
  ["normal", 0.6],
  ["low", 0.15],
];

export interface SeedCounts {
  accounts: number;
  atRisk: number;
  usageDays: number;
  accountFeatures: number;
  accountFigures: number;
  npsResponses: number;
  tickets: number;
  slaTimers: number;
  csatResponses: number;
}

/** Fills `file` (already migrated by the app's migrator) with `accounts` accounts as of `at`. */
export function seedHealthData(file: string, accounts: number, at: Date, progress?: (done: number) => void): SeedCounts {
  const rnd = seededRandom(20261120 + accounts);
  const now = at.getTime();
  const today0 = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)];
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const weighted = <T>(items: readonly [T, number][]) => {
    let r = rnd();
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1][0];
  };
  const csms = Array.from({ length: 40 }, (_, i) => `UCSM${String(i + 1).padStart(3, "0")}`);
  const tiers: [string, number][] = [
    ["starter", 0.5],
    ["business", 0.35],
    ["enterprise", 0.15],
  ];
  const pricePerSeat: Record<string, number> = { starter: 120, business: 300, enterprise: 600 };

  const sqlite = new Sqlite(file);
  sqlite.pragma("journal_mode = OFF");
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -262144"); // 256 MB
  sqlite.pragma("foreign_keys = OFF");
  // Load without the secondary indexes and build them afterwards from the migrations' own definitions.
  const tables = ["Account", "AccountFigure", "UsageDay", "AccountFeature", "NpsResponse", "Ticket", "SlaTimer", "CsatResponse"];
  const indexes = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => "?").join(",")})`,
    )
    .all(...tables) as { name: string; sql: string }[];
  for (const index of indexes) sqlite.exec(`DROP INDEX "${index.name}"`);

  const insertAccount = sqlite.prepare(
    `INSERT INTO "Account" ("externalId", "name", "domain", "tier", "arr", "seats", "renewalDate", "csmSlackUserId", "alertChannel", "attributes", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
  );
  const insertFigure = sqlite.prepare(
    `INSERT INTO "AccountFigure" ("accountExternalId", "recordedAt", "seats", "arr") VALUES (?, ?, ?, ?)`,
  );
  const insertUsage = sqlite.prepare(
    `INSERT INTO "UsageDay" ("accountExternalId", "date", "activeUsers", "featuresUsed", "events", "keyEvents", "receivedAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertFeature = sqlite.prepare(
    `INSERT INTO "AccountFeature" ("accountExternalId", "feature", "firstSeen", "lastSeen") VALUES (?, ?, ?, ?)`,
  );
  const insertNps = sqlite.prepare(
    `INSERT INTO "NpsResponse" ("accountExternalId", "score", "comment", "respondedAt", "respondentEmail", "receivedAt") VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertTicket = sqlite.prepare(
    `INSERT INTO "Ticket" ("id", "channelId", "sourceTs", "threadTs", "requesterId", "requesterTeamId", "text", "priority", "status", "origin", "createdAt", "firstResponseAt", "resolvedAt", "reopenCount", "lastCustomerMessageAt", "accountExternalId", "agentResponseCount", "updatedAt") VALUES (?, ?, ?, ?, ?, 'TCUSTOMER', ?, ?, ?, 'message', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTimer = sqlite.prepare(
    `INSERT INTO "SlaTimer" ("ticketId", "kind", "targetSeconds", "startedAt", "consumedSeconds", "runningSince", "dueAt", "breachedAt", "stoppedAt", "met") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertCsat = sqlite.prepare(
    `INSERT INTO "CsatResponse" ("ticketId", "userId", "score", "comment", "answeredAt", "updatedAt") VALUES (?, ?, ?, NULL, ?, ?)`,
  );

  const counts: SeedCounts = {
    accounts: 0,
    atRisk: 0,
    usageDays: 0,
    accountFeatures: 0,
    accountFigures: 0,
    npsResponses: 0,
    tickets: 0,
    slaTimers: 0,
    csatResponses: 0,
  };
  let ticketId = 0;

  const one = (n: number) => {
    const id = accountId(n);
    const atRisk = rnd() < 0.05;
    const tier = weighted(tiers);
    const seats = Math.max(
      3,
      Math.min(5000, Math.round(Math.exp(Math.log(tier === "enterprise" ? 250 : tier === "business" ? 60 : 15) + 0.6 * (rnd() * 2 - 1)))),
    );
    const arr = seats * pricePerSeat[tier];
    const created = today0 - int(120, 1500) * DAY_MS;
    const renewal = day(today0 + int(1, 365) * DAY_MS);
    insertAccount.run(
      id,
      `Account ${n}`,
      `account-${n}.example.com`,
      tier,
      arr,
      seats,
      renewal,
      pick(csms),
      ts(created),
      ts(today0 - int(0, 60) * DAY_MS),
    );
    counts.accounts++;
    if (atRisk) counts.atRisk++;

    // Seat and ARR history: the figures when the account was created and, for some, a change since.
    const seatsThen = atRisk ? Math.round(seats * between(1.1, 1.6)) : Math.max(1, Math.round(seats * between(0.75, 1.05)));
    if (seatsThen !== seats) {
      insertFigure.run(id, ts(created), seatsThen, seatsThen * pricePerSeat[tier]);
      insertFigure.run(id, ts(Math.max(created + DAY_MS, now - int(5, 200) * DAY_MS)), seats, arr);
      counts.accountFigures += 2;
    } else {
      insertFigure.run(id, ts(created), seats, arr);
      counts.accountFigures++;
    }

    // Usage: a daily share of seats active, steady for healthy accounts, low and falling for at-risk ones.
    const adopted = [...FEATURES].sort(() => rnd() - 0.5).slice(0, atRisk ? int(2, 4) : int(5, 10));
    const seen = new Map<string, [string, string]>();
    const startShare = atRisk ? between(0.2, 0.35) : between(0.45, 0.85);
    const endShare = atRisk ? between(0.05, 0.18) : startShare * between(0.9, 1.15);
    const eventRate = between(0.5, 3); // key events per active user a day
    for (let d = USAGE_DAYS; d >= 1; d--) {
      const ms = today0 - d * DAY_MS;
      const date = day(ms);
      const weekend = new Date(ms).getUTCDay() % 6 === 0;
      const progress = (USAGE_DAYS - d) / (USAGE_DAYS - 1);
      const share = (startShare + (endShare - startShare) * progress) * (weekend ? 0.3 : between(0.85, 1));
      const active = Math.max(0, Math.round(seats * share));
      const used = active === 0 ? [] : adopted.filter(() => rnd() < 0.6);
      const events: Record<string, number> = {};
      let keyEvents = 0;
      if (active > 0) {
        for (const name of EVENTS) {
          if (rnd() < 0.5) continue;
          const count = Math.max(1, Math.round(active * eventRate * between(0.1, 0.5)));
          events[name] = count;
          keyEvents += count;
        }
      }
      insertUsage.run(id, date, active, JSON.stringify(used), JSON.stringify(events), keyEvents, ts(ms + DAY_MS + 2 * 3_600_000));
      counts.usageDays++;
      for (const f of used) {
        const s = seen.get(f);
        if (s) s[1] = date;
        else seen.set(f, [date, date]);
      }
    }
    // AccountFeature as ingestion keeps it: first and last day seen. Features in use since before the
    // window were first seen earlier; some were dropped more than 90 days ago.
    const firstDay = day(today0 - USAGE_DAYS * DAY_MS);
    const createdDay = day(created);
    for (const [f, [first, last]] of seen) {
      insertFeature.run(id, f, first === firstDay && rnd() < 0.8 ? createdDay : first, last);
      counts.accountFeatures++;
    }
    for (const f of FEATURES.filter((x) => !seen.has(x)).slice(0, int(0, 2))) {
      const last = today0 - int(USAGE_DAYS + 1, 400) * DAY_MS;
      if (last <= created) continue;
      insertFeature.run(id, f, createdDay, day(last));
      counts.accountFeatures++;
    }

    // NPS: a quarter of healthy accounts and most at-risk ones answered in the last year.
    if (rnd() < (atRisk ? 0.6 : 0.25)) {
      const answers = int(1, 3);
      const times = Array.from({ length: answers }, () => now - int(1, 365) * DAY_MS - int(0, 86_399) * 1000).sort((a, b) => a - b);
      times.forEach((t, i) => {
        const latest = i === answers - 1;
        const score =
          atRisk && latest
            ? int(1, 6)
            : weighted([
                [10, 0.25],
                [9, 0.25],
                [8, 0.22],
                [7, 0.18],
                [6, 0.05],
                [5, 0.03],
                [3, 0.02],
              ] as [number, number][]);
        insertNps.run(
          id,
          score,
          rnd() < 0.3 ? (score <= 6 ? "Too slow to load, support takes days" : "Works well for our team") : null,
          ts(t),
          `person${i}@account-${n}.example.com`,
          ts(t + 60_000),
        );
        counts.npsResponses++;
      });
    }

    // Support: a third of the accounts have tickets in the last 120 days; some at-risk ones a spike this week.
    if (rnd() < (atRisk ? 0.7 : 0.3)) {
      const older = int(1, 6);
      const spike = atRisk && rnd() < 0.4 ? int(3, 6) : 0;
      const times = [
        ...Array.from({ length: older }, () => now - int(8, 120) * DAY_MS - int(0, 86_399) * 1000),
        ...Array.from({ length: spike }, () => now - int(0, 6) * DAY_MS - int(1, 86_399) * 1000),
      ];
      for (const created of times) {
        const tid = ++ticketId;
        const priority = weighted(PRIORITIES);
        const frAt = created + int(300, 4 * 3600) * 1000;
        const resolved = created < now - 2 * DAY_MS && rnd() < 0.85 ? created + int(3600, 3 * 86_400) * 1000 : null;
        const reopen = resolved !== null && rnd() < 0.08 ? 1 : 0;
        const sourceTs = `${Math.floor(created / 1000)}.${String(tid % 1_000_000).padStart(6, "0")}`;
        insertTicket.run(
          tid,
          `CSUP${String(n % 500).padStart(4, "0")}`,
          sourceTs,
          sourceTs,
          `UCUST${n}`,
          `Question #${tid}`,
          priority,
          resolved ? "resolved" : "open",
          ts(created),
          frAt < now ? ts(frAt) : null,
          resolved ? ts(resolved) : null,
          reopen,
          ts(resolved ?? created),
          id,
          frAt < now ? 1 : 0,
          ts(resolved ?? frAt),
        );
        counts.tickets++;
        for (const [kind, target, stop] of [
          ["first_response", 4 * 3600, frAt],
          ["resolution", 3 * 86_400, resolved],
        ] as [string, number, number | null][]) {
          const done = stop !== null && stop < now;
          const seconds = done ? Math.round((stop - created) / 3000) : 0;
          const due = created + target * 3000;
          const met = done ? seconds <= target : null;
          const breached = (done && !met) || (!done && due < now) ? ts(Math.min(due, now)) : null;
          insertTimer.run(
            tid,
            kind,
            target,
            ts(created),
            seconds,
            done ? null : ts(created),
            done ? null : ts(due),
            breached,
            done ? ts(stop) : null,
            met === null ? null : met ? 1 : 0,
          );
          counts.slaTimers++;
        }
        if (resolved && rnd() < 0.3) {
          const answered = ts(resolved + 3_600_000);
          insertCsat.run(tid, `UCUST${n}`, atRisk ? int(1, 3) : int(3, 5), answered, answered);
          counts.csatResponses++;
        }
      }
    }
  };

  const BATCH = 2_000;
  const batch = sqlite.transaction((first: number, last: number) => {
    for (let n = first; n <= last; n++) one(n);
  });
  for (let first = 1; first <= accounts; first += BATCH) {
    const last = Math.min(accounts, first + BATCH - 1);
    batch(first, last);
    progress?.(last);
  }
  for (const index of indexes) sqlite.exec(index.sql);
  sqlite.close();
  return counts;
}
