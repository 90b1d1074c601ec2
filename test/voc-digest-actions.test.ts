// The digest's controls through the real app and the Slack stand-in: View items opens a modal with the
// theme's items of the digest's period, escaped and linked to their messages (product people only); the
// overflow menu's Mark shipped… opens the ship modal and Archive theme archives the theme.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, CUSTOMER, HOME_TEAM, startDesk, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";

const PRODUCT = "CPRODUCT";
const ACME_CHANNEL = "CACME";
const AT = new Date("2026-11-20T10:00:00Z");
const DAY = 86_400_000;

let desk: Desk;
afterEach(async () => {
  await desk?.stop();
});

/** The app (AGENT is an admin, AGENT2 an agent only) with a theme "Excel exports" and customer messages tagged with it. */
async function deskWithTheme(messages: string[]) {
  desk = await startDesk({
    env: {
      PRODUCT_CHANNEL: PRODUCT,
      ADMIN_USER_IDS: AGENT,
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      VOC_DIGEST_CRON: "off",
    },
    start: { clock: new TestClock(AT) },
  });
  const c = desk.app.db.client;
  await c.account.create({
    data: { externalId: "acme", name: "Acme & Co", domain: "acme.com", arr: 120000, tier: "enterprise", createdAt: AT, updatedAt: AT },
  });
  await c.supportChannel.create({ data: { channelId: ACME_CHANNEL, accountExternalId: "acme", linkedById: AGENT, linkedAt: AT } });
  const theme = await c.theme.create({ data: { name: "Excel exports", nameKey: "excel exports", createdById: AGENT, createdAt: AT } });
  for (const text of messages) {
    const msg = desk.slack.seed(ACME_CHANNEL, { user: CUSTOMER, text });
    await desk.event({
      type: "reaction_added",
      user: AGENT,
      reaction: "bulb",
      item: { type: "message", channel: ACME_CHANNEL, ts: msg.ts },
      item_user: CUSTOMER,
      event_ts: `${Date.now() / 1000}`,
    });
  }
  await desk.settle();
  // The items were said a day before AT (the messages' own times are the wall clock's).
  await c.feedbackItem.updateMany({ data: { createdAt: new Date(AT.getTime() - DAY) } });
  for (const item of await c.feedbackItem.findMany())
    await c.feedbackTheme.create({ data: { itemId: item.id, themeId: theme.id, addedById: AGENT, addedAt: AT } });
  return theme;
}

function click(user: string, id: string, action: Record<string, unknown>) {
  return desk.interaction({
    type: "block_actions",
    user: { id: user, username: "u", name: "u", team_id: HOME_TEAM },
    api_app_id: "A111",
    token: "verification_token",
    container: { type: "message", message_ts: "1.000100", channel_id: PRODUCT, is_ephemeral: false },
    trigger_id: "1.2.3",
    team: { id: HOME_TEAM, domain: "example" },
    channel: { id: PRODUCT, name: "product" },
    response_url: desk.slack.responseUrl(id),
    actions: [{ block_id: "voc_theme:1", action_ts: "1.2", ...action }],
  });
}

const viewItems = (user: string, themeId: number, from: Date, to: Date) =>
  click(user, `items-${user}`, { action_id: "theme_items", type: "button", value: `${themeId}:${from.getTime()}:${to.getTime()}` });
const menu = (themeId: number, op: "ship" | "archive") =>
  click(AGENT, `menu-${op}`, {
    action_id: "theme_menu",
    type: "overflow",
    selected_option: { text: { type: "plain_text", text: op }, value: `${op}:${themeId}` },
  });

/** The items modal as last updated (it opens with a loading note, then is filled in). */
const itemsModal = (words: string) =>
  desk.slack.waitFor(
    () =>
      desk.slack.views.find(
        (v) => v.method === "views.update" && v.view.callback_id === "theme_items_modal" && JSON.stringify(v.view).includes(words),
      ),
    5000,
    words,
  );

describe("the digest's View items", () => {
  it("opens a modal with the theme's items of the period, escaped and linked to their messages", async () => {
    const theme = await deskWithTheme(["Excel export please <!channel>", "We need xlsx for the board pack"]);
    expect((await viewItems(AGENT, theme.id, new Date(AT.getTime() - 7 * DAY), new Date(AT.getTime() + DAY))).status).toBe(200);
    const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "the modal");
    expect(opened.view.callback_id).toBe("theme_items_modal");
    const filled = (await itemsModal("Excel exports")).view as { blocks: { type: string; text?: { text: string } }[] };
    expect(filled.blocks[0]).toMatchObject({ type: "header", text: { text: "Excel exports" } });
    const text = JSON.stringify(filled.blocks);
    expect(text).toContain("2 items from");
    expect(text).toContain("> Excel export please &lt;!channel&gt;");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("— *Acme &amp; Co* · $120,000 · <https://");
    expect(text).toContain("|open the message>");
    expect(text).toContain("We need xlsx for the board pack");
  });

  it("shows nothing of the period before the items, and refuses someone who is not on the product team", async () => {
    const theme = await deskWithTheme(["Excel export please"]);
    await viewItems(AGENT, theme.id, new Date(AT.getTime() - 30 * DAY), new Date(AT.getTime() - 20 * DAY));
    const empty = JSON.stringify((await itemsModal("No items of this theme")).view);
    expect(empty).toContain("0 items from");
    expect(empty).not.toContain("Excel export please");

    await viewItems(AGENT2, theme.id, new Date(AT.getTime() - 7 * DAY), new Date(AT.getTime() + DAY));
    const refused = await desk.slack.waitFor(
      () => desk.slack.views.filter((v) => v.method === "views.update").find((v) => !JSON.stringify(v.view).includes("No items")),
      5000,
      "the refusal",
    );
    expect(JSON.stringify(refused.view)).not.toContain("Excel export please");
    expect(JSON.stringify(refused.view.blocks)).toContain("Sorry, this is for the product team.");
  });
});

describe("the digest's overflow menu", () => {
  it("Mark shipped… opens the ship modal; nothing is sent to customers", async () => {
    const theme = await deskWithTheme(["Excel export please"]);
    await menu(theme.id, "ship");
    const modal = await desk.slack.waitFor(
      () => desk.slack.views.find((v) => v.method === "views.open" && v.view.callback_id === "theme_ship_modal"),
      5000,
      "the ship modal",
    );
    expect(JSON.stringify(modal.view.blocks)).toContain("*1 customer thread*");
    await desk.settle();
    expect(desk.slack.messages(ACME_CHANNEL).filter((m) => m.thread_ts && m.thread_ts !== m.ts)).toEqual([]);
  });

  it("Archive theme archives it and says how to bring it back", async () => {
    const theme = await deskWithTheme(["Excel export please"]);
    await menu(theme.id, "archive");
    const answer = await desk.slack.waitFor(
      () => desk.slack.responses.find((r) => String(r.body.text).includes("is archived")),
      5000,
      "the answer",
    );
    expect(String(answer.body.text)).toContain("`/feedback themes unarchive Excel exports` brings it back");
    expect((await desk.app.db.client.theme.findUniqueOrThrow({ where: { id: theme.id } })).status).toBe("archived");
  });
});
