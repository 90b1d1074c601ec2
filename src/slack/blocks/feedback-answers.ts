// What people are told when they send feedback to product and work with themes: usage, confirmations,
// the theme list, the digest preview's notes and the report of a shipped theme. Pure text builders.
import type { ThemeRef } from "../../feedback/rules/feedback.ts";
import { LITERAL_MARK, type FeedbackSubcommand } from "../../feedback/rules/feedback-command.ts";
import type { KnownBlock } from "@slack/types";
import { ACTIONS } from "./ids.ts";
import type { ThemeSummary } from "../../feedback/rules/themes.ts";
import { LIMITS, escapeSlackText, truncate } from "./limits.ts";

export const FEEDBACK_OFF =
  "Sending feedback to product is not set up: an admin sets PRODUCT_CHANNEL (the product team's channel ID) to turn it on.";

export const THEMES_OFF = "Themes are not set up: an admin sets PRODUCT_CHANNEL (the product team's channel ID) to turn feedback on.";

export const FEEDBACK_USAGE = [
  "*/feedback* commands:",
  "• `/feedback <text>`: send what a customer said to the product team (`/feedback -- <text>` when it starts with a word like `themes`)",
  '• `/feedback for:<account> <text>`: the same, for an account (its external id or name; `for:"Acme Corp"` with spaces)',
  "• `/feedback themes`: list themes (`add`, `rename <old> to <new>`, `merge <from> into <to>`, `archive <name>`, `unarchive <name>`)",
  "• `/feedback digest [7d|30d]`: preview the voice-of-customer digest",
  "• `/feedback ship <theme> <what shipped>`: shows the reply customers will read and who will be told; *Ship* tells the customers who asked, and their CSMs",
  "• React with the feedback emoji to a message, or use the message shortcut *Send to product*",
].join("\n");

export const FEEDBACK_TEXT_MISSING = `Write the feedback after the command, for example \`/feedback Exports to Excel time out on big reports\`.\n${FEEDBACK_USAGE}`;

export const FOR_WHICH_ACCOUNT =
  'Which account is it for? Type its external id or name after `for:`, for example `/feedback for:globex Bulk edit for invoices` (`for:"Acme Corp"` when the name has spaces).';

export const TRY_AGAIN = "Sorry, that did not work. Please try again.";
export const FEEDBACK_NOT_SAVED = "Sorry, the feedback could not be saved. Please try again.";
export const THEME_NOT_ADDED = "Sorry, the theme could not be added. Please try again.";
export const SHIP_FAILED = "Sorry, the theme could not be marked shipped. Please try again.";
export const NOTHING_SENT = "Nothing was sent to product.";

export function capturedAnswer(id: number, created: boolean, newTagger: boolean): string {
  if (created) return `Sent to product as feedback *#${id}*. Thanks!`;
  return newTagger
    ? `This message was already sent to product as feedback *#${id}*; you are added as a tagger.`
    : `You already sent this message to product (feedback *#${id}*).`;
}

/** The answer to `/feedback <text>`: the confirmation, with the account it was filed under. */
export function capturedTextAnswer(result: {
  item: { id: number; account: { externalId: string; name: string | null } | null };
  created: boolean;
  newTagger: boolean;
}): string {
  const a = result.item.account;
  const account = a ? ` (account *${escapeSlackText(a.name ?? a.externalId)}*)` : "";
  return truncate(`${capturedAnswer(result.item.id, result.created, result.newTagger)}${account}`, 3000);
}

/** The most a button's value holds (Slack's limit is 2,000 characters). */
const BUTTON_VALUE_MAX = 2000;

/**
 * `/feedback theme …`: the first word looks like a mistyped subcommand, so nothing was sent. A button
 * sends the text as feedback anyway (when the text fits in its value); `/feedback -- <text>` always does.
 */
export function mistypedSubcommandAnswer(suggestion: FeedbackSubcommand, text: string): { text: string; blocks: KnownBlock[] } {
  const canSend = text.length <= BUTTON_VALUE_MAX;
  const anyway = canSend
    ? `To send it as feedback anyway, press *Send as feedback* (or type \`/feedback ${LITERAL_MARK} <text>\`).`
    : `To send it as feedback anyway, type \`/feedback ${LITERAL_MARK} <text>\`.`;
  const message = `Did you mean \`/feedback ${suggestion}\`? Nothing was sent to product. ${anyway}`;
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text: message } }];
  if (canSend)
    blocks.push({
      type: "actions",
      elements: [
        { type: "button", action_id: ACTIONS.feedbackSendAnyway, text: { type: "plain_text", text: "Send as feedback" }, value: text },
      ],
    });
  return { text: message, blocks };
}

export const SEND_ANYWAY_LOST = "That button has lost its text, so nothing was sent. Type `/feedback -- <text>` instead.";

// ------------------------------------------------------------------ reading the source message

export const unreadableMessage = (code: string | undefined) =>
  `I couldn't read that message (${code ?? "Slack did not answer"}), so it was not sent to product. Invite me to the channel (\`/invite @Customer Desk\`) and react again, or use \`/feedback <text>\`.`;
export const DELETED_MESSAGE =
  "That message was deleted or I can't see it, so it was not sent to product. Copy its text into `/feedback <text>` instead.";
export const MESSAGE_NOT_READ =
  "I couldn't read that message from Slack just now, so nothing was sent. Press Send again in a moment, or close this form and use `/feedback <text>`.";
export const DELETED_BEFORE_SEND = "That message was deleted, so it can't be sent. Close this form and use `/feedback <text>` instead.";
export const NO_TEXT_TO_SEND =
  "That message has no text to send to product (files and images alone can't be quoted). Use `/feedback <text>` to describe it.";
export const notInChannel = (channelId: string) =>
  `I'm not a member of <#${channelId}>, so I can't link back to that message or answer in its thread later. Invite me with \`/invite @Customer Desk\` and try again, or use \`/feedback <text>\`.`;
export const FORM_NOT_OPENED = "Sorry, the form could not be opened. Please try again.";
export const FORM_LOST_MESSAGE = "This form has lost its message. Close it and use Send to product again.";
export const ticketGone = (ticketId: number) => `Ticket #${Number.isInteger(ticketId) ? ticketId : "?"} no longer exists.`;
export const BAD_CONFIRM_BUTTON = "That button does not name a feedback item and a theme, so nothing was changed.";

// ------------------------------------------------------------------ themes

export const THEMES_USAGE = [
  "*/feedback themes* commands (a theme is its name or its number, like `#12`):",
  "• `/feedback themes`: list the themes with their number of items",
  "• `/feedback themes add <name>`: a new theme (up to 60 characters)",
  "• `/feedback themes rename <old> to <new>`: rename a theme (`->` or `→` work too)",
  "• `/feedback themes merge <from> into <to>`: move every item of one theme into another",
  "• `/feedback themes archive <name>`: keep its items, but offer it no more for new feedback (`unarchive` brings it back)",
].join("\n");

export const themePairUsage = (form: string) => `Type \`/feedback themes ${escapeSlackText(form)}\`.`;
export const unknownThemesCommand = (sub: string) =>
  `I don't know \`/feedback themes ${escapeSlackText(truncate(sub, 40))}\`.\n${THEMES_USAGE}`;
export const whichTheme = (sub: "archive" | "unarchive") => `Which theme? \`/feedback themes ${sub} <name>\`.`;

export const themeAdded = (theme: ThemeRef) =>
  `Theme *${escapeSlackText(theme.name)}* (#${theme.id}) is added. Tag feedback with it from the *Send to product* form, or confirm it where a card suggests it.`;

const cardsLine = (n: number) => (n ? ` ${n} card${n === 1 ? "" : "s"} will show it.` : "");

export const themeRenamed = (r: { from: string; to: ThemeRef; cardsUpdated: number }) =>
  `*${escapeSlackText(r.from)}* is now called *${escapeSlackText(r.to.name)}*.${cardsLine(r.cardsUpdated)}`;

export function themeMerged(r: { from: ThemeRef; into: ThemeRef; moved: number; cardsUpdated: number }): string {
  const items = `${r.moved} item${r.moved === 1 ? "" : "s"}`;
  return `*${escapeSlackText(r.from.name)}* is merged into *${escapeSlackText(r.into.name)}*: ${items} moved.${cardsLine(r.cardsUpdated)}`;
}

export const themeArchived = (theme: ThemeRef) =>
  `*${escapeSlackText(theme.name)}* is archived: its items stay and count in digests, but it is not offered for new feedback. \`/feedback themes unarchive ${escapeSlackText(theme.name)}\` brings it back.`;
export const themeUnarchived = (theme: ThemeRef) => `*${escapeSlackText(theme.name)}* is active again.`;

/** The list within one message: active themes by items, then archived ones; "and N more" when cut. */
export function listText(themes: ThemeSummary[], max: number = LIMITS.sectionText): string {
  if (themes.length === 0) return "No themes yet. Add one with `/feedback themes add <name>`.";
  const active = themes.filter((t) => t.status === "active").length;
  const head = `*Themes* (${active} active${themes.length > active ? `, ${themes.length - active} archived` : ""}):`;
  const lines = themes.map((t) => {
    const items = `${t.items} item${t.items === 1 ? "" : "s"}`;
    const status = t.status === "archived" ? " · _archived_" : "";
    const shipped = t.shippedAt ? " · shipped" : "";
    return `• *${escapeSlackText(t.name)}* #${t.id} · ${items}${status}${shipped}`;
  });
  let text = head;
  for (let i = 0; i < lines.length; i++) {
    const more = lines.length - i - 1;
    const tail = more ? `\n…and ${more} more` : "";
    if (`${text}\n${lines[i]}${tail}`.length > max) return `${text}\n…and ${lines.length - i} more`;
    text += `\n${lines[i]}`;
  }
  return text;
}

// ------------------------------------------------------------------ shipping

export const THEME_GONE = "That theme no longer exists (it may have been merged): `/feedback themes` lists them.";
export const SHIP_FORM_LOST = "This form has lost its theme. Close it and click Mark shipped again.";
export const SHIP_NOTE_REQUIRED = "Say what shipped: customers read this in their threads.";

export function shipReport(result: { theme: ThemeRef; replied: number; unreachable: number; csmsTold: number }): string {
  const parts = [`*${escapeSlackText(result.theme.name)}* is marked shipped.`];
  parts.push(
    result.replied
      ? `I replied in ${result.replied} customer thread${result.replied === 1 ? "" : "s"}.`
      : "No customer thread to reply in.",
  );
  if (result.unreachable)
    parts.push(
      `${result.unreachable} source message${result.unreachable === 1 ? " was" : "s were"} deleted or can't be read, so ${result.unreachable === 1 ? "its thread was" : "their threads were"} skipped.`,
    );
  parts.push(
    result.csmsTold
      ? `${result.csmsTold} CSM${result.csmsTold === 1 ? "" : "s"} got the list of their accounts that asked.`
      : "No CSM to tell.",
  );
  return parts.join(" ");
}

// ------------------------------------------------------------------ digest preview

export const DIGEST_USAGE =
  "Usage: `/feedback digest [7d|30d]` previews the voice-of-customer digest of the last 7 days (the default) or 30 days.";
export const CONTINUES = "…details and quotes follow in the posted digest's thread";
export const DIGEST_PREVIEW_TITLE = "Voice of the customer (preview)";
export const unknownDigestPeriod = (arg: string) => `\`${escapeSlackText(truncate(arg, 40))}\` is not a period I know. ${DIGEST_USAGE}`;
export const digestContinues = (more: number) => `_${CONTINUES} (${more} message${more === 1 ? "" : "s"})._`;
