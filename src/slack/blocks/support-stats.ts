// The `/support stats` answer: the headline figures of a period, each with its change against the
// previous period of the same length. Pure: figures in, Block Kit and a plain-text fallback out.
import type { HeadlineFigure } from "../../support/store/metrics.ts";
import { formatDuration } from "./durations.ts";

export interface SupportStatsInput {
  /** "7d", "30d" or "90d" */
  period: string;
  days: number;
  from: Date;
  to: Date;
  figures: HeadlineFigure[];
}

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

const day = (d: Date) => d.toISOString().slice(0, 10);

export function supportStatsMessage(input: SupportStatsInput): { text: string; blocks: Record<string, unknown>[] } {
  const title = `Support stats: the last ${input.days} days`;
  const span = `${day(input.from)} to ${day(input.to)} (tickets created in the period), compared with the ${input.days} days before`;
  const lines = input.figures.map((f) => `*${f.label}*: ${formatFigure(f)}  (${formatChange(f.change)})`);
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
            : "Changes: % for counts and times, percentage points (pts) for rates. – means no data to compare. Durations leave out tickets still waiting.",
        },
      ],
    },
  ];
  const text = [`${title} (${span})`, ...lines.map((l) => `• ${l.replace(/\*/g, "")}`)].join("\n");
  return { text, blocks };
}
