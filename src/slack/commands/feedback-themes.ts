// `/feedback themes …`: list and manage the themes feedback is grouped under. Returns the ephemeral
// answer; the `/feedback` router sends it.
//   /feedback themes                          list (name, items, status)
//   /feedback themes add <name>
//   /feedback themes rename <old> to <new>    (or -> or →)
//   /feedback themes merge <from> into <to>   (or -> or →)
//   /feedback themes archive <name>           /feedback themes unarchive <name>
// A theme is named by its name (any case) or by its number, `#12`.
import { userActor, type Actor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { pairCandidates, pickPair } from "../../feedback/rules/themes.ts";
import type { FeedbackContext } from "../../feedback/use-cases/context.ts";
import { addTheme } from "../../feedback/use-cases/add-theme.ts";
import { archiveTheme, unarchiveTheme } from "../../feedback/use-cases/archive-theme.ts";
import { findTheme } from "../../feedback/use-cases/find-theme.ts";
import { listThemes } from "../../feedback/use-cases/list-themes.ts";
import { mergeThemes } from "../../feedback/use-cases/merge-themes.ts";
import { renameTheme } from "../../feedback/use-cases/rename-theme.ts";
import type { SlackDeps } from "../deps.ts";
import {
  THEMES_OFF,
  THEMES_USAGE,
  listText,
  themeAdded,
  themeArchived,
  themeMerged,
  themePairUsage,
  themeRenamed,
  themeUnarchived,
  unknownThemesCommand,
  whichTheme,
} from "../blocks/feedback-answers.ts";
import { feedbackErrorText } from "../blocks/feedback-errors.ts";

/** A command that cannot be understood: answered with its usage. */
class Usage extends Error {}

export async function themesCommand(deps: SlackDeps, userId: string, args: string): Promise<string> {
  const ctx = deps.feedback;
  if (!ctx) return THEMES_OFF;
  const actor = userActor(userId);
  const text = args.trim();
  const sub = text.split(/\s+/)[0]?.toLowerCase() ?? "";
  const rest = text.slice(sub.length).trim();
  try {
    switch (sub) {
      case "":
      case "list":
        return listText(await listThemes(ctx, actor));
      case "add":
      case "create":
      case "new":
        return themeAdded(await addTheme(ctx, actor, { name: rest }));
      case "rename": {
        const [ref, name] = await splitPair(ctx, actor, rest, ["->", "→", "to"], "rename <old> to <new>");
        return themeRenamed(await renameTheme(ctx, actor, { ref, name }));
      }
      case "merge": {
        const [from, into] = await splitPair(ctx, actor, rest, ["->", "→", "into"], "merge <from> into <to>");
        return themeMerged(await mergeThemes(ctx, actor, { from, into }));
      }
      case "archive":
        if (!rest) return whichTheme("archive");
        return themeArchived(await archiveTheme(ctx, actor, { ref: rest }));
      case "unarchive":
      case "restore":
        if (!rest) return whichTheme("unarchive");
        return themeUnarchived(await unarchiveTheme(ctx, actor, { ref: rest }));
      case "help":
        return THEMES_USAGE;
      default:
        return unknownThemesCommand(sub);
    }
  } catch (error) {
    if (error instanceof Usage) return error.message;
    const refused = isDomainError(error) ? feedbackErrorText(error) : null;
    if (refused !== null) return refused;
    throw error;
  }
}

/**
 * Splits "<a> <separator> <b>" where names may hold spaces and even the separator word: arrows win,
 * then the split whose two sides name existing themes (or whose left side does, for a new name).
 */
async function splitPair(ctx: FeedbackContext, actor: Actor, text: string, separators: string[], form: string): Promise<[string, string]> {
  const candidates = pairCandidates(text, separators);
  if (candidates.length === 0) throw new Usage(themePairUsage(form));
  if (candidates.length === 1) return candidates[0];
  const named = async (ref: string) => (await findTheme(ctx, actor, { ref })) !== null;
  const found = await Promise.all(candidates.map(async ([l, r]) => [await named(l), await named(r)] as const));
  return pickPair(candidates, found);
}
