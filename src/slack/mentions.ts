// The app's own mention in a message (`<@U…>` of its bot user, as Slack writes it in `text`) addresses
// the app; it is not part of what the person asks. Every path that takes a person's words from Slack for
// the desk (a message, its edit, a mention, a reacted message) takes them without it, so a ticket's text
// is the same whichever way it came in, and an edit compares like with like.

/** The text without the app's mentions (and a comma or colon right after one); unchanged when there is none. */
export function withoutAppMention(text: string, botUserId: string | null): string {
  if (!botUserId || !text.includes(`<@${botUserId}`)) return text;
  const mention = new RegExp(`<@${botUserId}(?:\\|[^>]*)?>[,:]?[ \\t]*`, "g");
  const stripped = text.replace(mention, "");
  return stripped === text ? text : stripped.trim();
}
