// The `/support stats` answer, the weekly summary and the App Home's figures: the headline figures of a
// period, each with its change against the previous period of the same length. Pure: figures in, Block Kit
// and a plain-text fallback out.
import type { HeadlineFigure, HeadlineKey } from "../../support/rules/metrics.ts";
import { formatDuration } from "./durations.ts";

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

export function supportStatsMessage(input: SupportStatsInput): { text: string; blocks: Record<string, unknown>[] } {
  const title = `Support stats: the last ${input.days} days`;
  const span = `${day(input.from)} to ${day(input.to)} (tickets created in the period), compared with the ${input.days} days before`;
  const lines = input.figures.map((f) => `*${FIGURE_LABELS[f.key]}*: ${formatFigure(f)}${breachedNow(f)}  (${formatChange(f.change)})`);
  const noTickets = input.figures.find((f) => f.key === "tickets")?.current === 0;
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: title } },
    { type: "context", elements: [{ type: "mrkdwn", text: span }] },
    { type: "section", text: { type: "mrkdwn", text: lines.join("\n") } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: noTickets
            ? "No tickets were created in this period."
            : "Changes: % for counts and times, percentage points (pts) for rates. – means no data to compare. Durations leave out tickets still waiting. SLA met counts clocks breached and still open as missed.",
        },
      ],
    },
  ];
  const text = [`${title} (${span})`, ...lines.map((l) => `• ${l.replace(/\*/g, "")}`)].join("\n");
  return { text, blocks };
}

/** The weekly summary in the triage channel: the week's figures under their own title. */
export function weeklySummaryMessage(week: SupportStatsInput): { text: string; blocks: Record<string, unknown>[] } {
  const message = supportStatsMessage(week);
  const [header, ...rest] = message.blocks;
  return {
    text: `Weekly support summary. ${message.text}`,
    blocks: [{ ...header, text: { type: "plain_text", text: "Weekly support summary" } }, ...rest],
  };
}

/** The figures as the App Home shows them, under its own header. */
export function statsBlocks(stats: SupportStatsInput): Record<string, unknown>[] {
  return supportStatsMessage(stats).blocks.slice(1);
}

/** While the figures are worked out (they come after the acknowledgement). */
export const statsInProgress = (days: number): string => `Working out the support figures of the last ${days} days…`;
export const STATS_FAILED = "Sorry, the support figures could not be computed. Please try again.";
