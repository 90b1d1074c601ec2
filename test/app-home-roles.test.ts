// The App Home over real Bolt: its row buttons (Assign to me, Open card, Reply) and the parts each role
// gets (a product manager, even an admin one, gets no support queue).
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, HOME_TEAM, TRIAGE, startDesk, type Desk } from "./support/harness.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Record<string, unknown>[];
  accessory?: { action_id?: string; value?: string; confirm?: unknown };
};

async function openHome(user: string): Promise<Block[]> {
  const before = desk.slack.views.filter((v) => v.method === "views.publish" && v.args.user_id === user).length;
  await desk.event({ type: "app_home_opened", user, channel: "D1", tab: "home", event_ts: "1.1" });
  await desk.settle();
  const published = await desk.slack.waitFor(
    () => desk.slack.views.filter((v) => v.method === "views.publish" && v.args.user_id === user)[before] ?? null,
    5000,
    "views.publish",
  );
  return published.view.blocks as Block[];
}
const textOf = (blocks: Block[]) => blocks.map((b) => b.text?.text ?? "").join("\n");

function homeClick(user: string, action: { action_id: string; value: string; block_id: string }) {
  return desk.interaction({
    type: "block_actions",
    user: { id: user, username: "u", name: "u", team_id: HOME_TEAM },
    api_app_id: "A111",
    token: "verification_token",
    container: { type: "view", view_id: "VHOME" },
    view: { id: "VHOME", type: "home", blocks: [] },
    trigger_id: "12345.98765.home",
    team: { id: HOME_TEAM, domain: "example" },
    actions: [{ ...action, type: "button", action_ts: `${Math.floor(Date.now() / 1000)}.000100` }],
  });
}

describe("App Home rows", () => {
  it("an unassigned ticket offers Assign to me, its card as a link and Reply; Assign to me takes it and the Home shows it as mine", async () => {
    desk = await startDesk({ env: { SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off" } });
    const { ts } = await desk.customerSays("The export button does nothing");
    await desk.settle();
    const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
    const card = desk.slack.messages(TRIAGE).find((m) => !m.thread_ts)!;

    const blocks = await openHome(AGENT2);
    const row = blocks.find((b) => b.block_id === `home_ticket:${ticket.id}`)!;
    expect(row.elements!.map((e) => e.action_id)).toEqual(["home_assign_me", "home_open_card", "home_reply"]);
    expect(row.elements![1].url).toBe(`https://example.slack.com/archives/${TRIAGE}/p${card.ts.replace(".", "")}`);
    expect(textOf(blocks)).toContain("My open tickets");
    expect(textOf(blocks)).not.toContain("My open tickets (1)");

    const assign = row.elements![0] as { action_id: string; value: string };
    expect((await homeClick(AGENT2, { ...assign, block_id: row.block_id! })).status).toBe(200);
    await desk.settle();
    expect(await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ assigneeId: AGENT2 });
    const after = await desk.slack.waitFor(
      () => desk.slack.views.filter((v) => v.method === "views.publish" && v.args.user_id === AGENT2)[1] ?? null,
      5000,
      "the Home published again",
    );
    const mine = after.view.blocks as Block[];
    expect(textOf(mine)).toContain("My open tickets (1)");
    expect(mine.find((b) => b.block_id === `home_ticket:${ticket.id}`)!.elements!.map((e) => e.action_id)).toEqual([
      "home_open_card",
      "home_reply",
    ]);

    // Reply opens the Reply to customer modal for that ticket.
    await homeClick(AGENT2, { action_id: "home_reply", value: String(ticket.id), block_id: row.block_id! });
    const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "modal");
    expect(opened.view.callback_id).toBe("ticket_reply_modal");
    expect(JSON.stringify(opened.view.blocks)).toContain("The export button does nothing");
  });
});

describe("App Home by role", () => {
  it("a product manager (also an admin) gets untagged feedback and top themes, not the support queue; an agent gets no product part", async () => {
    desk = await startDesk({
      env: {
        PRODUCT_CHANNEL: "CPRODUCT",
        PRODUCT_USER_IDS: "UPM1",
        ADMIN_USER_IDS: `${AGENT},UPM1`,
        SLA_SWEEP_CRON: "off",
        SUPPORT_SUMMARY_CRON: "off",
        VOC_DIGEST_CRON: "off",
      },
    });
    await desk.command({ command: "/feedback", text: "Exports should include <the> tags", user_id: AGENT });
    await desk.settle();
    expect(await desk.app.db.client.feedbackItem.count()).toBe(1);

    const pm = textOf(await openHome("UPM1"));
    expect(pm).toContain("Untagged feedback (1)");
    expect(pm).toContain("Exports should include &lt;the&gt; tags");
    expect(pm).toContain("Top themes this week");
    expect(pm).not.toMatch(/My open tickets|Team queue/);

    // A theme with this week's feedback: Mark shipped (behind a confirmation) opens the ship form.
    const c = desk.app.db.client;
    const theme = await c.theme.create({ data: { name: "Exports", nameKey: "exports", createdById: "UPM1", createdAt: new Date() } });
    const item = await c.feedbackItem.findFirstOrThrow();
    await c.feedbackTheme.create({ data: { itemId: item.id, themeId: theme.id, addedById: "UPM1", addedAt: new Date() } });
    const withTheme = await openHome("UPM1");
    expect(textOf(withTheme)).toContain("Untagged feedback\n");
    const ship = withTheme.find((b) => b.accessory?.action_id === "theme_ship")!;
    expect(ship.accessory?.value).toBe(String(theme.id));
    expect(ship.accessory?.confirm).toBeDefined();
    await homeClick("UPM1", { action_id: "theme_ship", value: String(theme.id), block_id: ship.block_id ?? "b" });
    const form = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "the ship form");
    expect(form.view.callback_id).toBe("theme_ship_modal");

    const agent = textOf(await openHome(AGENT2));
    expect(agent).toContain("Team queue");
    expect(agent).not.toContain("Untagged feedback");
  });
});
