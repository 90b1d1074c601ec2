import { describe, expect, it } from "vitest";
import type { BusinessCalendar } from "./business-hours.ts";
import { planResponse, planStatusChange, priorityOf, statusOf } from "./ticket.ts";

const H = 3_600_000;
// Monday to Friday, 09:00 to 17:00 UTC.
const office: BusinessCalendar = { timezone: "UTC", workingDays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020, holidays: new Set() };
const created = new Date("2026-11-27T16:00:00Z"); // a Friday, an hour before closing
const ticket = (status: string) => ({ status, createdAt: created });
const monday10 = new Date("2026-11-30T10:00:00Z");

describe("the ticket state machine", () => {
  it("resolving records who resolved it and how long it took, in calendar and business time, and stops the clocks", () => {
    const plan = planStatusChange(ticket("open"), "resolved", "UAGENT", monday10, office)!;
    expect(plan.change).toEqual({ kind: "status_changed", actorId: "UAGENT", from: "open", to: "resolved" });
    expect(plan.set).toMatchObject({ status: "resolved", resolvedAt: monday10, resolvedById: "UAGENT" });
    // Friday 16:00 to Monday 10:00: 66 hours on the calendar, 2 business hours.
    expect(plan.set.resolutionSeconds).toBe((66 * H) / 1000);
    expect(plan.set.resolutionBusinessSeconds).toBe((2 * H) / 1000);
    expect(plan).toMatchObject({ sla: "stop", resolves: true, countReopen: false });
  });

  it("leaving resolved is a reopening: counted, the resolution cleared and its clock started again", () => {
    const plan = planStatusChange(ticket("resolved"), "open", "UAGENT", monday10, office)!;
    expect(plan.change.kind).toBe("reopened");
    expect(plan.set).toEqual({ status: "open", reopenedAt: monday10, resolvedAt: null, resolvedById: null });
    expect(plan).toMatchObject({ countReopen: true, sla: "restart", resolves: false });
    // Reopened straight to pending: the new clock starts paused.
    expect(planStatusChange(ticket("resolved"), "pending", "UAGENT", monday10, office)!.sla).toBe("restart_paused");
  });

  it("pending on the customer pauses the clocks; back to open resumes them", () => {
    expect(planStatusChange(ticket("open"), "pending", "UAGENT", monday10, office)).toMatchObject({ sla: "pause", countReopen: false });
    expect(planStatusChange(ticket("pending"), "open", "UAGENT", monday10, office)).toMatchObject({ sla: "resume" });
  });

  it("the customer's reply (no actor) reopens a resolved ticket, brings a pending one back, and leaves an open one alone", () => {
    expect(planStatusChange(ticket("resolved"), "open", null, monday10, office)!.change).toEqual({
      kind: "reopened",
      actorId: null,
      from: "resolved",
      to: "open",
    });
    expect(planStatusChange(ticket("pending"), "open", null, monday10, office)!.change.kind).toBe("status_changed");
    expect(planStatusChange(ticket("open"), "open", null, monday10, office)).toBeNull();
  });

  it("setting the status a ticket has already changes nothing", () => {
    for (const s of ["open", "pending", "resolved"] as const) expect(planStatusChange(ticket(s), s, "UAGENT", monday10, office)).toBeNull();
  });

  it("resolving at once counts zero seconds, never less", () => {
    const plan = planStatusChange(ticket("open"), "resolved", "UAGENT", new Date(created.getTime() - 5000), office)!;
    expect(plan.set.resolutionSeconds).toBe(0);
    expect(plan.set.resolutionBusinessSeconds).toBe(0);
  });
});

describe("an agent's answer", () => {
  it("the first one is timed and stops the first-response clock; later ones are only counted", () => {
    const first = planResponse({ firstResponseAt: null, createdAt: created }, "UAGENT", monday10, office);
    expect(first).toEqual({
      event: "first_response",
      set: {
        firstResponseAt: monday10,
        firstResponderId: "UAGENT",
        firstResponseSeconds: 66 * 3600,
        firstResponseBusinessSeconds: 2 * 3600,
      },
      stopsFirstResponseClock: true,
    });
    const later = planResponse({ firstResponseAt: monday10, createdAt: created }, "UAGENT2", monday10, office);
    expect(later).toEqual({ event: "response", set: {}, stopsFirstResponseClock: false });
  });
});

describe("stored values", () => {
  it("an unknown priority is handled as normal and an unknown status shown as open", () => {
    expect(priorityOf({ priority: "urgent" })).toBe("urgent");
    expect(priorityOf({ priority: "whenever" })).toBe("normal");
    expect(statusOf({ status: "pending" })).toBe("pending");
    expect(statusOf({ status: "??" })).toBe("open");
  });
});
