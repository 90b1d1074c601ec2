// The health check judges an account in its context, through the real app: a new account by its
// activation for its age (onboarding_stalled, never red), a usage dip against the book's over the same
// weeks, and against the account's own same weeks a year earlier when its history goes back that far.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startDesk, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";
import { addAccount, addUsage, shownHealth } from "./support/success-fixtures.ts";

const AT = new Date("2026-11-20T06:00:00Z");
const DAY = 86_400_000;
const CSM = "UCSM1";
const CSM_CHANNEL = "CCSMONE";
const TOKEN = "ingest-token-0123456789";

const dir = mkdtempSync(path.join(tmpdir(), "health-context-"));
const configFile = path.join(dir, "health.json");
writeFileSync(configFile, JSON.stringify({ routing: { csmChannels: { [CSM]: CSM_CHANNEL } } }));

const desks: Desk[] = [];
afterEach(async () => {
  while (desks.length) await desks.pop()!.stop();
});

async function deskAt(at: Date) {
  const desk = await startDesk({
    env: {
      HEALTH_CONFIG_FILE: configFile,
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      ALERT_ESCALATION_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      INGEST_API_TOKEN: TOKEN,
    },
    start: { clock: new TestClock(at) },
  });
  desks.push(desk);
  return desk;
}

/** The account's current score as the API shows it (the evidence worded from the check's figures). */
const current = (desk: Desk, id: string) => shownHealth(desk.app.success, id);

async function rules(desk: Desk, id: string) {
  const rows = await desk.app.db.client.healthAlert.findMany({ where: { accountExternalId: id, status: "open" } });
  return rows.map((r) => r.rule).sort();
}

describe("health in context", () => {
  it("scores an account in its first weeks on its activation, raises onboarding_stalled instead of red, and says so", async () => {
    const desk = await deskAt(AT);
    const db = desk.app.db;
    // Both use 3 of 50 seats, one feature of five and no key action; nova started 40 days ago, olda a year ago.
    await addAccount(db, { externalId: "known", name: "Known", seats: 10 }, AT);
    await addUsage(db, "known", AT, { before: 8, after: 8, features: ["reports", "exports", "dashboards", "api", "sso"] });
    for (const [id, createdAt] of [
      ["nova", new Date(AT.getTime() - 40 * DAY)],
      ["olda", new Date(AT.getTime() - 365 * DAY)],
    ] as const) {
      await addAccount(db, { externalId: id, name: id.toUpperCase(), seats: 50, arr: 60000, csmSlackUserId: CSM, createdAt }, AT);
      await addUsage(db, id, AT, { before: 3, after: 3, features: ["reports"], uploadsBefore: 0, uploadsAfter: 0 });
    }
    // Usage only for the last 40 days of nova's 60 (it did not exist before).
    await db.client.usageDay.deleteMany({
      where: { accountExternalId: "nova", date: { lt: new Date(AT.getTime() - 39 * DAY).toISOString().slice(0, 10) } },
    });

    const summary = await desk.app.healthChecks.run("manual", AT);
    expect(summary.status).toBe("done");

    const nova = await current(desk, "nova");
    expect(nova.band).not.toBe("red");
    expect(nova.components.map((c) => c.name)).not.toContain("usageTrend");
    expect(nova.components.map((c) => c.evidence).join("\n")).toContain("of onboarding");
    expect(await rules(desk, "nova")).toEqual(["onboarding_stalled"]);

    // The established account with the same usage is at risk as before.
    expect(await rules(desk, "olda")).toContain("low_utilisation");
    expect(await rules(desk, "olda")).not.toContain("onboarding_stalled");

    // The CSM reads it: /cs account nova names the stage.
    const answer = await desk
      .command({ command: "/cs", text: "account nova", user_id: CSM })
      .then((r) => r.json() as Promise<{ blocks?: unknown[] }>);
    const text = JSON.stringify(answer.blocks);
    expect(text).toContain("Onboarding stalled");
    expect(text).toMatch(/day 40 of 90 of onboarding/);
  });

  it("counts a long-standing customer as established from the CRM's customerSince, although its usage here started weeks ago", async () => {
    const desk = await deskAt(AT);
    const db = desk.app.db;
    await addAccount(db, { externalId: "known", name: "Known", seats: 10 }, AT);
    await addUsage(db, "known", AT, { before: 8, after: 8, features: ["reports", "exports", "dashboards", "api", "sso"] });
    // Both sent by the CRM today (the app was just installed), with the 40 days of usage sent since it was set up.
    const accounts = [
      { externalId: "veteran", name: "Veteran", seats: 50, arr: 60000, csmSlackUserId: CSM, customerSince: "2019-05-01" },
      { externalId: "newbie", name: "Newbie", seats: 50, arr: 60000, csmSlackUserId: CSM },
    ];
    const headers = { "content-type": "application/json", authorization: `Bearer ${TOKEN}` };
    const stored = await fetch(`${desk.baseUrl}/api/v1/accounts`, { method: "POST", headers, body: JSON.stringify({ accounts }) });
    expect(stored.status).toBe(200);
    for (const { externalId } of accounts) {
      await addUsage(db, externalId, AT, { before: 3, after: 3, features: ["reports"], uploadsBefore: 0, uploadsAfter: 0 });
      await db.client.usageDay.deleteMany({
        where: { accountExternalId: externalId, date: { lt: new Date(AT.getTime() - 39 * DAY).toISOString().slice(0, 10) } },
      });
    }
    const read = await fetch(`${desk.baseUrl}/api/v1/accounts/veteran`, { headers });
    expect(((await read.json()) as { customerSince?: string }).customerSince).toBe("2019-05-01");

    expect((await desk.app.healthChecks.run("manual", AT)).status).toBe("done");

    // The customer since 2019 is judged as an established account; the one the CRM says nothing about is onboarding.
    expect(await rules(desk, "veteran")).toContain("low_utilisation");
    expect(await rules(desk, "veteran")).not.toContain("onboarding_stalled");
    expect((await current(desk, "veteran")).components.map((c) => c.evidence).join("\n")).not.toContain("of onboarding");
    expect(await rules(desk, "newbie")).toEqual(["onboarding_stalled"]);
  });

  it("counts an account first stored here today as established when its usage goes back past onboarding", async () => {
    const desk = await deskAt(AT);
    const db = desk.app.db;
    await addAccount(db, { externalId: "known", name: "Known", seats: 10 }, AT);
    await addUsage(db, "known", AT, { before: 8, after: 8, features: ["reports", "exports", "dashboards", "api", "sso"] });
    // Ten accounts stored today with the same low usage over 60 days; one of them also sent a usage day of
    // 200 days ago (a backfill), so its life here started then.
    const ids = Array.from({ length: 10 }, (_, i) => `fresh-${i}`);
    for (const id of ids) {
      await addAccount(db, { externalId: id, name: id, seats: 50, arr: 60000, csmSlackUserId: CSM, createdAt: AT }, AT);
      await addUsage(db, id, AT, { before: 3, after: 3, features: ["reports"], uploadsBefore: 0, uploadsAfter: 0 });
    }
    const old = new Date(AT.getTime() - 200 * DAY).toISOString().slice(0, 10);
    await db.client.usageDay.create({
      data: { accountExternalId: "fresh-7", date: old, activeUsers: 3, featuresUsed: "[]", events: "{}", keyEvents: 0, receivedAt: AT },
    });

    expect((await desk.app.healthChecks.run("manual", AT)).status).toBe("done");

    expect(await rules(desk, "fresh-7")).toContain("low_utilisation");
    expect(await rules(desk, "fresh-7")).not.toContain("onboarding_stalled");
    for (const id of ids.filter((id) => id !== "fresh-7")) {
      expect(await rules(desk, id)).toEqual(["onboarding_stalled"]);
      expect((await current(desk, id)).components.map((c) => c.evidence).join("\n")).toMatch(/on day 59 of onboarding/);
    }
  });

  it("judges a usage dip against the book's over the same weeks: a dip the whole book shares is not a risk", async () => {
    const dips = async (bookAfter: number) => {
      const desk = await deskAt(AT);
      const db = desk.app.db;
      // 24 accounts with 40 active users a day, then `bookAfter`; "dipper" goes from 40 to 28 (−30%).
      for (let i = 0; i < 24; i++) {
        const id = `book${String(i).padStart(2, "0")}`;
        await addAccount(db, { externalId: id, name: `Book ${i}`, seats: 50 }, AT);
        await addUsage(db, id, AT, { before: 40, after: bookAfter });
      }
      await addAccount(db, { externalId: "dipper", name: "Dipper", seats: 50 }, AT);
      await addUsage(db, "dipper", AT, { before: 40, after: 28 });
      await desk.app.healthChecks.run("manual", AT);
      return (await current(desk, "dipper")).components.find((c) => c.name === "usageTrend")!;
    };

    const alone = await dips(40);
    expect(alone.evidence).toContain("(-30% while the book was flat");
    expect(alone.score).toBeLessThan(40);

    const shared = await dips(28);
    expect(shared.evidence).toContain("(-30% while the book was -30%");
    expect(shared.score).toBeGreaterThanOrEqual(70);
  });

  it("sees a slow slide that no single month shows: the 90-day trend from the usage 61-90 days before", async () => {
    const desk = await deskAt(AT);
    const db = desk.app.db;
    await addAccount(db, { externalId: "slide", name: "Slide Ltd", seats: 60 }, AT);
    // 50 active users a day 61-120 days ago, 40 in each of the last two 30-day windows: flat month on month.
    await addUsage(db, "slide", new Date(AT.getTime() - 60 * DAY), { before: 50, after: 50 });
    await addUsage(db, "slide", AT, { before: 40, after: 40 });
    await desk.app.healthChecks.run("manual", AT);
    const trend = (await current(desk, "slide")).components.find((c) => c.name === "usageTrend")!;
    expect(trend.evidence).toBe("active users 40 → 40 a day in 30 days (+0%); -20% in 90 days");
    // −20% shrunk by 40 / (40 + 3): 70 − 150 × 0.186 = 42
    expect(trend.score).toBe(42);
  });

  it("judges a seasonal dip against the account's own same weeks a year earlier when its history goes back that far", async () => {
    const desk = await deskAt(AT);
    const db = desk.app.db;
    await addAccount(db, { externalId: "alps", name: "Alps AG", seats: 50 }, AT);
    // The same dip, 40 → 28 a day, now and in the same weeks a year ago.
    await addUsage(db, "alps", new Date(AT.getTime() - 365 * DAY), { before: 40, after: 28 });
    await addUsage(db, "alps", AT, { before: 40, after: 28 });
    await desk.app.healthChecks.run("manual", AT);
    const trend = (await current(desk, "alps")).components.find((c) => c.name === "usageTrend")!;
    expect(trend.evidence).toContain("against the same weeks last year, when it was -30%");
    expect(trend.score).toBeGreaterThanOrEqual(70);
  });
});
