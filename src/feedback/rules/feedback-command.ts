// What `/feedback <text>` asks for: a subcommand (help, themes, digest, ship), or feedback to send. A
// first word a typo or two away from a subcommand (`theme`, `digset`) is most likely a mistyped
// subcommand, so it is not sent without asking; starting with `--` sends the text as it is.
// `for:<account>` first (`for:globex`, `for:"Acme Corp"`) names the account the feedback is for.
// Pure: the command listener asks what to do, and does it.

export const FEEDBACK_SUBCOMMANDS = ["help", "themes", "digest", "ship"] as const;
export type FeedbackSubcommand = (typeof FEEDBACK_SUBCOMMANDS)[number];

/** `--` before the text: send it as feedback even when its first word looks like a subcommand. */
export const LITERAL_MARK = "--";

export type FeedbackCommand =
  | { kind: "empty" }
  | { kind: "subcommand"; name: FeedbackSubcommand; rest: string }
  /** The first word looks like a mistyped subcommand: ask before sending `text`. */
  | { kind: "mistyped"; suggestion: FeedbackSubcommand; text: string }
  /** `forAccount`: the account named with `for:` (an external id or a name), null when none was. */
  | { kind: "feedback"; text: string; forAccount: string | null }
  /** `for:` with no account after it. */
  | { kind: "noAccount" };

/** `for:globex`, `for:"Acme Corp"` (Slack may turn the quotes curly), then the text. */
const FOR_ACCOUNT = /^for:(?:["“”]([^"“”]*)["“”]|(\S*))\s*/i;

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The subcommand a word is a typo of: within edit distance 2 of one and not equal to any (the nearest;
 * on a tie, the first in FEEDBACK_SUBCOMMANDS). Words of three letters or fewer must be within 1, so the
 * common openings "hi", "hey" and "she" (2 from help or ship) are not taken for typos; a word with
 * anything but letters ("Help!", "ship-ready") reads as a sentence's first word, not a command.
 */
export function mistypedSubcommand(word: string): FeedbackSubcommand | null {
  const w = word.toLowerCase();
  if (!/^[a-z]+$/.test(w) || (FEEDBACK_SUBCOMMANDS as readonly string[]).includes(w)) return null;
  const most = [...w].length <= 3 ? 1 : 2;
  let best: { name: FeedbackSubcommand; distance: number } | null = null;
  for (const name of FEEDBACK_SUBCOMMANDS) {
    const distance = editDistance(w, name);
    if (distance <= most && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

export function parseFeedbackCommand(raw: string): FeedbackCommand {
  const text = raw.trim();
  if (!text) return { kind: "empty" };
  const named = FOR_ACCOUNT.exec(text);
  if (named) {
    // Naming an account says this is feedback: no subcommand, and `--` is not needed.
    const forAccount = (named[1] ?? named[2] ?? "").trim();
    if (!forAccount) return { kind: "noAccount" };
    let rest = text.slice(named[0].length).trim();
    if (rest === LITERAL_MARK || rest.startsWith(`${LITERAL_MARK} `)) rest = rest.slice(LITERAL_MARK.length).trim();
    return rest ? { kind: "feedback", text: rest, forAccount } : { kind: "empty" };
  }
  const first = text.split(/\s+/)[0]!;
  const rest = text.slice(first.length).trim();
  if (first === LITERAL_MARK) return rest ? { kind: "feedback", text: rest, forAccount: null } : { kind: "empty" };
  const lower = first.toLowerCase();
  const exact = FEEDBACK_SUBCOMMANDS.find((name) => name === lower);
  if (exact) return { kind: "subcommand", name: exact, rest };
  const suggestion = mistypedSubcommand(first);
  if (suggestion) return { kind: "mistyped", suggestion, text };
  return { kind: "feedback", text, forAccount: null };
}
