// The generated history: the same files for a seed, every pattern present with the behaviour it is named
// after, about a tenth of the accounts churning, and patterns.csv agreeing with churn.csv.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHealthConfig } from "../../src/success/rules/health-config.ts";
import { generateHistory } from "./generate.ts";
import { CHURN_PATTERNS, HEALTHY_PATTERNS, PATTERNS } from "./generate-plan.ts";
import { FILES, openHistory, readHistory, type History } from "./history.ts";
import { writeHistory } from "./history-writer.ts";
import { backtestJson, runBacktest } from "./run.ts";
import { tempDirs } from "../../test/support/temp-dirs.ts";

const tempDir = tempDirs("backtest-generate-");

const history = generateHistory({ accounts: 600 });
const ofPattern = (h: History, pattern: string) =>
  new Set(h.patterns!.filter((p) => p.pattern === pattern).map((p) => p.accountExternalId));
const usageOf = (h: History, ids: Set<string>) => h.usage.filter((u) => ids.has(u.accountExternalId));

describe("the generated history", () => {
  it("is the same for a seed (42 by default) and differs for another", () => {
    const [one, two, other] = [tempDir(), tempDir(), tempDir()];
    writeHistory(one, generateHistory({ accounts: 40, days: 120 }));
    writeHistory(two, generateHistory({ accounts: 40, days: 120, seed: 42 }));
    writeHistory(other, generateHistory({ accounts: 40, days: 120, seed: 43 }));
    for (const spec of Object.values(FILES))
      expect(readFileSync(join(two, spec.name), "utf8")).toBe(readFileSync(join(one, spec.name), "utf8"));
    expect(readFileSync(join(other, FILES.patterns.name), "utf8")).not.toBe(readFileSync(join(one, FILES.patterns.name), "utf8"));
  });

  it("gives every account one pattern, has every pattern, and churns about a tenth of the accounts", () => {
    expect(history.patterns!.map((p) => p.accountExternalId)).toEqual(history.accounts.map((a) => a.externalId));
    const seen = new Set(history.patterns!.map((p) => p.pattern));
    for (const p of PATTERNS) expect(seen, p).toContain(p);
    const rate = history.churn.length / history.accounts.length;
    expect(rate).toBeGreaterThanOrEqual(0.07);
    expect(rate).toBeLessThanOrEqual(0.13);
    // And on the default book of 2,000 accounts over a year.
    const full = generateHistory();
    expect(full.accounts).toHaveLength(2000);
    expect(full.churn.length / 2000).toBeGreaterThanOrEqual(0.07);
    expect(full.churn.length / 2000).toBeLessThanOrEqual(0.13);
  }, 60_000);

  it("writes patterns.csv consistent with churn.csv: churn patterns churn on their churn date, healthy ones never", () => {
    const churn = new Map(history.churn.map((c) => [c.accountExternalId, c.churnDate]));
    for (const p of history.patterns!) {
      expect(p.churned).toBe(churn.has(p.accountExternalId));
      expect(p.churnDate).toBe(churn.get(p.accountExternalId) ?? null);
      expect((CHURN_PATTERNS as readonly string[]).includes(p.pattern)).toBe(p.churned);
      expect((HEALTHY_PATTERNS as readonly string[]).includes(p.pattern)).toBe(!p.churned);
    }
    const dir = tempDir();
    writeHistory(dir, history);
    expect(readFileSync(join(dir, "patterns.csv"), "utf8").split("\n")[0]).toBe("accountExternalId,pattern,churned,churnDate");
    expect(readHistory(dir).patterns).toEqual(history.patterns);
  }, 60_000);

  it("gives every account a renewal date, at the churn date for renewal-driven churn", () => {
    const churn = new Map(history.churn.map((c) => [c.accountExternalId, c.churnDate]));
    for (const a of history.accounts) expect(a.renewalDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const id of ofPattern(history, "renewal_churn"))
      expect(history.accounts.find((a) => a.externalId === id)!.renewalDate).toBe(churn.get(id));
  });

  it("makes the patterns behave as named", () => {
    const first = (ids: Set<string>) => {
      const days = new Map<string, string>();
      for (const u of usageOf(history, ids))
        if (!days.has(u.accountExternalId) || u.date < days.get(u.accountExternalId)!) days.set(u.accountExternalId, u.date);
      return [...days.values()];
    };
    // New accounts start using the product during the year, not on its first day.
    for (const pattern of ["onboarding_ramp", "stalled_onboarding"])
      expect(first(ofPattern(history, pattern)).every((d) => d > "2025-01-20")).toBe(true);
    // The whole book is quieter over the year end than in early December.
    const activeBetween = (from: string, to: string) =>
      history.usage.filter((u) => u.date >= from && u.date <= to).reduce((n, u) => n + u.activeUsers, 0);
    expect(activeBetween("2025-12-22", "2025-12-31")).toBeLessThan(0.7 * activeBetween("2025-12-01", "2025-12-10"));
    // Every account has a region (a CRM attribute); the seasonal accounts are European, and European
    // accounts are quieter in August than in June while the others are not.
    expect(history.accounts.every((a) => ["europe", "americas", "apac"].includes(a.attributes?.region ?? ""))).toBe(true);
    const regionOf = new Map(history.accounts.map((a) => [a.externalId, a.attributes!.region]));
    expect([...ofPattern(history, "seasonal")].every((id) => regionOf.get(id) === "europe")).toBe(true);
    const activeIn = (region: string, from: string, to: string) =>
      history.usage
        .filter((u) => regionOf.get(u.accountExternalId) === region && u.date >= from && u.date <= to)
        .reduce((n, u) => n + u.activeUsers, 0);
    expect(activeIn("europe", "2025-08-04", "2025-08-24")).toBeLessThan(0.85 * activeIn("europe", "2025-06-02", "2025-06-22"));
    expect(activeIn("americas", "2025-08-04", "2025-08-24")).toBeGreaterThan(0.9 * activeIn("americas", "2025-06-02", "2025-06-22"));
    // A project pause leaves weeks without usage, then usage resumes.
    for (const id of ofPattern(history, "project_pause")) {
      const days = usageOf(history, new Set([id])).map((u) => Date.parse(u.date) / 86_400_000);
      const gaps = days.slice(1).map((d, i) => d - days[i]);
      expect(Math.max(...gaps), id).toBeGreaterThanOrEqual(14);
    }
    // An API migration: fewer active users but more events afterwards than before.
    const migration = usageOf(history, ofPattern(history, "api_migration"));
    const sum = (rows: typeof migration, f: (u: (typeof migration)[number]) => number) => rows.reduce((n, u) => n + f(u), 0);
    const early = migration.filter((u) => u.date < "2025-03-15");
    const late = migration.filter((u) => u.date >= "2025-11-01" && u.date < "2025-12-15");
    const events = (u: (typeof migration)[number]) => Object.values(u.events).reduce((a, b) => a + b, 0);
    expect(sum(late, (u) => u.activeUsers) / late.length).toBeLessThan(sum(early, (u) => u.activeUsers) / early.length);
    expect(late.filter((u) => u.featuresUsed.includes("api")).length).toBeGreaterThan(0);
    expect(sum(late, events) / sum(late, (u) => u.activeUsers)).toBeGreaterThan(
      (1.5 * sum(early, events)) / sum(early, (u) => u.activeUsers),
    );
    // Support pain: more urgent tickets and breached SLAs than the steady accounts.
    const tickets = (pattern: string) => history.tickets.filter((t) => ofPattern(history, pattern).has(t.accountExternalId));
    const share = (list: History["tickets"], f: (t: History["tickets"][number]) => boolean) => list.filter(f).length / list.length;
    expect(share(tickets("support_pain"), (t) => t.slaBreached === true)).toBeGreaterThan(
      2 * share(tickets("steady"), (t) => t.slaBreached === true),
    );
    expect(share(tickets("support_pain"), (t) => t.priority === "urgent")).toBeGreaterThan(
      2 * share(tickets("steady"), (t) => t.priority === "urgent"),
    );
    // Detractors answer NPS low.
    const nps = (pattern: string) => history.nps.filter((n) => ofPattern(history, pattern).has(n.accountExternalId)).map((n) => n.score);
    expect(nps("detractor").filter((s) => s <= 4).length / nps("detractor").length).toBeGreaterThan(
      2 * (nps("steady").filter((s) => s <= 4).length / nps("steady").length),
    );
    // Seat contraction: each such account has a seat cut before it churns.
    for (const id of ofPattern(history, "seat_contraction")) {
      const start = history.accounts.find((a) => a.externalId === id)!.seats!;
      expect(
        history.seatChanges!.some((s) => s.accountExternalId === id && s.seats! < start),
        id,
      ).toBe(true);
    }
  });
});

describe("the flag rate per pattern", () => {
  it("is printed for the model and the baseline, from a history in memory or read from its files", async () => {
    const h = generateHistory({ accounts: 150, days: 240, seed: 9 });
    const dir = tempDir();
    writeHistory(dir, h);
    const config = parseHealthConfig(null);
    const b = await runBacktest(openHistory(dir), config, 90, []);
    expect(b.text).toContain("Flag rate per pattern");
    expect((await runBacktest(h, config, 90, [])).text).toBe(b.text);
    const json = backtestJson(b, 90).flagRateByPattern!;
    const alerted = (alerts: { account: string }[]) => new Set(alerts.map((a) => a.account));
    const [model, baseline] = [alerted(b.result.alerts[0].alerts), alerted(b.result.alerts[1].alerts)];
    for (const row of json) {
      const ids = [...ofPattern(h, row.pattern)].filter((id) => !(b.result.churn.get(id)! <= b.result.start));
      expect(row.accounts).toBe(ids.length);
      expect(row.model.hits).toBe(ids.filter((id) => model.has(id)).length);
      expect(row.baseline.hits).toBe(ids.filter((id) => baseline.has(id)).length);
      expect(row.model.value).toBe(row.model.hits / row.accounts);
    }
    expect(json.reduce((n, r) => n + r.accounts, 0)).toBeGreaterThan(100);
    // Without patterns.csv, no breakdown.
    rmSync(join(dir, "patterns.csv"));
    const plain = await runBacktest(openHistory(dir), config, 90, []);
    expect(plain.text).not.toContain("Flag rate per pattern");
    expect(backtestJson(plain, 90).flagRateByPattern).toBeNull();
  }, 60_000);
});

describe("the defaults on the generated history", () => {
  it("leave onboarding ramps mostly alone, catch stalled onboardings and beat the baseline", async () => {
    // A third of the default history (seed 42, one year): each account's story does not depend on the number of accounts.
    const h = generateHistory({ accounts: 700 });
    const b = await runBacktest(h, parseHealthConfig(null), 90, []);
    const rate = (pattern: string) => backtestJson(b, 90).flagRateByPattern!.find((r) => r.pattern === pattern)!;
    // New healthy accounts are scored on activation, not on their ramping trends: at most a quarter flagged.
    expect(rate("onboarding_ramp").model.value).toBeLessThanOrEqual(0.25);
    expect(rate("onboarding_ramp").baseline.value).toBeGreaterThan(0.5);
    expect(rate("stalled_onboarding").model.hits).toBeGreaterThan(0);
    expect(b.model.precision.value!).toBeGreaterThan(b.baseline.precision.value!);
    expect(b.model.recall.value!).toBeGreaterThan(b.baseline.recall.value!);
    expect(b.model.auc.value!).toBeGreaterThan(b.baseline.auc.value!);
  }, 120_000);
});
