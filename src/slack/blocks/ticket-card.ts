// The triage card: one message per ticket in TRIAGE_CHANNEL, updated in place on every change.
import type { KnownBlock } from "@slack/types";
import { PRIORITIES, STATUSES, priorityOf, statusOf, type Priority, type Status, type Ticket } from "../../support/rules/ticket.ts";
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

/** The account line of a card: who the customer is worth and how healthy they are. */
export function accountLine(account: CardAccount): string {
  if (!account.name) return `:office: Account \`${escapeSlackText(account.externalId)}\` (no CRM data yet)`;
  const parts = [`:office: *${escapeSlackText(account.name)}*`];
  if (account.arr !== null) parts.push(`ARR $${Math.round(account.arr).toLocaleString("en-US")}`);
  parts.push(
    account.band
      ? `Health ${BAND_DOT[account.band] ?? ""} ${account.score} ${account.band}${account.computedAt ? ` as of ${slackDate(account.computedAt, "{date_short_pretty}")}` : ""}`
      : "Health not scored yet",
  );
  if (account.csmSlackUserId) parts.push(`CSM <@${account.csmSlackUserId}>`);
  return parts.join(" · ");
}

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

export function ticketCardText(ticket: Ticket, files: readonly AttachedFile[] = []): string {
  const said = ticket.text.trim() ? escapeSlackText(ticket.text) : files.length ? `(${filesCount(files.length)})` : "";
  return oneLine(`Ticket #${ticket.id} from ${ticket.requesterName ? escapeSlackText(ticket.requesterName) : "a customer"}: ${said}`);
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

export function ticketCard(
  ticket: Ticket,
  sla?: SlaStatus | null,
  account?: CardAccount | null,
  options: {
    feedback?: boolean;
    files?: readonly AttachedFile[];
    /** The ticket was made from a reply in someone else's thread: a link to that thread's first message. */
    threadOf?: string | null;
  } = {},
): { text: string; blocks: KnownBlock[] } {
  const files = options.files ?? [];
  const priority = priorityOf(ticket);
  const status = statusOf(ticket);
  const assignee = ticket.assigneeId ? `<@${ticket.assigneeId}>` : "_Unassigned_";
  const opened = slackDate(ticket.createdAt, "{ago}");
  const statusLine =
    status === "resolved" && ticket.resolvedAt
      ? `${STATUS_EMOJI.resolved} Resolved ${slackDate(ticket.resolvedAt, "{ago}")}${ticket.resolvedById ? ` by <@${ticket.resolvedById}>` : ""}`
      : `${STATUS_EMOJI[status]} ${STATUS_LABELS[status]}`;

  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*Ticket #${ticket.id}* from ${requesterLabel(ticket)} in <#${ticket.channelId}>${options.threadOf ? `, in a thread of <${options.threadOf}|an earlier message>` : ""}`,
      },
    },
    ...(account ? [{ type: "context" as const, elements: [{ type: "mrkdwn" as const, text: accountLine(account) }] }] : []),
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Priority*\n${PRIORITY_EMOJI[priority]} ${PRIORITY_LABELS[priority]}` },
        { type: "mrkdwn", text: `*Status*\n${statusLine}` },
        { type: "mrkdwn", text: `*Assignee*\n${assignee}` },
        { type: "mrkdwn", text: `*Opened*\n${opened}${ticket.reopenCount > 0 ? ` · reopened ${ticket.reopenCount}×` : ""}` },
      ],
    },
    ...(ticket.text.trim() || files.length === 0
      ? [{ type: "section" as const, text: { type: "mrkdwn" as const, text: quotedRequest(ticket) } }]
      : []),
    ...(files.length
      ? [{ type: "section" as const, text: { type: "mrkdwn" as const, text: truncate(cardFilesText(ticket, files), LIMITS.sectionText) } }]
      : []),
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: [
            ticket.status !== "resolved" ? slaLine(sla) : null,
            ticket.permalink ? `<${ticket.permalink}|View the conversation>` : null,
            ticket.firstResponseAt ? `First response ${slackDate(ticket.firstResponseAt, "{ago}")}` : "No response yet",
            "This thread is internal: the customer never sees it",
          ]
            .filter(Boolean)
            .join(" · "),
        },
      ],
    },
    {
      type: "actions",
      block_id: cardBlockId(ticket.id, 1),
      elements: [
        { type: "button", action_id: ACTIONS.assignMe, text: { type: "plain_text", text: "Assign to me" }, value: String(ticket.id) },
        {
          type: "users_select",
          action_id: ACTIONS.assignee,
          placeholder: { type: "plain_text", text: "Assignee" },
          ...(ticket.assigneeId ? { initial_user: ticket.assigneeId } : {}),
        },
        {
          type: "static_select",
          action_id: ACTIONS.priority,
          placeholder: { type: "plain_text", text: "Priority" },
          options: PRIORITIES.map((p) => option(p, PRIORITY_LABELS[p])),
          initial_option: option(priority, PRIORITY_LABELS[priority]),
        },
        {
          type: "static_select",
          action_id: ACTIONS.status,
          placeholder: { type: "plain_text", text: "Status" },
          options: STATUSES.map((s) => option(s, STATUS_LABELS[s])),
          initial_option: option(status, STATUS_LABELS[status]),
        },
      ],
    },
    {
      type: "actions",
      block_id: cardBlockId(ticket.id, 2),
      elements: [
        { type: "button", action_id: ACTIONS.reply, text: { type: "plain_text", text: "Reply to customer" }, value: String(ticket.id) },
        ...(status === "resolved"
          ? []
          : [
              {
                type: "button" as const,
                action_id: ACTIONS.resolve,
                style: "primary" as const,
                text: { type: "plain_text" as const, text: "Resolve" },
                value: String(ticket.id),
              },
            ]),
        ...(options.feedback
          ? [
              {
                type: "button" as const,
                action_id: ACTIONS.ticketFeedback,
                text: { type: "plain_text" as const, text: "Tag as feedback" },
                value: String(ticket.id),
              },
            ]
          : []),
      ],
    },
  ];
  return { text: ticketCardText(ticket, files), blocks };
}
