import { describe, expect, it } from "vitest";
import { ApiError } from "./errors.ts";
import { format, limit, parseInstant, period, single } from "./query.ts";

const q = (text: string) => new URLSearchParams(text);
const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, ...error.extra, message: error.message };
    throw error;
  }
  throw new Error("not refused");
};

describe("query parameters", () => {
  it("takes a parameter once, trimmed, an empty one as absent", () => {
    expect(single(q("a= x "), "a")).toBe("x");
    expect(single(q("a="), "a")).toBeNull();
    expect(refusal(() => single(q("a=1&a=2"), "a"))).toMatchObject({
      status: 400,
      parameter: "a",
      message: "a was given 2 times; give it once",
    });
  });

  it("reads dates and date-times as UTC; a date-only end includes its day", () => {
    expect(parseInstant("from", "2026-01-31").toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(parseInstant("to", "2026-01-31", true).toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(parseInstant("from", "2026-01-31T09:30").toISOString()).toBe("2026-01-31T09:30:00.000Z");
    expect(parseInstant("from", "2026-01-31T09:30:00+02:00").toISOString()).toBe("2026-01-31T07:30:00.000Z");
    expect(refusal(() => parseInstant("to", "2026-02-30"))).toMatchObject({
      parameter: "to",
      message: expect.stringContaining("not a real date"),
    });
    expect(refusal(() => parseInstant("from", "yesterday"))).toMatchObject({ parameter: "from" });
  });

  it("defaults the period to the last 30 days and keeps it under 366 days, from before to", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    expect(period(q(""), now)).toEqual({ from: new Date("2026-10-31T12:00:00Z"), to: now });
    expect(refusal(() => period(q("from=2026-03-01&to=2026-02-01"), now))).toMatchObject({ parameter: "from" });
    expect(refusal(() => period(q("from=2024-01-01&to=2026-01-01"), now))).toMatchObject({
      parameter: "from",
      message: expect.stringContaining("at most 366 days apart"),
    });
  });

  it("reads the format and the page size", () => {
    expect(format(q(""))).toBe("json");
    expect(format(q("format=csv"))).toBe("csv");
    expect(refusal(() => format(q("format=xml")))).toMatchObject({ parameter: "format" });
    expect(limit(q(""), 100, 1000)).toBe(100);
    expect(limit(q("limit=5"), null, 1000)).toBe(5);
    for (const bad of ["0", "1001", "ten", "1e2"])
      expect(refusal(() => limit(q(`limit=${bad}`), 100, 1000))).toMatchObject({ parameter: "limit" });
  });
});
