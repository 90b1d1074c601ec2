import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { interactionKind, replayGuard, INTERACTION_RETENTION_MS } from "./replays.ts";
import type { InteractionLog } from "./store/interactions.ts";

function memoryLog() {
  const keys = new Set<string>();
  const purges: Date[] = [];
  const log: InteractionLog = {
    claim: async ({ key }) => (keys.has(key) ? false : (keys.add(key), true)),
    purge: async (before) => (purges.push(before), 0),
  };
  return { log, keys, purges };
}

async function run(guard: ReturnType<typeof replayGuard>, body: Record<string, unknown>) {
  let ran = false;
  let acked = false;
  await guard({
    body,
    next: async () => void (ran = true),
    ack: async () => void (acked = true),
  } as unknown as Parameters<ReturnType<typeof replayGuard>>[0]);
  return { ran, acked };
}

const quiet = pino({ level: "silent" });

describe("the replay guard", () => {
  it("lets an interaction through once; the same payload again is acknowledged and ignored", async () => {
    const store = memoryLog();
    const now = new Date("2026-11-30T10:00:00Z");
    const guard = replayGuard({ interactions: store.log, now: () => now, log: quiet });
    const submission = { type: "view_submission", trigger_id: "1.2.a", user: { id: "U1" }, view: { id: "V1", hash: "h1" } };
    expect(await run(guard, submission)).toEqual({ ran: true, acked: false });
    expect(await run(guard, { ...submission })).toEqual({ ran: false, acked: true });
    // A new submission of the same modal is a new request from Slack (its own trigger_id).
    expect(await run(guard, { ...submission, trigger_id: "1.2.b" })).toEqual({ ran: true, acked: false });
    const command = { command: "/ticket", text: "help", trigger_id: "9.9.9", user_id: "U1" };
    expect(await run(guard, command)).toEqual({ ran: true, acked: false });
    expect(await run(guard, command)).toEqual({ ran: false, acked: true });
  });

  it("claims only interactions: events and option look-ups pass untouched", async () => {
    const store = memoryLog();
    const guard = replayGuard({ interactions: store.log, now: () => new Date(), log: quiet });
    for (const body of [
      { type: "event_callback", event: { type: "message" } },
      { type: "block_suggestion", value: "ac" },
    ]) {
      expect(await run(guard, body)).toEqual({ ran: true, acked: false });
      expect(await run(guard, body)).toEqual({ ran: true, acked: false });
    }
    expect(store.keys.size).toBe(0);
    expect(interactionKind({ type: "block_actions" })).toBe("block_actions");
    expect(interactionKind({ type: "shortcut" })).toBe("shortcut");
    expect(interactionKind({ command: "/cs" })).toBe("/cs");
    expect(interactionKind({ type: "url_verification" })).toBeNull();
  });

  it("purges claims older than a day, at most once an hour", async () => {
    const store = memoryLog();
    let now = new Date("2026-11-30T10:00:00Z");
    const guard = replayGuard({ interactions: store.log, now: () => now, log: quiet });
    await run(guard, { type: "block_actions", trigger_id: "a" });
    await run(guard, { type: "block_actions", trigger_id: "b" });
    now = new Date(now.getTime() + 61 * 60 * 1000);
    await run(guard, { type: "block_actions", trigger_id: "c" });
    expect(store.purges.map((d) => d.getTime())).toEqual([
      new Date("2026-11-30T10:00:00Z").getTime() - INTERACTION_RETENTION_MS,
      now.getTime() - INTERACTION_RETENTION_MS,
    ]);
  });
});
