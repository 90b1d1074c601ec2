import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import dotenv from "dotenv";
import { describe, expect, it } from "vitest";
import { ConfigError, configSchema, loadConfig } from "../src/platform/config/config.ts";
import { loadEnvFile } from "../src/platform/config/env-file.ts";

const good = { SLACK_BOT_TOKEN: "xoxb-1-2-3", SLACK_SIGNING_SECRET: "abcdef0123456789abcdef0123456789" };
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe("configuration", () => {
  it("needs only the bot token and the signing secret; everything else has a default or stays off", () => {
    const cfg = loadConfig(good);
    expect(cfg).toMatchObject({
      PORT: 3000,
      SUPPORT_CHANNELS: [],
      TICKET_EMOJI: "ticket",
      INTAKE_IGNORE_PLEASANTRIES: true,
      INTAKE_MERGE_WINDOW_MINUTES: 5,
    });
    expect(cfg.TRIAGE_CHANNEL).toBeUndefined();
    expect(cfg.DATABASE_URL).toBeUndefined();
  });

  it("runs health checks daily at 06:00 by default; ALERTS_CHANNEL empty or unset leaves the shared alerts channel off", () => {
    const cfg = loadConfig({ ...good, ALERTS_CHANNEL: " ", HEALTH_CHECK_CRON: "" });
    expect(cfg.HEALTH_CHECK_CRON).toBe("0 6 * * *");
    expect(cfg.ALERTS_CHANNEL).toBeUndefined();
    expect(loadConfig({ ...good, HEALTH_CHECK_CRON: "off" }).HEALTH_CHECK_CRON).toBeNull();
  });

  it("treats an empty variable as unset", () => {
    const cfg = loadConfig({ ...good, TRIAGE_CHANNEL: "", PORT: " ", SLACK_APP_TOKEN: "", SUPPORT_CHANNELS: "", DATABASE_URL: "" });
    expect(cfg.TRIAGE_CHANNEL).toBeUndefined();
    expect(cfg.PORT).toBe(3000);
    expect(cfg.SLACK_APP_TOKEN).toBeUndefined();
  });

  it("parses lists and flags", () => {
    const cfg = loadConfig({
      ...good,
      SUPPORT_CHANNELS: " C01, G02 ,,C03",
      AGENT_USER_IDS: "U1A,W2B",
      INTAKE_IGNORE_PLEASANTRIES: "off",
      TICKET_EMOJI: ":sos:",
      SHIP_LINK_DOMAINS: "Example.com, *.docs.io ,",
    });
    expect(cfg.SUPPORT_CHANNELS).toEqual(["C01", "G02", "C03"]);
    expect(cfg.SHIP_LINK_DOMAINS).toEqual(["example.com", "docs.io"]);
    expect(loadConfig({ ...good, SHIP_LINK_DOMAINS: " " }).SHIP_LINK_DOMAINS).toEqual([]);
    expect(cfg.AGENT_USER_IDS).toEqual(["U1A", "W2B"]);
    expect(cfg.INTAKE_IGNORE_PLEASANTRIES).toBe(false);
    expect(cfg.TICKET_EMOJI).toBe("sos");
  });

  it.each([
    [{}, ["SLACK_BOT_TOKEN is required: set it to the Bot User OAuth Token (xoxb-...)", "SLACK_SIGNING_SECRET is required"]],
    [{ ...good, SLACK_BOT_TOKEN: "xoxp-user-token" }, ["SLACK_BOT_TOKEN must be a bot token starting with xoxb-"]],
    [{ ...good, SLACK_SIGNING_SECRET: "not hex!" }, ["SLACK_SIGNING_SECRET must be the hexadecimal Signing Secret"]],
    [{ ...good, SLACK_APP_TOKEN: "xoxb-wrong" }, ["SLACK_APP_TOKEN must be an app-level token starting with xapp-"]],
    [{ ...good, SLACK_API_URL: "not a url" }, ["SLACK_API_URL must be a URL"]],
    [{ ...good, PORT: "http" }, ["PORT must be a whole number"]],
    [{ ...good, PORT: "70000" }, ["PORT must be at most 65535"]],
    [{ ...good, DATABASE_URL: "mysql://x" }, ["DATABASE_URL must be a postgres:// URL, or file:<path> for SQLite"]],
    [{ ...good, TRIAGE_CHANNEL: "#triage" }, ["TRIAGE_CHANNEL must be a channel ID such as C0123ABCD"]],
    [{ ...good, SUPPORT_CHANNELS: "C01,general" }, ["SUPPORT_CHANNELS must be a channel ID"]],
    [{ ...good, AGENT_USER_IDS: "alice" }, ["AGENT_USER_IDS must be user IDs"]],
    [{ ...good, AGENT_USERGROUP_ID: "U123" }, ["AGENT_USERGROUP_ID must be a user group ID"]],
    [{ ...good, INTAKE_IGNORE_PLEASANTRIES: "maybe" }, ["INTAKE_IGNORE_PLEASANTRIES must be true or false"]],
    [{ ...good, INTAKE_MERGE_WINDOW_MINUTES: "-1" }, ["INTAKE_MERGE_WINDOW_MINUTES must be a whole number of minutes"]],
    [{ ...good, TRIAGE_CHANNEL: "C01", SUPPORT_CHANNELS: "C01" }, ["SUPPORT_CHANNELS must not include TRIAGE_CHANNEL"]],
    [{ ...good, LOG_LEVEL: "loud" }, ["LOG_LEVEL must be one of"]],
    [{ ...good, ALERTS_CHANNEL: "#cs-alerts" }, ["ALERTS_CHANNEL must be a channel ID such as C0123ABCD"]],
    [{ ...good, HEALTH_CHECK_CRON: "daily" }, ["HEALTH_CHECK_CRON must be a cron expression"]],
    [{ ...good, SHIP_LINK_DOMAINS: "https://docs.example.com/" }, ["SHIP_LINK_DOMAINS must be domain names such as example.com"]],
  ])("names the variable and what to set for %j", (env, expected) => {
    const found = problems(env as Record<string, string>);
    expect(found).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(found[i]).toContain(e));
  });

  it("makes `npm start` exit non-zero with one line per problem", () => {
    const root = path.resolve(import.meta.dirname, "..");
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", SLACK_BOT_TOKEN: "", TRIAGE_CHANNEL: "triage" };
    // In an empty directory: a developer's own .env must not fill what this test leaves unset.
    const cwd = mkdtempSync(path.join(tmpdir(), "desk-start-"));
    const tsx = path.join(root, "node_modules/tsx/dist/loader.mjs");
    const run = spawnSync(process.execPath, ["--import", tsx, path.join(root, "src/main.ts")], {
      cwd,
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    rmSync(cwd, { recursive: true, force: true });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe("Cannot start: fix the configuration and try again.");
    expect(lines.slice(1).map((l) => l.trim().split(" ")[0])).toEqual(["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "TRIAGE_CHANNEL"]);
  });
});

describe("health configuration file at start-up", () => {
  it("stops start-up with the problem when HEALTH_CONFIG_FILE is bad or missing", async () => {
    const { spawnSync } = await import("node:child_process");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const dir = mkdtempSync(path.join(tmpdir(), "health-cfg-"));
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ bands: { green: 20, yellow: 50 } }));
    const root = path.resolve(import.meta.dirname, "..");
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "abcdef0123456789",
      DATABASE_URL: `file:${path.join(dir, "x.db")}`,
    };
    const run = (file: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
        cwd: root,
        env: { ...env, HEALTH_CONFIG_FILE: file },
        encoding: "utf8",
        timeout: 30_000,
      });
    const badRun = run(bad);
    expect(badRun.status).toBe(1);
    expect(badRun.stderr).toContain("bad.json is not a valid health configuration");
    expect(badRun.stderr).toContain("bands green must be above yellow");
    const missing = run("/nonexistent/health.json");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("HEALTH_CONFIG_FILE /nonexistent/health.json cannot be read (ENOENT)");
  });
});

describe(".env.example", () => {
  const root = path.resolve(import.meta.dirname, "..");
  const text = readFileSync(path.join(root, ".env.example"), "utf8");
  // A variable's line is `NAME=value`, or `# NAME=value` while it shows the default.
  const variableLines = text.split("\n").filter((line) => /^(# )?[A-Z][A-Z0-9_]*=/.test(line));
  const names = variableLines.map((line) => line.replace(/^# /, "").split("=")[0]);

  it("names every variable of the configuration schema, once, and no other", () => {
    expect([...names].sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(names).toHaveLength(new Set(names).size);
  });

  it("shows each variable's true default: with every line uncommented, the configuration is the default one", () => {
    const values = dotenv.parse(variableLines.map((line) => line.replace(/^# /, "")).join("\n"));
    expect(loadConfig({ ...values, ...good })).toEqual(loadConfig(good));
  });
});

describe(".env", () => {
  const root = path.resolve(import.meta.dirname, "..");
  const withDir = <T>(run: (dir: string) => T): T => {
    const dir = mkdtempSync(path.join(tmpdir(), "desk-env-"));
    try {
      return run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("fills the environment from the file; a variable already set wins, an empty one counts as unset", () => {
    withDir((dir) => {
      const file = path.join(dir, ".env");
      writeFileSync(
        file,
        '# a comment\nSLACK_BOT_TOKEN=xoxb-from-file\nTRIAGE_CHANNEL=C0FILE\nPORT=4000\nSUPPORT_SUMMARY_CRON="0 8 * * 1"\nPRODUCT_CHANNEL=\n',
      );
      const env: Record<string, string | undefined> = {
        TRIAGE_CHANNEL: "C0SHELL",
        PORT: "  ",
        SLACK_SIGNING_SECRET: good.SLACK_SIGNING_SECRET,
      };
      const read = loadEnvFile(file, env);
      expect(read).toEqual({
        file,
        applied: ["SLACK_BOT_TOKEN", "PORT", "SUPPORT_SUMMARY_CRON", "PRODUCT_CHANNEL"],
        overridden: ["TRIAGE_CHANNEL"],
      });
      const cfg = loadConfig(env);
      expect(cfg).toMatchObject({
        SLACK_BOT_TOKEN: "xoxb-from-file",
        TRIAGE_CHANNEL: "C0SHELL",
        PORT: 4000,
        SUPPORT_SUMMARY_CRON: "0 8 * * 1",
      });
      expect(cfg.PRODUCT_CHANNEL).toBeUndefined();
      expect(loadEnvFile(path.join(dir, "missing.env"), env)).toBeNull();
    });
  });

  it("is read by `npm start` from the working directory, with the environment's own variables winning", () => {
    withDir((dir) => {
      writeFileSync(path.join(dir, ".env"), "SLACK_BOT_TOKEN=xoxb-1-2-3\nTRIAGE_CHANNEL=triage\nPRODUCT_CHANNEL=product\n");
      const tsx = path.join(root, "node_modules/tsx/dist/loader.mjs");
      const start = (extra: Record<string, string>) =>
        spawnSync(process.execPath, ["--import", tsx, path.join(root, "src/main.ts")], {
          cwd: dir,
          env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...extra },
          encoding: "utf8",
          timeout: 30_000,
        });
      const run = start({ PRODUCT_CHANNEL: "C0PRODUCT" });
      expect(run.status).toBe(1);
      const lines = run.stderr.trim().split("\n");
      expect(lines[0]).toBe(`Cannot start: fix the configuration (in ${path.join(dir, ".env")} or the environment) and try again.`);
      // SLACK_BOT_TOKEN came from the file; PRODUCT_CHANNEL's bad value in the file lost to the environment's.
      expect(lines.slice(1).map((l) => l.trim().split(" ")[0])).toEqual(["SLACK_SIGNING_SECRET", "TRIAGE_CHANNEL"]);
    });
  });
});
