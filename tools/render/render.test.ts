// `npm run render` over every surface and state: each payload keeps to Block Kit's limits (the check
// itself is tested to catch what it must), outside text stays escaped, and the files are written.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../src/slack/blocks/limits.ts";
import { SURFACES } from "./fixtures.ts";
import { blockCounts, blockTextProblem, limitProblems, renderSurfaces, table, writeRenders } from "./render.ts";

const all = renderSurfaces();

describe("npm run render", () => {
  it("renders the surfaces the issue names, each in its states", () => {
    const states = Object.fromEntries(Object.entries(SURFACES).map(([s, v]) => [s, Object.keys(v)]));
    expect(states["ticket-card"]).toEqual(["new", "assigned", "breached", "resolved"]);
    expect(states["voc-digest"]).toEqual(["0-themes", "3-themes", "300-themes", "view-items-modal"]);
    expect(states["app-home"]).toEqual(expect.arrayContaining(["agent-empty", "agent-full"]));
    for (const s of ["risk-digest", "account-alert", "support-stats", "csat-survey", "customer-thread"])
      expect(states[s]?.length).toBeGreaterThan(0);
    for (const r of all) expect(r.payloads.length, `${r.surface}/${r.state}`).toBeGreaterThan(0);
  });

  it("keeps every payload of every surface within Block Kit's limits", () => {
    const problems = all.flatMap((r) =>
      r.payloads.flatMap((p, i) => limitProblems(p).map((x) => `${r.surface}/${r.state} ${i + 1}: ${x}`)),
    );
    expect(problems).toEqual([]);
  });

  it("keeps every message's block text within the app's budget", () => {
    // Slack's cumulative limit is undocumented (LIMITS.blockTextPerMessage): past about 12,000 characters of
    // block text a message is refused (msg_blocks_too_long), so the app keeps each under its budget.
    const over = all.flatMap((r) => r.payloads.flatMap((p, i) => (blockTextProblem(p) ? [`${r.surface}/${r.state} ${i + 1}`] : [])));
    expect(over).toEqual([]);
  });

  it("catches a payload past the limits", () => {
    const section = { type: "section", text: { type: "mrkdwn", text: "x".repeat(LIMITS.sectionText + 1) } };
    const button = {
      type: "button",
      action_id: "a",
      text: { type: "plain_text", text: "y".repeat(LIMITS.plainTextButton + 1) },
      value: "1",
    };
    const tooMany = Array.from({ length: LIMITS.blocksPerMessage + 1 }, () => ({ type: "divider" }));
    expect(limitProblems({ kind: "message", where: "channel", text: "t", blocks: [section] })).toEqual([
      `block 1 (section) text: ${LIMITS.sectionText + 1} > ${LIMITS.sectionText}`,
    ]);
    expect(limitProblems({ kind: "message", where: "channel", text: "t", blocks: [{ type: "actions", elements: [button] }] })).toHaveLength(
      1,
    );
    expect(limitProblems({ kind: "message", where: "channel", text: "t", blocks: tooMany })).toEqual([
      `blocks in a message: ${LIMITS.blocksPerMessage + 1} > ${LIMITS.blocksPerMessage}`,
    ]);
    expect(
      limitProblems({
        kind: "view",
        view: { type: "modal", title: { type: "plain_text", text: "A title far longer than Slack's" }, blocks: [] },
      }),
    ).toHaveLength(1);
  });

  it("shows a customer's <!channel> and <!here> as typed, never as a mention", () => {
    const json = JSON.stringify(all);
    expect(json).toContain("&lt;!channel&gt;");
    expect(json).not.toMatch(/<!(channel|here|everyone)>/);
  });

  const dir = mkdtempSync(join(tmpdir(), "render-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one Block Kit Builder file per payload and a table with each state's block count", () => {
    const voc = renderSurfaces(["voc-digest"]);
    const paths = writeRenders(voc, dir);
    expect(readdirSync(join(dir, "voc-digest")).sort()).toEqual(paths.map((p) => p.split("/").pop()).sort());
    const first = JSON.parse(readFileSync(join(dir, "voc-digest", "3-themes.json"), "utf8")) as { blocks: unknown[] };
    expect(first.blocks.length).toBe((voc[1].payloads[0] as unknown as { blocks: unknown[] }).blocks.length);
    expect(blockCounts(voc[1]).messages).toBe(voc[1].payloads.length);
    expect(table(voc).split("\n")[0]).toMatch(/^surface\s+state\s+messages\s+blocks\s+most text$/);
    expect(() => renderSurfaces(["no-such-surface"])).toThrow(/unknown surface no-such-surface/);
  });
});
