// `npm run render`: the Block Kit JSON of each surface in each state (tools/render/fixtures.ts), as files a
// reviewer pastes into Slack's Block Kit Builder, a table of block counts, and a check of every payload
// against Block Kit's limits (src/slack/blocks/limits.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LIMITS } from "../../src/slack/blocks/limits.ts";
import { SURFACES, type Payload } from "./fixtures.ts";

export interface Rendered {
  surface: string;
  state: string;
  payloads: Payload[];
}

/** The surfaces named (all when none), each state rendered. Throws for an unknown surface name. */
export function renderSurfaces(names: readonly string[] = []): Rendered[] {
  const unknown = names.filter((n) => !(n in SURFACES));
  if (unknown.length) throw new Error(`unknown surface ${unknown.join(", ")}; surfaces: ${Object.keys(SURFACES).join(", ")}`);
  const wanted = names.length ? names : Object.keys(SURFACES);
  return wanted.flatMap((surface) => Object.entries(SURFACES[surface]).map(([state, render]) => ({ surface, state, payloads: render() })));
}

const blocksOf = (p: Payload): readonly unknown[] =>
  p.kind === "view" ? ((p.view as { blocks?: unknown[] }).blocks ?? []) : (p.blocks ?? []);

/** What a reviewer pastes into the Block Kit Builder: a view as is, a message as `{ blocks }` (text-only ones as one section). */
export function builderJson(p: Payload): unknown {
  if (p.kind === "view") return p.view;
  if (p.blocks) return { blocks: p.blocks };
  return { blocks: [{ type: "section", text: { type: "mrkdwn", text: p.text } }] };
}

/** "12", or "112: 50 + 2 in thread (50, 12)" for a message with a thread. */
export function blockCounts(r: Rendered): { messages: number; blocks: number; summary: string } {
  const counts = r.payloads.map((p) => blocksOf(p).length);
  const total = counts.reduce((a, b) => a + b, 0);
  const textOnly = r.payloads.every((p) => p.kind === "message" && !p.blocks);
  const summary = textOnly
    ? "0 (text only)"
    : counts.length === 1
      ? String(total)
      : `${total}: ${counts[0]} + ${counts.length - 1} in thread (${counts.slice(1).join(", ")})`;
  return { messages: r.payloads.length, blocks: total, summary };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | null => (isObj(v) && typeof v.text === "string" ? v.text : null);

/** Every way a payload breaks Block Kit's limits, as readable lines (empty when it keeps to them). */
export function limitProblems(p: Payload): string[] {
  const problems: string[] = [];
  const over = (what: string, length: number, max: number) => {
    if (length > max) problems.push(`${what}: ${length} > ${max}`);
  };
  const plain = (where: string, v: unknown, max: number) => {
    if (!isObj(v) || v.type !== "plain_text") problems.push(`${where}: not plain_text`);
    else over(where, String(v.text ?? "").length, max);
  };
  const element = (where: string, e: unknown) => {
    if (!isObj(e)) return;
    if (e.type === "button") {
      plain(`${where} button text`, e.text, LIMITS.plainTextButton);
      if (typeof e.value === "string") over(`${where} button value`, e.value.length, LIMITS.buttonValue);
    }
    if (e.type === "overflow") {
      const options = Array.isArray(e.options) ? e.options : [];
      if (options.length < 2 || options.length > LIMITS.overflowOptions) problems.push(`${where} overflow: ${options.length} options`);
    }
    for (const o of [...(Array.isArray(e.options) ? e.options : []), ...(isObj(e.initial_option) ? [e.initial_option] : [])]) {
      plain(`${where} option text`, (o as Obj).text, LIMITS.optionText);
      if (typeof (o as Obj).value === "string") over(`${where} option value`, String((o as Obj).value).length, LIMITS.buttonValue);
    }
    if (e.type === "mrkdwn" || e.type === "plain_text") over(`${where} text`, String(e.text ?? "").length, LIMITS.contextText);
  };
  const blocks = blocksOf(p);
  if (p.kind === "message") {
    over("blocks in a message", blocks.length, LIMITS.blocksPerMessage);
    over("message text", p.text.length, LIMITS.messageText);
    if (!p.blocks) over("text-only message as one section", p.text.length, LIMITS.sectionText);
  } else {
    const v = p.view as Obj;
    over("blocks in a view", blocks.length, LIMITS.blocksPerView);
    if (v.type === "modal") {
      plain("modal title", v.title, LIMITS.modalTitle);
      if (v.submit) plain("modal submit", v.submit, LIMITS.modalTitle);
      if (v.close) plain("modal close", v.close, LIMITS.modalTitle);
    }
    if (typeof v.private_metadata === "string") over("private_metadata", v.private_metadata.length, LIMITS.privateMetadata);
  }
  blocks.forEach((raw, i) => {
    const b = raw as Obj;
    const where = `block ${i + 1} (${String(b.type)})`;
    switch (b.type) {
      case "section": {
        const text = textOf(b.text);
        if (text === null && !Array.isArray(b.fields)) problems.push(`${where}: neither text nor fields`);
        if (text !== null) over(`${where} text`, text.length, LIMITS.sectionText);
        if (Array.isArray(b.fields)) {
          over(`${where} fields`, b.fields.length, LIMITS.sectionFields);
          b.fields.forEach((f, j) => over(`${where} field ${j + 1}`, (textOf(f) ?? "").length, LIMITS.fieldText));
        }
        if (b.accessory) element(`${where} accessory`, b.accessory);
        break;
      }
      case "header":
        plain(`${where} text`, b.text, LIMITS.headerText);
        break;
      case "context": {
        const elements = Array.isArray(b.elements) ? b.elements : [];
        over(`${where} elements`, elements.length, LIMITS.contextElements);
        elements.forEach((e) => element(where, e));
        break;
      }
      case "actions": {
        const elements = Array.isArray(b.elements) ? b.elements : [];
        over(`${where} elements`, elements.length, LIMITS.actionsElements);
        elements.forEach((e) => element(where, e));
        break;
      }
      case "input":
        plain(`${where} label`, b.label, 2000);
        element(where, b.element);
        break;
      case "divider":
      case "image":
      case "rich_text":
        break;
      default:
        problems.push(`${where}: a block type the check does not know`);
    }
  });
  return problems;
}

/** All the text of a payload's blocks (every `text` string in them), as Slack adds it up for `msg_blocks_too_long`. */
export function blockTextLength(p: Payload): number {
  let total = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v))
      for (const [key, value] of Object.entries(v)) {
        if (key === "text" && typeof value === "string") total += value.length;
        else walk(value);
      }
  };
  walk(blocksOf(p));
  return total;
}

/**
 * A message whose blocks hold more text in all than the app allows itself (LIMITS.blockTextPerMessage):
 * Slack's cumulative limit is undocumented, so this is kept apart from the documented limits.
 */
export function blockTextProblem(p: Payload): string | null {
  if (p.kind !== "message") return null;
  const length = blockTextLength(p);
  return length > LIMITS.blockTextPerMessage ? `text of all blocks: ${length} > ${LIMITS.blockTextPerMessage}` : null;
}

/** Writes each payload to `<dir>/<surface>/<state>.json` (a thread's messages as `<state>.thread-N.json`); returns the paths. */
export function writeRenders(rendered: readonly Rendered[], dir: string): string[] {
  const paths: string[] = [];
  for (const r of rendered) {
    mkdirSync(join(dir, r.surface), { recursive: true });
    r.payloads.forEach((p, i) => {
      const path = join(dir, r.surface, i === 0 ? `${r.state}.json` : `${r.state}.thread-${i}.json`);
      writeFileSync(path, `${JSON.stringify(builderJson(p), null, 2)}\n`);
      paths.push(path);
    });
  }
  return paths;
}

/** The table `npm run render` prints: surface, state, messages, blocks, and the most block text in one payload. */
export function table(rendered: readonly Rendered[]): string {
  const rows = rendered.map((r) => {
    const c = blockCounts(r);
    return [r.surface, r.state, String(c.messages), c.summary, String(Math.max(...r.payloads.map(blockTextLength)))];
  });
  const head = ["surface", "state", "messages", "blocks", "most text"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
