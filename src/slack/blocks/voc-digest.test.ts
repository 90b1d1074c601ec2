// The voice-of-customer digest as a product manager reads it, with 0, 3 and 300 themes: what comes first
// (the totals, then the top theme), one line per theme with View items as its main action, Mark shipped
// only behind the overflow menu, details and quotes in the thread, nothing compared with zero, and every
// message within Block Kit's limits. Also the View items modal.
import { describe, expect, it } from "vitest";
import type { Digest, DigestTheme, ThemeFigures } from "../../feedback/rules/digest.ts";
import type { ThemeItems } from "../../feedback/rules/listing.ts";
import { ACTIONS } from "./ids.ts";
import { LIMITS } from "./limits.ts";
import { themeItemsModal } from "./theme-items-modal.ts";
import {
  DIGEST_TOP,
  parseThemeItemsValue,
  parseThemeMenuValue,
  themeItemsValue,
  vocDigestMessages,
  type SlackMessage,
} from "./voc-digest.ts";

const TO = new Date("2026-11-30T09:00:00Z");
const FROM = new Date("2026-11-23T09:00:00Z");
const ZERO: ThemeFigures = { items: 0, accounts: 0, arr: 0, atRiskArr: 0, atRiskAccounts: 0 };

/** Theme i (1-based) is asked by 60 - i accounts at $10,000 each; odd themes had nothing the week before. */
function theme(i: number): DigestTheme {
  const accounts = Math.max(1, 60 - i);
  return {
    rank: i,
    themeId: 100 + i,
    name: i === 2 ? "Exports <!channel> & more" : `Theme ${i}`,
    status: "active",
    createdAt: FROM,
    isNew: i === 3,
    totalItems: 10 + accounts,
    items: accounts + 1,
    accounts,
    arr: accounts * 10_000,
    atRiskArr: i === 1 ? 50_000 : 0,
    atRiskAccounts: i === 1 ? 5 : 0,
    previous: i % 2 ? ZERO : { ...ZERO, items: 4, accounts: 2, arr: 20_000 },
    quotes: [
      {
        itemId: 1000 + i,
        text: `Please fix theme ${i} <@U0BOSS> <https://evil.example|click> ${"detail ".repeat(i === 1 ? 200 : 3)}`,
        permalink: `https://acme.slack.com/archives/C1/p${1000 + i}`,
        accountName: "Acme & Sons",
        accountArr: 240_000,
        internal: false,
        createdAt: FROM,
      },
    ],
  };
}

/** `n` themes with feedback; the digest lists 50 at most (DIGEST_THEMES) and counts the rest. */
function digest(n: number): Digest {
  const listed = Math.min(n, 50);
  const themes = Array.from({ length: listed }, (_, i) => theme(i + 1));
  const sum = (k: keyof ThemeFigures) => themes.reduce((s, t) => s + t[k], 0);
  return {
    from: FROM,
    to: TO,
    previousPeriod: { from: new Date(FROM.getTime() - 7 * 86_400_000), to: FROM },
    totals: { items: sum("items"), accounts: sum("accounts"), arr: sum("arr"), atRiskArr: 0, atRiskAccounts: 0, untagged: n ? 2 : 0 },
    previousTotals: { ...ZERO, untagged: 0 },
    themes,
    moreThemes: n - listed,
    newThemes: n >= 3 ? [{ themeId: 103, name: "Theme 3", createdAt: FROM, items: 58 }] : [],
    moreNewThemes: 0,
  };
}

type Block = { type: string; text?: { text: string }; elements?: Record<string, any>[]; accessory?: Record<string, any> };
const blocksOf = (m: SlackMessage) => m.blocks as unknown as Block[];
const sectionTexts = (m: SlackMessage) => blocksOf(m).flatMap((b) => (b.type === "section" && b.text ? [b.text.text] : []));
const elements = (m: SlackMessage) => blocksOf(m).flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]);
const themeLines = (m: SlackMessage) => sectionTexts(m).filter((t) => /^\*\d+\. /.test(t));
const textLength = (v: unknown): number =>
  Array.isArray(v)
    ? v.reduce((s: number, x) => s + textLength(x), 0)
    : v && typeof v === "object"
      ? Object.entries(v).reduce((s, [k, x]) => s + (k === "text" && typeof x === "string" ? x.length : textLength(x)), 0)
      : 0;

function expectWithinLimits(messages: SlackMessage[]) {
  for (const m of messages) {
    expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    expect(textLength(m.blocks)).toBeLessThanOrEqual(LIMITS.blockTextPerMessage);
    expect(m.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    for (const t of sectionTexts(m)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
  }
}

const ZERO_COMPARISON = /\$0\b|new vs|\b0 before|from 0 accounts|vs 0\b|vs \$0/;

describe("the voice-of-customer digest", () => {
  it("with 0 themes: one message saying there was no feedback, with no theme controls and no thread", () => {
    const messages = vocDigestMessages(digest(0));
    expect(messages).toHaveLength(1);
    const [first] = messages;
    expect(blocksOf(first)[0]).toMatchObject({ type: "header", text: { text: "Voice of the customer: last 7 days" } });
    expect(sectionTexts(first)).toEqual(["No feedback in the last 7 days."]);
    expect(elements(first).filter((e) => e.type === "button" || e.type === "overflow")).toEqual([]);
    expect(first.text).toBe("Voice of the customer, last 7 days: no feedback");
    expectWithinLimits(messages);
  });

  it("with 3 themes: the totals, then one line per theme, the top theme first, each with View items as its main action", () => {
    const [first, ...thread] = vocDigestMessages(digest(3));
    expect(thread).toHaveLength(1);
    const types = blocksOf(first).map((b) => b.type);
    expect(types.slice(0, 4)).toEqual(["header", "context", "section", "divider"]);
    expect(sectionTexts(first)[0]).toMatch(/^\*\d+ items\* from \d+ accounts with ARR/);
    const lines = themeLines(first);
    expect(lines).toEqual([
      "*1. Theme 1* · ARR *$590,000* from 59 accounts · none in the previous 7 days",
      "*2. Exports &lt;!channel&gt; &amp; more* · ARR *$580,000* from 58 accounts · ARR ▲ 2800% vs the previous 7 days",
      "*3. Theme 3* :new: · ARR *$570,000* from 57 accounts · none in the previous 7 days",
    ]);
    // Each line is followed by its controls: View items first (primary), then the overflow menu.
    const at = blocksOf(first).findIndex((b) => b.text?.text === lines[0]);
    const controls = blocksOf(first)[at + 1];
    expect(controls.type).toBe("actions");
    expect(controls.elements![0]).toMatchObject({
      type: "button",
      action_id: ACTIONS.themeItems,
      style: "primary",
      text: { text: "View items" },
      value: themeItemsValue(101, { from: FROM, to: TO }),
    });
    expect(controls.elements![1]).toMatchObject({ type: "overflow", action_id: ACTIONS.themeMenu });
    expect(controls.elements![1].options.map((o: { text: { text: string } }) => o.text.text)).toEqual(["Mark shipped…", "Archive theme"]);
    // Mark shipped is never a button of its own.
    expect(
      elements(first)
        .filter((e) => e.type === "button")
        .map((e) => e.text.text),
    ).toEqual(["View items", "View items", "View items"]);
    expect(JSON.stringify(first.blocks)).not.toContain(`"action_id":"${ACTIONS.themeShip}"`);
    // No quote in the top-level message: they are in the thread, escaped, with their links.
    expect(JSON.stringify(first.blocks)).not.toContain("Please fix");
    const details = sectionTexts(thread[0]).join("\n");
    expect(details.indexOf("*1. Theme 1*")).toBeLessThan(details.indexOf("*2. Exports"));
    expect(details).toContain("> Please fix theme 2 &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt;");
    expect(details).toContain("— *Acme &amp; Sons* · $240,000 · <https://acme.slack.com/archives/C1/p1002|source>");
    expect(details).not.toContain("<@U0BOSS>");
    expect(details).toContain(":warning: at-risk ARR $50,000 (5 yellow or red accounts)");
    expect(first.text).toBe(
      "Voice of the customer, last 7 days: 177 items; top theme Theme 1 (ARR $590,000 from 59 accounts); details in the thread",
    );
    expectWithinLimits([first, ...thread]);
  });

  it("with 300 themes: one top-level message with the top 10, the rest of the ranking in a short thread", () => {
    const messages = vocDigestMessages(digest(300));
    const [first, ...thread] = messages;
    const lines = themeLines(first);
    expect(lines).toHaveLength(DIGEST_TOP);
    expect(lines[0]).toMatch(/^\*1\. Theme 1\* · ARR \*\$590,000\* from 59 accounts/);
    expect(lines[9]).toMatch(/^\*10\. Theme 10\* /);
    for (const line of lines) expect(line).not.toContain("\n");
    expect(elements(first).filter((e) => e.action_id === ACTIONS.themeItems)).toHaveLength(DIGEST_TOP);
    expect(JSON.stringify(first.blocks)).toContain("Themes 11 to 50 are ranked in the thread; 250 more themes had feedback");
    // The thread: every listed theme once, in rank order; quotes for the top 10 only.
    expect(thread.length).toBeGreaterThanOrEqual(1);
    expect(thread.length).toBeLessThanOrEqual(3);
    const all = thread.flatMap(sectionTexts).join("\n");
    for (let i = 1; i < 50; i++) expect(all.indexOf(`*${i}. `)).toBeLessThan(all.indexOf(`*${i + 1}. `));
    expect(all).not.toContain("*51. ");
    expect(all).toContain("Please fix theme 10");
    expect(all).not.toContain("Please fix theme 11");
    expect(all).toContain("250 more themes had feedback in the last 7 days");
    expect(blocksOf(thread[0])[0].elements![0].text).toMatch(/details and quotes \(1 of \d\)/);
    // The thread has no controls: a reply in it cannot ship anything by mistake.
    expect(thread.flatMap(elements).filter((e) => e.type === "button" || e.type === "overflow")).toEqual([]);
    expectWithinLimits(messages);
  });

  it("compares nothing with zero, in the lines or in the thread", () => {
    for (const n of [0, 3, 300]) {
      const text = vocDigestMessages(digest(n))
        .map((m) => JSON.stringify(m.blocks) + m.text)
        .join("\n");
      expect(text).not.toMatch(ZERO_COMPARISON);
    }
  });

  it("keeps a line within one row for long names and quotes within the thread's limits", () => {
    const d = digest(12);
    d.themes[0] = { ...d.themes[0], name: "N".repeat(60), quotes: [{ ...d.themes[0].quotes[0], text: "q".repeat(2000) }] };
    const [first, ...thread] = vocDigestMessages(d);
    expect(themeLines(first)[0].length).toBeLessThanOrEqual(300);
    expect(thread.flatMap(sectionTexts).join("\n")).toContain(
      "…\n— *Acme &amp; Sons* · $240,000 · <https://acme.slack.com/archives/C1/p1001|source>",
    );
    expectWithinLimits([first, ...thread]);
  });

  it("reads back its button and menu values, and refuses anything else", () => {
    expect(parseThemeItemsValue(themeItemsValue(12, { from: FROM, to: TO }))).toEqual({ themeId: 12, from: FROM, to: TO });
    for (const bad of ["12", "x:1:2", "12:5:5", "0:1:2", 12, null]) expect(parseThemeItemsValue(bad)).toBeNull();
    expect(parseThemeMenuValue("ship:7")).toEqual({ op: "ship", themeId: 7 });
    expect(parseThemeMenuValue("archive:7")).toEqual({ op: "archive", themeId: 7 });
    for (const bad of ["delete:7", "ship:", "ship:0", undefined]) expect(parseThemeMenuValue(bad)).toBeNull();
  });
});

describe("the View items modal", () => {
  const items = (n: number, total: number): ThemeItems => ({
    theme: { id: 101, name: "Exports <!here>", status: "active", mergedFrom: [] },
    period: { from: FROM, to: TO },
    items: Array.from({ length: n }, (_, i) => ({
      itemId: i + 1,
      text: `Item ${i + 1}: <!channel> ${"x".repeat(i === 0 ? 3000 : 10)}`,
      permalink: i % 2 ? null : `https://acme.slack.com/archives/C1/p${i}`,
      accountName: i === 1 ? null : "Acme",
      accountArr: i === 1 ? null : 100_000,
      internal: i === 1,
      createdAt: FROM,
    })),
    total,
  });

  it("shows the theme's quotes escaped, with their accounts and links to their messages, and says how many more", () => {
    const view = themeItemsModal(items(40, 55));
    expect(view.type).toBe("modal");
    expect((view as { title: { text: string } }).title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    const blocks = view.blocks as unknown as Block[];
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerView);
    expect(blocks[0]).toMatchObject({ type: "header", text: { text: "Exports &lt;!here&gt;" } });
    expect(blocks[1].elements![0].text).toContain("55 items from");
    expect(blocks[1].elements![0].text).toContain(
      "the 40 from the accounts with the highest ARR first; `GET /api/v1/feedback?theme=101` lists them all",
    );
    const quotes = blocks.filter((b) => b.type === "section").map((b) => b.text!.text);
    expect(quotes).toHaveLength(40);
    expect(quotes[0]).toMatch(
      /^> Item 1: &lt;!channel&gt; x+…\n— \*Acme\* · \$100,000 · <https:\/\/acme\.slack\.com\/archives\/C1\/p0\|open the message> · <!date\^/,
    );
    expect(quotes[1]).toContain("— _no account_ · _internal_ ·");
    for (const q of quotes) expect(q.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(JSON.stringify(view)).not.toMatch(/<!(channel|here)>/);
  });

  it("says so when the theme has no items in the period any more, and shows a note while loading", () => {
    const empty = themeItemsModal(items(0, 0)).blocks as unknown as Block[];
    expect(empty[2].text!.text).toContain("No items of this theme in the period");
    expect((themeItemsModal(null).blocks as unknown as Block[])[0].text!.text).toBe("Finding the theme's items…");
    expect((themeItemsModal(null, "Not for you").blocks as unknown as Block[])[0].text!.text).toBe("Not for you");
  });
});
