// What a person is told when the voice-of-the-customer context refuses something: one sentence per
// DomainError code, built from the error's facts. Null for a code of another context.
import { accessDeniedText } from "./access.ts";
import type { DomainError } from "../../shared/errors.ts";
import { escapeSlackText } from "./limits.ts";

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const names = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

/** A ship note linking where customers should not be sent: which domains, what is allowed, how to allow more. */
function shipLinkRefused(domains: string[], allowed: string[]): string {
  const refused = names(domains.slice(0, 5).map((d) => escapeSlackText(d)));
  const one = domains.length === 1;
  return (
    `The note links to ${refused}, which ${one ? "is not an allowed domain" : "are not allowed domains"}: customers read this note ` +
    `from us, so it may link only to ${names(allowed.map((d) => escapeSlackText(d))) || "slack.com"} (and subdomains). ` +
    `Remove the link, or ask an admin to add ${one ? "the domain" : "the domains"} to SHIP_LINK_DOMAINS.`
  );
}

export function feedbackErrorText(error: DomainError): string | null {
  if (error.code === "access.denied") return accessDeniedText(error);
  const d = error.details;
  // Every fact is escaped: theme names and what was typed came from people.
  const raw = (key: string) => String(d[key] ?? "");
  const text = (key: string) => escapeSlackText(raw(key));
  switch (error.code) {
    case "feedback.empty":
      return "There is no text to send: the message is empty.";
    case "feedback.withdrawn":
      return "This feedback was withdrawn.";
    case "feedback.account_not_found":
      return `No account has the external id or name “${text("ref")}”, so nothing was sent. Check it with \`/cs account &lt;name&gt;\`, or leave \`for:\` out.`;
    case "feedback.account_ambiguous":
      return `Several accounts are called “${text("ref")}” (${names(list(d.externalIds).map((id) => `\`${escapeSlackText(id)}\``))}), so nothing was sent: use \`for:&lt;external id&gt;\`.`;
    case "feedback.person_required":
      return "Only a person in Slack can do that.";
    case "theme.not_found":
      return typeof d.ref === "string"
        ? `No theme called “${text("ref")}”. \`/feedback themes\` lists them.`
        : "That theme no longer exists: `/feedback themes` lists them.";
    case "theme.merged_away":
      return "That theme was merged into a theme that no longer exists: `/feedback themes` lists them.";
    case "theme.archived":
      return `“${text("name")}” is archived, so nothing new is tagged with it. \`/feedback themes unarchive ${text("name")}\` brings it back.`;
    case "theme.name_empty":
      return "Give the theme a name, for example `/feedback themes add Excel export`.";
    case "theme.name_too_long":
      return `“${escapeSlackText(raw("name").slice(0, 40))}…” is ${text("length")} characters; keep a theme's name to ${text("max")}.`;
    case "theme.name_like_number":
      return `“${text("name")}” looks like a theme number (\`#12\` refers to theme 12); choose a name with words.`;
    case "theme.name_taken":
      return `There is already a theme called “${text("name")}”${d.archived ? " (archived)" : ""} (#${text("themeId")}): choose another name, or merge into it with \`/feedback themes merge &lt;theme&gt; into ${text("name")}\`.`;
    case "theme.same_name":
      return `The theme is already called “${text("name")}”.`;
    case "theme.merge_same":
      return `“${text("from")}” and “${text("into")}” are the same theme: name two different themes.`;
    case "theme.merge_into_archived":
      return `“${text("name")}” is archived: merge into an active theme, or \`/feedback themes unarchive ${text("name")}\` first.`;
    case "theme.already_in_status":
      return `“${text("name")}” is already ${text("status")}.`;
    case "theme.ship_which":
      return "Which theme shipped? `/feedback ship &lt;theme&gt; &lt;what changed for customers&gt;`, for example `/feedback ship Exports Excel exports now finish in seconds`.";
    case "theme.no_match":
      return `No theme matches the start of “${text("text")}”. \`/feedback themes\` lists them.`;
    case "theme.ship_note_empty":
      return "Say what shipped: `/feedback ship &lt;theme&gt; &lt;what changed for customers&gt;`.";
    case "theme.ship_note_too_long":
      return `The note is ${text("length")} characters; keep it under ${text("max")}.`;
    case "theme.ship_link_not_allowed":
      return shipLinkRefused(list(d.domains), list(d.allowed));
    case "theme.already_shipped":
      return `“${text("name")}” was already marked shipped${d.shippedOn ? ` on ${text("shippedOn")}` : ""}; customers were told then.`;
    default:
      return null;
  }
}
