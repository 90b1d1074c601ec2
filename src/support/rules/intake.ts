// Intake rules: which messages are a customer's request, and which are noise.

/** Bare pleasantries and emoji-only messages: not requests. */
const PLEASANTRY = new RegExp(
  "^(?:" +
    [
      "thanks?(?: you)?(?: (?:so|very) much)?",
      "thank u",
      "thx",
      "tnx",
      "ty(?:sm)?",
      "cheers",
      "hi",
      "hello",
      "hey",
      "hiya",
      "yo",
      "good (?:morning|afternoon|evening)",
      "ok(?:ay)?",
      "k",
      "cool",
      "great",
      "perfect",
      "awesome",
      "nice",
      "got it",
      "sounds good",
      "will do",
      "np",
      "no problem",
      "bye",
    ].join("|") +
    ")(?: (?:all|team|everyone|folks|guys|again|a lot|so much))?[\\s!.,🙏👍🙂😊]*$",
  "iu",
);
const EMOJI_ONLY = /^(?:\s*(?::[a-z0-9_+'-]+:|\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f))+\s*$/u;

export function isPleasantry(text: string): boolean {
  const t = text.trim().replace(/\s+/g, " ");
  if (t.length === 0) return true;
  return EMOJI_ONLY.test(t) || PLEASANTRY.test(t);
}

export interface AuthorFacts {
  userId: string;
  /** The team the author belongs to (user_team / user_profile.team / team of the message). */
  authorTeamId: string | null;
  /** The workspace the app is installed in. */
  homeTeamId: string | null;
  /** The channel is shared with other organisations (Slack Connect). */
  sharedChannel: boolean;
  /** The author is in the agents' list or user group. */
  isAgent: boolean;
}

/**
 * A customer is a user of another workspace, or, in an internal channel, anyone who is not an agent.
 * In a Slack Connect channel anyone of the home workspace speaks for the company.
 */
export function classifyAuthor(f: AuthorFacts): "customer" | "agent" {
  if (f.authorTeamId && f.homeTeamId && f.authorTeamId !== f.homeTeamId) return "customer";
  if (f.isAgent) return "agent";
  return f.sharedChannel ? "agent" : "customer";
}

/** Turns a Slack message ts ("1700000000.000100") into the time it was sent. */
export function tsToDate(ts: string): Date {
  const [seconds, micros = "0"] = ts.split(".");
  return new Date(Number(seconds) * 1000 + Math.floor(Number(micros.padEnd(6, "0").slice(0, 6)) / 1000));
}
