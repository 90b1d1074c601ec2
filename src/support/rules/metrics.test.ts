import { describe, expect, it } from "vitest";
import {
  attainmentOf,
  comparePeriods,
  emptyRow,
  lastDays,
  nearestRank,
  newTally,
  previousPeriod,
  rowOfTallies,
  SLA_BREACHED_NOW,
  SLA_MET,
  SLA_MISSED,
  sortGroups,
  sumRows,
  tallyTicket,
  TICKET_ONE_AGENT_RESPONSE,
  TICKET_REOPENED,
  TICKET_RESOLVED,
  valueAtRank,
  type MetricsRow,
} from "./metrics.ts";

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

describe("percentiles", () => {
  it("take the nearest rank, ceil(p × n), without a floating-point product rounded up", () => {
    expect([1, 2, 3, 4, 5, 10].map((n) => nearestRank(n, 5))).toEqual([1, 1, 2, 2, 3, 5]);
    expect([1, 2, 9, 10, 11, 20, 30, 100].map((n) => nearestRank(n, 9))).toEqual([1, 2, 9, 9, 10, 18, 27, 90]);
    for (let n = 1; n <= 1000; n++) expect(nearestRank(n, 9)).toBe(Math.ceil((9 * n) / 10 - 1e-9));
  });

  it("select the same value as a full sort, with ties, in any order, at every rank", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const size of [1, 2, 3, 10, 101, 1000]) {
      for (const spread of [1, 5, 1_000_000]) {
        const values = Array.from({ length: size }, () => next() % spread);
        const sorted = [...values].sort((a, b) => a - b);
        for (const rank of new Set([1, nearestRank(size, 5), nearestRank(size, 9), size])) {
          expect(valueAtRank(Float64Array.from(values), rank)).toBe(sorted[rank - 1]);
        }
      }
    }
  });
});

describe("counting tickets one at a time", () => {
  it("gives each figure by its definition", () => {
    const t = newTally();
    // Resolved at the first answer, SLA met on both clocks, surveyed and answered twice (one satisfied).
    tallyTicket(t, TICKET_RESOLVED | TICKET_ONE_AGENT_RESPONSE, 60, 30, 600, 300, SLA_MET + 4 * SLA_MET, true, 2, 1);
    // Reopened and open again: its old resolution seconds do not count; first-response clock missed.
    tallyTicket(t, TICKET_REOPENED, 120, 100, 9999, 9999, SLA_MISSED, false, 0, 0);
    // Waiting for an answer past its target; surveyed before, not answered.
    tallyTicket(t, 0, null, null, null, null, SLA_BREACHED_NOW, true, 0, 0);
    // Resolved again after a reopen with one agent answer: resolved, not first-contact resolution.
    tallyTicket(t, TICKET_RESOLVED | TICKET_REOPENED | TICKET_ONE_AGENT_RESPONSE, 30, null, 900, 450, 4 * SLA_MISSED, false, 1, 1);
    const row = rowOfTallies("x", [t]);
    expect(row).toMatchObject({
      group: "x",
      tickets: 4,
      reopened: 2,
      everResolved: 3,
      resolved: 2,
      firstContactResolved: 1,
      firstContactResolution: 0.5,
      csat: { responses: 3, satisfied: 2, surveys: 2, answeredSurveys: 1, responseRate: 0.5 },
      sla: {
        firstResponse: { met: 1, stopped: 2, breachedNow: 1, attainment: 1 / 3 },
        resolution: { met: 1, stopped: 2, breachedNow: 0, attainment: 0.5 },
      },
    });
    // 3 first responses (30, 60, 120) but 2 in business time: count 3, business median of [30, 100].
    expect(row.firstResponse).toEqual({ count: 3, medianSeconds: 60, p90Seconds: 120, medianBusinessSeconds: 30, p90BusinessSeconds: 100 });
    expect(row.resolution).toEqual({ count: 2, medianSeconds: 600, p90Seconds: 900, medianBusinessSeconds: 300, p90BusinessSeconds: 450 });
  });

  it("the overall row of several groups is the row of all their tickets", () => {
    const a = newTally();
    const b = newTally();
    const all = newTally();
    for (let i = 0; i < 50; i++) {
      const args = [
        i % 3 === 0 ? TICKET_RESOLVED : TICKET_REOPENED,
        (i * 37) % 101,
        i % 5 ? (i * 11) % 53 : null,
        i * 7,
        i,
        i % 16,
        i % 4 === 0,
        i % 3,
        i % 2,
      ] as const;
      tallyTicket(i % 4 === 1 ? a : b, ...args);
      tallyTicket(all, ...args);
    }
    expect(rowOfTallies(null, [a, b])).toEqual(rowOfTallies(null, [all]));
    expect(rowOfTallies(null, [a, b])).toMatchObject({ tickets: 50, resolved: 17 });
  });

  it("no tickets give the empty row", () => {
    expect(rowOfTallies(null, [])).toEqual(emptyRow(null));
    expect(rowOfTallies(null, [newTally()])).toEqual(emptyRow(null));
  });
});
