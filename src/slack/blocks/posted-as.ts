// How a post written through the app on a person's behalf (Reply to customer) shows in Slack: the
// person's name and picture instead of the app's (chat.postMessage's username and icon_url, which need
// the chat:write.customize scope; without it the dispatcher posts as the app).
import { LIMITS, escapeSlackText, oneLine } from "./limits.ts";

/** The Web API arguments that show a post as the person's, or null (no name known: post as the app). */
export function postedAs(profile: { name: string | null; avatar?: string | null }): Record<string, string> | null {
  // A profile name is text from outside: one line, escaped, within Slack's length.
  const name = profile.name ? oneLine(escapeSlackText(profile.name), LIMITS.username) : "";
  if (!name) return null;
  const icon = profile.avatar && /^https:\/\/[^\s<>"]+$/.test(profile.avatar) ? profile.avatar : null;
  return icon ? { username: name, icon_url: icon } : { username: name };
}
