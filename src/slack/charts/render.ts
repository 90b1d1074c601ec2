// Draws a Vega-Lite spec as a PNG on the server, without a browser or canvas: Vega renders the spec to
// SVG headless (its "none" renderer and toSVG), resvg (a Rust renderer whose binary ships in its npm
// platform package) rasterises it. resvg draws text with the machine's fonts (loadSystemFonts); the
// specs ask for DejaVu Sans first (docs/configuration.md#charts says what a machine without fonts needs).
import { Resvg } from "@resvg/resvg-js";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Pixels per SVG unit: sharp on high-density screens, which is how Slack shows images. */
export const CHART_SCALE = 2;

export interface RenderedChart {
  png: Buffer;
  width: number;
  height: number;
}

/** The spec as SVG (the view is finalized afterwards, so nothing keeps running). */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string, scale = CHART_SCALE): RenderedChart {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

export async function renderChart(spec: TopLevelSpec, scale = CHART_SCALE): Promise<RenderedChart> {
  return svgToPng(await chartSvg(spec), scale);
}
