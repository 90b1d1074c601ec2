// Pure chart specs: data in, Vega-Lite spec out (render.ts draws them). Every chart has the same fixed
// size (CHART_WIDTH × CHART_HEIGHT, legend and titles inside), so the picture Slack shows is predictable.
import type { TopLevelSpec } from "vega-lite";

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 360;
/** How many components the health chart draws beside the score: the heaviest in the latest check. */
export const MAIN_COMPONENTS = 4;

/** resvg picks the first family the machine has; DejaVu Sans ships with most Linux distributions. */
const FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

const BASE = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  width: CHART_WIDTH,
  height: CHART_HEIGHT,
  autosize: { type: "fit", contains: "padding" },
  padding: 12,
  background: "white",
  config: { font: FONT, view: { stroke: null }, axis: { labelFontSize: 12, titleFontSize: 12 }, title: { fontSize: 15 } },
} as const;

export interface HealthChartInput {
  name: string;
  /** Oldest first. */
  points: { computedAt: string; score: number; components: { name: string; score: number; weight: number }[] }[];
}

/** "usage_trend" → "Usage trend". */
export const componentLabel = (name: string): string => {
  const words = name.replace(/[_-]+/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : name;
};

/** The account's score (thick line) and its main components (thin lines), 0–100, over time. */
export function healthChartSpec(input: HealthChartInput): TopLevelSpec {
  const latest = input.points.at(-1)?.components ?? [];
  const main = [...latest]
    .sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name))
    .slice(0, MAIN_COMPONENTS)
    .map((c) => c.name);
  const values: { at: string; series: string; value: number; main: boolean }[] = [];
  for (const p of input.points) {
    values.push({ at: p.computedAt, series: "Health score", value: p.score, main: true });
    for (const c of p.components)
      if (main.includes(c.name)) values.push({ at: p.computedAt, series: componentLabel(c.name), value: c.score, main: false });
  }
  const series = ["Health score", ...main.map(componentLabel)];
  return {
    ...BASE,
    title: { text: `${input.name}: health over the last 90 days`, anchor: "start" },
    data: { values },
    mark: { type: "line", point: input.points.length < 20, interpolate: "monotone" },
    encoding: {
      x: { field: "at", type: "temporal", title: null, axis: { format: "%b %d", labelOverlap: true } },
      y: { field: "value", type: "quantitative", title: "Score", scale: { domain: [0, 100] } },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        sort: series,
        scale: { domain: series, range: ["#1d1c1d", "#2c7be5", "#e8912d", "#2eb67d", "#9b59b6"] },
        legend: { orient: "bottom", direction: "horizontal" },
      },
      strokeWidth: { field: "main", type: "nominal", sort: [true, false], scale: { domain: [true, false], range: [3, 1.5] }, legend: null },
      strokeDash: {
        field: "main",
        type: "nominal",
        sort: [true, false],
        scale: {
          domain: [true, false],
          range: [
            [1, 0],
            [5, 3],
          ],
        },
        legend: null,
      },
    },
  } as TopLevelSpec;
}

export interface SupportTrendInput {
  /** Oldest first. */
  weeks: { from: Date; tickets: number; medianFirstResponseSeconds: number | null }[];
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const weekLabel = (d: Date): string => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;

/** Tickets per week (bars, left axis) and the median first response in hours (line, right axis). */
export function supportTrendSpec(input: SupportTrendInput): TopLevelSpec {
  const values = input.weeks.map((w) => ({
    week: weekLabel(w.from),
    tickets: w.tickets,
    hours: w.medianFirstResponseSeconds === null ? null : Math.round((w.medianFirstResponseSeconds / 3600) * 10) / 10,
  }));
  const x = { field: "week", type: "ordinal", sort: null, title: "Week starting", axis: { labelAngle: 0 } } as const;
  return {
    ...BASE,
    title: { text: `Tickets and median first response, last ${input.weeks.length} weeks`, anchor: "start" },
    data: { values },
    layer: [
      {
        mark: { type: "bar", color: "#9ecae1" },
        encoding: { x, y: { field: "tickets", type: "quantitative", title: "Tickets", axis: { titleColor: "#3182bd" } } },
      },
      {
        mark: { type: "line", color: "#e8912d", strokeWidth: 3, point: { color: "#e8912d" } },
        transform: [{ filter: "datum.hours !== null" }],
        encoding: {
          x,
          y: {
            field: "hours",
            type: "quantitative",
            title: "Median first response (hours)",
            axis: { orient: "right", titleColor: "#e8912d" },
          },
        },
      },
    ],
    resolve: { scale: { y: "independent" } },
  } as TopLevelSpec;
}
