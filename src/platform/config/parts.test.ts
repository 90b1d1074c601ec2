import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { describeParts, partsOf } from "./parts.ts";

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
