import { describe, expect, it } from "vitest";
import { addBusinessMs, businessMsBetween, isBusinessTime, type BusinessCalendar } from "./business-hours.ts";

const H = 3_600_000;
const berlin: BusinessCalendar = {
  timezone: "Europe/Berlin",
  workingDays: [1, 2, 3, 4, 5],
  startMinute: 9 * 60,
  endMinute: 17 * 60,
  holidays: new Set(["2026-12-25"]),
};
const at = (iso: string) => new Date(iso);

describe("business hours", () => {
  it("counts only the open hours of working days", () => {
    // Monday 2026-11-23, 10:00 Berlin (09:00 UTC) to 16:00 Berlin.
    expect(businessMsBetween(berlin, at("2026-11-23T09:00:00Z"), at("2026-11-23T15:00:00Z"))).toBe(6 * H);
    // Before opening and after closing count nothing.
    expect(businessMsBetween(berlin, at("2026-11-23T05:00:00Z"), at("2026-11-23T08:00:00Z"))).toBe(0);
    expect(businessMsBetween(berlin, at("2026-11-23T17:00:00Z"), at("2026-11-24T07:59:00Z"))).toBe(0);
  });

  it("crosses the night and the weekend exactly", () => {
    // Friday 16:00 Berlin to Monday 10:00 Berlin: 1 h on Friday + 1 h on Monday.
    expect(businessMsBetween(berlin, at("2026-11-27T15:00:00Z"), at("2026-11-30T09:00:00Z"))).toBe(2 * H);
    expect(addBusinessMs(berlin, at("2026-11-27T15:00:00Z"), 2 * H).toISOString()).toBe("2026-11-30T09:00:00.000Z");
    // Thursday 16:30 + 1 h: 30 min Thursday, 30 min Friday morning.
    expect(addBusinessMs(berlin, at("2026-11-26T15:30:00Z"), H).toISOString()).toBe("2026-11-27T08:30:00.000Z");
  });

  it("skips holidays", () => {
    // Thursday 2026-12-24 16:00 Berlin + 2 h: 1 h on the 24th; the 25th is a holiday, then the weekend; 1 h on Monday the 28th.
    expect(addBusinessMs(berlin, at("2026-12-24T15:00:00Z"), 2 * H).toISOString()).toBe("2026-12-28T09:00:00.000Z");
    expect(businessMsBetween(berlin, at("2026-12-24T08:00:00Z"), at("2026-12-29T08:00:00Z"))).toBe(8 * H + 8 * H);
  });

  it("is exact across daylight-saving changes", () => {
    // Berlin leaves summer time on Sunday 2026-10-25. Friday 16:00 CEST (14:00 UTC) + 2 h = Monday 10:00 CET (09:00 UTC).
    expect(addBusinessMs(berlin, at("2026-10-23T14:00:00Z"), 2 * H).toISOString()).toBe("2026-10-26T09:00:00.000Z");
    // A whole working week across the change is 40 hours.
    expect(businessMsBetween(berlin, at("2026-10-19T00:00:00Z"), at("2026-10-31T00:00:00Z"))).toBe(80 * H);
    // New York on the spring change (2026-03-08, a Sunday): a 24/7 calendar loses an hour that day.
    const always: BusinessCalendar = {
      timezone: "America/New_York",
      workingDays: [1, 2, 3, 4, 5, 6, 7],
      startMinute: 0,
      endMinute: 24 * 60,
      holidays: new Set(),
    };
    expect(businessMsBetween(always, at("2026-03-08T05:00:00Z"), at("2026-03-09T04:00:00Z"))).toBe(23 * H);
  });

  it("knows whether a moment is within business hours", () => {
    expect(isBusinessTime(berlin, at("2026-11-23T08:30:00Z"))).toBe(true);
    expect(isBusinessTime(berlin, at("2026-11-23T16:30:00Z"))).toBe(false);
    expect(isBusinessTime(berlin, at("2026-11-28T10:00:00Z"))).toBe(false);
  });
});
