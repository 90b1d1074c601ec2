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
  /** chat.postMessage's `username` (a post shown as written by a person). */
  username: 80,
  /** A header block's plain_text. */
  headerText: 150,
  /** A section's fields, and each field's text. */
  sectionFields: 10,
  fieldText: 2000,
  /** Elements of an actions block, and of a context block. */
  actionsElements: 25,
  contextElements: 10,
  /** An overflow menu holds 2 to 5 options. */
  overflowOptions: 5,
  /** A button's or an option's value. */
  buttonValue: 2000,
  /**
   * The text of all of a message's blocks together. Slack refuses a longer message (`msg_blocks_too_long`)
   * somewhere near 12,000 characters; the limit is undocumented (slackapi/bolt-js#2509, #2867: one was
   * refused at 11,341), so the app keeps well under it.
   */
  blockTextPerMessage: 8000,
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

/** Cuts text to at most `max` characters, ending with an ellipsis when cut (never inside `&amp;`, `&lt;` or `&gt;`). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text
    .slice(0, Math.max(0, max - 1))
    .replace(/&[a-z]{0,3}$/, "")
    .trimEnd()}…`;
}

/**
 * The one escape for text that came from outside the app (a customer's message, a Slack display or
 * workspace name, an API batch, a form, a theme name) before it goes into any Slack text: a message's
 * `text`, mrkdwn or plain_text. `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;` as Slack's rules say,
 * so `<!channel>`, `<!here>`, `<!subteam^…>`, `<@U…>` or `<https://…|label>` in it show as typed and
 * notify or link no one. An `&` that already starts `&amp;`, `&lt;` or `&gt;` is kept: Slack sends
 * message text escaped that way, and escaping it again would show the entity. The app's own links and
 * mentions (of IDs it stores) are added around the escaped text, never through it. Store text raw;
 * escape it once, in the builder that puts it in a field.
 */
export function escapeSlackText(text: string): string {
  return text
    .replace(/&(?!(?:amp|lt|gt);)/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
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
