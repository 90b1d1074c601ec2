// `/feedback ship <theme> <note>`: finds the theme (the longest leading words that name one), reads each
// source message to learn which threads can still be answered, then marks the theme shipped once.
import type { SlackDeps } from "./deps.ts";
import { FeedbackError } from "../feedback/rules/feedback.ts";
import { itemsToAnswer } from "../feedback/use-cases/ship-theme.ts";
import { fetchMessage } from "./events/reaction.ts";
import { escapeMrkdwn } from "./blocks/limits.ts";

export async function shipTheme(deps: SlackDeps, userId: string, args: string): Promise<string> {
  if (!deps.themes || !deps.loop) throw new FeedbackError("Themes are not set up in this app.");
  const words = args.split(/\s+/).filter(Boolean);
  if (words.length === 0)
    throw new FeedbackError(
      "Which theme shipped? `/feedback ship <theme> <what changed for customers>`, for example `/feedback ship Exports Excel exports now finish in seconds`.",
    );
  let theme: { id: number; name: string } | null = null;
  let noteStart = 0;
  for (let n = words.length; n >= 1 && !theme; n--) {
    const found = await deps.themes.find(words.slice(0, n).join(" ")).catch(() => null);
    if (found) {
      theme = found;
      noteStart = n;
    }
  }
  if (!theme)
    throw new FeedbackError(`No theme matches the start of “${escapeMrkdwn(args.slice(0, 60))}”. \`/feedback themes\` lists them.`);
  const note = words.slice(noteStart).join(" ");
  if (!note) throw new FeedbackError(`Say what shipped for customers after the theme: \`/feedback ship ${theme.name} <what changed>\`.`);

  return shipById(deps, userId, theme.id, note);
}

/** Reads each source message of the theme's items, then marks it shipped once; returns the answer text. */
export async function shipById(deps: SlackDeps, userId: string, themeId: number, note: string): Promise<string> {
  if (!deps.loop) throw new FeedbackError("Themes are not set up in this app.");
  const candidates = await itemsToAnswer(deps.db, themeId);
  const reachable = new Set<number>();
  for (const item of candidates) {
    try {
      if (await fetchMessage(deps, item.channelId, item.messageTs)) reachable.add(item.id);
    } catch (error) {
      deps.log.debug({ err: error, item: item.id }, "source message cannot be read; its thread is not answered");
    }
  }
  const result = await deps.loop.ship(themeId, userId, note, reachable);
  const parts = [`*${escapeMrkdwn(result.theme.name)}* is marked shipped.`];
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
