import { describe, expect, it } from "vitest";
import { backoffDelayMs, retryDecision, type RetryPolicy } from "./leased-work.ts";

const policy: RetryPolicy = { baseMs: 1000, maxMs: 300_000, maxAttempts: 5, jitter: 0.25 };
const middle = () => 0.5;

describe("backoff", () => {
  it("doubles the delay after each failed attempt, from the base", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, middle))).toEqual([1000, 2000, 4000, 8000, 16_000]);
  });

  it("never waits longer than the maximum", () => {
    expect(backoffDelayMs(30, policy, middle)).toBe(300_000);
    expect(backoffDelayMs(1000, policy, middle)).toBe(300_000);
  });

  it("spreads each delay by the jitter, so failures that happened together do not retry together", () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(3000);
    expect(backoffDelayMs(3, policy, () => 0.999999)).toBe(5000);
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(3000);
      expect(d).toBeLessThanOrEqual(5000);
    }
  });

  it("without jitter, waits exactly the nominal delay", () => {
    expect(backoffDelayMs(2, { ...policy, jitter: 0 }, () => 0.9)).toBe(2000);
  });
});

describe("retry or give up", () => {
  const now = new Date("2026-11-30T12:00:00Z");

  it("retries after the backoff until the last attempt, then gives up", () => {
    expect(retryDecision(1, policy, now, middle)).toEqual({ giveUp: false, delayMs: 1000, availableAt: new Date("2026-11-30T12:00:01Z") });
    expect(retryDecision(4, policy, now, middle)).toMatchObject({ giveUp: false, delayMs: 8000 });
    expect(retryDecision(5, policy, now, middle)).toEqual({ giveUp: true });
    expect(retryDecision(9, policy, now, middle)).toEqual({ giveUp: true });
  });

  it("gives up at once when one attempt is all there is", () => {
    expect(retryDecision(1, { ...policy, maxAttempts: 1 }, now, middle)).toEqual({ giveUp: true });
  });
});
