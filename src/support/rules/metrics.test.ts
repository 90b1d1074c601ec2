import { describe, expect, it } from "vitest";
import { attainmentOf, comparePeriods, emptyRow, lastDays, previousPeriod, sortGroups, sumRows, type MetricsRow } from "./metrics.ts";

const row = (group: string, o: Partial<MetricsRow> = {}): MetricsRow => ({ ...emptyRow(group), ...o });

describe("comparing two periods", () => {
  it("counts and durations change in percent, rates in percentage points", () => {
    const current = row("*", {
      tickets: 12,
      reopenRate: 0.25,
      firstResponse: { count: 10, medianSeconds: 600, p90Seconds: 3000, medianBusinessSeconds: 900, p90BusinessSeconds: 2000 },
    });
    const previous = row("*", {
      tickets: 4,
      reopenRate: 0.5,
      firstResponse: { count: 4, medianSeconds: 600, p90Seconds: 3000, medianBusinessSeconds: 1200, p90BusinessSeconds: 2000 },
    });
    const figures = Object.fromEntries(comparePeriods(current, previous).map((f) => [f.key, f]));
    expect(figures.tickets).toMatchObject({ kind: "count", current: 12, previous: 4, change: { unit: "percent", value: 200 } });
    expect(figures.firstResponseMedianBusiness.change).toEqual({ unit: "percent", value: -25 });
    expect(figures.firstResponseMedian.change).toEqual({ unit: "percent", value: 0 });
    expect(figures.reopenRate.change).toEqual({ unit: "points", value: -25 });
  });

  it("cannot compare against no data or a zero", () => {
    const figures = Object.fromEntries(comparePeriods(row("*", { tickets: 3 }), emptyRow()).map((f) => [f.key, f]));
    expect(figures.tickets.change).toBeNull(); // 3 against 0 tickets
    expect(figures.reopenRate).toMatchObject({ current: null, previous: null, change: null });
  });

  it("gives the SLA figures the clocks breached now, next to their attainment", () => {
    const current = row("*", { sla: { firstResponse: attainmentOf(0, 0, 1), resolution: null } });
    const figures = Object.fromEntries(comparePeriods(current, emptyRow()).map((f) => [f.key, f]));
    expect(figures.slaFirstResponse).toMatchObject({ current: 0, breachedNow: 1 });
    expect(figures.slaResolution).toMatchObject({ current: null, breachedNow: 0 });
    expect(figures.tickets.breachedNow).toBeUndefined();
    expect(attainmentOf(0, 0, 0)).toBeNull();
  });

  it("lists the headline figures in a fixed order, the ticket count first", () => {
    const keys = comparePeriods(emptyRow(), emptyRow()).map((f) => f.key);
    expect(keys[0]).toBe("tickets");
    expect(keys).toHaveLength(13);
  });

  it("the previous period has the same length and ends where the current one starts", () => {
    const { from, to } = lastDays(7, new Date("2026-11-30T09:00:00Z"));
    expect(from).toEqual(new Date("2026-11-23T09:00:00Z"));
    expect(previousPeriod(from, to)).toEqual({ from: new Date("2026-11-16T09:00:00Z"), to: from });
  });
});

describe("groups", () => {
  it("the overall counts are the groups' sums, with rates worked out again", () => {
    const total = sumRows([
      row("a", {
        tickets: 3,
        reopened: 1,
        everResolved: 2,
        resolved: 2,
        firstContactResolved: 1,
        sla: { firstResponse: { met: 1, stopped: 2, breachedNow: 1, attainment: 1 / 3 }, resolution: null },
      }),
      row("b", {
        tickets: 1,
        reopened: 0,
        everResolved: 2,
        resolved: 2,
        firstContactResolved: 2,
        sla: {
          firstResponse: { met: 2, stopped: 2, breachedNow: 0, attainment: 1 },
          resolution: { met: 0, stopped: 0, breachedNow: 1, attainment: 0 },
        },
      }),
    ]);
    expect(total).toMatchObject({ tickets: 4, reopened: 1, everResolved: 4, reopenRate: 0.25, firstContactResolution: 0.75 });
    // A clock breached and still open counts as missed: 3 met of 4 stopped + 1 breached now.
    expect(total.sla).toEqual({
      firstResponse: { met: 3, stopped: 4, breachedNow: 1, attainment: 0.6 },
      resolution: { met: 0, stopped: 0, breachedNow: 1, attainment: 0 },
    });
    expect(total.firstResponse).toBeNull(); // percentiles do not add up
  });

  it("priorities read by rank; other groups by tickets, most first, then by name", () => {
    expect(sortGroups("priority", [row("low"), row("urgent"), row("normal")]).map((r) => r.group)).toEqual(["urgent", "normal", "low"]);
    const agents = sortGroups("agent", [row("U2", { tickets: 1 }), row("U3", { tickets: 5 }), row("U1", { tickets: 1 })]);
    expect(agents.map((r) => r.group)).toEqual(["U3", "U1", "U2"]);
  });
});
