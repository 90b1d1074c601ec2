// The short messages the desk posts: the customer's acknowledgement, the log lines and mirrors in the
// card's thread, and the ephemeral answers to commands and shortcuts.
import type { MessageState, Priority, Status, Ticket, TicketChange } from "../../support/rules/ticket.ts";
import type { SlaAlert } from "../../support/rules/sla.ts";
import type { SlaRecipients } from "../../support/rules/sla-recipients.ts";
import type { AttachedFile } from "../../support/rules/files.ts";
import { LIMITS, escapeSlackText, quote, slackDate, truncate } from "./limits.ts";
import { fileList, filesCount } from "./files.ts";
import { formatDuration } from "./durations.ts";
import { PRIORITY_LABELS, STATUS_LABELS } from "./ticket-card.ts";

export function acknowledgement(ticket: Ticket): string {
  return `Thanks, we've logged your request as *#${ticket.id}*. Our team will answer in this thread.`;
}

/** A /ticket request has no customer message to answer under, so the acknowledgement carries the text. */
export function commandTicketPost(ticket: Ticket): string {
  const opened =
    ticket.createdById && ticket.createdById !== ticket.requesterId
      ? `opened by <@${ticket.createdById}> for <@${ticket.requesterId}>`
      : `opened by <@${ticket.requesterId}>`;
  return `Ticket *#${ticket.id}* ${opened}. We'll follow up in this thread.\n${quote(escapeSlackText(ticket.text), LIMITS.sectionText - 200)}`;
}

const who = (id: string | null) => (id ? `<@${id}>` : "Someone");

export function changeLogLine(change: TicketChange): string {
  switch (change.kind) {
    case "assignee_changed":
      if (!change.to) return `${who(change.actorId)} unassigned the ticket (was <@${change.from}>).`;
      if (change.to === change.actorId) return `${who(change.actorId)} took the ticket${change.from ? ` (was <@${change.from}>)` : ""}.`;
      return `${who(change.actorId)} assigned the ticket to <@${change.to}>${change.from ? ` (was <@${change.from}>)` : ""}.`;
    case "priority_changed":
      return `${who(change.actorId)} set priority to *${PRIORITY_LABELS[change.to as Priority]}* (was ${PRIORITY_LABELS[change.from as Priority]}).`;
    case "status_changed":
      if (change.to === "resolved") return `:white_check_mark: ${who(change.actorId)} resolved the ticket.`;
      if (!change.actorId) return `The customer replied: status is back to *${STATUS_LABELS[change.to as Status]}*.`;
      return `${who(change.actorId)} set status to *${STATUS_LABELS[change.to as Status]}* (was ${STATUS_LABELS[change.from as Status]}).`;
    case "reopened":
      return change.actorId
        ? `:leftwards_arrow_with_hook: ${who(change.actorId)} reopened the ticket.`
        : `:leftwards_arrow_with_hook: The customer replied after resolution: the ticket is reopened.`;
  }
}

/** A message of the customer's thread mirrored into the card's thread, with its files; after an edit or deletion in Slack, marked so. */
export function mirroredMessage(message: {
  userId: string;
  text: string;
  role: "customer" | "agent";
  files?: readonly AttachedFile[];
  permalink?: string | null;
  state?: MessageState | null;
}): string {
  const files = message.files ?? [];
  const mark = message.state === "edited" ? " _(edited)_" : message.state === "deleted" ? " _(since deleted in Slack)_" : "";
  const verb = files.length && !message.text.trim() ? "shared" : message.role === "customer" ? "wrote" : "answered";
  const head =
    message.role === "customer"
      ? `:speech_balloon: <@${message.userId}> ${verb} in the customer's thread${mark}:`
      : `:outbox_tray: <@${message.userId}> ${verb} in the customer's thread${mark}:`;
  const said = escapeSlackText(message.text);
  if (files.length === 0) return `${head}\n${quote(said, LIMITS.sectionText - head.length - 1)}`;
  const list = truncate(`:paperclip: ${filesCount(files.length)}:\n${fileList(files, message.permalink ?? null)}`, LIMITS.sectionText / 2);
  if (!message.text.trim()) return `${head}\n${list}`;
  return `${head}\n${quote(said, LIMITS.sectionText - head.length - list.length - 2)}\n${list}`;
}

/** In the card's thread: the customer edited or deleted the message the ticket was made from. */
export function sourceChangeLine(ticket: Pick<Ticket, "requesterId">, change: { state: MessageState; previousText: string }): string {
  if (change.state === "deleted") {
    return ":wastebasket: The message this ticket was made from was deleted in Slack. The ticket stays as it is, and the card keeps its text.";
  }
  const head = `:pencil2: <@${ticket.requesterId}> edited the message this ticket was made from; the card shows the new text. It was:`;
  return `${head}\n${quote(escapeSlackText(change.previousText), LIMITS.sectionText - head.length - 1)}`;
}

/** Each earlier message of a thread, copied for context, is cut to this many characters. */
const CONTEXT_MESSAGE_CHARS = 600;

/**
 * The earlier messages of the thread a ticket was made in, for the card's thread: a heading, then each
 * message with its author and time, in as few posts as fit Slack's limits.
 */
export function threadContextPosts(messages: readonly { userId: string | null; text: string; at: Date }[]): string[] {
  if (messages.length === 0) return [];
  const head = `:scroll: Earlier in the thread this ticket was made in (${messages.length === 1 ? "1 message" : `${messages.length} messages`}):`;
  const posts: string[] = [];
  let current = head;
  for (const m of messages) {
    const entry = `${m.userId ? `<@${m.userId}>` : "A bot"}, ${slackDate(m.at)}:\n${quote(escapeSlackText(m.text), CONTEXT_MESSAGE_CHARS)}`;
    if (current.length + entry.length + 2 > LIMITS.sectionText) {
      posts.push(current);
      current = entry;
    } else current = `${current}\n\n${entry}`;
  }
  posts.push(current);
  return posts;
}

/** An agent's reply (typed in the Reply to customer modal) as posted in the customer's thread. */
/** What the customer reads in their thread when the ticket is resolved (before any survey). */
export function resolvedNote(ticket: { id: number }, actorId: string | null): string {
  const by = actorId ? ` by <@${actorId}>` : "";
  return `:white_check_mark: Resolved${by} (ticket #${ticket.id}). If it is not, reply here and we will pick it up again.`;
}

export function customerReply(text: string): string {
  return escapeSlackText(text);
}

export function replyLogLine(agentId: string, text: string): string {
  const head = `:outbox_tray: <@${agentId}> replied to the customer through the app:`;
  return `${head}\n${quote(escapeSlackText(text), LIMITS.sectionText - head.length - 1)}`;
}

const TARGET_NAMES = { first_response: "first response", resolution: "resolution" } as const;

/** The mention that makes an SLA alert reach a person (src/support/rules/sla-recipients.ts chose whom). */
export function slaMention(to: SlaRecipients): string {
  switch (to.kind) {
    case "assignee":
      return `<@${to.userId}>`;
    case "group":
      return `<!subteam^${to.groupId}>`;
    case "agents":
      return to.userIds.map((id) => `<@${id}>`).join(" ");
    case "here":
      return "<!here>";
  }
}

/** How much of the request's first line a breach quotes. */
export const BREACH_REQUEST_CHARS = 100;

/**
 * An SLA warning or breach in the card's thread, mentioning whom it is for. A breach is also broadcast to
 * the channel, so it names what the ticket is about: the account (its name if known) and the first line
 * of the request, escaped and cut short.
 */
export function slaAlertLine(
  to: SlaRecipients,
  ticket: Ticket,
  alert: SlaAlert,
  account?: { externalId: string; name: string | null } | null,
): string {
  const target = `${TARGET_NAMES[alert.kind]} target (${formatDuration(alert.targetSeconds)} of business time)`;
  const which = `${slaMention(to)} ${to.kind === "assignee" ? "" : "unassigned "}ticket *#${ticket.id}*`;
  if (alert.level === "breach") {
    const firstLine = ticket.text.trim().split("\n")[0]?.trim() ?? "";
    const about = [
      account ? `*${escapeSlackText(truncate(account.name ?? account.externalId, 80))}*` : null,
      firstLine ? `“${escapeSlackText(truncate(firstLine, BREACH_REQUEST_CHARS))}”` : null,
    ].filter(Boolean);
    return `:rotating_light: ${which} missed its ${target}.${about.length ? `\n${about.join(": ")}` : ""}`;
  }
  const due = alert.dueAt ? ` It is due ${slackDate(alert.dueAt)}.` : "";
  return `:warning: ${which} has used most of its ${target}.${due}`;
}

/** The answer to a mention of the app with nothing asked in it (only the person who mentioned it sees it). */
export function mentionHelp(botUserId: string | null): string {
  const me = botUserId ? `<@${botUserId}>` : "me";
  return (
    `Hi! To reach the support team, mention ${me} with what you need in the same message, for example ` +
    `"${me} our invoices fail to export since Monday". I'll open a ticket, and the team will answer in its thread.`
  );
}

/** An agent mentioned the app: mentions are how customers ask; agents have /ticket and the reaction. */
export const AGENT_MENTION_HELP =
  "Mentions of the app are how customers ask for help, so yours opened nothing. To open a ticket for a customer, use `/ticket <what they need>` or react with :ticket: to their message.";

export const TICKET_USAGE =
  "Usage: `/ticket <what the customer needs>`, for example `/ticket Acme cannot export invoices since Monday`; name the customer first (`/ticket @alice …`) to open it for them.";
export const TICKET_NEEDS_TEXT = `Please say what the ticket is about. ${TICKET_USAGE}`;

/** The answer to /ticket. */
export const commandTicketCreated = (ticketId: number): string =>
  `Ticket *#${ticketId}* created. I'll post it in this channel; the conversation continues in its thread.`;

/** The answers to the "Create ticket" shortcut. */
export const shortcutTicketCreated = (ticketId: number): string => `Ticket *#${ticketId}* created.`;
export const alreadyTicket = (ticketId: number): string => `This message is already ticket *#${ticketId}*.`;

/** A ticket opened by hand in a channel the app cannot post in. */
export function notInChannelWarning(ticketId: number, channel: string): string {
  return (
    `Ticket *#${ticketId}* is logged and on the triage card, but I'm not a member of <#${channel}>, ` +
    `so I can't answer in its thread there. Invite me with \`/invite @Customer Desk\` in that channel.`
  );
}
