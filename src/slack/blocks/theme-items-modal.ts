// A digest theme's View items modal: the period's items of the theme, the accounts with the highest ARR
// first, each quoted (escaped) with its account and a link to its message; how many more there are and
// where to find them all.
import type { KnownBlock, View } from "@slack/types";
import type { ThemeItems } from "../../feedback/rules/listing.ts";
import { VIEWS } from "./ids.ts";
import { LIMITS, escapeSlackText, slackDate, truncate } from "./limits.ts";
import { quoteText } from "./voc-digest.ts";

/** A quote in the modal is cut to this many characters (its attribution and link never are). */
const MODAL_QUOTE_CHARS = 1500;

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.sectionText) } });
const context = (text: string): KnownBlock => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: truncate(text, LIMITS.contextText) }],
});

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** The modal: the theme's items, or (`items` null) a note while they load or when they cannot be shown. */
export function themeItemsModal(items: ThemeItems | null, note?: string): View {
  const base = {
    type: "modal" as const,
    callback_id: VIEWS.themeItems,
    title: { type: "plain_text" as const, text: "Theme items" },
    close: { type: "plain_text" as const, text: "Close" },
  };
  if (!items) return { ...base, blocks: [section(note ?? "Finding the theme's items…")] };
  const { theme, period, total } = items;
  const span = `${slackDate(period.from, "{date_short_pretty}")} to ${slackDate(period.to, "{date_short_pretty}")}`;
  const shown =
    items.items.length < total
      ? `the ${items.items.length} from the accounts with the highest ARR first; \`GET /api/v1/feedback?theme=${theme.id}\` lists them all`
      : "the accounts with the highest ARR first";
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(escapeSlackText(theme.name), LIMITS.headerText) } },
    context(
      `${plural(total, "item")} from ${span}${total ? `: ${shown}` : ""} · theme #${theme.id}${theme.status === "archived" ? " · _archived_" : ""}`,
    ),
  ];
  if (items.items.length === 0) blocks.push(section("_No items of this theme in the period any more (withdrawn or moved)._"));
  for (const q of items.items.slice(0, LIMITS.blocksPerView - blocks.length))
    blocks.push(section(`${quoteText(q, MODAL_QUOTE_CHARS, "open the message")} · ${slackDate(q.createdAt, "{date_short_pretty}")}`));
  return { ...base, blocks };
}

export const THEME_ITEMS_BAD_BUTTON = "Sorry, this View items button does not name a theme and a period. Open the latest digest again.";
export const THEME_ITEMS_FAILED = "Sorry, the theme's items could not be shown. Please try again.";
