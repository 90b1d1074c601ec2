// The voice-of-customer digest as Slack messages: a pure function from the digest model to a list of
// messages, each within Block Kit's limits (at most 50 blocks, every text at most 3,000 characters).
// The first message is the top-level post: the period's totals and the top 10 themes, one line each (ARR
// asking, accounts, trend) with View items (the main action) and an overflow menu (Mark shipped…,
// Archive theme). The others are its thread: every listed theme's figures and quotes, packed into as few
// messages as the limits allow.
import { ACTIONS } from "./ids.ts";
import type { KnownBlock } from "@slack/types";
import type { Digest, DigestTheme, PeriodTotals, Quote, ThemeFigures } from "../../feedback/rules/digest.ts";
import { money } from "./health-alert.ts";
import { packSections } from "./pack.ts";
import { LIMITS, escapeSlackText, oneLine, quote, slackDate, truncate } from "./limits.ts";

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Longest quote in the digest's thread (the item keeps up to 2,000 characters; View items shows 1,500). */
export const DIGEST_QUOTE_CHARS = 500;
const DAY_MS = 86_400_000;

export interface DigestRenderOptions {
  /** Blocks to leave free in the first message (for a line the caller adds). */
  reserveInFirst?: number;
  /** Instead of "Voice of the customer". */
  title?: string;
}

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } });
const context = (text: string): KnownBlock => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: truncate(text, LIMITS.contextText) }],
});
const header = (text: string): KnownBlock => ({ type: "header", text: { type: "plain_text", text: truncate(text, LIMITS.headerText) } });

export function periodLabel(d: Pick<Digest, "from" | "to">): string {
  const days = (d.to.getTime() - d.from.getTime()) / DAY_MS;
  return Number.isInteger(days) ? `last ${days} day${days === 1 ? "" : "s"}` : `${d.from.toISOString()} to ${d.to.toISOString()}`;
}

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** "▲ 25%" / "▼ 10%" / "no change" / "new" against the previous value. */
export function trend(current: number, previous: number): string {
  if (current === previous) return "no change";
  if (previous === 0) return "new";
  const pct = Math.round(((current - previous) / previous) * 100);
  if (pct === 0) return current > previous ? "▲ <1%" : "▼ <1%";
  return `${pct > 0 ? "▲" : "▼"} ${Math.abs(pct)}%`;
}

/**
 * Who is asking: "ARR *$X* from N accounts", or plainly "no account" / "N accounts, no ARR on record"
 * when there is no ARR to show (never "ARR $0 from 0 accounts").
 */
function askingPart(f: ThemeFigures): string {
  if (f.accounts === 0) return "no account";
  if (f.arr === 0) return `${plural(f.accounts, "account")}, no ARR on record`;
  return `ARR *${money(f.arr)}* from ${plural(f.accounts, "account")}`;
}

/** A theme's line. A figure is compared with the previous period only when it had one: never against zero. */
function figuresLine(f: ThemeFigures, previous: ThemeFigures, days: string): string {
  const arrVersus = f.arr > 0 && previous.arr > 0 ? ` (${trend(f.arr, previous.arr)} vs the previous ${days}: ${money(previous.arr)})` : "";
  const itemsVersus =
    previous.items > 0 ? ` (${trend(f.items, previous.items)}, ${previous.items} before)` : `, none in the previous ${days}`;
  return [`${askingPart(f)}${arrVersus}`, `${plural(f.items, "item")}${itemsVersus}`].join(" · ");
}

/** The period's totals against the previous period's, leaving out any comparison with zero. */
function totalsLine(t: PeriodTotals, p: PeriodTotals, days: string): string {
  const asking =
    t.accounts === 0
      ? "from no known account"
      : t.arr === 0
        ? `from ${plural(t.accounts, "account")} (no ARR on record)`
        : `from ${plural(t.accounts, "account")} with ARR *${money(t.arr)}*`;
  const versus = [
    t.arr > 0 && p.arr > 0 ? `ARR ${trend(t.arr, p.arr)} vs ${money(p.arr)}` : null,
    p.items > 0 ? `items ${trend(t.items, p.items)} vs ${p.items}` : `no items in the ${days.replace("last", "previous")}`,
  ]
    .filter(Boolean)
    .join("; ");
  return `*${plural(t.items, "item")}* ${asking} (${versus})`;
}

function atRiskLine(f: ThemeFigures): string {
  return f.atRiskAccounts > 0
    ? `:warning: at-risk ARR ${money(f.atRiskArr)} (${plural(f.atRiskAccounts, "yellow or red account")})`
    : "no yellow or red accounts";
}

/** An attributed quote: the quote gives way, the attribution and its link are never cut. */
export function quoteText(q: Quote, max: number = DIGEST_QUOTE_CHARS, linkLabel = "source"): string {
  const who = [
    q.accountName ? `*${escapeSlackText(q.accountName)}*` : "_no account_",
    q.accountArr !== null ? money(q.accountArr) : null,
    q.internal ? "_internal_" : null,
  ]
    .filter(Boolean)
    .join(" · ");
  const link = q.permalink ? ` · <${q.permalink}|${linkLabel}>` : "";
  const attribution = `\n— ${who}${link}`;
  const room = Math.min(max, LIMITS.sectionText - attribution.length);
  return `${quote(escapeSlackText(q.text), room)}${attribution}`;
}

const statusMarks = (t: DigestTheme, long: boolean) =>
  [t.isNew ? (long ? ":new: new theme" : ":new:") : null, t.status === "archived" ? "_archived_" : null].filter(Boolean).join(" · ");

/** How a theme moved against the previous period, in a few words; never against zero. */
function trendPart(t: DigestTheme, days: string): string {
  const vs = `vs the previous ${days}`;
  if (t.arr > 0 && t.previous.arr > 0)
    return t.arr === t.previous.arr ? `ARR as in the previous ${days}` : `ARR ${trend(t.arr, t.previous.arr)} ${vs}`;
  if (t.previous.items > 0)
    return t.items === t.previous.items ? `items as in the previous ${days}` : `items ${trend(t.items, t.previous.items)} ${vs}`;
  return `none in the previous ${days}`;
}

/** A theme's one line in the top-level message: rank and name, ARR asking from N accounts, trend. */
export function themeLine(t: DigestTheme, days: string): string {
  const marks = statusMarks(t, false);
  return oneLine(`*${t.rank}. ${escapeSlackText(t.name)}*${marks ? ` ${marks}` : ""} · ${askingPart(t)} · ${trendPart(t, days)}`, 300);
}

/** The button value of View items: the theme and the digest's period (ms), so the modal shows the same items. */
export const themeItemsValue = (themeId: number, d: Pick<Digest, "from" | "to">): string =>
  `${themeId}:${d.from.getTime()}:${d.to.getTime()}`;

export function parseThemeItemsValue(value: unknown): { themeId: number; from: Date; to: Date } | null {
  const match = typeof value === "string" ? /^(\d{1,9}):(\d{1,15}):(\d{1,15})$/.exec(value) : null;
  if (!match) return null;
  const [themeId, from, to] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (themeId < 1 || from >= to) return null;
  return { themeId, from: new Date(from), to: new Date(to) };
}

/** The overflow menu's option values: `ship:<id>` and `archive:<id>`. */
export const THEME_MENU = { ship: "ship", archive: "archive" } as const;
export function parseThemeMenuValue(value: unknown): { op: keyof typeof THEME_MENU; themeId: number } | null {
  const match = typeof value === "string" ? /^(ship|archive):(\d{1,9})$/.exec(value) : null;
  if (!match || Number(match[2]) < 1) return null;
  return { op: match[1] as keyof typeof THEME_MENU, themeId: Number(match[2]) };
}

const plainOption = (text: string, value: string) => ({ text: { type: "plain_text" as const, text }, value });

function topThemeBlocks(t: DigestTheme, d: Digest, days: string): KnownBlock[] {
  return [
    section(themeLine(t, days)),
    {
      type: "actions",
      block_id: `voc_theme:${t.themeId}`,
      elements: [
        {
          type: "button",
          action_id: ACTIONS.themeItems,
          style: "primary",
          text: { type: "plain_text", text: "View items" },
          value: themeItemsValue(t.themeId, d),
        },
        {
          type: "overflow",
          action_id: ACTIONS.themeMenu,
          options: [
            plainOption("Mark shipped…", `${THEME_MENU.ship}:${t.themeId}`),
            plainOption("Archive theme", `${THEME_MENU.archive}:${t.themeId}`),
          ],
        },
      ],
    },
  ];
}

/** A theme's details for the thread, as pieces of at most 3,000 characters (its head, then each quote). */
function themeDetails(t: DigestTheme, days: string, quotes: boolean): string[] {
  const marks = statusMarks(t, true);
  const head = truncate(
    `*${t.rank}. ${escapeSlackText(t.name)}*${marks ? ` · ${marks}` : ""}\n${figuresLine(t, t.previous, days)}\n${atRiskLine(t)} · ${plural(t.totalItems, "item")} in all · theme #${t.themeId}`,
    LIMITS.sectionText,
  );
  return [head, ...(quotes ? t.quotes.map((q) => quoteText(q)) : [])];
}

function summaryBlocks(d: Digest, title: string, days: string): KnownBlock[] {
  const t = d.totals;
  const p = d.previousTotals;
  const top = Math.min(DIGEST_TOP, d.themes.length);
  const ranked = d.themes.length
    ? ` · the top ${top === 1 ? "theme" : `${top} themes`} by the ARR of the distinct accounts asking; details and quotes in the thread`
    : "";
  const blocks: KnownBlock[] = [
    header(`${title}: ${days}`),
    context(`${slackDate(d.from, "{date_short_pretty} {time}")} to ${slackDate(d.to, "{date_short_pretty} {time}")}${ranked}`),
  ];
  const lines: string[] = [];
  if (t.items === 0) {
    const before = p.items > 0 ? ` (${plural(p.items, "item")} in the ${days.replace("last", "previous")})` : "";
    lines.push(`No feedback in the ${days}${before}.`);
  } else {
    lines.push(totalsLine(t, p, days));
    if (t.atRiskAccounts > 0) lines.push(`:warning: ${money(t.atRiskArr)} of it from ${plural(t.atRiskAccounts, "yellow or red account")}`);
  }
  if (t.untagged > 0) lines.push(`:label: *${plural(t.untagged, "untagged item")}*: tag them so they count.`);
  if (d.newThemes.length) {
    const more = d.moreNewThemes > 0 ? ` and ${d.moreNewThemes} more` : "";
    const names = d.newThemes.map((n) => `\`${escapeSlackText(n.name)}\` (${n.items})`).join(", ");
    lines.push(`:new: *New themes*: ${names}${more}`);
  }
  // The new themes' names come last: they give way first.
  blocks.push(section(lines.join("\n")));
  return blocks;
}

/** Themes on the top-level message, one line each; the thread has every listed theme's details. */
export const DIGEST_TOP = 10;

/**
 * The digest as messages: the first for the channel (the totals and the top 10 themes with their
 * controls), the others for its thread (every listed theme's figures and quotes, then the count of
 * themes not listed), each within Block Kit's limits.
 */
export function vocDigestMessages(d: Digest, options: DigestRenderOptions = {}): SlackMessage[] {
  const title = options.title ?? "Voice of the customer";
  const days = periodLabel(d);
  const shortDays = days.replace(/^last /, "");
  const reserve = options.reserveInFirst ?? 0;
  const top = d.themes.slice(0, DIGEST_TOP);
  const first: KnownBlock[] = summaryBlocks(d, title, days);
  if (top.length) first.push({ type: "divider" });
  for (const t of top) first.push(...topThemeBlocks(t, d, shortDays));
  const inThread = d.themes.length - top.length;
  const elsewhere = [
    inThread > 0 ? `themes ${top.length + 1} to ${d.themes.length} are ranked in the thread` : null,
    d.moreThemes > 0 ? `${plural(d.moreThemes, "more theme")} had feedback: \`GET /api/v1/themes\` lists them all` : null,
  ].filter(Boolean);
  if (elsewhere.length) first.push(context(`${elsewhere.join("; ")}.`.replace(/^./, (c) => c.toUpperCase())));
  // The top themes' details with their quotes; the rest of the ranking with figures only (their quotes
  // are one API call away), so that the thread stays a few messages long.
  const details = top.flatMap((t) => themeDetails(t, shortDays, true));
  if (inThread > 0) {
    details.push(`*Themes ${top.length + 1} to ${d.themes.length}* (their items: \`GET /api/v1/feedback?theme=<number>\`)`);
    details.push(...d.themes.slice(top.length).flatMap((t) => themeDetails(t, shortDays, false)));
  }
  if (d.moreThemes > 0)
    details.push(`_${plural(d.moreThemes, "more theme")} had feedback in the ${days}: \`GET /api/v1/themes\` lists them all._`);
  // Each thread message starts with one line saying what it is.
  const pages = packSections(details, { maxBlocks: LIMITS.blocksPerMessage - 1, maxChars: LIMITS.blockTextPerMessage - 300 });
  const lead = top[0];
  const firstText = oneLine(
    `${title}, ${days}: ${d.totals.items ? plural(d.totals.items, "item") : "no feedback"}` +
      (lead ? `; top theme ${escapeSlackText(lead.name)} (${askingPart(lead).replace(/\*/g, "")})` : "") +
      (pages.length ? `; details in the thread` : ""),
  );
  return [
    { text: firstText, blocks: first.slice(0, LIMITS.blocksPerMessage - reserve) },
    ...pages.map((blocks, i) => {
      const label = `${title}, ${days}: details and quotes${pages.length > 1 ? ` (${i + 1} of ${pages.length})` : ""}`;
      return { text: oneLine(label), blocks: [context(`_${label}_`), ...blocks] };
    }),
  ];
}
