// The scheduler across processes and restarts, on the real database: a tick missed while no process ran
// runs once when one comes back (or is recorded as skipped), a first install catches nothing up, and a
// run left by a dead process is taken over once its lease has run out, but not while it is alive.
import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import { startDesk, type Desk } from "./support/harness.ts";
import { Scheduler, previousSlot, type Job } from "../src/platform/scheduler/scheduler.ts";
import type { Clock } from "../src/platform/clock.ts";

let desk: Desk;
afterEach(async () => {
  await desk?.stop();
});

const log = pino({ level: "silent" });
const at = (iso: string): Clock => ({ now: () => new Date(iso) });
function countingJob(name = "report", schedule = "0 9 * * *") {
  const runs: string[] = [];
  const job: Job = { name, schedule, run: async (slot) => void runs.push(slot.toISOString()) };
  return { job, runs };
}

describe("scheduler", () => {
  it("knows a schedule's latest slot in its time zone", () => {
    expect(previousSlot("0 9 * * *", "Europe/Berlin", new Date("2026-11-23T12:00:00Z"))!.toISOString()).toBe("2026-11-23T08:00:00.000Z");
    expect(previousSlot("0 9 * * 1", "UTC", new Date("2026-11-23T08:59:00Z"))!.toISOString()).toBe("2026-11-16T09:00:00.000Z");
  });

  it("runs a tick missed while no process ran, once, however many processes come back", async () => {
    desk = await startDesk({
      env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off", HEALTH_CHECK_CRON: "off", ALERT_ESCALATION_CRON: "off" },
    });
    const db = desk.app.db;
    const { job, runs } = countingJob();
    // It ran on the 20th; every process was down on the 21st and 22nd; they come back on the 22nd at noon.
    await db.client.jobRun.create({
      data: {
        key: "report:2026-11-20T09:00:00.000Z",
        name: "report",
        slot: new Date("2026-11-20T09:00:00Z"),
        owner: "old",
        status: "done",
        startedAt: new Date("2026-11-20T09:00:00Z"),
      },
    });
    const a = new Scheduler(db, at("2026-11-22T12:00:00Z"), log, "a", "UTC");
    const b = new Scheduler(db, at("2026-11-22T12:00:01Z"), log, "b", "UTC");
    a.start([job]);
    b.start([job]);
    expect(await a.catchUp()).toBeLessThanOrEqual(1);
    expect(await b.catchUp()).toBe(0);
    await a.stop();
    await b.stop();
    expect(runs).toEqual(["2026-11-22T09:00:00.000Z"]);
    const rows = await db.client.jobRun.findMany({ where: { name: "report" }, orderBy: { slot: "asc" } });
    expect(rows.map((r) => [r.slot.toISOString(), r.status])).toEqual([
      ["2026-11-20T09:00:00.000Z", "done"],
      ["2026-11-22T09:00:00.000Z", "done"],
    ]);
  });

  it("records a missed tick as skipped with MISSED_TICKS=skip, and catches nothing up on a first install", async () => {
    desk = await startDesk({
      env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off", HEALTH_CHECK_CRON: "off", ALERT_ESCALATION_CRON: "off" },
    });
    const db = desk.app.db;
    const first = countingJob("fresh");
    const fresh = new Scheduler(db, at("2026-11-22T12:00:00Z"), log, "a", "UTC");
    fresh.start([first.job]);
    expect(await fresh.catchUp()).toBe(0);
    await fresh.stop();
    expect(first.runs).toEqual([]);
    expect(await db.client.jobRun.count({ where: { name: "fresh" } })).toBe(0);

    const { job, runs } = countingJob();
    await db.client.jobRun.create({
      data: {
        key: "report:2026-11-20T09:00:00.000Z",
        name: "report",
        slot: new Date("2026-11-20T09:00:00Z"),
        owner: "old",
        status: "done",
        startedAt: new Date("2026-11-20T09:00:00Z"),
      },
    });
    const skipping = new Scheduler(db, at("2026-11-22T12:00:00Z"), log, "a", "UTC", { missedTicks: "skip" });
    skipping.start([job]);
    await skipping.catchUp();
    await skipping.stop();
    expect(runs).toEqual([]);
    expect(await db.client.jobRun.findUniqueOrThrow({ where: { key: "report:2026-11-22T09:00:00.000Z" } })).toMatchObject({
      status: "skipped",
      detail: "missed while no process was running",
    });
  });

  it("takes over a run whose process died once its lease runs out, and leaves a live run alone", async () => {
    desk = await startDesk({
      env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off", HEALTH_CHECK_CRON: "off", ALERT_ESCALATION_CRON: "off" },
    });
    const db = desk.app.db;
    const { job, runs } = countingJob();
    const slot = new Date("2026-11-22T09:00:00Z");
    await db.client.jobRun.create({
      data: {
        key: `report:${slot.toISOString()}`,
        name: "report",
        slot,
        owner: "alive",
        status: "running",
        startedAt: new Date(),
        leaseUntil: new Date(Date.now() + 60_000),
      },
    });
    const other = new Scheduler(db, at("2026-11-22T09:00:30Z"), log, "b", "UTC", { leaseMs: 60_000 });
    other.start([job]);
    expect(await other.recover()).toBe(0);
    expect(runs).toEqual([]);

    // The owner died: its lease is not renewed and runs out.
    await db.client.jobRun.update({ where: { key: `report:${slot.toISOString()}` }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    expect(await other.recover()).toBe(1);
    expect(await other.recover()).toBe(0);
    await other.stop();
    expect(runs).toEqual([slot.toISOString()]);
    expect(await db.client.jobRun.findUniqueOrThrow({ where: { key: `report:${slot.toISOString()}` } })).toMatchObject({
      status: "done",
      owner: "b",
      leaseUntil: null,
    });
  });
});
