// The daily risk digest and a check's summary as Slack shows them: ranked lines, the top in the message
// and the rest in its thread, all within Block Kit's limits, with outside text escaped.
import { describe, expect, it } from "vitest";
import type { DigestEntry, RiskDigest } from "../../success/rules/risk-report.ts";
import { DIGEST_THREAD_MAX, DIGEST_TOP, checkSummaryMessage, riskDigestMessage, riskDigestThread } from "./risk-digest.ts";
import { LIMITS } from "./limits.ts";

const AT = new Date("2026-11-20T06:00:00Z");
const entry = (i: number, over: Partial<DigestEntry> = {}): DigestEntry => ({
  alertId: i,
  accountExternalId: `acct-${i}`,
  name: `Account ${i}`,
  arr: 1000 * i,
  score: 20,
  band: "red",
  main: { rule: "entered_red", reason: "health score 20 is red (below 40)" },
  moreRules: 0,
  acknowledged: false,
  ...over,
});
const digest = (n: number, over: Partial<RiskDigest> = {}): RiskDigest => ({
  channelId: "CA",
  at: AT,
  entries: Array.from({ length: Math.min(n, DIGEST_TOP + DIGEST_THREAD_MAX) }, (_, i) => entry(n - i)),
  listed: n,
  heldBack: 0,
  cap: 10,
  ownMessages: 0,
  snoozed: 0,
  ...over,
});

describe("risk digest", () => {
  it("puts the top accounts in the message with a View button each, and says what is elsewhere", () => {
    const m = riskDigestMessage(digest(40, { heldBack: 5, ownMessages: 10, snoozed: 2 }));
    expect(m.text).toBe("Daily risk digest: 40 accounts at risk");
    const sections = m.blocks.filter((b) => b.type === "section" && "accessory" in b);
    expect(sections).toHaveLength(DIGEST_TOP);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain("1. :red_circle: *Account 40* `acct-40` · ARR $40,000 · score 20 — Entered red: health score 20 is red");
    expect(text).toContain("5 accounts would have had an alert of their own, past this check's cap of 10 per channel");
    expect(text).toContain("10 more with an alert of their own in this channel.");
    expect(text).toContain("2 snoozed, not listed.");
    expect(text).toContain("the other 25 are in the thread");
  });

  it("fits thousands of accounts in a few thread messages within Block Kit's limits, and counts the rest", () => {
    const d = digest(6000);
    const thread = riskDigestThread(d);
    for (const m of [riskDigestMessage(d), ...thread]) {
      expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
      for (const b of m.blocks) if (b.type === "section" && b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      const chars = m.blocks.reduce((n, b) => n + (b.type === "section" && b.text ? b.text.text.length : 0), 0);
      expect(chars).toBeLessThanOrEqual(LIMITS.blockTextPerMessage);
    }
    expect(thread.length).toBeLessThanOrEqual(12);
    expect(thread[0].text).toBe(`More accounts at risk (1 of ${thread.length})`);
    const all = thread.map((m) => JSON.stringify(m.blocks)).join("");
    expect(all).toContain(`${DIGEST_TOP + 1}. `);
    expect(all).toContain(`${DIGEST_TOP + DIGEST_THREAD_MAX}. `);
    expect(all).toContain(`…and ${6000 - DIGEST_TOP - DIGEST_THREAD_MAX} more`);
    expect(riskDigestThread(digest(DIGEST_TOP))).toEqual([]);
  });

  it("escapes names and reasons from outside", () => {
    const m = riskDigestMessage({
      ...digest(0),
      listed: 1,
      entries: [entry(1, { name: "<!channel> Evil", main: { rule: "nps_detractor", reason: "NPS 1: '<https://evil.example|click>'" } })],
    });
    const text = JSON.stringify(m.blocks);
    expect(text).toContain("&lt;!channel&gt; Evil");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://evil.example");
  });
});

describe("check summary", () => {
  it("says what was scored, what is at risk by band, what changed, the ARR at risk and the next check", () => {
    const m = checkSummaryMessage({
      to: "CA",
      runId: 3,
      trigger: "scheduled",
      status: "done",
      at: AT,
      accountsScored: 2000,
      accountsUnscored: 4,
      atRisk: { red: 30, yellow: 288, green: 0, unknown: 0 },
      raised: 318,
      worse: 0,
      cleared: 0,
      arrAtRisk: 12_345_678,
      posted: 10,
      heldBack: 21,
      nextCheckAt: new Date("2026-11-21T06:00:00Z"),
    });
    const text = JSON.stringify(m.blocks);
    expect(m.text).toBe("Health check done: 2000 accounts scored, 318 at risk");
    for (const part of [
      "2,000 accounts scored, 318 accounts at risk",
      "30 red",
      "288 yellow",
      "New: 318 · worse: 0 · cleared: 0 · ARR at risk: $12,345,678",
      "Posted on their own: 10 (21 more held back by the cap, in the digest)",
      "4 accounts could not be scored",
      "next check <!date^",
    ])
      expect(text).toContain(part);
  });

  it("says a failed check failed, with its error", () => {
    const m = checkSummaryMessage({
      to: "CA",
      runId: 3,
      trigger: "manual",
      status: "failed",
      at: AT,
      accountsScored: 0,
      accountsUnscored: 0,
      atRisk: { red: 0, yellow: 0, green: 0, unknown: 0 },
      raised: 0,
      worse: 0,
      cleared: 0,
      arrAtRisk: 0,
      posted: 0,
      heldBack: 0,
      nextCheckAt: null,
      error: "database is locked",
    });
    expect(JSON.stringify(m.blocks)).toContain("*Health check failed* after scoring 0 accounts: database is locked");
    expect(JSON.stringify(m.blocks)).toContain("no check scheduled");
  });
});
