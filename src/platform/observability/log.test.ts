import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { chooseLogFormat, createLogger } from "./log.ts";

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe("the log format", () => {
  it("is pretty on a terminal and JSON otherwise, unless LOG_FORMAT forces one", () => {
    expect(chooseLogFormat("auto", true)).toBe("pretty");
    expect(chooseLogFormat("auto", false)).toBe("json");
    expect(chooseLogFormat("json", true)).toBe("json");
    expect(chooseLogFormat("pretty", false)).toBe("pretty");
  });

  it("writes one JSON object per line by default (not a terminal)", () => {
    const out = sink();
    const log = createLogger("info", { destination: out.stream });
    log.info({ port: 3000 }, "customer desk started");
    log.error({ err: new Error("boom") }, "failed");
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ level: "info", msg: "customer desk started", port: 3000, app: "customer-desk" });
    expect(JSON.parse(lines[1])).toMatchObject({ level: "error", err: { message: "boom", stack: expect.stringContaining("Error: boom") } });
  });

  it("writes readable lines, one per event even with an error, when pretty (and still redacts)", () => {
    const out = sink();
    const log = createLogger("info", { destination: out.stream, format: "pretty", isTerminal: false });
    log.info({ port: 3000, token: "xoxb-secret" }, "customer desk started");
    log.warn({ err: new Error("boom") }, "could not reach Slack");
    log.debug("not at info level");
    const lines = out.text().trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: customer desk started \{"port":3000,"token":"\[redacted\]"\}$/);
    expect(lines[1]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: could not reach Slack — Error: boom \(at .+log\.test\.ts:\d+:\d+\)/);
    expect(out.text()).not.toContain("xoxb-secret");
    expect(out.text()).not.toContain("\u001b["); // no colours when the output is not a terminal
  });

  it("LOG_FORMAT=json keeps JSON on a terminal", () => {
    const out = sink();
    createLogger("info", { destination: out.stream, format: "json", isTerminal: true }).info("hello");
    expect(JSON.parse(out.text())).toMatchObject({ level: "info", msg: "hello" });
  });
});
