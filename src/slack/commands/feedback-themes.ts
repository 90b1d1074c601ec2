// `/feedback themes …`: list and manage the themes feedback is grouped under. Returns the ephemeral
// answer; the `/feedback` router sends it.
//   /feedback themes                          list (name, items, status)
//   /feedback themes add <name>
//   /feedback themes rename <old> to <new>    (or -> or →)
//   /feedback themes merge <from> into <to>   (or -> or →)
//   /feedback themes archive <name>           /feedback themes unarchive <name>
// A theme is named by its name (any case) or by its number, `#12`.
import type { SlackDeps } from "../deps.ts";
import { FeedbackError } from "../../feedback/rules/feedback.ts";
import type { ThemeService, ThemeSummary } from "../../feedback/use-cases/themes.ts";
import { escapeMrkdwn, LIMITS, truncate } from "../blocks/limits.ts";

export const THEMES_USAGE = [
  "*/feedback themes* commands (a theme is its name or its number, like `#12`):",
  "• `/feedback themes`: list the themes with their number of items",
  "• `/feedback themes add <name>`: a new theme (up to 60 characters)",
  "• `/feedback themes rename <old> to <new>`: rename a theme (`->` or `→` work too)",
  "• `/feedback themes merge <from> into <to>`: move every item of one theme into another",
  "• `/feedback themes archive <name>`: keep its items, but offer it no more for new feedback (`unarchive` brings it back)",
].join("\n");

const THEMES_OFF = "Themes are not set up: an admin sets PRODUCT_CHANNEL (the product team's channel ID) to turn feedback on.";

export async function themesCommand(deps: SlackDeps, userId: string, args: string): Promise<string> {
  const themes = deps.themes;
  if (!themes) return THEMES_OFF;
  const text = args.trim();
  const sub = text.split(/\s+/)[0]?.toLowerCase() ?? "";
  const rest = text.slice(sub.length).trim();
  try {
    switch (sub) {
      case "":
      case "list":
        return listText(await themes.list());
      case "add":
      case "create":
      case "new": {
        const theme = await themes.create(rest, userId);
        return `Theme *${escapeMrkdwn(theme.name)}* (#${theme.id}) is added. Tag feedback with it from the *Send to product* form, or confirm it where a card suggests it.`;
      }
      case "rename": {
        const [from, to] = await splitPair(themes, rest, ["->", "→", "to"], "rename <old> to <new>");
        const result = await themes.rename(from, to, userId);
        return `*${escapeMrkdwn(result.from)}* is now called *${escapeMrkdwn(result.to.name)}*.${cardsLine(result.cardsUpdated)}`;
      }
      case "merge": {
        const [from, into] = await splitPair(themes, rest, ["->", "→", "into"], "merge <from> into <to>");
        const result = await themes.merge(from, into, userId);
        const items = `${result.moved} item${result.moved === 1 ? "" : "s"}`;
        return `*${escapeMrkdwn(result.from.name)}* is merged into *${escapeMrkdwn(result.into.name)}*: ${items} moved.${cardsLine(result.cardsUpdated)}`;
      }
      case "archive": {
        if (!rest) return "Which theme? `/feedback themes archive <name>`.";
        const theme = await themes.archive(rest, userId);
        return `*${escapeMrkdwn(theme.name)}* is archived: its items stay and count in digests, but it is not offered for new feedback. \`/feedback themes unarchive ${escapeMrkdwn(theme.name)}\` brings it back.`;
      }
      case "unarchive":
      case "restore": {
        if (!rest) return "Which theme? `/feedback themes unarchive <name>`.";
        const theme = await themes.unarchive(rest, userId);
        return `*${escapeMrkdwn(theme.name)}* is active again.`;
      }
      case "help":
        return THEMES_USAGE;
      default:
        return `I don't know \`/feedback themes ${escapeMrkdwn(truncate(sub, 40))}\`.\n${THEMES_USAGE}`;
    }
  } catch (error) {
    if (error instanceof FeedbackError) return escapeMrkdwn(error.message);
    throw error;
  }
}

const cardsLine = (n: number) => (n ? ` ${n} card${n === 1 ? "" : "s"} will show it.` : "");

/** The list within one message: active themes by items, then archived ones; "and N more" when cut. */
export function listText(themes: ThemeSummary[], max: number = LIMITS.sectionText): string {
  if (themes.length === 0) return "No themes yet. Add one with `/feedback themes add <name>`.";
  const active = themes.filter((t) => t.status === "active").length;
  const head = `*Themes* (${active} active${themes.length > active ? `, ${themes.length - active} archived` : ""}):`;
  const lines = themes.map((t) => {
    const items = `${t.items} item${t.items === 1 ? "" : "s"}`;
    const status = t.status === "archived" ? " · _archived_" : "";
    const shipped = t.shippedAt ? " · shipped" : "";
    return `• *${escapeMrkdwn(t.name)}* #${t.id} · ${items}${status}${shipped}`;
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

/**
 * Splits "<a> <separator> <b>" where names may hold spaces and even the separator word: arrows win,
 * then the split whose two sides name existing themes (or whose left side does, for a new name).
 */
export async function splitPair(
  themes: Pick<ThemeService, "find">,
  text: string,
  separators: string[],
  form: string,
): Promise<[string, string]> {
  const usage = `Type \`/feedback themes ${form}\`.`;
  const candidates: [string, string][] = [];
  for (const sep of separators) {
    const pattern = /^\p{L}+$/u.test(sep) ? new RegExp(`\\s${sep}\\s`, "giu") : new RegExp(`\\s*${sep}\\s*`, "gu");
    for (const m of text.matchAll(pattern)) {
      const left = text.slice(0, m.index).trim();
      const right = text.slice(m.index + m[0].length).trim();
      if (left && right) candidates.push([left, right]);
    }
    if (candidates.length && !/^\p{L}+$/u.test(sep)) break; // an arrow is unambiguous
  }
  if (candidates.length === 0) throw new FeedbackError(usage);
  if (candidates.length === 1) return candidates[0];
  const found = await Promise.all(
    candidates.map(async ([l, r]) => [Boolean(await themes.find(l)), Boolean(await themes.find(r))] as const),
  );
  const both = found.findIndex(([l, r]) => l && r);
  if (both !== -1) return candidates[both];
  const left = found.findIndex(([l]) => l);
  return candidates[left === -1 ? 0 : left];
}
