// Block Kit's limits in one place, and the text helpers that keep to them.
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  contextText: 3000,
  plainTextButton: 75,
  optionText: 75,
  modalTitle: 24,
  messageText: 40000,
  /** The fallback `text` of a message with blocks; Slack shows it in notifications. */
  fallbackText: 300,
} as const;

/** Cuts text to at most `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** Escapes the three characters mrkdwn treats as control characters (for text typed in a modal). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Renders text as a mrkdwn quote within `max` characters. */
export function quote(text: string, max: number = LIMITS.sectionText): string {
  const quoted = text
    .trim()
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  return truncate(quoted.length > 0 ? quoted : "> _(no text)_", max);
}

/** One line for notifications and fallbacks: no newlines, short. */
export function oneLine(text: string, max: number = LIMITS.fallbackText): string {
  return truncate(text.replace(/\s+/g, " ").trim(), max);
}

/** Slack's date formatting: shows in each reader's time zone, with a fallback. */
export function slackDate(date: Date, format = "{date_short_pretty} {time}"): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^${format}|${date.toISOString().replace(/\.\d{3}Z$/, "Z")}>`;
}
