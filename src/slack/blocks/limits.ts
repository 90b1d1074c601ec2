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
  /** A view's private_metadata; Slack refuses a longer one (and the modal does not open). */
  privateMetadata: 3000,
} as const;

/** What a modal's private_metadata may hold: whole numbers, and short IDs (Slack IDs, timestamps, digests). */
export type MetadataValue = number | string | null;
const BOUNDED_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A modal's private_metadata: bounded IDs only, never text a person or a customer wrote (a submission
 * reads that back from Slack or the database). Throws for anything else, so a builder given the wrong
 * thing fails here, plainly, rather than at Slack with a modal that never opens.
 */
export function modalMetadata(fields: Record<string, MetadataValue>): string {
  for (const [key, value] of Object.entries(fields)) {
    const bounded =
      value === null || (typeof value === "number" && Number.isSafeInteger(value)) || (typeof value === "string" && BOUNDED_ID.test(value));
    if (!bounded) throw new Error(`private_metadata: ${key} is not a bounded ID`);
  }
  const json = JSON.stringify(fields);
  if (json.length > LIMITS.privateMetadata) throw new Error(`private_metadata: ${json.length} characters`);
  return json;
}

/** A modal's private_metadata read back: its fields, or null when it is not what a builder wrote. */
export function readModalMetadata(raw: string | undefined): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw || "null");
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

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
