import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, cardAction, startDesk, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

async function ask(clock: TestClock, text: string, user = CUSTOMER) {
  const ts = clock.ts();
  await desk.event({ type: "message", channel: SUPPORT, user, text, ts, team: HOME_TEAM });
  await desk.settle();
  return desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
}

describe("App Home", () => {
  it("shows the agent's open tickets by SLA time left, the team queue and this week's figures", async () => {
    const clock = new TestClock("2026-11-23T10:00:00Z");
    desk = await startDesk({
      env: { INTAKE_MERGE_WINDOW_MINUTES: "0", SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off" },
      start: { clock },
    });
    const low = await ask(clock, "Low priority question", "UC1");
    const urgent = await ask(clock, "Production is down", "UC2");
    const other = await ask(clock, "Someone else's", "UC3");
    await ask(clock, "Nobody has this yet", "UC4");
    await cardAction(desk, { ticketId: low.id, actionId: "ticket_assign_me", value: String(low.id) });
    await cardAction(desk, { ticketId: low.id, actionId: "ticket_priority", selectedOption: "low" });
    await cardAction(desk, { ticketId: urgent.id, actionId: "ticket_assign_me", value: String(urgent.id) });
    await cardAction(desk, { ticketId: urgent.id, actionId: "ticket_priority", selectedOption: "urgent" });
    await cardAction(desk, { ticketId: other.id, actionId: "ticket_assign_me", value: String(other.id), user: AGENT2 });

    clock.advance(60_000);
    expect((await desk.event({ type: "app_home_opened", user: AGENT, channel: "D1", tab: "home", event_ts: "1.1" })).status).toBe(200);
    await desk.settle();
    const published = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.publish"), 5000, "views.publish");
    expect(published.args.user_id).toBe(AGENT);
    const blocks = published.view.blocks as { type: string; text?: { text: string } }[];
    expect(blocks.length).toBeLessThanOrEqual(100);
    const text = blocks.map((b) => b.text?.text ?? "").join("\n");
    // Mine, most urgent SLA first; not the ticket assigned to someone else.
    expect(text.indexOf(`*#${urgent.id}*`)).toBeGreaterThan(-1);
    expect(text.indexOf(`*#${urgent.id}*`)).toBeLessThan(text.indexOf(`*#${low.id}*`));
    expect(text).not.toContain(`*#${other.id}* `);
    expect(text).toContain("Open · Normal: *2*");
    expect(text).toContain("Unassigned:* 1");
    expect(text).toContain("Tickets*: 4");
    // Every list says how many there are; the unassigned ones say where their SLA stands.
    expect(text).toContain("My open tickets (2)");
    expect(text).not.toContain("more assigned to you");
    expect(text).toMatch(
      /Oldest unassigned \(1 of 1\):\n• \*#\d+\* <#[A-Z0-9]+> opened <!date\^[^>]+>: Nobody has this yet\n\s+.*[Ff]irst response/,
    );
  });

  it("counts what it cannot show: my tickets past the first 15 and the unassigned past the oldest 5", async () => {
    const clock = new TestClock("2026-11-23T10:00:00Z");
    desk = await startDesk({
      env: { INTAKE_MERGE_WINDOW_MINUTES: "0", SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off" },
      start: { clock },
    });
    for (let i = 0; i < 18; i++) {
      const t = await ask(clock, `Mine ${i}`, `UMINE${i}`);
      await cardAction(desk, { ticketId: t.id, actionId: "ticket_assign_me", value: String(t.id) });
    }
    for (let i = 0; i < 8; i++) await ask(clock, `Waiting ${i}`, `UWAIT${i}`);
    await desk.event({ type: "app_home_opened", user: AGENT, channel: "D1", tab: "home", event_ts: "1.1" });
    await desk.settle();
    const published = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.publish"), 5000, "views.publish");
    const text = (published.view.blocks as { text?: { text: string } }[]).map((b) => b.text?.text ?? "").join("\n");
    expect(text).toContain("My open tickets (18)");
    expect(text).toContain("…and 3 more assigned to you");
    expect(text).toContain("Oldest unassigned (5 of 8)");
    expect(text).toContain("…and 3 more unassigned.");
  });

  it("publishes nothing for the Messages tab", async () => {
    desk = await startDesk();
    await desk.event({ type: "app_home_opened", user: AGENT, channel: "D1", tab: "messages", event_ts: "1.1" });
    await desk.settle();
    expect(desk.slack.views).toHaveLength(0);
  });
});

describe("weekly support summary", () => {
  it("is posted to the triage channel with the week's figures, once per tick", async () => {
    const clock = new TestClock("2026-11-23T10:00:00Z");
    desk = await startDesk({ env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "0 9 * * 1" }, start: { clock } });
    const t = await ask(clock, "A question this week");
    await cardAction(desk, { ticketId: t.id, actionId: "ticket_resolve", value: String(t.id), blockN: 2 });
    const job = desk.app.jobs.find((j) => j.name === "support-summary")!;
    expect(job).toBeDefined();
    const slot = new Date("2026-11-30T09:00:00Z");
    clock.set(slot);
    expect(await desk.app.scheduler.tick(job, slot)).toBe(true);
    expect(await desk.app.scheduler.tick(job, slot)).toBe(false);
    await desk.settle();
    const posts = desk.slack.messages(TRIAGE).filter((m) => m.text.startsWith("Weekly support summary"));
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0].blocks)).toContain("Tickets*: 1");
    expect(await desk.app.db.client.jobRun.findFirst({ where: { name: "support-summary" } })).toMatchObject({ status: "done" });
  });

  it("can be turned off", async () => {
    desk = await startDesk({ env: { SUPPORT_SUMMARY_CRON: "off" } });
    expect(desk.app.jobs.map((j) => j.name)).not.toContain("support-summary");
    const health = (await (await fetch(`${desk.baseUrl}/healthz`)).json()) as { parts: Record<string, { enabled: boolean }> };
    expect(health.parts.supportSummary.enabled).toBe(false);
  });
});
