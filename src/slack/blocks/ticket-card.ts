// The triage card: one message per ticket in TRIAGE_CHANNEL, updated in place on every change.
import type { KnownBlock } from "@slack/types";
import { PRIORITIES, priorityOf, statusOf, type Priority, type Status, type Ticket } from "../../support/rules/ticket.ts";
import type { SlaStatus } from "../../support/rules/sla.ts";
import { ACTIONS, cardBlockId } from "./ids.ts";
import { LIMITS, escapeSlackText, oneLine, quote, slackDate, truncate } from "./limits.ts";
import { formatDuration } from "./durations.ts";
import type { CardAccount } from "../../success/rules/account.ts";
import type { AttachedFile } from "../../support/rules/files.ts";
import { fileList, filesCount } from "./files.ts";

export const PRIORITY_LABELS: Record<Priority, string> = { urgent: "Urgent", high: "High", normal: "Normal", low: "Low" };
export const STATUS_LABELS: Record<Status, string> = { open: "Open", pending: "Pending on customer", resolved: "Resolved" };

const BAND_DOT: Record<string, string> = { green: ":large_green_circle:", yellow: ":large_yellow_circle:", red: ":red_circle:" };

const PRIORITY_EMOJI: Record<Priority, string> = {
  urgent: ":red_circle:",
  high: ":large_orange_circle:",
  normal: ":large_blue_circle:",
  low: ":white_circle:",
};
const STATUS_EMOJI: Record<Status, string> = {
  open: ":envelope_with_arrow:",
  pending: ":hourglass_flowing_sand:",
  resolved: ":white_check_mark:",
};

const option = (value: string, text: string) => ({ text: { type: "plain_text" as const, text }, value });

export function requesterLabel(ticket: Pick<Ticket, "requesterId" | "requesterCompany">): string {
  return ticket.requesterCompany ? `<@${ticket.requesterId}> (${escapeSlackText(ticket.requesterCompany)})` : `<@${ticket.requesterId}>`;
}

/** The card's notification text: how urgent, which ticket, and what the customer said. */
export function ticketCardText(ticket: Ticket, files: readonly AttachedFile[] = [], sla?: SlaStatus | null): string {
  const said = ticket.text.trim() ? escapeSlackText(ticket.text) : files.length ? `(${filesCount(files.length)})` : "";
  const state = cardSla(sla);
  const urgency = state === "breached" ? "SLA missed: " : state === "due_soon" ? "SLA due soon: " : "";
  const from =
    ticket.origin === "command" && ticket.createdById === ticket.requesterId
      ? ""
      : ` from ${ticket.requesterName ? escapeSlackText(ticket.requesterName) : "a customer"}`;
  return oneLine(`${urgency}Ticket #${ticket.id}${from}: ${said}`);
}

/** Where the customer's files are: in their thread (a Reply to customer sends text only). */
export function cardFilesText(ticket: Pick<Ticket, "permalink">, files: readonly AttachedFile[]): string {
  const where = ticket.permalink ? `<${ticket.permalink}|the customer's thread>` : "the customer's thread";
  const head = `:paperclip: *${filesCount(files.length)} from the customer*, in ${where} (Reply to customer sends text only; to send a file, answer there):`;
  return `${head}\n${fileList(files, ticket.permalink)}`;
}

/** What a ticket's first message became in Slack, as the card says it. */
export const SOURCE_EDITED = "_(edited)_";
export const SOURCE_DELETED = ":wastebasket: _The customer deleted this message._";

/** The customer's first message, quoted, marked when they edited or deleted it. */
export function quotedRequest(ticket: Pick<Ticket, "text" | "sourceState">): string {
  const mark = ticket.sourceState === "deleted" ? SOURCE_DELETED : ticket.sourceState === "edited" ? SOURCE_EDITED : null;
  if (!mark) return quote(escapeSlackText(ticket.text), LIMITS.sectionText);
  return `${quote(escapeSlackText(ticket.text), LIMITS.sectionText - mark.length - 1)}\n${mark}`;
}

export function slaLine(sla: SlaStatus | null | undefined): string | null {
  if (!sla) return null;
  const target = sla.kind === "first_response" ? "First response" : "Resolution";
  switch (sla.state) {
    case "paused":
      return `:double_vertical_bar: ${target} SLA paused (pending on customer), ${formatDuration(sla.leftSeconds)} left`;
    case "breached":
      return `:rotating_light: ${target} SLA missed${sla.dueAt ? ` (due ${slackDate(sla.dueAt)})` : ""}`;
    default:
      return `${sla.state === "warning" ? ":warning:" : ":stopwatch:"} ${target} due ${sla.dueAt ? slackDate(sla.dueAt) : "soon"}: ${formatDuration(sla.leftSeconds)} of business time left`;
  }
}

/** What a card shows of its SLA, the part of a card that changes with time alone (the card sweep compares it). */
export type CardSla = "none" | "ok" | "due_soon" | "breached" | "paused";

export function cardSla(sla: SlaStatus | null | undefined): CardSla {
  if (!sla) return "none";
  return sla.state === "breached" ? "breached" : sla.state === "warning" ? "due_soon" : sla.state === "paused" ? "paused" : "ok";
}

/** The headline's SLA badge: a miss is loud, a clock on time is quiet. */
const SLA_BADGE: Record<CardSla, string | null> = {
  none: null,
  ok: ":stopwatch: On time",
  due_soon: ":warning: *SLA due soon*",
  breached: ":rotating_light: *SLA missed*",
  paused: ":double_vertical_bar: SLA paused",
};

/** The SLA's due time as a Slack date token: each reader sees it in their time zone, and it never goes stale. */
export function slaDue(sla: SlaStatus | null | undefined): string | null {
  if (!sla) return null;
  const target = sla.kind === "first_response" ? "First response" : "Resolution";
  const due = (d: Date) => slackDate(d, "{date_short_pretty} at {time}");
  switch (sla.state) {
    case "paused":
      return `${target} SLA paused while pending on the customer (${formatDuration(sla.leftSeconds)} of business time left)`;
    case "breached":
      return `${target} was due ${sla.dueAt ? due(sla.dueAt) : "earlier"}`;
    default:
      return `${target} due ${sla.dueAt ? due(sla.dueAt) : "soon"}`;
  }
}

/** The first words of the request, on one line (the quote under the headline has the rest). */
export function firstWords(ticket: Pick<Ticket, "text">, files: readonly AttachedFile[] = [], max = 60): string {
  const text = ticket.text.replace(/\s+/g, " ").trim();
  if (!text) return files.length ? `(${filesCount(files.length)})` : "(no text)";
  if (text.length <= max) return escapeSlackText(text);
  const cut = text.slice(0, max - 1);
  const atWord = cut.lastIndexOf(" ") > max / 2 ? cut.slice(0, cut.lastIndexOf(" ")) : cut;
  return `${escapeSlackText(atWord.replace(/[\s,;:.-]+$/, ""))}…`;
}

/** The account in the headline: name, ARR and health, when known. */
export function accountHeadline(account: CardAccount): string {
  if (!account.name) return `Account \`${escapeSlackText(account.externalId)}\``;
  const parts = [`*${escapeSlackText(account.name)}*`];
  if (account.arr !== null) parts.push(`ARR $${Math.round(account.arr).toLocaleString("en-US")}`);
  if (account.band) parts.push(`${BAND_DOT[account.band] ?? ""} ${account.score ?? ""} ${account.band}`.replace(/\s+/g, " ").trim());
  return parts.join(" ");
}

/** Who the ticket is for; a /ticket an agent opened for no one in particular names who opened it instead. */
function fromLine(ticket: Ticket): string {
  const forSelf = ticket.origin === "command" && ticket.createdById === ticket.requesterId;
  const who = forSelf ? `Opened by <@${ticket.requesterId}> with /ticket` : `From ${requesterLabel(ticket)}`;
  const by = !forSelf && ticket.origin === "command" && ticket.createdById ? `, opened by <@${ticket.createdById}>` : "";
  return `${who}${by} in <#${ticket.channelId}>`;
}

/** "This thread is internal": shown on the triage channel's first card of the day only. */
export const INTERNAL_THREAD_HINT = ":lock: This card's thread is internal: the customer never sees it. Answer with Reply to customer.";

export interface TicketCardOptions {
  feedback?: boolean;
  files?: readonly AttachedFile[];
  /** The ticket was made from a reply in someone else's thread: a link to that thread's first message. */
  threadOf?: string | null;
  /** The card carries the internal-thread hint (the channel's first card of the day). */
  hint?: boolean;
}

/**
 * The triage card. The first line says what and how urgent (priority, SLA, number, first words, account),
 * the customer's words right under it, then the facts in small print and the controls that fit the state.
 * A resolved card is two lines and Reopen.
 */
export function ticketCard(
  ticket: Ticket,
  sla?: SlaStatus | null,
  account?: CardAccount | null,
  options: TicketCardOptions = {},
): { text: string; blocks: KnownBlock[] } {
  const files = options.files ?? [];
  const status = statusOf(ticket);
  const blocks = status === "resolved" ? resolvedCard(ticket, account, files, options) : openCard(ticket, sla, account, files, options);
  return { text: ticketCardText(ticket, files, status === "resolved" ? null : sla), blocks };
}

function headline(parts: (string | null | false | undefined)[]): KnownBlock {
  return { type: "section", text: { type: "mrkdwn", text: truncate(parts.filter(Boolean).join(" · "), LIMITS.sectionText) } };
}

function openCard(
  ticket: Ticket,
  sla: SlaStatus | null | undefined,
  account: CardAccount | null | undefined,
  files: readonly AttachedFile[],
  options: TicketCardOptions,
): KnownBlock[] {
  const priority = priorityOf(ticket);
  const status = statusOf(ticket);
  const id = String(ticket.id);
  const details = [
    fromLine(ticket),
    options.threadOf ? `in a thread of <${options.threadOf}|an earlier message>` : null,
    ticket.assigneeId ? `Assigned to <@${ticket.assigneeId}>` : "_Unassigned_",
    status === "pending" ? `${STATUS_EMOJI.pending} Pending on customer` : null,
    slaDue(sla),
    `Opened ${slackDate(ticket.createdAt, "{ago}")}${ticket.reopenCount > 0 ? `, reopened ${ticket.reopenCount}×` : ""}`,
    ticket.firstResponseAt ? `First response ${slackDate(ticket.firstResponseAt, "{ago}")}` : "No response yet",
    // The headline's score is the last check's: say when that was.
    account?.band && account.computedAt ? `Health as of ${slackDate(account.computedAt, "{date_short_pretty}")}` : null,
    account?.csmSlackUserId ? `CSM <@${account.csmSlackUserId}>` : null,
    ticket.permalink ? `<${ticket.permalink}|View the conversation>` : null,
  ];
  const more = [
    status === "pending" ? option("status:open", "Back to open") : option("status:pending", "Pending on customer"),
    ...(options.feedback ? [option("feedback", "Tag as feedback")] : []),
  ];
  return [
    headline([
      `${PRIORITY_EMOJI[priority]} *${PRIORITY_LABELS[priority]}*`,
      SLA_BADGE[cardSla(sla)],
      `*#${ticket.id}* ${firstWords(ticket, files)}`,
      account ? accountHeadline(account) : null,
    ]),
    ...(ticket.text.trim() || files.length === 0
      ? [{ type: "section" as const, text: { type: "mrkdwn" as const, text: quotedRequest(ticket) } }]
      : []),
    ...(files.length
      ? [{ type: "section" as const, text: { type: "mrkdwn" as const, text: truncate(cardFilesText(ticket, files), LIMITS.sectionText) } }]
      : []),
    {
      type: "context",
      elements: [
        { type: "mrkdwn", text: truncate(details.filter(Boolean).join(" · "), LIMITS.contextText) },
        ...(options.hint ? [{ type: "mrkdwn" as const, text: INTERNAL_THREAD_HINT }] : []),
      ],
    },
    {
      type: "actions",
      block_id: cardBlockId(ticket.id, 1),
      elements: [
        ...(ticket.assigneeId
          ? []
          : [
              {
                type: "button" as const,
                action_id: ACTIONS.assignMe,
                text: { type: "plain_text" as const, text: "Assign to me" },
                value: id,
              },
            ]),
        { type: "button", action_id: ACTIONS.reply, text: { type: "plain_text", text: "Reply to customer" }, value: id },
        { type: "button", action_id: ACTIONS.resolve, style: "primary", text: { type: "plain_text", text: "Resolve" }, value: id },
        {
          type: "users_select",
          action_id: ACTIONS.assignee,
          placeholder: { type: "plain_text", text: ticket.assigneeId ? "Reassign" : "Assignee" },
          ...(ticket.assigneeId ? { initial_user: ticket.assigneeId } : {}),
        },
        {
          type: "static_select",
          action_id: ACTIONS.priority,
          placeholder: { type: "plain_text", text: "Priority" },
          options: PRIORITIES.map((p) => option(p, PRIORITY_LABELS[p])),
          initial_option: option(priority, PRIORITY_LABELS[priority]),
        },
        // An overflow menu needs two options; a single one is a plain button with the same action and value.
        more.length >= 2
          ? { type: "overflow" as const, action_id: ACTIONS.cardMore, options: more }
          : { type: "button" as const, action_id: ACTIONS.cardMore, text: more[0].text, value: more[0].value },
      ],
    },
  ];
}

function resolvedCard(
  ticket: Ticket,
  account: CardAccount | null | undefined,
  files: readonly AttachedFile[],
  options: TicketCardOptions,
): KnownBlock[] {
  const id = String(ticket.id);
  const when = ticket.resolvedAt ? slackDate(ticket.resolvedAt, "{date_short_pretty} at {time}") : null;
  return [
    headline([
      `${STATUS_EMOJI.resolved} *Resolved*`,
      `*#${ticket.id}* ${firstWords(ticket, files)}`,
      account ? accountHeadline(account) : null,
    ]),
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: truncate(
            [
              `Resolved${ticket.resolvedById ? ` by <@${ticket.resolvedById}>` : ""}${when ? ` ${when}` : ""}`,
              ticket.reopenCount > 0 ? `reopened ${ticket.reopenCount}× before` : null,
              ticket.permalink ? `<${ticket.permalink}|View the conversation>` : null,
            ]
              .filter(Boolean)
              .join(" · "),
            LIMITS.contextText,
          ),
        },
      ],
    },
    {
      type: "actions",
      block_id: cardBlockId(ticket.id, 1),
      elements: [
        { type: "button", action_id: ACTIONS.reopen, text: { type: "plain_text", text: "Reopen" }, value: id },
        ...(options.feedback
          ? // One choice is a button: an overflow menu needs at least two options.
            [
              {
                type: "button" as const,
                action_id: ACTIONS.ticketFeedback,
                text: { type: "plain_text" as const, text: "Tag as feedback" },
                value: id,
              },
            ]
          : []),
      ],
    },
  ];
}
