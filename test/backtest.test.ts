// The backtest: inputs as of a day on a hand-made account (worked out in the comments), the replay and
// its figures on a tiny hand-made history, the files' error messages, the generator's determinism, and
// the default generated history end to end. No database is involved: the file runs once, in the SQLite pass
// of the suite (the Postgres pass, TEST_DATABASE=postgres, would only repeat its 80-120 s).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { churnChance } from "../src/success/rules/calibration.ts";
import { COMPONENTS, healthConfigSchema, parseHealthConfig } from "../src/success/rules/health-config.ts";
import { AccountSeries } from "../tools/backtest/account-series.ts";
import { loginsOnlyConfig } from "../tools/backtest/baseline.ts";
import { calibrationBuckets, countCalibration } from "../tools/backtest/calibrate.ts";
import { parseCsv } from "../tools/backtest/csv.ts";
import { dateOfDay, parseDay } from "../tools/backtest/dates.ts";
import { fitNonNegativeLogistic, RENEWAL_DAYS, RENEWAL_WEIGHTS, runFit, scoreFromComponents } from "../tools/backtest/fit.ts";
import { generateHistory } from "../tools/backtest/generate.ts";
import { FILES, HistoryError, readHistory, type History } from "../tools/backtest/history.ts";
import { writeHistory } from "../tools/backtest/history-writer.ts";
import { knownFeaturesByDay } from "../tools/backtest/known-features.ts";
import { replay } from "../tools/backtest/replay.ts";
import { aucOf, baseRate, DAYS_PER_MONTH, figuresOf, fromDay, type Figures } from "../tools/backtest/report.ts";
import { runBacktest } from "../tools/backtest/run.ts";
import { timelineOf } from "../tools/backtest/timeline.ts";
import { tempDirs } from "./support/temp-dirs.ts";

const tempDir = tempDirs("backtest-test-");
const describeOnce = describe.runIf(process.env.TEST_DATABASE !== "postgres");

const START = parseDay("2025-01-01")!;
const date = (day: number) => dateOfDay(START + day);
const at = (day: number, hour = 10) => `${date(day)}T${String(hour).padStart(2, "0")}:00:00.000Z`;

/** Writes the CSV files (header + rows) into a new directory. */
function writeFiles(files: Record<string, string[]>): string {
  const dir = tempDir();
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), lines.join("\n") + "\n");
  return dir;
}

describeOnce("inputs as of a day", () => {
  // Account X, 20 seats, from 2025-01-01 (day 0) to day 99; checked on day 79.
  //   usage: days 0-49 10 active, features a,b,c, upload=4; days 50-99 5 active, feature a, upload=2;comment=1
  //   account Y used feature d on day 10 only (so 4 features are known in the 90 days to day 79)
  //   tickets: t1 day 5 normal, resolved day 6, CSAT 5, SLA met
  //            t2 day 60 urgent, resolved day 61, reopened, CSAT 2, SLA breached
  //            t3 day 75 high, resolved day 85 (after day 79: its outcome is not known yet), CSAT 1, SLA breached
  //            t4 day 78 low, open;  t5 day 80 normal (after day 79: not counted)
  //   NPS: 9 on day 0, 7 on day 40, 3 on day 70 (with a comma and quotes), 10 on day 90 (future)
  //   seats: 25 (ARR 12,500) from day 30, 15 from day 85 (future)
  const usage = ["accountExternalId,date,activeUsers,featuresUsed,events"];
  for (let d = 0; d < 100; d++) usage.push(d < 50 ? `X,${date(d)},10,a;b;c,upload=4` : `X,${date(d)},5,a,upload=2;comment=1`);
  usage.push(`Y,${date(10)},2,d,`);
  const dir = writeFiles({
    // region: a column beyond the known ones, so a CRM attribute (the default peerAttribute)
    "accounts.csv": ["externalId,name,seats,arr,renewalDate,tier,region", "X,Xco,20,10000,2025-12-01,growth,europe", "Y,Yco,5,,,,"],
    "usage.csv": usage,
    "tickets.csv": [
      "accountExternalId,createdAt,priority,resolvedAt,reopened,csat,slaBreached",
      `X,${at(5)},normal,${at(6)},false,5,false`,
      `X,${at(60)},urgent,${at(61)},true,2,true`,
      `X,${at(75)},high,${at(85)},false,1,true`,
      `X,${at(78)},low,,,,`,
      `X,${at(80)},normal,,,,`,
    ],
    "nps.csv": [
      "accountExternalId,respondedAt,score,comment",
      `X,${at(0)},9,`,
      `X,${at(40)},7,ok`,
      `X,${at(70)},3,"slow, and ""buggy"""`,
      `X,${at(90)},10,great`,
    ],
    "churn.csv": ["accountExternalId,churnDate"],
    "seat_changes.csv": ["accountExternalId,date,seats,arr", `X,${date(30)},25,12500`, `X,${date(85)},15,`],
  });

  it("counts each window from the data up to that day only", () => {
    const h = readHistory(dir);
    const config = parseHealthConfig(null);
    const t = timelineOf(h);
    const x = new AccountSeries(
      {
        account: h.accounts[0],
        usage: h.usage.filter((u) => u.accountExternalId === "X"),
        tickets: h.tickets,
        nps: h.nps,
        seatChanges: h.seatChanges,
      },
      t,
      config,
      knownFeaturesByDay(h, t, config),
    );
    // The other columns are the accounts' attributes, blanks left out.
    expect(h.accounts.map((a) => a.attributes)).toEqual([{ region: "europe" }, undefined]);
    const facts = x.factsOn(79);
    expect(facts.inputs).toEqual({
      seats: 25,
      // last 30 = days 50-79 (5 active, 3 events), previous 30 = days 20-49 (10 active, 4 events),
      // 61-90 days before = days -10..19: data on days 0-19 only (10 active, 4 events)
      usage: {
        daysLast30: 30,
        daysPrev30: 30,
        avgActiveLast30: 5,
        avgActivePrev30: 10,
        peakActiveLast30: 5,
        keyEventsLast30: 90,
        keyEventsPrev30: 120,
        days61to90: 20,
        avgActive61to90: 10,
        keyEvents61to90: 80,
        // last 7 days = days 73-79 (5 active, 3 events a day)
        daysLast7: 7,
        avgActiveLast7: 5,
        keyEventsLast7: 21,
      },
      featuresUsedLast30: 1,
      // a, b, c in days -10..79: two of them not used in the last 30 days
      featuresUsedLast90: 3,
      knownFeatures: 4,
      supportLinked: true,
      // created in days 50-79: t2, t3, t4
      tickets30: { urgent: 1, high: 1, normal: 0, low: 1 },
      // created in days -10..79 and resolved by day 79: t1, t2
      experience: { csatAnswers: 2, csatAverage: 3.5, slaStopped: 2, slaBreached: 1, resolved: 2, reopened: 1 },
      nps: { latest: { score: 3, comment: 'slow, and "buggy"', at: new Date(at(70)) }, previousAverage: 8 },
      // "then" is the first figure (no figure is 90 days old yet, and there is a later one)
      growth: { seatsThen: 20, seatsNow: 25, arrThen: 10000, arrNow: 12500 },
      tier: "growth",
      peer: "europe",
      // X used the product from the history's first day: older than the history, its age is unknown
      lifecycle: { ageDays: null, featuresUsedSinceStart: 3, daysToFirstKeyEvent: null },
      // no usage a year before day 79
      usageYearAgo: null,
      // 2025-12-01 is day 334
      daysToRenewal: 255,
    });
    // After the renewal date, the next one a year later (renewals are taken as yearly).
    expect(x.daysToRenewal(340)).toBe(334 + 365 - 340);
    // Y first used the product on day 10: on day 40 it is 30 days old, with one feature and no key event yet.
    const y = new AccountSeries(
      { account: h.accounts[1], usage: h.usage.filter((u) => u.accountExternalId === "Y"), tickets: [], nps: [], seatChanges: [] },
      t,
      config,
      knownFeaturesByDay(h, t, config),
    );
    expect(y.factsOn(40).inputs.lifecycle).toEqual({ ageDays: 30, featuresUsedSinceStart: 1, daysToFirstKeyEvent: null });
    expect(y.factsOn(5).inputs.lifecycle.ageDays).toBeNull();
    // last 7 days = 73-79: t3, t4; baseline = days -11..72 (t1, t2) over 12 weeks
    expect(facts.ticketsLast7).toBe(2);
    expect(facts.ticketBaselinePerWeek).toBeCloseTo(2 / 12, 10);

    // Day 4: no ticket yet, so no support link and no baseline; one NPS answer and nothing before it.
    const early = x.factsOn(4);
    expect(early.inputs.supportLinked).toBe(false);
    expect(early.ticketBaselinePerWeek).toBeNull();
    expect(early.inputs.nps).toEqual({ latest: { score: 9, comment: null, at: new Date(at(0)) }, previousAverage: null });
    expect(early.inputs.usage.daysPrev30).toBe(0);
    expect(early.inputs.growth.seatsThen).toBeNull();
  });
});

describeOnce("AUC", () => {
  it("counts the pairs where the churned snapshot scores lower, ties half", () => {
    // Churned 10 and 50, others 50, 90, 20. Pairs: 10 is below all three (3); 50 ties 50 (0.5), is
    // below 90 (1), above 20 (0). 4.5 of 6 pairs.
    const items = [
      { score: 10, churned: true },
      { score: 50, churned: true },
      { score: 50, churned: false },
      { score: 90, churned: false },
      { score: 20, churned: false },
    ];
    expect(aucOf(items)).toEqual({ value: 0.75, churned: 2, others: 3 });
    // Perfectly ranked, reversed, all tied, one class empty.
    expect(
      aucOf([
        { score: 1, churned: true },
        { score: 2, churned: false },
      ]).value,
    ).toBe(1);
    expect(
      aucOf([
        { score: 2, churned: true },
        { score: 1, churned: false },
      ]).value,
    ).toBe(0);
    expect(
      aucOf([
        { score: 5, churned: true },
        { score: 5, churned: false },
        { score: 5, churned: false },
      ]).value,
    ).toBe(0.5);
    expect(aucOf([{ score: 5, churned: false }]).value).toBeNull();
  });
});

describeOnce("replay and figures on a hand-made history", () => {
  // Seven accounts of 10 seats, usage every day from 2025-01-01 (day 0) to day 299; the replay runs
  // days 60-299. The configuration scores licence utilisation only: peak active users in 30 days / seats
  // / 0.8, so 8 active users score 100 (green) and 3 score 37 (3 / 10 / 0.8 * 100 is 37.4999... in floating
  // point; red, under 40). After a
  // fall from 8 to 3 on day n the peak stays 8 until day n+29: the account turns red on day n+29.
  //   A  8 every day                                   never red
  //   B  8, then 3 from day 100; churns day 150         red day 129 -> alert, 21 days before churn
  //   C  3 every day                                    red from the first replayed day: alert day 60
  //   D  8 every day; churns day 120                    never red (a missed churner)
  //   E  3 to day 69, 8 days 70-149, 3 from day 150; churns day 190
  //                                                     alert day 60 (red 60-69), alert day 179 (11 days before churn)
  //   F  8 every day; churns day 30                     churned before the replay: not scored, not counted
  //   G  8, then 3 from day 221                         alert day 250
  const plan: Record<string, { until: number; active: (d: number) => number; churn?: number }> = {
    A: { until: 299, active: () => 8 },
    B: { until: 149, active: (d) => (d < 100 ? 8 : 3), churn: 150 },
    C: { until: 299, active: () => 3 },
    D: { until: 119, active: () => 8, churn: 120 },
    E: { until: 189, active: (d) => (d < 70 || d >= 150 ? 3 : 8), churn: 190 },
    F: { until: 29, active: () => 8, churn: 30 },
    G: { until: 299, active: (d) => (d < 221 ? 8 : 3) },
  };
  const usage = ["accountExternalId,date,activeUsers,featuresUsed,events"];
  for (const [id, p] of Object.entries(plan)) for (let d = 0; d <= p.until; d++) usage.push(`${id},${date(d)},${p.active(d)},,`);
  const dir = writeFiles({
    "accounts.csv": ["externalId,name,seats,arr,renewalDate,tier", ...Object.keys(plan).map((id) => `${id},${id} Inc,10,,,`)],
    "usage.csv": usage,
    "churn.csv": [
      "accountExternalId,churnDate",
      ...Object.entries(plan).flatMap(([id, p]) => (p.churn === undefined ? [] : [`${id},${date(p.churn)}`])),
    ],
  });
  const weights = Object.fromEntries(COMPONENTS.map((c) => [c, c === "licenceUtilisation" ? 100 : 0]));
  const config = parseHealthConfig(JSON.stringify({ weights, bands: { green: 70, yellow: 40 } }));
  const history = readHistory(dir);
  const result = replay(history, config, [{ name: "licence only", config }]);
  const alerts = result.alerts[0].alerts;

  it("raises one alert per red episode, from the replay's first day, never after churn", () => {
    expect(result.start).toBe(60);
    expect(result.end).toBe(299);
    expect(alerts.map((a) => `${a.account}@${a.day}`)).toEqual(["C@60", "E@60", "B@129", "E@179", "G@250"]);
    expect(alerts.map((a) => a.score)).toEqual([37, 37, 37, 37, 37]);
    expect(alerts[2].date).toBe(date(129));
    // A, C, G: 240 days each; B: 60-149; D: 60-119; E: 60-189; F: none
    expect(result.accountDays).toBe(3 * 240 + 90 + 60 + 130);
  });

  it("computes precision, recall and lead time as documented", () => {
    const f = figuresOf(result, "licence only", alerts, 90);
    // Outcome known for first alerts on or before day 299 - 90 = 209: C (60, no churn), E (60, churn 130
    // days later: too late), B (129, churn 21 days later: right); G (250) is pending.
    expect(f).toEqual<Figures>({
      name: "licence only",
      alerts: 5,
      accountsAlerted: 4,
      precision: { value: 1 / 3, hits: 1, of: 3 },
      precisionPending: 1,
      // alerts on or before day 209: C@60 no, E@60 no, B@129 yes, E@179 yes (churn 11 days later)
      alertPrecision: { value: 0.5, hits: 2, of: 4 },
      // churned after day 60 and by day 299: B, D, E (not F). Caught: B (21 days), E (11 days, from day 179)
      recall: { value: 2 / 3, hits: 2, of: 3 },
      leadTimes: [11, 21],
      medianLeadDays: 16,
      // 5 alerts over 1,000 account-days (see above) = 32.85 account-months
      alertsPer100AccountMonths: (5 / (1000 / DAYS_PER_MONTH)) * 100,
      // Month-end days with a known outcome (up to day 209): 89, 119, 150, 180. Scores (peak over 30 days):
      //   churned within 90 days: B@89 100, B@119 100, D@89 100, D@119 100, E@119 100, E@150 100, E@180 37
      //   others: A and G 100 x4, E@89 100 (churn 101 days later), C 37 x4
      // Pairs 7 x 13 = 91: E@180 beats the nine 100s (9) and ties the four 37s (2); the six churned 100s
      // tie the nine other 100s (27). AUC = 38/91.
      auc: { value: 38 / 91, churned: 7, others: 13 },
    });
    // A 30-day horizon: B's alert (21 days) and E's second (11 days) still count; nothing else changes
    // for recall, but precision now considers first alerts up to day 269, so G (250, no churn) counts.
    const short = figuresOf(result, "licence only", alerts, 30);
    expect(short.precision).toEqual({ value: 0.25, hits: 1, of: 4 });
    expect(short.recall).toEqual({ value: 2 / 3, hits: 2, of: 3 });
    // A 10-day horizon catches nobody.
    expect(figuresOf(result, "licence only", alerts, 10).recall).toEqual({ value: 0, hits: 0, of: 3 });
  });

  it("gives the share of account-days followed by churn within the horizon", () => {
    // Days 60-209: A, C, G 150 each; B 60-149 (90, all within 90 days of churn); D 60-119 (60, all);
    // E 60-189 (130, of which 100-189 = 90 within).
    expect(baseRate(result, 90)).toEqual({ value: 240 / 730, hits: 240, of: 730 });
  });

  it("counts churn per score bucket over the month-end snapshots whose outcome is known", () => {
    // The 20 snapshots of the AUC above: score 37 five times (E@180 churned), score 100 fifteen times (six churned).
    // Fewer than 100 snapshots in all: one bucket.
    expect(countCalibration(result, 0, 90)).toEqual({
      horizonDays: 90,
      from: date(89),
      to: date(180),
      snapshots: 20,
      churned: 7,
      buckets: [{ from: 0, to: 100, snapshots: 20, churned: 7 }],
    });
    // With buckets of a single snapshot allowed, 37 (1 in 5 churned) would churn less often than 100 (6 in
    // 15): the two are pooled, so the share never rises with the score.
    const items = [
      ...Array.from({ length: 5 }, (_, i) => ({ score: 37, churned: i === 0 })),
      ...Array.from({ length: 15 }, (_, i) => ({ score: 100, churned: i < 6 })),
    ];
    expect(calibrationBuckets(items, 1)).toEqual([{ from: 0, to: 100, snapshots: 20, churned: 7 }]);
  });

  it("merges sparse buckets into their smaller neighbour and keeps every count real", () => {
    const items = [
      ...Array.from({ length: 30 }, (_, i) => ({ score: 10, churned: i < 15 })),
      ...Array.from({ length: 3 }, (_, i) => ({ score: 22, churned: i < 1 })),
      ...Array.from({ length: 40 }, (_, i) => ({ score: 50, churned: i < 10 })),
      ...Array.from({ length: 12 }, () => ({ score: 97, churned: false })),
    ];
    // The 3 snapshots at 22 join the 30 at 10 (smaller than the 40 at 50); ranges nobody scored in join a neighbour.
    expect(calibrationBuckets(items, 10)).toEqual([
      { from: 0, to: 49, snapshots: 33, churned: 16 },
      { from: 50, to: 54, snapshots: 40, churned: 10 },
      { from: 55, to: 100, snapshots: 12, churned: 0 },
    ]);
    expect(calibrationBuckets([], 10)).toEqual([]);
  });

  it("replays a logins-only baseline with only the active-user components", () => {
    const baseline = loginsOnlyConfig(parseHealthConfig(null));
    expect(Object.entries(baseline.weights).filter(([, w]) => w > 0)).toEqual([
      ["licenceUtilisation", 5],
      ["usageTrend", 20],
    ]);
    // Scored as of old: no onboarding stage and no renewal weighting.
    expect(baseline.onboardingDays).toBe(0);
    expect(baseline.renewal.weight).toBe(0);
  });
});

describeOnce("an account created during the history", () => {
  // A: 8 of 10 seats every day from day 0. H: created on day 100 (accounts.csv's createdDate), never used,
  // churns on day 200. H is not a customer before day 100: not scored then. From day 100 it is onboarding,
  // too early to judge until day 114; then its activation is its first key event's lateness (no usage, no
  // features known): 100 − 3 × (age − 14), under 50 from age 31: onboarding_stalled on day 131.
  const usage = ["accountExternalId,date,activeUsers,featuresUsed,events"];
  for (let d = 0; d < 300; d++) usage.push(`A,${date(d)},8,,`);
  const dir = writeFiles({
    "accounts.csv": ["externalId,name,seats,arr,renewalDate,tier,createdDate", "A,A Inc,10,,,,", `H,H Inc,10,,,,${date(100)}`],
    "usage.csv": usage,
    "churn.csv": ["accountExternalId,churnDate", `H,${date(200)}`],
  });
  const config = parseHealthConfig(null);
  const history = readHistory(dir);
  const result = replay(history, config, [{ name: "model", config }]);

  it("is scored from its creation date, its age counted from it", () => {
    expect(history.accounts[1].createdDate).toBe(date(100));
    expect(history.accounts[0].createdDate).toBeUndefined();
    expect(result.created).toEqual(new Map([["H", 100]]));
    expect(result.alerts[0].alerts.filter((a) => a.account === "H").map((a) => a.day)).toEqual([131]);
    expect(result.snapshots.filter((s) => s.account === "H").every((s) => s.day >= 100)).toBe(true);
    // A: days 60-299; H: days 100-199.
    expect(result.accountDays).toBe(240 + 100);
    // Up to day 209: A 150 days, H 100 days of which 110-199 are within 90 days of its churn.
    expect(baseRate(result, 90)).toEqual({ value: 90 / 250, hits: 90, of: 250 });
    expect(fromDay(result, 150).accountDays).toBe(150 + 50);
    const t = timelineOf(history);
    const h = new AccountSeries(
      { account: history.accounts[1], usage: [], tickets: [], nps: [], seatChanges: [] },
      t,
      config,
      knownFeaturesByDay(history, t, config),
    );
    expect(h.createdDay).toBe(100);
    expect(h.factsOn(131).inputs.lifecycle).toEqual({ ageDays: 31, featuresUsedSinceStart: 0, daysToFirstKeyEvent: null });
  });
});

describeOnce("reading the files", () => {
  const good = {
    "accounts.csv": ["externalId,name,seats,arr,renewalDate,tier", "A,Acme,10,1000,2025-06-01,growth"],
    "usage.csv": ["accountExternalId,date,activeUsers,featuresUsed,events", "A,2025-01-01,3,a;b,upload=2"],
    "churn.csv": ["accountExternalId,churnDate"],
  };

  it("names the file, line and field of a bad value and how to fix it", () => {
    const dir = writeFiles({
      ...good,
      "usage.csv": [...good["usage.csv"], "A,2025-02-30,3,,", "B,2025-01-03,2,,", "A,2025-01-04,many,,", "A,2025-01-05,1,,upload:3"],
      "tickets.csv": ["accountExternalId,createdAt,priority,resolvedAt,reopened,csat,slaBreached", "A,2025-01-02T10:00:00Z,critical,,,7,"],
    });
    expect(() => readHistory(dir)).toThrow(HistoryError);
    const message = (() => {
      try {
        readHistory(dir);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('usage.csv line 3, field "date": "2025-02-30" is not valid; write a date as YYYY-MM-DD');
    expect(message).toContain('usage.csv line 4, field "accountExternalId": account "B" is not in accounts.csv');
    expect(message).toContain('usage.csv line 5, field "activeUsers": "many" is not valid; write a whole number of 0 or more');
    expect(message).toContain('usage.csv line 6, field "events": "upload:3" is not valid; write each event as name=count');
    expect(message).toContain('tickets.csv line 2, field "priority": "critical" is not valid; write one of urgent, high, normal, low');
    expect(message).toContain('tickets.csv line 2, field "csat": "7" is not valid; write a whole number from 1 to 5');
  });

  it("says which file is missing or which column its header lacks", () => {
    const noChurn = writeFiles({ "accounts.csv": good["accounts.csv"], "usage.csv": good["usage.csv"] });
    expect(() => readHistory(noChurn)).toThrow(/churn\.csv is missing from .*: create it with the header line accountExternalId,churnDate/);
    const badHeader = writeFiles({ ...good, "usage.csv": ["accountExternalId,day,activeUsers,featuresUsed,events", "A,2025-01-01,3,,"] });
    expect(() => readHistory(badHeader)).toThrow(/usage\.csv line 1 \(the header\) lacks the column "date"/);
    const unclosed = writeFiles({ ...good, "accounts.csv": ["externalId,name,seats,arr,renewalDate,tier", 'A,"Acme,10,,,'] });
    expect(() => readHistory(unclosed)).toThrow(/accounts\.csv line 2: a quoted field is never closed/);
    expect(() => readHistory(join(tempDir(), "nowhere"))).toThrow(/does not exist/);
  });

  it("needs more than 60 days of usage to replay", () => {
    const h = readHistory(writeFiles(good));
    expect(() => replay(h, parseHealthConfig(null), [])).toThrow(/needs more than 60 days of usage/);
  });

  it("reads quoted fields with commas, quotes and line breaks", () => {
    expect(parseCsv('a,"b, ""c""",d\r\n"multi\nline",,\n\n').map((r) => [r.line, r.fields])).toEqual([
      [1, ["a", 'b, "c"', "d"]],
      [2, ["multi\nline", "", ""]],
    ]);
  });
});

describeOnce("the generator", () => {
  it("gives the same files for a seed and other files for another seed", () => {
    const options = { accounts: 30, days: 120, seed: 7 };
    const [one, two, other] = [tempDir(), tempDir(), tempDir()];
    writeHistory(one, generateHistory(options));
    writeHistory(two, generateHistory(options));
    writeHistory(other, generateHistory({ ...options, seed: 8 }));
    for (const spec of Object.values(FILES)) {
      expect(readFileSync(join(two, spec.name), "utf8")).toBe(readFileSync(join(one, spec.name), "utf8"));
    }
    expect(readFileSync(join(other, FILES.usage.name), "utf8")).not.toBe(readFileSync(join(one, FILES.usage.name), "utf8"));
    // What is written reads back as generated.
    expect(readHistory(one)).toEqual(generateHistory(options));
  });

  it("keeps an account's history whatever the number of accounts after it", () => {
    const small = generateHistory({ accounts: 5, days: 100, seed: 3 });
    const large = generateHistory({ accounts: 12, days: 100, seed: 3 });
    const first = (h: History) => h.usage.filter((u) => u.accountExternalId === "acc-0002");
    expect(first(large)).toEqual(first(small));
  });

  it("runs the default history (its first 600 accounts) through the backtest with figures in [0, 1] and caught churners", async () => {
    const h = generateHistory({ accounts: 600 });
    const churned = h.churn.length / h.accounts.length;
    expect(churned).toBeGreaterThanOrEqual(0.07);
    expect(churned).toBeLessThanOrEqual(0.13);
    const b = await runBacktest(h, parseHealthConfig(null), 90);
    const all = [b.model, b.baseline, ...b.sweep.flatMap((r) => [r.model, r.baseline])];
    for (const f of all) {
      for (const r of [f.precision, f.alertPrecision, f.recall])
        if (r.value !== null) (expect(r.value).toBeGreaterThanOrEqual(0), expect(r.value).toBeLessThanOrEqual(1));
      for (const lead of f.leadTimes) (expect(lead).toBeGreaterThan(0), expect(lead).toBeLessThanOrEqual(90));
    }
    expect(b.model.recall.of).toBeGreaterThan(0);
    expect(b.model.recall.hits + b.baseline.recall.hits).toBeGreaterThanOrEqual(1);
    expect(Math.max(...b.sweep.map((r) => r.model.recall.hits))).toBeGreaterThanOrEqual(1);
    expect(b.text).toContain("logins-only baseline");
  });
});

describeOnce("fitting weights", () => {
  it("fits a logistic regression whose coefficients stay at 0 or above", () => {
    // y follows feature 0 (risk up, churn up); feature 1 pulls the other way; feature 2 is constant.
    const x: number[][] = [];
    const y: boolean[] = [];
    for (let i = 0; i < 200; i++) {
      const a = (i % 20) / 20;
      const b = ((i * 7) % 13) / 13;
      x.push([a, b, 0.5]);
      y.push(a + 0.3 * (1 - b) > 0.75);
    }
    const fit = fitNonNegativeLogistic(x, y);
    expect(fit.coefficients[0]).toBeGreaterThan(1);
    // Unconstrained, feature 1 would get a negative coefficient: it is held at 0.
    expect(fit.coefficients[1]).toBe(0);
    expect(fit.coefficients[2]).toBe(0);
  });

  it("scores component scores as the health model does", () => {
    const h = generateHistory({ accounts: 20, days: 150, seed: 5 });
    // The weighted mean of the components, as the fit scores them: without the renewal weighting and
    // the onboarding stage, which act on the score after it.
    const config = parseHealthConfig(JSON.stringify({ renewal: { weight: 0 }, onboardingDays: 0 }));
    const result = replay(h, config, [{ name: "model", config }], { sampleEvery: 1 });
    const byKey = new Map(result.snapshots.map((s) => [`${s.account}@${s.day}`, s.scores[0]]));
    let compared = 0;
    for (const s of result.samples) {
      const expected = byKey.get(`${s.account}@${s.day}`);
      if (expected === undefined) continue;
      expect(scoreFromComponents(s.components, config)).toBe(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
    // And one by hand: weights 1 and 3, scores 50 and 100, distress 1: (50 x 1.5 + 100 x 3) / 4.5 = 83.3.
    const weights = Object.fromEntries(COMPONENTS.map((c) => [c, c === "nps" ? 1 : c === "usageTrend" ? 3 : 0]));
    const components = COMPONENTS.map((c) => (c === "nps" ? 50 : c === "usageTrend" ? 100 : 10));
    expect(scoreFromComponents(components, { weights: weights as typeof config.weights, distressWeight: 1 })).toBe(83);
  });

  it("fits non-negative weights and bands the schema accepts, and ranks the held-out part at least as well as the defaults", async () => {
    // The default generated history cut to its first 800 accounts (one year, seed 42; each account's
    // history does not depend on the number of accounts), as `npm run backtest -- --fit` replays it.
    const config = parseHealthConfig(null);
    const fit = await runFit(generateHistory({ accounts: 800 }), config, 90);
    for (const c of COMPONENTS) expect(fit.fitted.weights[c]).toBeGreaterThanOrEqual(0);
    expect(Object.values(fit.fitted.weights).some((w) => w > 0)).toBe(true);
    expect(healthConfigSchema.safeParse(fit.file).success).toBe(true);
    expect(fit.fitted.bands.green).toBeGreaterThan(fit.fitted.bands.yellow);
    // The split: the held-out part starts the day after the fit part ends.
    expect(parseDay(fit.split.heldOutFrom)! - parseDay(fit.split.fitTo)!).toBe(1);
    expect(fit.signals.filter((s) => s.weight > 0).length).toBeGreaterThan(0);
    const { model, fitted } = fit.heldOut;
    expect(fitted.auc.churned).toBeGreaterThan(10);
    expect(fitted.auc.value!).toBeGreaterThanOrEqual(model.auc.value!);
    expect(fit.text).toContain("Held-out part:");
    // The renewal weighting is fitted too, from a grid; the report shows the configured and the fitted one.
    expect(RENEWAL_WEIGHTS).toContain(fit.fitted.renewal.weight);
    expect(RENEWAL_DAYS).toContain(fit.fitted.renewal.withinDays);
    expect(fit.file.renewal).toEqual(fit.fitted.renewal);
    expect(fit.text).toMatch(new RegExp(`renewal\\.weight +${config.renewal.weight} +${fit.fitted.renewal.weight}\\b`));
  });

  it("fits the renewal weighting: turned off in the configuration, the fit turns it on where churn comes at renewals", async () => {
    // In the generated history most churn comes at a renewal: a weak score near one is the riskier.
    const off = parseHealthConfig(JSON.stringify({ renewal: { weight: 0 } }));
    const fit = await runFit(generateHistory({ accounts: 800 }), off, 90);
    expect(fit.fitted.renewal.weight).toBeGreaterThan(0);
    expect(fit.heldOut.fitted.auc.value!).toBeGreaterThan(fit.heldOut.model.auc.value!);
  });

  it("prints the figures as one JSON object with --json and writes the fitted configuration with --write", () => {
    const dir = tempDir();
    writeHistory(dir, generateHistory({ accounts: 120, days: 365, seed: 42 }));
    const root = join(import.meta.dirname, "..");
    const out = join(tempDir(), "health-config.json");
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        join(root, "node_modules/tsx/dist/loader.mjs"),
        join(root, "tools/backtest/main.ts"),
        dir,
        "--json",
        "--fit",
        "--write",
        out,
        "--sweep",
        "none",
      ],
      { encoding: "utf8" },
    );
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.horizonDays).toBe(90);
    for (const f of [json.model, json.baseline, json.fit.heldOut.model, json.fit.heldOut.fitted, json.fit.heldOut.baseline]) {
      expect(f.precision).toHaveProperty("value");
      expect(f.recall).toHaveProperty("value");
      expect(f).toHaveProperty("medianLeadDays");
      expect(typeof f.alertsPer100AccountMonths).toBe("number");
      expect(f.auc.value).toBeGreaterThan(0);
      expect(f.auc.value).toBeLessThanOrEqual(1);
    }
    expect(run.stderr).toContain("Wrote the fitted health configuration");
    const written = parseHealthConfig(readFileSync(out, "utf8"), out);
    expect(written.weights).toEqual(json.fit.weights);
    expect(written.bands).toEqual(json.fit.bands);
    expect(written.renewal).toEqual(json.fit.renewal);
    // The fitted weights' churn per score bucket on the held-out part, which the app then shows.
    expect(run.stderr).toContain("with its calibration");
    expect(written.calibration).toMatchObject({ horizonDays: 90, source: { kind: "fit", history: dir.split("/").pop(), accounts: 120 } });
    expect(written.calibration!.buckets).toEqual(json.fit.calibration.buckets);
    expect(run.stdout).not.toContain("Churn within");
    const lowest = written.calibration!.buckets[0];
    expect(churnChance(lowest.from, written)).toMatchObject({ snapshots: lowest.snapshots, churned: lowest.churned });
  });

  it("writes the calibration of a plain backtest into a configuration, keeping the rest of its JSON", () => {
    const dir = tempDir();
    writeHistory(dir, generateHistory({ accounts: 120, days: 365, seed: 42 }));
    const root = join(import.meta.dirname, "..");
    const backtest = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ["--import", join(root, "node_modules/tsx/dist/loader.mjs"), join(root, "tools/backtest/main.ts"), dir, "--sweep", "none", ...args],
        { encoding: "utf8" },
      );
    const file = join(tempDir(), "health-config.json");
    const mine = { bands: { green: 75, yellow: 45 }, escalation: { leadUserId: "U0LEAD", afterHours: 12 }, keyEvents: ["upload"] };
    writeFileSync(file, JSON.stringify(mine));
    const run = backtest("--config", file, "--write", file);
    expect(run.status).toBe(0);
    // The text report's table, and the same buckets in the file.
    expect(run.stdout).toContain("Churn within 90 days by score (health model)");
    expect(run.stdout).toMatch(/score\s+snapshots\s+churned\s+about 1 in/);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect({ ...json, calibration: undefined }).toEqual({ ...mine, calibration: undefined });
    const written = parseHealthConfig(JSON.stringify(json), file);
    const c = written.calibration!;
    expect(c.source).toMatchObject({ kind: "backtest", history: dir.split("/").pop(), accounts: 120 });
    expect(c.buckets.reduce((s, b) => s + b.snapshots, 0)).toBe(c.source.snapshots);
    expect(c.buckets.every((b) => b.snapshots >= 100)).toBe(true);
    for (let i = 1; i < c.buckets.length; i++)
      expect(c.buckets[i].churned / c.buckets[i].snapshots).toBeLessThanOrEqual(c.buckets[i - 1].churned / c.buckets[i - 1].snapshots);
    const b = c.buckets[0];
    expect(churnChance(b.to, written)?.oneIn).toBe(b.churned ? Math.round(b.snapshots / b.churned) : null);
    // --json carries the same buckets.
    const asJson = backtest("--config", file, "--json");
    expect(JSON.parse(asJson.stdout).calibration.buckets).toEqual(c.buckets);

    // A file that scores otherwise (other weights than the built-in defaults the backtest would use) is refused before the replay.
    const other = join(tempDir(), "other.json");
    writeFileSync(other, JSON.stringify({ weights: { nps: 40 } }));
    const refused = backtest("--write", other);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("scores accounts with other settings");
    expect(JSON.parse(readFileSync(other, "utf8"))).toEqual({ weights: { nps: 40 } });

    // A history too short for any outcome to be known: the report, and nothing written.
    const short = tempDir();
    writeHistory(short, generateHistory({ accounts: 10, days: 100, seed: 42 }));
    const fresh = join(tempDir(), "fresh.json");
    const none = spawnSync(
      process.execPath,
      [
        "--import",
        join(root, "node_modules/tsx/dist/loader.mjs"),
        join(root, "tools/backtest/main.ts"),
        short,
        "--sweep",
        "none",
        "--write",
        fresh,
      ],
      { encoding: "utf8" },
    );
    expect(none.status).toBe(2);
    expect(none.stdout).toContain("no month-end snapshot is at least 90 days before the end of the data");
    expect(none.stderr).toContain(`nothing written to ${fresh}`);
    expect(existsSync(fresh)).toBe(false);
  });
});
