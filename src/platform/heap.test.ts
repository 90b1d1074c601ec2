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

  it("are accepted by this Node and keep the young generation at 16 MB or less (Node's default is 32 MB)", () => {
    // The young generation grows to its largest while many short-lived objects survive a while.
    const probe = `let keep = []; for (let i = 0; i < 1e6; i++) { keep.push({ i }); if (keep.length > 2e5) keep = []; }
      const s = require("node:v8").getHeapSpaceStatistics().find((x) => x.space_name === "new_space"); process.stdout.write(String(s.space_size))`;
    const newSpace = Number(execFileSync(process.execPath, [...START_FLAGS, "-e", probe], { encoding: "utf8" }));
    expect(newSpace).toBeGreaterThan(0);
    expect(newSpace).toBeLessThanOrEqual(16 * 1024 * 1024);
    const plain = Number(execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" }));
    expect(plain).toBeGreaterThan(newSpace);
  });
});
