// What a health check's digests and summary read of the open alerts (AccountAlertStore.openForReport): the
// counts by channel, delivery and band and the ARR at risk in SQL, and only the alerts a digest names read
// in full, with the same result as listing every open alert would give. On SQLite and, with
// TEST_DATABASE=postgres, on Postgres.
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../src/platform/db/client.ts";
import type { AccountAlertDetail } from "../src/success/rules/alert.ts";
import { prismaAccountAlertStore } from "../src/success/store/account-alerts.ts";
import { useMigratedDatabase } from "./support/harness.ts";

const database = useMigratedDatabase();
let db: Database;
beforeEach(() => {
  db = database();
});

const AT = new Date("2026-11-20T06:00:00.000Z");
const HOUR = 3_600_000;
const BANDS = ["red", "yellow", "green", "unknown"] as const;
const CHANNELS = ["CA", "CB", "C_C", null, ""] as const;

interface Seeded {
  id: number;
  accountExternalId: string;
  name: string;
  arr: number | null;
  channelId: string | null;
  delivery: "digest" | "realtime";
  stake: number;
  status: "open" | "cleared";
  snoozedUntil: Date | null;
  acknowledgedAt: Date | null;
  detail: AccountAlertDetail;
}

/** A book of alerts in every combination that matters (channels, delivery, snoozes, bands, ARR, cleared, ties). */
async function seed(): Promise<Seeded[]> {
  const out: Seeded[] = [];
  for (let i = 0; i < 60; i++) {
    const accountExternalId = `${i % 7 === 0 ? "demo-" : "acct-"}${String(i).padStart(3, "0")}`;
    const arr = i % 9 === 0 ? null : i % 11 === 0 ? -500 : 1000 * (i + 1);
    const name = `Account ${i}`;
    if (i % 13 !== 5) await db.client.account.create({ data: { externalId: accountExternalId, name, arr, createdAt: AT, updatedAt: AT } });
    const detail: AccountAlertDetail = {
      score: i % 100,
      band: BANDS[Math.floor(i / 4) % BANDS.length],
      previousScore: null,
      rules: [{ rule: "entered_red", reason: `reason ${i}`, severity: 70 }],
      reasons: [],
      missing: [],
      tickets: [],
      computedAt: AT.toISOString(),
    };
    const status = i % 10 === 9 ? "cleared" : "open";
    const s = i % 7;
    const snoozedUntil = s === 1 || s === 4 ? new Date(AT.getTime() + HOUR) : s === 2 ? new Date(AT.getTime() - HOUR) : s === 3 ? AT : null;
    const row = await db.client.accountAlert.create({
      data: {
        accountExternalId,
        openKey: status === "open" ? accountExternalId : null,
        status,
        delivery: i % 3 === 2 ? "realtime" : "digest",
        // Ties on stake: the id decides.
        stake: Math.floor(i / 3) * 10,
        raisedAt: AT,
        raisedRunId: 1,
        lastRunId: 1,
        detail: JSON.stringify(detail),
        channelId: CHANNELS[i % CHANNELS.length],
        acknowledgedAt: i % 6 === 0 ? AT : null,
        snoozedUntil,
        updatedAt: AT,
      },
    });
    out.push({
      id: row.id,
      accountExternalId,
      name: i % 13 !== 5 ? name : accountExternalId,
      arr: i % 13 !== 5 ? arr : null,
      channelId: row.channelId,
      delivery: row.delivery as "digest" | "realtime",
      stake: row.stake,
      status,
      snoozedUntil,
      acknowledgedAt: row.acknowledgedAt,
      detail,
    });
  }
  return out;
}

/** What the digests and summary took from the list of every open alert, before the store counted. */
function expected(all: Seeded[], listMax: number, prefix = "") {
  const open = all.filter((a) => a.status === "open" && a.accountExternalId.startsWith(prefix));
  const atRisk = { red: 0, yellow: 0, green: 0, unknown: 0 };
  let arrAtRisk = 0;
  for (const a of open) {
    atRisk[a.detail.band] += 1;
    arrAtRisk += Math.max(0, a.arr ?? 0);
  }
  const channels = [...new Set(open.map((a) => a.channelId).filter((c): c is string => !!c))].sort().map((channelId) => {
    const list = open.filter((a) => a.channelId === channelId);
    const snoozed = list.filter((a) => a.delivery === "digest" && a.snoozedUntil !== null && a.snoozedUntil.getTime() > AT.getTime());
    const listed = list.filter((a) => a.delivery === "digest" && !snoozed.includes(a)).sort((a, b) => b.stake - a.stake || a.id - b.id);
    return {
      channelId,
      listed: listed.length,
      ownMessages: list.filter((a) => a.delivery === "realtime").length,
      snoozed: snoozed.length,
      top: listed.slice(0, listMax).map(({ status: _, ...a }) => a),
    };
  });
  return { channels, atRisk, arrAtRisk };
}

describe("the open alerts as a check reports them", () => {
  it("counts every open alert by channel, delivery and band, and reads only the first alerts of each channel's digest", async () => {
    const all = await seed();
    const store = prismaAccountAlertStore(db);
    for (const listMax of [3, 1000]) {
      const got = await store.openForReport(AT, listMax);
      got.channels.sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
      expect(got).toEqual(expected(all, listMax));
    }
    const full = expected(all, 1000);
    // The book covers what matters: several channels with snoozed, own and listed alerts, every band, and a
    // channel with more to list than three.
    expect(full.channels.map((c) => c.channelId)).toEqual(["CA", "CB", "C_C"]);
    expect(full.channels.every((c) => c.snoozed > 0 && c.ownMessages > 0 && c.listed > 3)).toBe(true);
    expect(Object.values(full.atRisk).every((n) => n > 0)).toBe(true);
  });

  it("keeps to the accounts of a prefix when asked (the demo's), with LIKE's wildcards taken literally", async () => {
    const all = await seed();
    const store = prismaAccountAlertStore(db);
    const got = await store.openForReport(AT, 2, { accountPrefix: "demo-" });
    got.channels.sort((a, b) => (a.channelId < b.channelId ? -1 : 1));
    expect(got).toEqual(expected(all, 2, "demo-"));
    expect(got.atRisk.red + got.atRisk.yellow + got.atRisk.green + got.atRisk.unknown).toBeGreaterThan(0);
    const none = await store.openForReport(AT, 2, { accountPrefix: "demo_" });
    expect(none).toEqual({ channels: [], atRisk: { red: 0, yellow: 0, green: 0, unknown: 0 }, arrAtRisk: 0 });
  });
});
