import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../observability/log.ts";
import { loadConfig } from "./config.ts";
import { describeParts, logOffParts, partsOf, summariseOffParts } from "./parts.ts";

const base = { SLACK_BOT_TOKEN: "xoxb-1-2-3", SLACK_SIGNING_SECRET: "abcdef0123456789abcdef0123456789" };

describe("optional parts", () => {
  it("with only the tokens, turns on what needs nothing more and says why the rest is off", () => {
    const cfg = loadConfig(base);
    const parts = partsOf(cfg);
    expect(parts).toMatchObject({ triage: null, feedback: null, api: null, socketMode: null, supportSummary: null, vocDigest: null });
    expect(parts.slaSweep).toEqual({ schedule: "* * * * *" });
    expect(parts.csat).toEqual({ sampleRate: 1, minDaysBetween: 7 });
    const states = describeParts(cfg);
    expect(states.voiceOfCustomer).toEqual({ enabled: false, reason: expect.stringContaining("PRODUCT_CHANNEL is not set") });
    expect(states.metricsApi.reason).toContain("INGEST_API_TOKEN is not set");
    expect(states.slaSweep).toEqual({ enabled: true });
  });

  it("hands each part the settings it runs with", () => {
    const parts = partsOf(
      loadConfig({
        ...base,
        TRIAGE_CHANNEL: "C0TRIAGE",
        PRODUCT_CHANNEL: "C0PRODUCT",
        SLACK_APP_TOKEN: "xapp-1-A1",
        INBOX_RETENTION: "2d",
      }),
    );
    expect(parts.triage).toEqual({ channel: "C0TRIAGE" });
    expect(parts.feedback).toEqual({ productChannel: "C0PRODUCT" });
    expect(parts.supportSummary).toEqual({ schedule: "0 9 * * 1", channel: "C0TRIAGE" });
    expect(parts.vocDigest).toEqual({ schedule: "0 9 * * 1", channel: "C0PRODUCT" });
    expect(parts.socketMode).toEqual({ appToken: "xapp-1-A1" });
    expect(parts.inboxRetention).toEqual({ retentionMs: 2 * 86_400_000 });
  });

  it("a schedule turned off turns its part off, naming the variable", () => {
    const cfg = loadConfig({ ...base, TRIAGE_CHANNEL: "C0TRIAGE", SUPPORT_SUMMARY_CRON: "off", INBOX_RETENTION: "off" });
    expect(partsOf(cfg).supportSummary).toBeNull();
    expect(partsOf(cfg).inboxRetention).toBeNull();
    expect(describeParts(cfg).supportSummary).toEqual({ enabled: false, reason: "SUPPORT_SUMMARY_CRON is off" });
  });
});

describe("the start-up line about parts that are off", () => {
  it("names every part that is off with what turns it on, in one sentence, and not Socket Mode", () => {
    const summary = summariseOffParts(loadConfig(base));
    expect(summary?.parts).toEqual(["triage", "agentDirectory", "metricsApi", "segment", "alertsChannel", "voiceOfCustomer"]);
    expect(summary?.message).toBe(
      "off: triage cards (set TRIAGE_CHANNEL), the agent list (set AGENT_USER_IDS or AGENT_USERGROUP_ID), " +
        "the /api/v1 routes (customer-success data in) (set INGEST_API_TOKEN), Segment-compatible ingestion (set SEGMENT_WRITE_KEY), " +
        "the shared alerts channel (set ALERTS_CHANNEL), " +
        "voice of the customer (set PRODUCT_CHANNEL); GET /healthz says why each is off",
    );
    expect(summary?.message).not.toMatch(/socket/i);
  });

  it("names a schedule turned off, and nothing when every part is on", () => {
    const all = {
      ...base,
      TRIAGE_CHANNEL: "C0TRIAGE",
      AGENT_USER_IDS: "U0AGENT",
      INGEST_API_TOKEN: "0123456789abcdef0123",
      SEGMENT_WRITE_KEY: "0123456789abcdef0123",
      ALERTS_CHANNEL: "C0ALERTS",
      PRODUCT_CHANNEL: "C0PRODUCT",
    };
    expect(summariseOffParts(loadConfig(all))).toBeNull();
    const summary = summariseOffParts(loadConfig({ ...all, VOC_DIGEST_CRON: "off", CSAT_ENABLED: "false" }));
    expect(summary?.parts).toEqual(["vocDigest", "csat"]);
  });

  it("is logged as one info line", () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(
          ...String(chunk)
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as Record<string, unknown>),
        );
        done();
      },
    });
    logOffParts(loadConfig(base), createLogger("info", sink));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info", off: expect.arrayContaining(["triage"]), msg: expect.stringMatching(/^off: /) });
  });
});
