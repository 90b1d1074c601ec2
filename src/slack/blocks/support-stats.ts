// The `/support stats` answer, the weekly summary and the App Home's figures: the headline figures of a
// period, each with its change against the previous period of the same length. Pure: figures in, Block Kit
// and a plain-text fallback out.
import type { HeadlineFigure, HeadlineKey } from "../../support/rules/metrics.ts";
import { formatDuration } from "./durations.ts";
import { ACTIONS, VIEWS } from "./ids.ts";

export interface SupportStatsInput {
  days: number;
  from: Date;
  to: Date;
  figures: HeadlineFigure[];
}

export const FIGURE_LABELS: Record<HeadlineKey, string> = {
  tickets: "Tickets",
  firstResponseMedianBusiness: "First response, median (business hours)",
  firstResponseP90Business: "First response, p90 (business hours)",
  firstResponseMedian: "First response, median (calendar)",
  firstResponseP90: "First response, p90 (calendar)",
  resolutionMedianBusiness: "Time to resolution, median (business hours)",
  resolutionMedian: "Time to resolution, median (calendar)",
  reopenRate: "Reopen rate",
  firstContactResolution: "First-contact resolution",
  csatSatisfied: "CSAT (4 or 5)",
  csatResponseRate: "CSAT response rate",
  slaFirstResponse: "SLA met, first response",
  slaResolution: "SLA met, resolution",
};

export function formatFigure(f: Pick<HeadlineFigure, "kind" | "current">): string {
  if (f.current === null) return "–";
  if (f.kind === "duration") return formatDuration(f.current);
  if (f.kind === "share") return `${Math.round(f.current * 100)}%`;
  return String(f.current);
}

/** "▲ 12%", "▼ 3 pts", "no change", or "–" when the periods cannot be compared. */
export function formatChange(change: HeadlineFigure["change"]): string {
  if (!change) return "–";
  const rounded = Math.round(change.value);
  const unit = change.unit === "percent" ? "%" : " pts";
  if (rounded === 0) return "no change";
  return `${rounded > 0 ? "▲" : "▼"} ${Math.abs(rounded)}${unit}`;
}

/** Next to an SLA figure: its clocks past their target and still open, which count as missed. */
const breachedNow = (f: HeadlineFigure): string => (f.breachedNow === undefined ? "" : ` · breached now: ${f.breachedNow}`);

const day = (d: Date) => d.toISOString().slice(0, 10);

const NOTE =
  "Changes: % for counts and times, percentage points (pts) for rates. – means no data to compare. Durations leave out tickets still waiting. SLA met counts clocks breached and still open as missed.";

const fig = (input: SupportStatsInput, key: HeadlineKey) => input.figures.find((f) => f.key === key);
const valueOf = (f: HeadlineFigure | undefined) => (f ? `${formatFigure(f)}  (${formatChange(f.change)})` : "–");

/** The five headline figures as two-column fields (business hours): never more than 10 fields. */
export function headlineFields(input: SupportStatsInput): { type: "mrkdwn"; text: string }[] {
  const fr = fig(input, "slaFirstResponse");
  const rs = fig(input, "slaResolution");
  const breached = (fr?.breachedNow ?? 0) + (rs?.breachedNow ?? 0);
  const field = (label: string, value: string) => ({ type: "mrkdwn" as const, text: `*${label}*\n${value}`.slice(0, 2000) });
  return [
    field("Tickets", valueOf(fig(input, "tickets"))),
    field("First response, median", valueOf(fig(input, "firstResponseMedianBusiness"))),
    field("Time to resolution, median", valueOf(fig(input, "resolutionMedianBusiness"))),
    field("CSAT (4 or 5)", valueOf(fig(input, "csatSatisfied"))),
    field("SLA met", `first response ${valueOf(fr)}\nresolution ${valueOf(rs)}\nbreached now: ${breached}`),
  ];
}

/** The Details button's value: the period's length and end, so a later click shows the same period. */
export const statsDetailsValue = (input: Pick<SupportStatsInput, "days" | "to">): string => `${input.days}:${input.to.toISOString()}`;

export function parseStatsDetailsValue(value: unknown): { days: number; until: Date } | null {
  const match = typeof value === "string" ? /^(7|30|90):(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3})?Z)$/.exec(value) : null;
  if (!match) return null;
  const until = new Date(match[2]);
  return Number.isNaN(until.getTime()) ? null : { days: Number(match[1]), until };
}

function headlineBlocks(input: SupportStatsInput, span: string): Record<string, unknown>[] {
  const noTickets = fig(input, "tickets")?.current === 0;
  return [
    { type: "context", elements: [{ type: "mrkdwn", text: `${span}. Times in business hours.` }] },
    { type: "section", fields: headlineFields(input) },
    {
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: ACTIONS.statsDetails,
          text: { type: "plain_text", text: "Details" },
          value: statsDetailsValue(input),
        },
      ],
    },
    ...(noTickets ? [{ type: "context", elements: [{ type: "mrkdwn", text: "No tickets were created in this period." }] }] : []),
  ];
}

const spanOf = (input: SupportStatsInput) =>
  `${day(input.from)} to ${day(input.to)} (tickets created in the period), compared with the ${input.days} days before`;
const linesOf = (input: SupportStatsInput) =>
  input.figures.map((f) => `*${FIGURE_LABELS[f.key]}*: ${formatFigure(f)}${breachedNow(f)}  (${formatChange(f.change)})`);
/** The plain-text fallback keeps every figure. */
const fallback = (title: string, input: SupportStatsInput) =>
  [`${title} (${spanOf(input)})`, ...linesOf(input).map((l) => `• ${l.replace(/\*/g, "")}`)].join("\n");

/** `/support stats`: the five headline figures and a Details button. */
export function supportStatsMessage(input: SupportStatsInput): { text: string; blocks: Record<string, unknown>[] } {
  const title = `Support stats: the last ${input.days} days`;
  return {
    text: fallback(title, input),
    blocks: [{ type: "header", text: { type: "plain_text", text: title } }, ...headlineBlocks(input, spanOf(input))],
  };
}

/** Every figure, business hours and calendar time: what the Details button shows. */
export function statsDetailBlocks(input: SupportStatsInput): Record<string, unknown>[] {
  const noTickets = fig(input, "tickets")?.current === 0;
  return [
    { type: "context", elements: [{ type: "mrkdwn", text: spanOf(input) }] },
    { type: "section", text: { type: "mrkdwn", text: linesOf(input).join("\n").slice(0, 3000) } },
    { type: "context", elements: [{ type: "mrkdwn", text: noTickets ? "No tickets were created in this period." : NOTE }] },
  ];
}

/** The Details answer in place of an ephemeral `/support stats`. */
export function supportStatsDetailsMessage(input: SupportStatsInput): { text: string; blocks: Record<string, unknown>[] } {
  const title = `Support stats: the last ${input.days} days, details`;
  return {
    text: fallback(title, input),
    blocks: [{ type: "header", text: { type: "plain_text", text: title } }, ...statsDetailBlocks(input)],
  };
}

/** The Details modal (from the weekly summary or the App Home). */
export function statsDetailsModal(input: SupportStatsInput | null, note?: string): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: VIEWS.statsDetails,
    title: { type: "plain_text", text: "Support stats" },
    close: { type: "plain_text", text: "Close" },
    blocks: input
      ? [{ type: "header", text: { type: "plain_text", text: `The last ${input.days} days` } }, ...statsDetailBlocks(input)]
      : [{ type: "section", text: { type: "mrkdwn", text: note ?? "Working out the support figures…" } }],
  };
}

export const STATS_DETAILS_BAD_BUTTON = "Sorry, this Details button does not name a period. Run `/support stats` again.";

/** The weekly summary in the triage channel: the week's headline figures under their own title. */
export function weeklySummaryMessage(week: SupportStatsInput): { text: string; blocks: Record<string, unknown>[] } {
  const message = supportStatsMessage(week);
  const [header, ...rest] = message.blocks;
  return {
    text: `Weekly support summary. ${message.text}`,
    blocks: [{ ...header, text: { type: "plain_text", text: "Weekly support summary" } }, ...rest],
  };
}

/** The headline figures as the App Home shows them, under its own header. */
export function statsBlocks(stats: SupportStatsInput): Record<string, unknown>[] {
  return supportStatsMessage(stats).blocks.slice(1);
}

/** While the figures are worked out (they come after the acknowledgement). */
export const statsInProgress = (days: number): string => `Working out the support figures of the last ${days} days…`;
export const STATS_FAILED = "Sorry, the support figures could not be computed. Please try again.";
