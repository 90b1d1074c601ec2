// The voice-of-customer digest as Slack messages: a pure function from the digest model to a list of
// messages, each within Block Kit's limits (at most 50 blocks, every text at most 3,000 characters).
// The first message is the top-level post; the others continue in its thread.
import { ACTIONS } from "./ids.ts";
import type { KnownBlock } from "@slack/types";
import type { Digest, DigestTheme, PeriodTotals, Quote, ThemeFigures } from "../../feedback/rules/digest.ts";
import { money } from "./health-alert.ts";
import { LIMITS, escapeSlackText, oneLine, quote, slackDate, truncate } from "./limits.ts";

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Longest quote shown in a digest (the item itself keeps up to 2,000 characters). */
export const DIGEST_QUOTE_CHARS = 1000;
/** Slack's limit on a header block's text. */
const HEADER_TEXT = 150;
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
const header = (text: string): KnownBlock => ({ type: "header", text: { type: "plain_text", text: truncate(text, HEADER_TEXT) } });

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

function quoteBlock(q: Quote): KnownBlock {
  const who = [
    q.accountName ? `*${escapeSlackText(q.accountName)}*` : "_no account_",
    q.accountArr !== null ? money(q.accountArr) : null,
    q.internal ? "_internal_" : null,
  ]
    .filter(Boolean)
    .join(" · ");
  const link = q.permalink ? ` · <${q.permalink}|source>` : "";
  const attribution = `\n— ${who}${link}`;
  // The attribution and link are never cut; the quote gives way.
  const room = Math.min(DIGEST_QUOTE_CHARS, LIMITS.sectionText - attribution.length);
  return section(`${quote(escapeSlackText(q.text), room)}${attribution}`);
}

function themeBlocks(t: DigestTheme, days: string): KnownBlock[] {
  const status = [t.isNew ? ":new: new theme" : null, t.status === "archived" ? "_archived_" : null].filter(Boolean).join(" · ");
  const head = `*${t.rank}. ${escapeSlackText(t.name)}*${status ? ` · ${status}` : ""}\n${figuresLine(t, t.previous, days)}`;
  const blocks: KnownBlock[] = [
    {
      ...section(head),
      // Closing the loop from the theme itself: a modal asks what shipped.
      accessory: {
        type: "button",
        action_id: ACTIONS.themeShip,
        text: { type: "plain_text", text: "Mark shipped" },
        value: String(t.themeId),
      },
    } as KnownBlock,
    context(`${atRiskLine(t)} · ${plural(t.totalItems, "item")} in all · theme #${t.themeId}`),
  ];
  for (const q of t.quotes) blocks.push(quoteBlock(q));
  return blocks;
}

function summaryBlocks(d: Digest, title: string, days: string): KnownBlock[] {
  const t = d.totals;
  const p = d.previousTotals;
  const blocks: KnownBlock[] = [
    header(`${title}: ${days}`),
    context(
      `${slackDate(d.from, "{date_short_pretty} {time}")} to ${slackDate(d.to, "{date_short_pretty} {time}")} · themes ranked by the ARR of the distinct accounts asking`,
    ),
  ];
  if (t.items === 0) {
    const before = p.items > 0 ? ` (${plural(p.items, "item")} in the ${days.replace("last", "previous")})` : "";
    blocks.push(section(`No feedback in the ${days}${before}.`));
  } else {
    blocks.push(
      section(
        [
          totalsLine(t, p, days),
          t.atRiskAccounts > 0 ? `:warning: ${money(t.atRiskArr)} of it from ${plural(t.atRiskAccounts, "yellow or red account")}` : null,
        ]
          .filter(Boolean)
          .join("\n"),
      ),
    );
  }
  if (t.untagged > 0) blocks.push(section(`:label: *${plural(t.untagged, "untagged item")}*: tag them so they count.`));
  if (d.newThemes.length) {
    const more = d.moreNewThemes > 0 ? ` and ${d.moreNewThemes} more` : "";
    const names = d.newThemes.map((n) => `\`${escapeSlackText(n.name)}\` (${n.items})`).join(", ");
    blocks.push(section(truncate(`:new: *New themes*: ${names}`, LIMITS.sectionText - more.length) + more));
  }
  if (d.themes.length) blocks.push({ type: "divider" }, section("*Top themes*"));
  return blocks;
}

/**
 * Packs groups of blocks (a group is never split) into messages of at most `max` blocks; the first
 * message may hold fewer (`firstMax`). A group larger than a message is cut to fit.
 */
export function packBlocks(groups: KnownBlock[][], max: number, firstMax = max): KnownBlock[][] {
  const pages: KnownBlock[][] = [[]];
  for (const group of groups) {
    let page = pages[pages.length - 1];
    const room = pages.length === 1 ? firstMax : max;
    if (page.length + group.length > room && page.length > 0) {
      page = [];
      pages.push(page);
    }
    page.push(...group.slice(0, pages.length === 1 ? firstMax : max));
  }
  return pages;
}

/** The digest as messages: the first for the channel, the others for its thread, each within Block Kit's limits. */
export function vocDigestMessages(d: Digest, options: DigestRenderOptions = {}): SlackMessage[] {
  const title = options.title ?? "Voice of the customer";
  const days = periodLabel(d);
  const groups: KnownBlock[][] = [summaryBlocks(d, title, days), ...d.themes.map((t) => themeBlocks(t, days.replace(/^last /, "")))];
  if (d.moreThemes > 0)
    groups.push([context(`${plural(d.moreThemes, "more theme")} had feedback in the ${days}: \`GET /api/v1/themes\` lists them all.`)]);
  // Each continuation starts with one line saying what it is.
  const pages = packBlocks(groups, LIMITS.blocksPerMessage - 1, LIMITS.blocksPerMessage - (options.reserveInFirst ?? 0));
  const top = d.themes[0];
  const firstText = oneLine(
    `${title}, ${days}: ${d.totals.items ? plural(d.totals.items, "item") : "no feedback"}` +
      (top ? `; top theme ${escapeSlackText(top.name)} (${askingPart(top).replace(/\*/g, "")})` : "") +
      (pages.length > 1 ? `; continued in the thread` : ""),
  );
  return pages.map((blocks, i) =>
    i === 0
      ? { text: firstText, blocks }
      : {
          text: oneLine(`${title}, ${days}, continued (${i + 1} of ${pages.length})`),
          blocks: [context(`_${title}, ${days}, continued (${i + 1} of ${pages.length})_`), ...blocks],
        },
  );
}
