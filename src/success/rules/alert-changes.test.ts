// What a person's change to an alert means, and what it refuses (pure, no database).
import { describe, expect, it } from "vitest";
import { DomainError } from "../../shared/errors.ts";
import { parseHealthConfig } from "./health-config.ts";
import type { AlertView } from "./alert.ts";
import { acknowledge, assertChangeable, escalationDue, eventText, noteText, reassign, snooze } from "./alert-changes.ts";

const NOW = new Date("2026-11-20T10:00:00Z");
const alert = (over: Partial<AlertView> = {}): AlertView => ({
  id: 7,
  status: "open",
  delivery: "realtime",
  raisedAt: NOW,
  clearedAt: null,
  channelId: "CALERTS",
  ownerId: "UCSM1",
  acknowledgedAt: null,
  acknowledgedById: null,
  snoozedUntil: null,
  escalatedAt: null,
  detail: {
    score: 11,
    band: "red",
    previousScore: null,
    rules: [{ rule: "entered_red", reason: "red", severity: 89 }],
    reasons: [],
    missing: [],
    tickets: [],
    computedAt: NOW.toISOString(),
  },
  account: { externalId: "acme", name: "Acme", arr: null, renewalDate: null, csmSlackUserId: "UCSM1" },
  ...over,
});

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("not refused");
}

describe("alert changes", () => {
  it("acknowledges once, naming who was first on a second try", () => {
    expect(acknowledge(alert(), "UCSM1", NOW)).toEqual({
      patch: { acknowledgedAt: NOW, acknowledgedById: "UCSM1" },
      line: { kind: "acknowledged", actorId: "UCSM1" },
    });
    const again = refusal(() => acknowledge(alert({ acknowledgedAt: NOW, acknowledgedById: "UCSM1" }), "UCSM2", NOW));
    expect(again.code).toBe("alert.already_acknowledged");
    expect(again.details.byUserId).toBe("UCSM1");
  });

  it("snoozes for 7, 14 or 30 days only", () => {
    expect(snooze("UCSM1", 14, NOW).patch.snoozedUntil).toEqual(new Date("2026-12-04T10:00:00Z"));
    expect(refusal(() => snooze("UCSM1", 3, NOW)).code).toBe("alert.invalid_snooze");
    expect(refusal(() => snooze("UCSM1", Number("x"), NOW)).details.days).toBeNull();
  });

  it("reassigns to someone else, not to the owner", () => {
    expect(reassign(alert(), "UCSM1", "UCSM2").line).toEqual({ kind: "reassigned", actorId: "UCSM1", from: "UCSM1", to: "UCSM2" });
    expect(refusal(() => reassign(alert(), "UCSM1", "UCSM1")).code).toBe("alert.already_owner");
  });

  it("takes a trimmed note, neither empty nor too long", () => {
    expect(noteText("  Called Dana.  ")).toBe("Called Dana.");
    expect(refusal(() => noteText("   ")).code).toBe("alert.note_empty");
    expect(refusal(() => noteText("x".repeat(2001))).details).toEqual({ length: 2001, max: 2000 });
  });

  it("refuses changes to a missing alert, and to a cleared one except a note", () => {
    expect(refusal(() => assertChangeable(null, 9, false)).code).toBe("alert.not_found");
    expect(refusal(() => assertChangeable(alert({ status: "cleared" }), 7, false)).code).toBe("alert.already_cleared");
    expect(() => assertChangeable(alert({ status: "cleared" }), 7, true)).not.toThrow();
  });

  it("keeps the note, the new owner or the snooze days with the change", () => {
    expect(eventText({ kind: "note", actorId: "U1", text: "hi" })).toBe("hi");
    expect(eventText({ kind: "reassigned", actorId: "U1", from: null, to: "U2" })).toBe("U2");
    expect(eventText({ kind: "snoozed", actorId: "U1", until: NOW, days: 30 })).toBe("30");
    expect(eventText({ kind: "acknowledged", actorId: "U1" })).toBeNull();
  });

  it("escalates red alerts raised the configured hours ago, only with a lead", () => {
    expect(escalationDue(parseHealthConfig(null), NOW)).toBeNull();
    const due = escalationDue(parseHealthConfig(JSON.stringify({ escalation: { leadUserId: "ULEAD", afterHours: 24 } })), NOW);
    expect(due).toEqual({
      leadUserId: "ULEAD",
      raisedBefore: new Date("2026-11-19T10:00:00Z"),
      line: { kind: "escalated", leadUserId: "ULEAD", hours: 24 },
    });
  });
});
