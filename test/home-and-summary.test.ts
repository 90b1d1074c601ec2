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
    const fields = JSON.stringify(blocks.map((b) => (b as { fields?: unknown }).fields ?? []));
    // Mine, most urgent SLA first; not the ticket assigned to someone else.
    expect(text.indexOf(`*#${urgent.id}*`)).toBeGreaterThan(-1);
    expect(text.indexOf(`*#${urgent.id}*`)).toBeLessThan(text.indexOf(`*#${low.id}*`));
    expect(text).not.toContain(`*#${other.id}* `);
    expect(text).toContain("Open · Normal: *2*");
    expect(text).toContain("Unassigned:* 1");
    expect(fields).toContain("*Tickets*\\n4");
    // Every list says how many there are; the unassigned ones say where their SLA stands.
    expect(text).toContain("My open tickets (2)");
    expect(text).not.toContain("more assigned to you");
    expect(text).toContain("*Unassigned, to take first* (1 of 1, oldest first):");
    expect(text).toMatch(/\*#\d+\* <#[A-Z0-9]+> opened <!date\^[^>]+>: Nobody has this yet\n.*[Ff]irst response/);
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
    expect(text).toContain("*Unassigned, to take first* (5 of 8, oldest first)");
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
    expect(JSON.stringify(posts[0].blocks)).toContain("*Tickets*\\n1");
    expect(await desk.app.db.client.jobRun.findFirst({ where: { name: "support-summary" } })).toMatchObject({ status: "done" });
  });

  it("can be turned off", async () => {
    desk = await startDesk({ env: { SUPPORT_SUMMARY_CRON: "off" } });
    expect(desk.app.jobs.map((j) => j.name)).not.toContain("support-summary");
    const health = (await (await fetch(`${desk.baseUrl}/healthz`)).json()) as { parts: Record<string, { enabled: boolean }> };
    expect(health.parts.supportSummary.enabled).toBe(false);
  });
});

describe("the Details button under the headline figures", () => {
  let clicks = 0;
  /** A signed block_actions click on a Details button, in an ephemeral answer or a channel post. */
  function details(o: { value: string; ephemeral: boolean; user?: string; responseId?: string }) {
    return desk.interaction({
      type: "block_actions",
      user: { id: o.user ?? AGENT, username: "u", name: "u", team_id: HOME_TEAM },
      api_app_id: "A111",
      token: "verification_token",
      container: { type: "message", message_ts: "1.000100", channel_id: TRIAGE, is_ephemeral: o.ephemeral },
      trigger_id: `trigger-${clicks}`,
      team: { id: HOME_TEAM, domain: "example" },
      channel: { id: TRIAGE, name: "triage" },
      response_url: desk.slack.responseUrl(o.responseId ?? `details-${clicks++}`),
      actions: [{ type: "button", action_id: "support_stats_details", block_id: "d", value: o.value, action_ts: "1.1" }],
    });
  }
  const buttonValue = (blocks: unknown): string => {
    const actions = (blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === "actions")!;
    return actions.elements!.find((e) => e.action_id === "support_stats_details")!.value;
  };

  it("opens a modal from the weekly summary with every figure and calendar time; the headline has exactly five fields", async () => {
    const clock = new TestClock("2026-11-23T10:00:00Z");
    desk = await startDesk({ env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "0 9 * * 1" }, start: { clock } });
    await ask(clock, "A question this week");
    const job = desk.app.jobs.find((j) => j.name === "support-summary")!;
    clock.set("2026-11-30T09:00:00Z");
    expect(await desk.app.scheduler.tick(job, clock.now())).toBe(true);
    await desk.settle();
    const post = desk.slack.messages(TRIAGE).find((m) => m.text.startsWith("Weekly support summary"))!;
    const blocks = post.blocks as { type: string; fields?: { text: string }[] }[];
    const sections = blocks.filter((b) => b.type === "section");
    expect(sections).toHaveLength(1);
    expect(sections[0].fields!.map((f) => f.text.split("\n")[0])).toEqual([
      "*Tickets*",
      "*First response, median*",
      "*Time to resolution, median*",
      "*CSAT (4 or 5)*",
      "*SLA met*",
    ]);
    expect(JSON.stringify(blocks)).not.toContain("calendar");

    // A week later the button still shows the summary's week.
    clock.set("2026-12-07T09:00:00Z");
    expect((await details({ value: buttonValue(post.blocks), ephemeral: false })).status).toBe(200);
    const filled = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.update"), 5000, "views.update");
    expect(desk.slack.views.find((v) => v.method === "views.open")).toBeDefined();
    const modal = JSON.stringify(filled.view.blocks);
    expect(modal).toContain("First response, median (calendar)");
    expect(modal).toContain("Time to resolution, median (calendar)");
    expect(modal).toContain("Reopen rate");
    expect(modal).toContain("CSAT response rate");
    expect(modal).toContain("SLA met, resolution");
    expect(modal).toContain("*Tickets*: 1");
    expect(modal).toContain("2026-11-23 to 2026-11-30");
  });

  it("replaces the ephemeral /support stats answer with the details", async () => {
    const clock = new TestClock("2026-11-23T10:00:00Z");
    desk = await startDesk({ env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off" }, start: { clock } });
    await ask(clock, "A question");
    await desk.command({ command: "/support", text: "stats", response_url: desk.slack.responseUrl("stats") });
    const answer = await desk.slack.waitFor(() => desk.slack.responses.find((x) => x.id === "stats"), 10_000, "stats answer");
    const value = buttonValue((answer.body as { blocks: unknown }).blocks);
    await details({ value, ephemeral: true, responseId: "details" });
    const replaced = await desk.slack.waitFor(() => desk.slack.responses.find((x) => x.id === "details"), 10_000, "details answer");
    expect(replaced.body).toMatchObject({ response_type: "ephemeral", replace_original: true });
    const json = JSON.stringify(replaced.body);
    expect(json).toContain("First response, median (calendar)");
    expect(json).toContain("First-contact resolution");
    expect(desk.slack.views).toHaveLength(0);
  });

  it("refuses someone outside the support team, and a button without a period, clearly", async () => {
    const clock = new TestClock("2026-11-23T10:00:00Z");
    desk = await startDesk({ env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off" }, start: { clock } });
    await details({ value: "7:2026-11-23T10:00:00.000Z", ephemeral: true, user: CUSTOMER, responseId: "denied" });
    const denied = await desk.slack.waitFor(() => desk.slack.responses.find((x) => x.id === "denied"), 10_000, "refusal");
    expect(JSON.stringify(denied.body)).not.toContain("calendar");
    expect((denied.body as { text: string }).text).toMatch(/support team|not allowed|only/i);

    await details({ value: "7:2026-11-23T10:00:00.000Z", ephemeral: false, user: CUSTOMER });
    const refused = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.update"), 5000, "views.update");
    expect(JSON.stringify(refused.view.blocks)).not.toContain("calendar");
    expect(JSON.stringify(refused.view.blocks)).toMatch(/support team|not allowed|only/i);

    await details({ value: "14:yesterday", ephemeral: true, responseId: "bad" });
    const bad = await desk.slack.waitFor(() => desk.slack.responses.find((x) => x.id === "bad"), 10_000, "bad button");
    expect((bad.body as { text: string }).text).toContain("does not name a period");
  });
});
