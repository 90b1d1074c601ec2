import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, cardAction, startDesk, usePostgres, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";
import { parseSlaPolicy, SlaPolicyError } from "../src/support/rules/sla-policy.ts";

const H = 3_600_000;
const M = 60_000;
const policyDir = mkdtempSync(path.join(tmpdir(), "sla-"));
function policyFile(policy: unknown, name = "sla.json") {
  const file = path.join(policyDir, name);
  writeFileSync(file, typeof policy === "string" ? policy : JSON.stringify(policy));
  return file;
}
const POLICY = {
  businessHours: { timezone: "UTC", workingDays: ["mon", "tue", "wed", "thu", "fri"], hours: { start: "09:00", end: "17:00" } },
  targets: {
    urgent: { firstResponse: "30m", resolution: "2h" },
    high: { firstResponse: "1h", resolution: "4h" },
    normal: { firstResponse: "1h", resolution: "4h" },
    low: { firstResponse: "8h", resolution: "40h" },
  },
  tiers: { enterprise: { normal: { firstResponse: "15m" } } },
  warnAt: 0.75,
};

const desks: Desk[] = [];
afterEach(async () => {
  while (desks.length) await desks.pop()!.stop();
});

async function deskAt(start: string, env: Record<string, string> = {}, databaseUrl?: string) {
  const clock = new TestClock(start);
  const desk = await startDesk({
    env: { SLA_POLICY_FILE: policyFile(POLICY), SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off", ...env },
    start: { clock },
    databaseUrl,
  });
  desks.push(desk);
  return { desk, clock };
}

async function customerAsks(desk: Desk, clock: TestClock, text = "Our invoices are wrong", channel = SUPPORT) {
  const ts = clock.ts();
  await desk.event({ type: "message", channel, user: CUSTOMER, text, ts, team: HOME_TEAM });
  await desk.settle();
  const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
  return { ts, ticket };
}
const timers = (desk: Desk, ticketId: number) =>
  desk.app.db.client.slaTimer
    .findMany({ where: { ticketId }, orderBy: { kind: "asc" } })
    .then((ts) => Object.fromEntries(ts.map((t) => [t.kind, t])));
const cardThread = (desk: Desk) => {
  const card = desk.slack.messages(TRIAGE).find((m) => !m.thread_ts)!;
  return desk.slack
    .messages(TRIAGE)
    .filter((m) => m.thread_ts === card.ts)
    .map((m) => m.text);
};

describe("SLA policy file", () => {
  it("has sensible defaults when there is no file", () => {
    const p = parseSlaPolicy(null);
    expect(p.targetsFor("urgent")).toEqual({ firstResponseMs: 1 * H, resolutionMs: 8 * H });
    expect(p.calendar).toMatchObject({ timezone: "UTC", workingDays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 });
    expect(p.warnAt).toBe(0.75);
  });

  it("applies tier overrides on top of the priority targets", () => {
    const p = parseSlaPolicy(JSON.stringify(POLICY));
    expect(p.targetsFor("normal", "enterprise")).toEqual({ firstResponseMs: 15 * M, resolutionMs: 4 * H });
    expect(p.targetsFor("normal", "unknown-tier")).toEqual({ firstResponseMs: 1 * H, resolutionMs: 4 * H });
  });

  it.each([
    ['{"businessHours":{"timezone":"Mars/Olympus"}}', "businessHours.timezone must be an IANA time zone"],
    ['{"businessHours":{"hours":{"start":"17:00","end":"09:00"}}}', "businessHours.hours end must be after start"],
    ['{"businessHours":{"workingDays":["monday"]}}', "businessHours.workingDays.0 must list days as mon, tue"],
    ['{"businessHours":{"holidays":["25/12/2026"]}}', 'businessHours.holidays.0 must be dates such as "2026-12-25"'],
    [
      '{"targets":{"urgent":{"firstResponse":"soon","resolution":"4h"}}}',
      'targets.urgent.firstResponse must be a duration such as "30m", "4h" or "1h30m"',
    ],
    ['{"targets":{"critical":{"firstResponse":"1h","resolution":"4h"}}}', 'targets has unknown field "critical"'],
    ['{"warnAt":1.5}', "warnAt must be below 1"],
    ["{not json", "is not valid JSON"],
  ])("names the field and the accepted form: %s", (text, expected) => {
    expect(() => parseSlaPolicy(text, "sla.json")).toThrow(SlaPolicyError);
    try {
      parseSlaPolicy(text, "sla.json");
    } catch (error) {
      expect((error as Error).message).toContain("sla.json is not a valid SLA policy");
      expect((error as Error).message).toContain(expected);
    }
  });

  it("stops start-up with the problem when the file is bad or missing", () => {
    const root = path.resolve(import.meta.dirname, "..");
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "abcdef0123456789",
      DATABASE_URL: `file:${path.join(policyDir, "x.db")}`,
    };
    const bad = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: root,
      env: { ...env, SLA_POLICY_FILE: policyFile({ warnAt: 7 }, "bad.json") },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("bad.json is not a valid SLA policy");
    expect(bad.stderr).toContain("warnAt must be below 1");
    const missing = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: root,
      env: { ...env, SLA_POLICY_FILE: "/nonexistent/sla.json" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("SLA_POLICY_FILE /nonexistent/sla.json cannot be read (ENOENT)");
  });
});

describe("SLA timers on business hours", () => {
  it("warns at 75% and alerts at breach, once each, in the card's thread, and records the breach", async () => {
    const { desk, clock } = await deskAt("2026-11-23T10:00:00Z"); // a Monday
    const { ticket } = await customerAsks(desk, clock);
    const t = await timers(desk, ticket.id);
    expect(t.first_response).toMatchObject({
      targetSeconds: 3600,
      warnAt: new Date("2026-11-23T10:45:00Z"),
      dueAt: new Date("2026-11-23T11:00:00Z"),
    });
    expect(t.resolution.dueAt).toEqual(new Date("2026-11-23T14:00:00Z"));
    expect(JSON.stringify(desk.slack.messages(TRIAGE)[0].blocks)).toContain("First response due");

    clock.set("2026-11-23T10:44:00Z");
    expect(await desk.app.slaSweep.run(clock.now())).toEqual({ warned: 0, breached: 0 });
    clock.set("2026-11-23T10:46:00Z");
    expect(await desk.app.slaSweep.run(clock.now())).toEqual({ warned: 1, breached: 0 });
    expect(await desk.app.slaSweep.run(clock.now())).toEqual({ warned: 0, breached: 0 });
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_assign_me", value: String(ticket.id) });
    clock.set("2026-11-23T11:00:01Z");
    expect(await desk.app.slaSweep.run(clock.now())).toEqual({ warned: 0, breached: 1 });
    expect(await desk.app.slaSweep.run(clock.now())).toEqual({ warned: 0, breached: 0 });
    await desk.settle();

    const thread = cardThread(desk);
    expect(thread.filter((l) => l.includes("has used most of its first response target (1h of business time)"))).toHaveLength(1);
    expect(thread.filter((l) => l.includes(`<@${AGENT}> ticket *#${ticket.id}* missed its first response target`))).toHaveLength(1);
    const events = await desk.app.db.client.ticketEvent.findMany({ where: { ticketId: ticket.id, kind: { startsWith: "sla_" } } });
    expect(events.map((e) => [e.kind, e.toValue, e.at.toISOString()])).toEqual([
      ["sla_warning", "first_response", "2026-11-23T10:46:00.000Z"],
      ["sla_breached", "first_response", "2026-11-23T11:00:01.000Z"],
    ]);
    // The miss is in the card's first line, and the due time is a date Slack renders.
    const headline = (desk.slack.messages(TRIAGE)[0].blocks as { text?: { text: string } }[])[0].text!.text;
    expect(headline).toContain(":rotating_light: *SLA missed*");
    expect(JSON.stringify(desk.slack.messages(TRIAGE)[0].blocks)).toContain(
      `First response was due <!date^${Date.parse("2026-11-23T11:00:00Z") / 1000}^{date_short_pretty} at {time}|`,
    );

    // The first response comes late: the clock stops, not met.
    clock.set("2026-11-23T11:30:00Z");
    await desk.event({
      type: "message",
      channel: SUPPORT,
      user: AGENT,
      text: "Looking now",
      ts: clock.ts(),
      thread_ts: ticket.sourceTs!,
      team: HOME_TEAM,
    });
    await desk.settle();
    const after = await timers(desk, ticket.id);
    expect(after.first_response).toMatchObject({ met: false, consumedSeconds: 5400, stoppedAt: new Date("2026-11-23T11:30:00Z") });
    const stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored).toMatchObject({ firstResponseSeconds: 5400, firstResponseBusinessSeconds: 5400, agentResponseCount: 1 });
  });

  it("the card sweep updates a card when its SLA is missed, once, and the breach alert then leaves the card as it is", async () => {
    const { desk, clock } = await deskAt("2026-11-23T10:00:00Z"); // a Monday
    const { ticket } = await customerAsks(desk, clock);
    const card = () => desk.slack.messages(TRIAGE).find((m) => !m.thread_ts)!;
    const headline = () => (card().blocks as { text?: { text: string } }[])[0].text!.text;
    expect(headline()).toContain(":stopwatch: On time");
    expect(card().edited ?? 0).toBe(0);

    // Nothing changed yet: nothing is updated.
    clock.set("2026-11-23T10:30:00Z");
    expect(await desk.app.cardRefresh.run(clock.now())).toEqual({ refreshed: 0 });

    // The first response target passes: the sweep shows the miss first, in the headline.
    clock.set("2026-11-23T11:00:01Z");
    expect(await desk.app.cardRefresh.run(clock.now())).toEqual({ refreshed: 1 });
    await desk.settle();
    expect(headline()).toMatch(new RegExp(`^:large_blue_circle: \\*Normal\\* · :rotating_light: \\*SLA missed\\* · \\*#${ticket.id}\\*`));
    expect(card().text).toContain("SLA missed");
    expect(card().edited).toBe(1);

    // Again: the card already shows it. The breach alert goes to the card's thread without another update.
    clock.set("2026-11-23T11:01:00Z");
    expect(await desk.app.cardRefresh.run(clock.now())).toEqual({ refreshed: 0 });
    expect(await desk.app.slaSweep.run(clock.now())).toEqual({ warned: 0, breached: 1 });
    await desk.settle();
    expect(card().edited).toBe(1);
    expect(cardThread(desk).filter((l) => l.includes(`ticket *#${ticket.id}* missed its first response target`))).toHaveLength(1);

    // A resolved ticket's card is not touched by the sweep.
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_resolve", value: String(ticket.id) });
    await desk.settle();
    clock.set("2026-11-23T15:00:00Z");
    expect(await desk.app.cardRefresh.run(clock.now())).toEqual({ refreshed: 0 });
  });

  it("pauses while pending on the customer and resumes when they reply", async () => {
    const { desk, clock } = await deskAt("2026-11-23T10:00:00Z");
    const { ticket, ts } = await customerAsks(desk, clock);
    clock.set("2026-11-23T10:30:00Z");
    await desk.event({
      type: "message",
      channel: SUPPORT,
      user: AGENT,
      text: "Which invoice?",
      ts: clock.ts(),
      thread_ts: ts,
      team: HOME_TEAM,
    });
    await desk.settle();
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_status", selectedOption: "pending" });
    await desk.settle();
    let t = await timers(desk, ticket.id);
    expect(t.resolution).toMatchObject({ consumedSeconds: 1800, runningSince: null, dueAt: null });
    expect(JSON.stringify(desk.slack.messages(TRIAGE)[0].blocks)).toContain("Resolution SLA paused");

    // Nothing is due while paused, however long it takes.
    clock.set("2026-11-24T15:00:00Z");
    expect(await desk.app.slaSweep.run(clock.now())).toEqual({ warned: 0, breached: 0 });
    await desk.event({
      type: "message",
      channel: SUPPORT,
      user: CUSTOMER,
      text: "Invoice 42",
      ts: clock.ts(),
      thread_ts: ts,
      team: HOME_TEAM,
    });
    await desk.settle();
    t = await timers(desk, ticket.id);
    // 4 h target, 30 min used: 3.5 h left from Tuesday 15:00 = 2 h Tuesday + 1.5 h Wednesday → 10:30.
    expect(t.resolution).toMatchObject({ runningSince: new Date("2026-11-24T15:00:00Z"), dueAt: new Date("2026-11-25T10:30:00Z") });
    expect((await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("open");
  });

  it("counts across the night and the weekend, and follows priority changes and tiers", async () => {
    const { desk, clock } = await deskAt("2026-11-27T16:30:00Z"); // Friday 16:30
    const { ticket } = await customerAsks(desk, clock);
    expect((await timers(desk, ticket.id)).first_response.dueAt).toEqual(new Date("2026-11-30T09:30:00Z")); // Monday 09:30
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_priority", selectedOption: "urgent" });
    expect((await timers(desk, ticket.id)).first_response.dueAt).toEqual(new Date("2026-11-27T17:00:00Z"));
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_priority", selectedOption: "low" });
    // 8 h: 30 min on Friday, 7.5 h on Monday.
    expect((await timers(desk, ticket.id)).first_response.dueAt).toEqual(new Date("2026-11-30T16:30:00Z"));

    const notLinked = await desk.command({ command: "/support", text: "tier enterprise", channel_id: "CGOLD", user_id: AGENT });
    expect(((await notLinked.json()) as { text: string }).text).toContain("not a support channel");
    await desk.command({ command: "/support", text: "link gold-co", channel_id: "CGOLD", user_id: AGENT });
    const tier = await desk.command({ command: "/support", text: "tier enterprise", channel_id: "CGOLD", user_id: AGENT });
    expect(((await tier.json()) as { text: string }).text).toContain("tier `enterprise`");
    const unknown = await desk.command({ command: "/support", text: "tier platinum", channel_id: "CGOLD", user_id: AGENT });
    expect(((await unknown.json()) as { text: string }).text).toContain("enterprise");
    clock.set("2026-11-30T09:00:00Z");
    const gold = await customerAsks(desk, clock, "Enterprise question", "CGOLD");
    expect(gold.ticket.tier).toBe("enterprise");
    expect((await timers(desk, gold.ticket.id)).first_response.dueAt).toEqual(new Date("2026-11-30T09:15:00Z"));
  });

  it("survives a restart: due clocks are found by the next process", async () => {
    const first = await deskAt("2026-11-23T10:00:00Z");
    const { ticket } = await customerAsks(first.desk, first.clock);
    const url = first.desk.databaseUrl;
    await first.desk.stop({ keepDatabase: true });
    desks.splice(desks.indexOf(first.desk), 1);
    const second = await deskAt("2026-11-23T12:00:00Z", {}, url);
    second.desk.slack.reset();
    expect(await second.desk.app.slaSweep.run(second.clock.now())).toEqual({ warned: 0, breached: 1 });
    expect(await second.desk.app.db.client.slaTimer.count({ where: { ticketId: ticket.id, breachedAt: { not: null } } })).toBe(1);
  });

  it("with two processes on one database, each alert and each scheduled tick happens once", async () => {
    const a = await deskAt("2026-11-23T10:00:00Z", { INTAKE_MERGE_WINDOW_MINUTES: "0" });
    await customerAsks(a.desk, a.clock, "one");
    await customerAsks(a.desk, a.clock, "two");
    const b = await deskAt("2026-11-23T11:30:00Z", { INTAKE_MERGE_WINDOW_MINUTES: "0" }, a.desk.databaseUrl);
    a.clock.set("2026-11-23T11:30:00Z");
    // Postgres: truly at once. SQLite is for one process: two clients in one test process would wait on each
    // other's write lock with the event loop blocked, so there they take turns (the claim is the same).
    const both = <T>(x: () => Promise<T>, y: () => Promise<T>, z?: () => Promise<T>): Promise<T[]> =>
      usePostgres() ? Promise.all([x(), y(), ...(z ? [z()] : [])]) : (async () => [await x(), await y(), ...(z ? [await z()] : [])])();
    const results = await both(
      () => a.desk.app.slaSweep.run(a.clock.now()),
      () => b.desk.app.slaSweep.run(b.clock.now()),
    );
    expect(results.reduce((n, r) => n + r.breached, 0)).toBe(2);
    expect(await a.desk.app.db.client.ticketEvent.count({ where: { kind: "sla_breached" } })).toBe(2);

    const slot = new Date("2026-11-23T11:30:00Z");
    let runs = 0;
    const job = { name: "test-job", schedule: "* * * * *", run: async () => void runs++ };
    const ran = await both(
      () => a.desk.app.scheduler.tick(job, slot),
      () => b.desk.app.scheduler.tick(job, slot),
      () => a.desk.app.scheduler.tick(job, slot),
    );
    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(1);
    expect(await a.desk.app.db.client.jobRun.findUnique({ where: { key: `test-job:${slot.toISOString()}` } })).toMatchObject({
      status: "done",
    });
  });
});

describe("reopen window", () => {
  it("reopens within REOPEN_WINDOW and restarts the resolution clock; later, opens a new linked ticket", async () => {
    const { desk, clock } = await deskAt("2026-11-23T10:00:00Z", { REOPEN_WINDOW: "2h", CSAT_ENABLED: "false" });
    const { ticket, ts } = await customerAsks(desk, clock);
    clock.set("2026-11-23T11:00:00Z");
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_resolve", value: String(ticket.id), blockN: 2 });
    expect((await timers(desk, ticket.id)).resolution).toMatchObject({ met: true, consumedSeconds: 3600 });

    clock.set("2026-11-23T12:30:00Z");
    await desk.event({
      type: "message",
      channel: SUPPORT,
      user: CUSTOMER,
      text: "Still broken",
      ts: clock.ts(),
      thread_ts: ts,
      team: HOME_TEAM,
    });
    await desk.settle();
    let stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored).toMatchObject({ status: "open", reopenCount: 1 });
    expect((await timers(desk, ticket.id)).resolution).toMatchObject({
      stoppedAt: null,
      met: null,
      consumedSeconds: 0,
      dueAt: new Date("2026-11-23T16:30:00Z"),
    });

    clock.set("2026-11-23T13:00:00Z");
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_resolve", value: String(ticket.id), blockN: 2 });
    clock.set("2026-11-23T16:00:00Z"); // three hours after resolution: past the window
    const late = clock.ts();
    await desk.event({
      type: "message",
      channel: SUPPORT,
      user: CUSTOMER,
      text: "A new problem",
      ts: late,
      thread_ts: ts,
      team: HOME_TEAM,
    });
    await desk.settle();
    stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored.status).toBe("resolved");
    const followUp = await desk.app.db.client.ticket.findFirstOrThrow({ where: { previousTicketId: ticket.id } });
    expect(followUp).toMatchObject({ sourceTs: late, threadTs: ts, text: "A new problem", status: "open" });
    const acks = desk.slack
      .messages(SUPPORT)
      .filter((m) => m.thread_ts === ts && m.bot_id)
      .map((m) => m.text);
    expect(acks.some((t) => t.includes(`#${followUp.id}`))).toBe(true);
    // Later replies in that thread belong to the new ticket.
    await desk.event({
      type: "message",
      channel: SUPPORT,
      user: CUSTOMER,
      text: "More details",
      ts: clock.ts(),
      thread_ts: ts,
      team: HOME_TEAM,
    });
    await desk.settle();
    expect(await desk.app.db.client.ticketMessage.count({ where: { ticketId: followUp.id } })).toBe(2);
  });
});

describe("SLA alerts on an unassigned ticket reach a person", () => {
  /** The breach posted in the card's thread for the desk's one ticket, after its first response target passed. */
  async function breachOf(env: Record<string, string>) {
    const { desk, clock } = await deskAt("2026-11-23T10:00:00Z", env);
    const { ticket } = await customerAsks(desk, clock);
    clock.set("2026-11-23T11:00:01Z");
    expect(await desk.app.slaSweep.run(clock.now())).toMatchObject({ breached: 1 });
    await desk.settle();
    const line = desk.slack.messages(TRIAGE).find((m) => m.text.includes("missed its first response target"));
    expect(line).toBeDefined();
    return { desk, ticket, line: line! };
  }

  it.each([
    ["the agents' user group", { AGENT_USERGROUP_ID: "S0AGENTS" }, "<!subteam^S0AGENTS> unassigned ticket"],
    ["the listed agents, by name", {}, `<@${AGENT}> <@${AGENT2}> unassigned ticket`],
    ["the channel, with more than five listed agents", { AGENT_USER_IDS: "UA1,UA2,UA3,UA4,UA5,UA6" }, "<!here> unassigned ticket"],
    ["the channel, with no agent configured", { AGENT_USER_IDS: "" }, "<!here> unassigned ticket"],
  ])("mentions %s", async (_who, env, mention) => {
    const { ticket, line } = await breachOf(env);
    expect(line.text).toContain(`:rotating_light: ${mention} *#${ticket.id}* missed its first response target`);
    expect(line.text).not.toContain("Unassigned:");
  });

  it("broadcasts a breach to the triage channel, naming the account and the request's first line", async () => {
    const { desk, clock } = await deskAt("2026-11-23T10:00:00Z");
    await desk.app.db.client.account.create({
      data: { externalId: "acme", name: "Acme & Sons", createdAt: clock.now(), updatedAt: clock.now() },
    });
    const link = await desk.command({ command: "/support", text: "link acme", channel_id: "CACME", user_id: AGENT });
    expect(link.status).toBe(200);
    const { ticket } = await customerAsks(
      desk,
      clock,
      `Invoices are wrong <!channel> ${"x".repeat(150)}\nMore detail on a second line`,
      "CACME",
    );
    expect(ticket.accountExternalId).toBe("acme");
    clock.set("2026-11-23T10:46:00Z");
    await desk.app.slaSweep.run(clock.now());
    clock.set("2026-11-23T11:00:01Z");
    await desk.app.slaSweep.run(clock.now());
    await desk.settle();

    const card = desk.slack.messages(TRIAGE).find((m) => !m.thread_ts)!;
    const warning = desk.slack.messages(TRIAGE).find((m) => m.text.includes("has used most of its"))!;
    const breach = desk.slack.messages(TRIAGE).find((m) => m.text.includes("missed its"))!;
    // The warning stays in the thread; the breach is in the thread and shown in the channel.
    expect(warning).toMatchObject({ thread_ts: card.ts });
    expect(warning.reply_broadcast).toBeUndefined();
    expect(breach).toMatchObject({ thread_ts: card.ts, reply_broadcast: true });
    expect(breach.text).toContain("*Acme &amp; Sons*: “Invoices are wrong &lt;!channel&gt; xxx");
    expect(breach.text).toMatch(/x…”$/);
    expect(breach.text).not.toContain("second line");
    expect(breach.text).not.toContain("<!channel>");
  });
});

describe("SLA attainment with a clock breached and still open", () => {
  it("counts the open breach as missed in /support stats, the App Home and the weekly summary, with breached now", async () => {
    const { desk, clock } = await deskAt("2026-11-23T10:00:00Z", { SUPPORT_SUMMARY_CRON: "0 9 * * 1", INTAKE_MERGE_WINDOW_MINUTES: "0" });
    // One ticket answered in time; another never answered, past its first response target.
    const { ticket: answered } = await customerAsks(desk, clock, "First question");
    clock.set("2026-11-23T10:05:00Z");
    await customerAsks(desk, clock, "Second question", SUPPORT);
    clock.set("2026-11-23T10:10:00Z");
    await desk.event({
      type: "message",
      channel: SUPPORT,
      user: AGENT,
      text: "On it",
      ts: clock.ts(),
      thread_ts: answered.sourceTs!,
      team: HOME_TEAM,
    });
    await desk.settle();
    clock.set("2026-11-23T11:05:01Z");
    expect(await desk.app.slaSweep.run(clock.now())).toMatchObject({ breached: 1 });
    clock.set("2026-11-23T11:05:02Z");

    // One met, one breached and open: 50%, not 100%.
    const line = "*SLA met*\\nfirst response 50%  (–)\\nresolution –  (–)\\nbreached now: 1";
    const response = await desk.command({ command: "/support", text: "stats", response_url: desk.slack.responseUrl("stats") });
    expect(response.status).toBe(200);
    const answer = await desk.slack.waitFor(() => desk.slack.responses.find((x) => x.id === "stats"), 10_000, "stats answer");
    expect(JSON.stringify(answer.body)).toContain(line);
    expect(answer.body as { text: string }).toMatchObject({ text: expect.stringContaining("SLA met, resolution: – · breached now: 0") });

    await desk.event({ type: "app_home_opened", user: AGENT, channel: "D1", tab: "home", event_ts: "1.1" });
    await desk.settle();
    const home = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.publish"), 5000, "views.publish");
    expect(JSON.stringify(home.view.blocks)).toContain(line);

    const job = desk.app.jobs.find((j) => j.name === "support-summary")!;
    expect(await desk.app.scheduler.tick(job, clock.now())).toBe(true);
    await desk.settle();
    const summary = desk.slack.messages(TRIAGE).find((m) => m.text.startsWith("Weekly support summary"))!;
    expect(JSON.stringify(summary.blocks)).toContain(line);
    expect(summary.text).toContain("SLA met, first response: 50% · breached now: 1");
  });
});

describe("the example policy in the repository", () => {
  it("is valid", () => {
    const text = readFileSync(path.resolve(import.meta.dirname, "../sla-policy.example.json"), "utf8");
    const p = parseSlaPolicy(text, "sla-policy.example.json");
    expect(p.targetsFor("urgent", "enterprise")).toEqual({ firstResponseMs: 30 * M, resolutionMs: 4 * H });
    expect(p.calendar.holidays.has("2026-12-25")).toBe(true);
  });
});
