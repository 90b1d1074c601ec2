import { describe, expect, it } from "vitest";
import { parseSlaPolicy } from "./sla-policy.ts";
import { newClocks, paused, resumed, retargeted, slaStatus, stopped, type SlaTimer } from "./sla.ts";

// Monday to Friday 09:00 to 17:00 UTC; normal tickets: first response 1 h, resolution 4 h; warn at 75%.
const policy = parseSlaPolicy(
  JSON.stringify({
    businessHours: { timezone: "UTC", hours: { start: "09:00", end: "17:00" } },
    targets: { normal: { firstResponse: "1h", resolution: "4h" }, urgent: { firstResponse: "30m", resolution: "2h" } },
    tiers: { gold: { normal: { firstResponse: "15m" } } },
  }),
);
const at = (iso: string) => new Date(iso);
const normal = { priority: "normal", tier: null };

function timer(kind: "first_response" | "resolution", from: Date, overrides: Partial<SlaTimer> = {}): SlaTimer {
  const [fr, rs] = newClocks(policy, normal, from);
  const clock = kind === "first_response" ? fr : rs;
  return { id: 1, ticketId: 1, warnedAt: null, breachedAt: null, stoppedAt: null, met: null, ...clock, ...overrides };
}

describe("SLA clocks", () => {
  it("a new ticket's clocks are due after their targets in business time, with a warning at 75%", () => {
    const [fr, rs] = newClocks(policy, normal, at("2026-11-23T10:00:00Z"));
    expect(fr).toMatchObject({
      kind: "first_response",
      targetSeconds: 3600,
      dueAt: at("2026-11-23T11:00:00Z"),
      warnAt: at("2026-11-23T10:45:00Z"),
    });
    expect(rs).toMatchObject({ kind: "resolution", targetSeconds: 14400, dueAt: at("2026-11-23T14:00:00Z") });
    // Asked on Friday at 16:30: due on Monday at 09:30.
    expect(newClocks(policy, normal, at("2026-11-27T16:30:00Z"))[0].dueAt).toEqual(at("2026-11-30T09:30:00Z"));
    // A tier may have its own targets.
    expect(newClocks(policy, { priority: "normal", tier: "gold" }, at("2026-11-23T10:00:00Z"))[0].dueAt).toEqual(
      at("2026-11-23T10:15:00Z"),
    );
  });

  it("pausing keeps the time used and clears the due instants; resuming counts on from then", () => {
    const running = timer("resolution", at("2026-11-23T10:00:00Z"));
    const p = paused(policy, running, at("2026-11-23T10:30:00Z"))!;
    expect(p).toEqual({ consumedSeconds: 1800, runningSince: null, dueAt: null, warnAt: null });
    expect(paused(policy, { ...running, ...p }, at("2026-11-23T11:00:00Z"))).toBeNull();
    // 3.5 h left from Tuesday 15:00: 2 h on Tuesday, 1.5 h on Wednesday.
    const r = resumed(policy, { ...running, ...p }, at("2026-11-24T15:00:00Z"))!;
    expect(r).toMatchObject({ runningSince: at("2026-11-24T15:00:00Z"), dueAt: at("2026-11-25T10:30:00Z") });
    expect(resumed(policy, running, at("2026-11-24T15:00:00Z"))).toBeNull();
  });

  it("a new priority moves the due instant", () => {
    const fr = timer("first_response", at("2026-11-27T16:30:00Z"));
    expect(retargeted(policy, fr, { priority: "urgent", tier: null })).toMatchObject({
      targetSeconds: 1800,
      dueAt: at("2026-11-27T17:00:00Z"),
    });
  });

  it("stopping judges the clock: met within target, missed (at its due instant) after it, once", () => {
    const fr = timer("first_response", at("2026-11-23T10:00:00Z"));
    expect(stopped(policy, fr, at("2026-11-23T10:20:00Z"))).toMatchObject({
      consumedSeconds: 1200,
      met: true,
      stoppedAt: at("2026-11-23T10:20:00Z"),
    });
    const late = stopped(policy, fr, at("2026-11-23T11:30:00Z"))!;
    expect(late).toMatchObject({ consumedSeconds: 5400, met: false, breachedAt: at("2026-11-23T11:00:00Z") });
    // A breach the sweep recorded already is kept.
    expect(stopped(policy, { ...fr, breachedAt: at("2026-11-23T11:00:01Z") }, at("2026-11-23T11:30:00Z"))).not.toHaveProperty("breachedAt");
    expect(stopped(policy, { ...fr, stoppedAt: at("2026-11-23T10:20:00Z") }, at("2026-11-23T11:30:00Z"))).toBeNull();
  });

  it("the card shows the first-response clock while it runs, then the resolution clock", () => {
    const fr = timer("first_response", at("2026-11-23T10:00:00Z"));
    const rs = timer("resolution", at("2026-11-23T10:00:00Z"));
    expect(slaStatus(policy, [rs, fr], at("2026-11-23T10:10:00Z"))).toEqual({
      kind: "first_response",
      state: "running",
      dueAt: at("2026-11-23T11:00:00Z"),
      leftSeconds: 3000,
    });
    expect(slaStatus(policy, [{ ...fr, warnedAt: at("2026-11-23T10:45:00Z") }], at("2026-11-23T10:50:00Z"))!.state).toBe("warning");
    expect(slaStatus(policy, [fr], at("2026-11-23T11:10:00Z"))).toMatchObject({ state: "breached", leftSeconds: -600 });
    expect(slaStatus(policy, [rs], at("2026-11-23T10:10:00Z"))!.kind).toBe("resolution");
    expect(slaStatus(policy, [{ ...rs, runningSince: null, consumedSeconds: 600 }], at("2026-11-24T10:00:00Z"))).toMatchObject({
      state: "paused",
      leftSeconds: 13800,
    });
    expect(slaStatus(policy, [], at("2026-11-23T10:10:00Z"))).toBeNull();
  });
});
