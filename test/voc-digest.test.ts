// Voice-of-customer digests and the feedback API through the real app: ranking by the ARR of the
// distinct accounts asking on a hand-computed fixture, the previous-period trend, merged themes and
// withdrawn items left out, the scheduled digest posted once (also with two processes on one database),
// long digests continued in the thread with every message within Block Kit's limits, the /feedback
// digest preview, and GET /api/v1/themes and /api/v1/feedback (401, 400, 404, JSON, CSV, pages).
import { toolAccess } from "../src/shared/access.ts";
import { afterEach, describe, expect, it } from "vitest";
import { startDesk, usePostgres, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";
import { apiActor } from "../src/shared/actor.ts";
import { prismaDigests } from "../src/feedback/store/digest.ts";
import { readDigest, readThemeRanking } from "../src/feedback/use-cases/read-digest.ts";
import type { Digest, DigestTheme, Period, PeriodTotals } from "../src/feedback/rules/digest.ts";
import { vocDigestMessages } from "../src/slack/blocks/voc-digest.ts";
import { CONTINUES } from "../src/slack/blocks/feedback-answers.ts";
import { digestCommand } from "../src/slack/commands/feedback-digest.ts";
import type { SlackDeps } from "../src/slack/deps.ts";

const PRODUCT = "CPRODUCT";
const TOKEN = "voc-test-token-0123456789abcdef";
/** A Monday 09:00 UTC, when the digest is due by default. */
const AT = new Date("2026-11-23T09:00:00Z");
const DAY = 86_400_000;
const FROM = new Date(AT.getTime() - 7 * DAY);

const desks: Desk[] = [];
afterEach(async () => {
  while (desks.length) await desks.pop()!.stop();
});

async function deskAt(env: Record<string, string> = {}, databaseUrl?: string, slack?: Desk["slack"]) {
  const clock = new TestClock(AT);
  const desk = await startDesk({
    slack,
    databaseUrl,
    env: {
      PRODUCT_CHANNEL: PRODUCT,
      INGEST_API_TOKEN: TOKEN,
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      ALERT_ESCALATION_CRON: "off",
      VOC_DIGEST_CRON: "0 9 * * 1",
      ...env,
    },
    start: { clock },
  });
  desks.push(desk);
  // The tests run the digest's ticks by hand: no tick from the wall clock may add one.
  await desk.app.scheduler.stop();
  return { desk, clock };
}

type Client = Desk["app"]["db"]["client"];
let itemSeq = 0;

async function account(c: Client, externalId: string, name: string, arr: number | null, band: string | null) {
  await c.account.create({ data: { externalId, name, arr, createdAt: AT, updatedAt: AT } });
  if (band)
    await c.accountHealthCurrent.create({
      data: {
        accountExternalId: externalId,
        runId: 1,
        computedAt: AT,
        score: band === "red" ? 20 : band === "yellow" ? 55 : 85,
        band,
        components: "[]",
      },
    });
}

async function theme(c: Client, name: string, o: { createdAt?: Date; status?: string; mergedIntoId?: number } = {}) {
  const status = o.status ?? "active";
  return (
    await c.theme.create({
      data: {
        name,
        nameKey: status === "merged" ? null : name.toLowerCase(),
        status,
        mergedIntoId: o.mergedIntoId ?? null,
        createdById: "UPM",
        createdAt: o.createdAt ?? new Date(AT.getTime() - 60 * DAY),
      },
    })
  ).id;
}

async function item(
  c: Client,
  o: {
    at: Date;
    themes: number[];
    account?: string | null;
    arr?: number | null;
    band?: string | null;
    text?: string;
    status?: string;
    internal?: boolean;
  },
) {
  const n = ++itemSeq;
  const row = await c.feedbackItem.create({
    data: {
      origin: "reaction",
      channelId: "CCUSTOMER",
      messageTs: `${1_700_000_000 + n}.000100`,
      threadTs: `${1_700_000_000 + n}.000100`,
      text: o.text ?? `Feedback number ${n}`,
      authorId: "UCUST1",
      internal: o.internal ?? false,
      accountExternalId: o.account ?? null,
      accountArr: o.arr ?? null,
      accountBand: o.band ?? null,
      permalink: `https://example.slack.com/archives/CCUSTOMER/p${1_700_000_000 + n}000100`,
      createdById: "UAGENT1",
      createdAt: o.at,
      status: o.status ?? "active",
    },
  });
  for (const themeId of o.themes) await c.feedbackTheme.create({ data: { itemId: row.id, themeId, addedById: "UAGENT1", addedAt: o.at } });
  return row.id;
}

/** The digest and the ranking read from the app's database, as the scheduled job and the API read them. */
const buildDigest = (db: Desk["app"]["db"], q: Period) => readDigest({ digests: prismaDigests(db), access: toolAccess }, apiActor, q);
const themeRanking = async (db: Desk["app"]["db"], q: Period & { limit?: number }) =>
  (await readThemeRanking({ digests: prismaDigests(db), access: toolAccess }, apiActor, q)).ranking;

const inPeriod = (hours: number) => new Date(FROM.getTime() + hours * 3_600_000);

/**
 * The hand-computed fixture (period [FROM, AT), 7 days):
 * accounts: acme 120,000 red; globex 40,000 green; umbrella 50,000 yellow (its items captured 10,000,
 * the current ARR counts); initech not imported (captured 30,000, yellow).
 */
async function seedFixture(c: Client) {
  await account(c, "acme", "Acme Corp", 120000, "red");
  await account(c, "globex", "Globex", 40000, "green");
  await account(c, "umbrella", "Umbrella", 50000, "yellow");
  const excel = await theme(c, "Excel export");
  const sso = await theme(c, "SSO", { createdAt: inPeriod(1) });
  const dark = await theme(c, "Dark mode");
  const api = await theme(c, "API limits");
  const audit = await theme(c, "Audit log");
  const billing = await theme(c, "Billing", { createdAt: inPeriod(2) });
  const exportsMerged = await theme(c, "Exports", { status: "merged", mergedIntoId: excel });

  const ids: Record<string, number> = {};
  ids.acme1 = await item(c, {
    at: inPeriod(10),
    themes: [excel, exportsMerged],
    account: "acme",
    arr: 120000,
    band: "red",
    text: "We need Excel exports for finance",
  });
  ids.acme2 = await item(c, {
    at: inPeriod(20),
    themes: [excel],
    account: "acme",
    arr: 120000,
    band: "red",
    text: "Excel export, please: the CSV breaks our macros",
  });
  await item(c, { at: inPeriod(30), themes: [excel], account: "globex", arr: 40000, band: "green" });
  await item(c, { at: inPeriod(31), themes: [excel], account: null, internal: true, text: "Sales keeps hearing about Excel" });
  ids.umbrella = await item(c, {
    at: inPeriod(40),
    themes: [sso, excel],
    account: "umbrella",
    arr: 10000,
    band: "green",
    text: "SSO with Okta is a must for us",
  });
  ids.initech = await item(c, { at: inPeriod(41), themes: [sso], account: "initech", arr: 30000, band: "yellow", text: "Azure AD SSO" });
  for (const h of [50, 51, 52]) await item(c, { at: inPeriod(h), themes: [dark], account: "globex", arr: 40000 });
  for (const h of [60, 61, 62]) await item(c, { at: inPeriod(h), themes: [api], account: "globex", arr: 40000 });
  await item(c, { at: FROM, themes: [audit], account: "globex", arr: 40000 }); // at `from`: in
  await item(c, { at: inPeriod(70), themes: [], account: "acme", arr: 120000 }); // untagged
  await item(c, { at: inPeriod(80), themes: [dark], account: "acme", arr: 120000, status: "withdrawn" }); // withdrawn: out
  await item(c, { at: AT, themes: [audit], account: "acme", arr: 120000 }); // at `to`: out
  await item(c, { at: new Date(FROM.getTime() - DAY), themes: [excel], account: "globex", arr: 40000 }); // previous period
  await item(c, { at: new Date(FROM.getTime() - 20 * DAY), themes: [excel], account: "acme", arr: 120000 }); // older: in all-time totals only
  return { excel, sso, dark, api, audit, billing, exportsMerged, ids };
}

// ------------------------------------------------------------------ Block Kit limits, for every message

/** Every problem of a message against Block Kit's limits: at most 50 blocks, every text at most 3,000 characters. */
function limitProblems(message: { text?: string; blocks?: unknown[] }): string[] {
  const problems: string[] = [];
  const blocks = message.blocks ?? [];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks`);
  if ((message.text ?? "").length > 3000) problems.push(`fallback text of ${message.text!.length}`);
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "text" && typeof value === "string" && value.length > 3000) problems.push(`${path}.text has ${value.length} characters`);
      if (
        key === "text" &&
        typeof value === "string" &&
        (node as { type?: string }).type === "plain_text" &&
        value.length > 150 &&
        path.includes("header")
      ) {
        problems.push(`${path} header text has ${value.length} characters`);
      }
      walk(value, `${path}.${key}`);
    }
  };
  blocks.forEach((b, i) => walk(b, `blocks[${i}]${(b as { type?: string }).type === "header" ? "(header)" : ""}`));
  return problems;
}

const allText = (m: { text?: string; blocks?: unknown[] }) => JSON.stringify(m.blocks ?? []) + (m.text ?? "");

describe("ranking themes by the ARR of the accounts asking", () => {
  it("ranks the hand-computed fixture, with trend, merged themes and withdrawn items left out", async () => {
    const { desk } = await deskAt({ VOC_DIGEST_CRON: "off" });
    const f = await seedFixture(desk.app.db.client);
    const { themes, themesWithFeedback } = await themeRanking(desk.app.db, { from: FROM, to: AT });
    expect(themesWithFeedback).toBe(5); // Exports is merged; Billing has no items
    expect(themes.map((t) => [t.rank, t.name, t.arr, t.items, t.accounts, t.atRiskArr, t.atRiskAccounts])).toEqual([
      // Excel export: acme 120,000 (2 items, once) + globex 40,000 + umbrella 50,000 (current, not the
      // captured 10,000) = 210,000; 5 items (the internal one without an account adds none);
      // at risk: acme red 120,000 + umbrella yellow 50,000 = 170,000 from 2 accounts.
      [1, "Excel export", 210000, 5, 3, 170000, 2],
      // SSO: umbrella 50,000 + initech 30,000 (not imported: captured ARR and band) = 80,000, both yellow.
      [2, "SSO", 80000, 2, 2, 80000, 2],
      // API limits and Dark mode: globex 40,000 with 3 items each (the withdrawn acme item in Dark mode
      // would have made it 160,000): tied on ARR and items, so by name.
      [3, "API limits", 40000, 3, 1, 0, 0],
      [4, "Dark mode", 40000, 3, 1, 0, 0],
      // Audit log: globex 40,000, 1 item (the one at `from` is in; acme's at `to` is out).
      [5, "Audit log", 40000, 1, 1, 0, 0],
    ]);
    const excel = themes[0];
    // Previous 7 days: one globex item → 40,000, 1 item. All time up to `to`: 5 + 1 + 1 older = 7.
    expect(excel.previous).toEqual({ items: 1, accounts: 1, arr: 40000, atRiskArr: 0, atRiskAccounts: 0 });
    expect(excel.totalItems).toBe(7);
    expect(excel.isNew).toBe(false);
    expect(themes[1].isNew).toBe(true);
    expect(themes[1].previous).toEqual({ items: 0, accounts: 0, arr: 0, atRiskArr: 0, atRiskAccounts: 0 });

    const limited = await themeRanking(desk.app.db, { from: FROM, to: AT, limit: 2 });
    expect(limited.themes.map((t) => t.name)).toEqual(["Excel export", "SSO"]);
    expect(limited.themesWithFeedback).toBe(5);

    // The same ranking a week earlier: only the previous-period item.
    const before = await themeRanking(desk.app.db, { from: new Date(FROM.getTime() - 7 * DAY), to: FROM });
    expect(before.themes.map((t) => [t.name, t.arr, t.items])).toEqual([["Excel export", 40000, 1]]);
    expect(f.exportsMerged).toBeGreaterThan(0);
  });

  it("builds the digest: totals against the previous period, quotes by ARR, new themes, untagged items", async () => {
    const { desk } = await deskAt({ VOC_DIGEST_CRON: "off" });
    const f = await seedFixture(desk.app.db.client);
    const digest = await buildDigest(desk.app.db, { from: FROM, to: AT });
    // 14 items in the period: 5 + 1 (initech) + 3 + 3 + 1 + 1 untagged; accounts acme, globex, umbrella,
    // initech: 120,000 + 40,000 + 50,000 + 30,000 = 240,000; at risk acme, umbrella, initech = 200,000.
    expect(digest.totals).toEqual({ items: 14, accounts: 4, arr: 240000, atRiskArr: 200000, atRiskAccounts: 3, untagged: 1 });
    expect(digest.previousTotals).toEqual({ items: 1, accounts: 1, arr: 40000, atRiskArr: 0, atRiskAccounts: 0, untagged: 0 });
    // Quotes: the items of the accounts with the highest ARR, newest first among equals.
    expect(digest.themes[0].quotes.map((q) => q.itemId)).toEqual([f.ids.acme2, f.ids.acme1]);
    expect(digest.themes[0].quotes[0]).toMatchObject({
      text: "Excel export, please: the CSV breaks our macros",
      accountName: "Acme Corp",
      accountArr: 120000,
    });
    expect(digest.themes[1].quotes.map((q) => [q.itemId, q.accountArr])).toEqual([
      [f.ids.umbrella, 50000],
      [f.ids.initech, 30000],
    ]);
    expect(digest.newThemes.map((t) => [t.name, t.items])).toEqual([
      ["SSO", 2],
      ["Billing", 0],
    ]);
    expect(digest.moreThemes).toBe(0);

    const [message, ...rest] = vocDigestMessages(digest);
    // One message with the totals and one line per theme; the details and quotes in one thread message.
    expect(rest).toHaveLength(1);
    const text = allText(message);
    const thread = allText(rest[0]);
    expect(text).toContain("*14 items* from 4 accounts with ARR *$240,000* (ARR ▲ 500% vs $40,000; items ▲ 1300% vs 1)");
    expect(text).toContain("1 untagged item*: tag them so they count");
    expect(text).toContain("*1. Excel export* · ARR *$210,000* from 3 accounts · ARR ▲ 425% vs the previous 7 days");
    expect(text).toContain("*2. SSO* :new: · ARR *$80,000* from 2 accounts · none in the previous 7 days");
    expect(text).not.toContain("Excel export, please");
    expect(thread).toContain("ARR *$210,000* from 3 accounts (▲ 425% vs the previous 7 days: $40,000)");
    expect(thread).toContain("at-risk ARR $170,000 (2 yellow or red accounts)");
    expect(thread).toContain("> Excel export, please: the CSV breaks our macros");
    expect(thread).toContain("<https://example.slack.com/archives/CCUSTOMER/p");
    expect(thread).toContain("*2. SSO* · :new: new theme");
    // A theme with nothing in the previous period says so, and compares with nothing.
    expect(thread).toContain("ARR *$80,000* from 2 accounts · 2 items, none in the previous 7 days");
    expect(text + thread).not.toMatch(/\$0\b|new vs|\b0 before/);
    expect(text).toContain("`SSO` (2), `Billing` (0)");
    expect(limitProblems(rest[0])).toEqual([]);
    expect(limitProblems(message)).toEqual([]);
  });
});

describe("the digest's lines", () => {
  const zero = { items: 0, accounts: 0, arr: 0, atRiskArr: 0, atRiskAccounts: 0 };
  const period = { from: FROM, to: AT };
  const digestOf = (themes: Partial<DigestTheme>[], totals: PeriodTotals, previousTotals: PeriodTotals): Digest => ({
    ...period,
    previousPeriod: { from: new Date(FROM.getTime() - 7 * DAY), to: FROM },
    totals,
    previousTotals,
    themes: themes.map((t, i) => ({
      rank: i + 1,
      themeId: i + 1,
      name: `Theme ${i + 1}`,
      status: "active",
      createdAt: FROM,
      isNew: false,
      totalItems: 3,
      previous: zero,
      quotes: [],
      ...zero,
      ...t,
    })),
    moreThemes: 0,
    newThemes: [],
    moreNewThemes: 0,
  });

  it("never compares with zero: no '$0', no 'new vs', no '0 before'; says plainly what is missing", () => {
    const digest = digestOf(
      [
        // Internal feedback only: no account, so no ARR to show.
        { items: 2, accounts: 0, arr: 0 },
        // Accounts with no ARR on record, and a previous period that had some.
        { items: 1, accounts: 1, arr: 0, previous: { ...zero, items: 1, accounts: 1, arr: 5000 } },
        // Worth something now, nothing before.
        { items: 3, accounts: 2, arr: 9000 },
      ],
      { ...zero, items: 6, accounts: 3, arr: 9000, untagged: 0 },
      { ...zero, untagged: 0 },
    );
    const text = vocDigestMessages(digest).map(allText).join("\n");
    expect(text).toContain("*6 items* from 3 accounts with ARR *$9,000* (no items in the previous 7 days)");
    expect(text).toContain("*1. Theme 1* · no account · none in the previous 7 days");
    expect(text).toContain("*2. Theme 2* · 1 account, no ARR on record · items as in the previous 7 days");
    expect(text).toContain("*3. Theme 3* · ARR *$9,000* from 2 accounts · none in the previous 7 days");
    expect(text).toContain("*1. Theme 1*\\nno account · 2 items, none in the previous 7 days");
    expect(text).toContain("*2. Theme 2*\\n1 account, no ARR on record · 1 item (no change, 1 before)");
    expect(text).toContain("*3. Theme 3*\\nARR *$9,000* from 2 accounts · 3 items, none in the previous 7 days");
    expect(text).toContain("top theme Theme 1 (no account)");
    expect(text).not.toMatch(/\$0\b|new vs|\bnew,|\b0 before|from 0 accounts|vs 0\b/);

    const quiet = allText(vocDigestMessages(digestOf([], { ...zero, untagged: 0 }, { ...zero, untagged: 0 }))[0]!);
    expect(quiet).toContain("No feedback in the last 7 days.");
    expect(quiet).not.toContain("0 items");
    const onlyInternal = allText(
      vocDigestMessages(digestOf([], { ...zero, items: 2, untagged: 2 }, { ...zero, items: 4, untagged: 0 }))[0]!,
    );
    expect(onlyInternal).toContain("*2 items* from no known account (items ▼ 50% vs 4)");
  });
});

describe("the scheduled digest", () => {
  it("posts nothing when nothing happened in the period, and logs that instead", async () => {
    const { desk } = await deskAt();
    const c = desk.app.db.client;
    // Feedback before the period only: the period itself had none, and no theme was created in it.
    await item(c, { at: new Date(FROM.getTime() - 2 * DAY), themes: [await theme(c, "Old theme")] });
    const job = desk.app.jobs.find((j) => j.name === "voc-digest")!;
    expect(await desk.app.scheduler.tick(job, AT)).toBe(true);
    await desk.settle();
    expect(desk.slack.messages(PRODUCT)).toEqual([]);
    expect(await c.outboxMessage.count({ where: { channelId: PRODUCT } })).toBe(0);
    expect(desk.logs.find((l) => l.event === "voc_digest.skipped")).toMatchObject({ from: FROM.toISOString(), to: AT.toISOString() });
    const run = await c.jobRun.findUniqueOrThrow({ where: { key: `voc-digest:${AT.toISOString()}` } });
    expect(run.status).toBe("done");
    expect(JSON.parse(run.detail!)).toMatchObject({ messageId: null, messages: 0, items: 0 });
  });

  it("posts the digest to PRODUCT_CHANNEL once per tick", async () => {
    const { desk } = await deskAt();
    await seedFixture(desk.app.db.client);
    const job = desk.app.jobs.find((j) => j.name === "voc-digest");
    expect(job?.schedule).toBe("0 9 * * 1");
    expect(await desk.app.scheduler.tick(job!, AT)).toBe(true);
    expect(await desk.app.scheduler.tick(job!, AT)).toBe(false);
    await desk.settle();
    const posted = desk.slack.messages(PRODUCT);
    // One message in the channel; the details and quotes in its thread.
    expect(posted).toHaveLength(2);
    expect(posted[0].thread_ts).toBeUndefined();
    expect(posted[1].thread_ts).toBe(posted[0].ts);
    expect(posted[0].text).toContain("Voice of the customer, last 7 days: 14 items; top theme Excel export (ARR $210,000 from 3 accounts)");
    for (const m of posted) expect(limitProblems(m)).toEqual([]);
    const run = await desk.app.db.client.jobRun.findUniqueOrThrow({ where: { key: `voc-digest:${AT.toISOString()}` } });
    expect(run.status).toBe("done");
    expect(JSON.parse(run.detail!)).toMatchObject({ messages: 2, items: 14, themes: 5 });
  });

  it("is not scheduled without PRODUCT_CHANNEL or with VOC_DIGEST_CRON=off", async () => {
    const { desk } = await deskAt({ VOC_DIGEST_CRON: "off" });
    expect(desk.app.jobs.some((j) => j.name === "voc-digest")).toBe(false);
    const { desk: noChannel } = await deskAt({ PRODUCT_CHANNEL: "" });
    expect(noChannel.app.jobs.some((j) => j.name === "voc-digest")).toBe(false);
  });

  it("continues in its thread when long, every message within Block Kit's limits", async () => {
    const { desk } = await deskAt();
    const c = desk.app.db.client;
    // 120 themes, each with one long item from its own account: theme i's account has ARR 1,000 × i.
    const long = "This is a long piece of feedback, quoted verbatim. ".repeat(40).trim(); // ~2,000 characters
    for (let i = 1; i <= 120; i++) {
      const t = await theme(c, `Theme ${String(i).padStart(3, "0")} ${"with a rather long name ".repeat(3)}`);
      await item(c, {
        at: inPeriod(i),
        themes: [t],
        account: `acct-${i}`,
        arr: 1000 * i,
        band: i % 3 === 0 ? "red" : "green",
        text: `${long} #${i}`,
      });
      await item(c, { at: inPeriod(i + 0.5), themes: [t], account: `acct-${i}`, arr: 1000 * i, text: `${long} (again) #${i}` });
    }
    const job = desk.app.jobs.find((j) => j.name === "voc-digest")!;
    expect(await desk.app.scheduler.tick(job, AT)).toBe(true);
    await desk.settle(30_000);
    const posted = desk.slack.messages(PRODUCT);
    const [first, ...thread] = posted;
    expect(first.thread_ts).toBeUndefined();
    // The top 10 in the message, one line each; the details of all 50 in a short thread.
    expect(first.blocks!.filter((b) => (b as { type: string }).type === "actions")).toHaveLength(10);
    expect(thread.length).toBeGreaterThanOrEqual(1);
    expect(thread.length).toBeLessThanOrEqual(6);
    for (const m of thread) expect(m.thread_ts).toBe(first.ts);
    for (const m of posted) expect(limitProblems(m)).toEqual([]);
    // Every listed theme appears in the thread, best first; the 70 beyond are counted.
    const text = thread.map(allText).join("\n");
    expect(allText(first)).toContain("*1. Theme 120");
    expect(allText(first)).toContain("*10. Theme 111");
    expect(allText(first)).not.toContain("*11. ");
    expect(text).toContain("*50. Theme 071");
    expect(text).not.toContain("*51. ");
    expect(text).toContain("70 more themes had feedback in the last 7 days");
    expect(text.indexOf("*1. Theme 120")).toBeLessThan(text.indexOf("*2. Theme 119"));
    expect(thread[0].text).toContain(`details and quotes (1 of ${thread.length})`);
    // Quotes are cut to fit, keeping their link.
    expect(text).toContain("…\\n— *acct-120* · $120,000 · <https://example.slack.com/archives/CCUSTOMER/p");
  });

  it("is posted once with two app processes on one database", async () => {
    const a = await deskAt();
    await seedFixture(a.desk.app.db.client);
    const b = await deskAt({}, a.desk.databaseUrl, a.desk.slack);
    const jobA = a.desk.app.jobs.find((j) => j.name === "voc-digest")!;
    const jobB = b.desk.app.jobs.find((j) => j.name === "voc-digest")!;
    // Postgres: truly at once. SQLite: in turn (two clients in one test process would block each
    // other's event loop on the write lock); the claim is the same JobRun row.
    const ran = usePostgres()
      ? await Promise.all([a.desk.app.scheduler.tick(jobA, AT), b.desk.app.scheduler.tick(jobB, AT)])
      : [await a.desk.app.scheduler.tick(jobA, AT), await b.desk.app.scheduler.tick(jobB, AT)];
    expect(ran.filter(Boolean)).toHaveLength(1);
    await a.desk.settle();
    await b.desk.settle();
    expect(a.desk.slack.messages(PRODUCT).filter((m) => !m.thread_ts)).toHaveLength(1);
    // The one digest: its message and its thread's one message of details.
    expect(await a.desk.app.db.client.outboxMessage.count({ where: { channelId: PRODUCT } })).toBe(2);
    expect(await a.desk.app.db.client.outboxMessage.count({ where: { channelId: PRODUCT, threadRefId: null } })).toBe(1);
  });
});

describe("/feedback digest preview", () => {
  const depsOf = (desk: Desk, clock: TestClock) =>
    ({
      feedback: { digests: prismaDigests(desk.app.db), access: desk.app.success.access },
      clock,
      log: desk.app.log,
    }) as unknown as SlackDeps;

  it("previews the first message, says when the posted digest continues, and explains a bad period", async () => {
    const { desk, clock } = await deskAt({ VOC_DIGEST_CRON: "off", PRODUCT_USER_IDS: "UPM" });
    const c = desk.app.db.client;
    await seedFixture(c);
    const week = await digestCommand(depsOf(desk, clock), "UPM", "");
    expect(week.text).toContain("Voice of the customer (preview), last 7 days: 14 items");
    expect(JSON.stringify(week.blocks)).toContain(`${CONTINUES} (1 message)`);
    const month = await digestCommand(depsOf(desk, clock), "UPM", "30d");
    // 30 days: the 14 of this week, the previous-period item and the one 20 days old.
    expect(month.text).toContain("last 30 days: 16 items");
    const bad = await digestCommand(depsOf(desk, clock), "UPM", "week");
    expect(bad.blocks).toBeUndefined();
    expect(bad.text).toContain("`week` is not a period I know. Usage: `/feedback digest [7d|30d]`");

    for (let i = 1; i <= 60; i++)
      await item(c, { at: inPeriod(i), themes: [await theme(c, `Extra ${i}`)], account: `x-${i}`, arr: 500 * i });
    const long = await digestCommand(depsOf(desk, clock), "UPM", "7d");
    expect(long.blocks!.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(long.blocks)).toContain(CONTINUES);
    expect(limitProblems(long)).toEqual([]);
  });
});

describe("the feedback API", () => {
  const get = (desk: Desk, path: string, token: string | null = TOKEN) =>
    fetch(`${desk.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("refuses requests without the token and names bad parameters", async () => {
    const { desk } = await deskAt({ VOC_DIGEST_CRON: "off" });
    await seedFixture(desk.app.db.client);
    expect((await get(desk, "/api/v1/themes", null)).status).toBe(401);
    expect((await get(desk, "/api/v1/feedback", "wrong-token-wrong-token")).status).toBe(401);
    for (const [path, parameter] of [
      ["/api/v1/themes?from=2026-02-30", "from"],
      ["/api/v1/themes?from=2026-11-20&to=2026-11-10", "from"],
      ["/api/v1/themes?limit=0", "limit"],
      ["/api/v1/themes?format=xml", "format"],
      ["/api/v1/feedback?to=yesterday", "to"],
      ["/api/v1/feedback?limit=5000", "limit"],
      ["/api/v1/feedback?cursor=abc", "cursor"],
      ["/api/v1/feedback?theme=1&theme=2", "theme"],
    ] as const) {
      const res = await get(desk, path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { error: string; parameter: string; message: string };
      expect(body.parameter, path).toBe(parameter);
      expect(body.message, path).toContain(parameter);
    }
    const unknown = await get(desk, "/api/v1/feedback?theme=Teleportation");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toContain('there is no theme named "Teleportation"');
    expect((await get(desk, "/api/v1/feedback?theme=99999")).status).toBe(404);
  });

  it("ranks themes as JSON and CSV", async () => {
    const { desk } = await deskAt({ VOC_DIGEST_CRON: "off" });
    await seedFixture(desk.app.db.client);
    const res = await get(desk, `/api/v1/themes?from=${FROM.toISOString()}&to=${AT.toISOString()}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      totals: unknown;
      themesWithFeedback: number;
      themes: { rank: number; name: string; arr: number; items: number; new: boolean; previous: { arr: number } }[];
    };
    expect(body.totals).toMatchObject({ items: 14, arr: 240000, untagged: 1 });
    expect(body.themes.map((t) => [t.rank, t.name, t.arr, t.items])).toEqual([
      [1, "Excel export", 210000, 5],
      [2, "SSO", 80000, 2],
      [3, "API limits", 40000, 3],
      [4, "Dark mode", 40000, 3],
      [5, "Audit log", 40000, 1],
    ]);
    expect(body.themes[0].previous.arr).toBe(40000);
    expect(body.themes[1].new).toBe(true);

    const csv = await get(desk, `/api/v1/themes?from=${FROM.toISOString()}&to=${AT.toISOString()}&format=csv&limit=2`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "rank,theme_id,name,status,new,items,total_items,accounts,arr,at_risk_arr,at_risk_accounts,previous_items,previous_accounts,previous_arr,previous_at_risk_arr",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1,\d+,Excel export,active,false,5,7,3,210000,170000,2,1,1,40000,0$/);
  });

  it("lists a theme's feedback by id or name, a page at a time, as JSON and CSV", async () => {
    const { desk } = await deskAt({ VOC_DIGEST_CRON: "off" });
    const f = await seedFixture(desk.app.db.client);
    const range = `from=${FROM.toISOString()}&to=${AT.toISOString()}`;
    const byName = (await (await get(desk, `/api/v1/feedback?theme=excel%20EXPORT&${range}`)).json()) as {
      theme: { id: number };
      items: { id: number; account: { name: string; arr: number; band: string } | null; themes: { name: string }[] }[];
      nextCursor: string | null;
    };
    expect(byName.theme.id).toBe(f.excel);
    expect(byName.items).toHaveLength(5);
    expect(byName.nextCursor).toBeNull();
    const umbrella = byName.items.find((i) => i.id === f.ids.umbrella)!;
    expect(umbrella.account).toMatchObject({ name: "Umbrella", arr: 50000, band: "yellow" });
    expect(umbrella.themes.map((t) => t.name)).toEqual(["Excel export", "SSO"]);

    // The merged theme's id leads to the theme it joined.
    const merged = (await (await get(desk, `/api/v1/feedback?theme=${f.exportsMerged}&${range}`)).json()) as {
      theme: { id: number; mergedFrom: number[] };
    };
    expect(merged.theme).toMatchObject({ id: f.excel, mergedFrom: [f.exportsMerged] });

    // Pages of 2: newest first, every item once.
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = (await (
        await get(desk, `/api/v1/feedback?theme=${f.excel}&${range}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
      ).json()) as { items: { id: number }[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen[0]).toBe(f.ids.umbrella);

    const csv = await get(desk, `/api/v1/feedback?theme=${f.sso}&${range}&format=csv`);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,created_at,account_external_id,account_name,account_arr,account_band,themes,kind,importance,internal,text,permalink,channel_id,author_id",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(",initech,,30000,yellow,SSO,,,false,Azure AD SSO,https://");
    expect(lines[2]).toContain(",umbrella,Umbrella,50000,yellow,Excel export;SSO,,,false,SSO with Okta is a must for us,");

    // Without a theme: every active item of the period (the default period is the last 30 days).
    const all = (await (await get(desk, "/api/v1/feedback?limit=1000")).json()) as { items: unknown[] };
    expect(all.items).toHaveLength(16);
  });
});
