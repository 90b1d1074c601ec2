import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { START_FLAGS } from "./heap.ts";

describe("the app's start flags", () => {
  it("are the flags npm start starts the app with", () => {
    const start = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> })
      .scripts.start;
    const words = start.split(/\s+/);
    expect(words[0]).toBe("node");
    expect(words.at(-1)).toBe("src/main.ts");
    for (const flag of START_FLAGS) expect(words).toContain(flag);
  });

  it("are accepted by this Node and cap the young generation at 16 MB, below Node's own cap", () => {
    // The young generation grows to its largest while many short-lived objects survive a while.
    const probe = `let keep = []; for (let i = 0; i < 1e6; i++) { keep.push({ i }); if (keep.length > 2e5) keep = []; }
      const v8 = require("node:v8"); const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === "new_space");
      process.stdout.write(JSON.stringify({ newSpace: s.space_size, limit: v8.getHeapStatistics().heap_size_limit }))`;
    const run = (flags: readonly string[]) =>
      JSON.parse(execFileSync(process.execPath, [...flags, "-e", probe], { encoding: "utf8" })) as { newSpace: number; limit: number };
    const flagged = run(START_FLAGS);
    expect(flagged.newSpace).toBeGreaterThan(0);
    expect(flagged.newSpace).toBeLessThanOrEqual(16 * 1024 * 1024);
    // How far the young generation grew without the flags depends on the collector's timing (CI saw it stop at
    // 16 MB under load), but the heap's limit counts the young generation's cap and does not: it must be larger.
    expect(run([]).limit).toBeGreaterThan(flagged.limit);
  });
});
