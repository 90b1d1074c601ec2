// Marking a theme shipped, through the real app and the Slack stand-in: `/feedback ship` and the digest's
// Mark shipped open the same confirmation modal (the reply customers will read, word for word, and how many
// threads and CSMs will be told); nothing reaches a customer before Ship; a note linking outside Slack and
// SHIP_LINK_DOMAINS is refused with nothing sent.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, CUSTOMER, HOME_TEAM, startDesk, type Desk } from "./support/harness.ts";
import type { ViewRecord } from "./support/slack-stand-in.ts";
import { TestClock } from "./support/test-clock.ts";

const PRODUCT = "CPRODUCT";
const ACME_CHANNEL = "CACME";
const CSM = "UCSM1";
const AT = new Date("2026-11-20T10:00:00Z");

let desk: Desk;
afterEach(async () => {
  await desk?.stop();
});

/** The app with accounts, a theme "Excel exports" and the customer messages tagged with it. */
async function deskWithTheme(env: Record<string, string> = {}, messages = ["Excel export please"]) {
  desk = await startDesk({
    env: {
      PRODUCT_CHANNEL: PRODUCT,
      ADMIN_USER_IDS: AGENT,
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      VOC_DIGEST_CRON: "off",
      ...env,
    },
    start: { clock: new TestClock(AT) },
  });
  const c = desk.app.db.client;
  const account = { domain: "acme.com", arr: 120000, tier: "enterprise", csmSlackUserId: CSM, createdAt: AT, updatedAt: AT };
  await c.account.create({ data: { externalId: "acme", name: "Acme Corp", ...account } });
  await c.supportChannel.create({ data: { channelId: ACME_CHANNEL, accountExternalId: "acme", linkedById: AGENT, linkedAt: AT } });
  const theme = await c.theme.create({ data: { name: "Excel exports", nameKey: "excel exports", createdById: AGENT, createdAt: AT } });
  const seeded = messages.map((text) => desk.slack.seed(ACME_CHANNEL, { user: CUSTOMER, text }));
  for (const msg of seeded) {
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
  for (const item of await c.feedbackItem.findMany())
    await c.feedbackTheme.create({ data: { itemId: item.id, themeId: theme.id, addedById: AGENT, addedAt: AT } });
  return { theme, seeded };
}

const shipModals = () => desk.slack.views.filter((v) => v.method === "views.open" && v.view.callback_id === "theme_ship_modal");
const openedModal = () => desk.slack.waitFor(() => shipModals()[0], 5000, "the ship modal");
const viewText = (view: Record<string, any>) => JSON.stringify(view.blocks);
/** The reply preview: the section right after "…gets this reply, word for word:". */
const previewOf = (view: Record<string, any>): string => {
  const blocks = view.blocks as { type: string; text?: { text: string }; elements?: { text: string }[] }[];
  const at = blocks.findIndex((b) => b.type === "context" && b.elements?.[0]?.text.includes("this reply"));
  return at >= 0 ? blocks[at + 1]!.text!.text : "";
};
const threadReplies = (ts: string) => desk.slack.messages(ACME_CHANNEL).filter((m) => m.thread_ts === ts && m.ts !== ts);
const customerPosts = () => desk.slack.messages(ACME_CHANNEL).filter((m) => m.thread_ts && m.thread_ts !== m.ts);
const shipped = async (themeId: number) => (await desk.app.db.client.theme.findUniqueOrThrow({ where: { id: themeId } })).shippedAt;

function submit(view: Record<string, any>, note: string, user = AGENT) {
  return desk.interaction({
    type: "view_submission",
    team: { id: HOME_TEAM, domain: "example" },
    user: { id: user, username: "u", name: "u", team_id: HOME_TEAM },
    api_app_id: "A111",
    token: "verification_token",
    trigger_id: "1.2.3",
    view: {
      id: "V9",
      team_id: HOME_TEAM,
      type: "modal",
      callback_id: "theme_ship_modal",
      private_metadata: view.private_metadata,
      hash: "h",
      state: { values: { ship_note: { text: { type: "plain_text_input", value: note } } } },
    },
  });
}

function markShipped(themeId: number, id: string) {
  return desk.interaction({
    type: "block_actions",
    user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
    api_app_id: "A111",
    token: "verification_token",
    container: { type: "message", message_ts: "1.000100", channel_id: PRODUCT, is_ephemeral: false },
    trigger_id: "1.2.3",
    team: { id: HOME_TEAM, domain: "example" },
    channel: { id: PRODUCT, name: "product" },
    response_url: desk.slack.responseUrl(id),
    actions: [{ action_id: "theme_ship", block_id: "b1", type: "button", value: String(themeId), action_ts: "1.2" }],
  });
}

const responseWith = (words: string) =>
  desk.slack.waitFor(() => desk.slack.responses.find((r) => String(r.body.text).includes(words)), 5000, words);

describe("shipping a theme", () => {
  it("/feedback ship opens a modal with the exact reply and who will be told; only Ship tells the customers and the CSM, once", async () => {
    const { theme, seeded } = await deskWithTheme({}, ["Excel export please", "xlsx!"]);
    const [kept, gone] = seeded;
    desk.slack.deleteMessage(ACME_CHANNEL, gone!.ts);

    const res = await desk.command({
      command: "/feedback",
      text: "ship excel exports Exports to .xlsx are live for everyone",
      user_id: AGENT,
    });
    expect(res.status).toBe(200);
    const opened = await openedModal();
    expect(opened.args.trigger_id).toBe("111.222.xxx");
    const view = opened.view;
    expect(view.submit.text).toBe("Ship");
    expect(viewText(view)).toContain("*2 customer threads*");
    expect(viewText(view)).toContain("*1 CSM* a direct message");
    const preview = previewOf(view);
    // Customers read the product team's note; the theme's name is internal and not in it.
    expect(preview).toBe(
      ":tada: Good news about what you asked for here: Exports to .xlsx are live for everyone\nThank you for the feedback!",
    );
    expect(preview).not.toContain("Excel exports");
    // The note is in the form, to change before shipping; the form carries no text.
    expect(JSON.stringify(view)).toContain('"initial_value":"Exports to .xlsx are live for everyone"');
    expect(JSON.parse(view.private_metadata as string)).toEqual({ themeId: theme.id, shown: expect.stringMatching(/^[0-9a-f]{16}$/) });

    // Nothing is sent while the modal is open.
    await desk.settle();
    expect(customerPosts()).toEqual([]);
    expect(desk.slack.messages(CSM)).toEqual([]);
    expect(await shipped(theme.id)).toBeNull();

    // Ship: the modal closes; each reachable thread gets the reply shown, the CSM one message, the shipper a report.
    const ack = await submit(view, "Exports to .xlsx are live for everyone");
    expect(ack.status).toBe(200);
    expect(await ack.text()).toBe("");
    await desk.slack.waitFor(() => desk.slack.messages(AGENT).length > 0 || undefined, 10000, "report by DM");
    await desk.settle();
    expect(threadReplies(kept!.ts).map((m) => m.text)).toEqual([preview]);
    expect(customerPosts()).toHaveLength(1);
    expect(desk.slack.messages(CSM)).toHaveLength(1);
    expect(desk.slack.messages(CSM)[0]!.text).toContain("Acme Corp (2 items)");
    const report = desk.slack.messages(AGENT)[0]!.text;
    expect(report).toContain("*Excel exports* is marked shipped. I replied in 1 customer thread.");
    expect(report).toContain("1 source message was deleted or can't be read");
    expect(await shipped(theme.id)).not.toBeNull();

    // The same submission again (a replay) sends nothing more.
    await submit(view, "Exports to .xlsx are live for everyone");
    await desk.settle();
    expect(customerPosts()).toHaveLength(1);
    expect(desk.slack.messages(CSM)).toHaveLength(1);

    // Shipped once: asking again opens nothing and says so.
    await desk.command({ command: "/feedback", text: "ship Excel exports again", user_id: AGENT });
    expect((await responseWith("already marked shipped")).body.text).toContain("customers were told then");
    expect(shipModals()).toHaveLength(1);

    await desk.command({ command: "/feedback", text: "ship Nonexistent theme yes", user_id: AGENT });
    expect((await responseWith("No theme matches")).body.text).toContain("/feedback themes");
    expect(shipModals()).toHaveLength(1);
  });

  it("Mark shipped opens the same modal: a note is previewed before Ship, a changed note is previewed again", async () => {
    const { theme, seeded } = await deskWithTheme();
    await markShipped(theme.id, "ship-button");
    const first = (await openedModal()).view;
    expect(first.submit.text).toBe("Preview");
    expect(previewOf(first)).toBe("");
    expect(viewText(first)).toContain("*1 customer thread*");

    expect(await (await submit(first, "  ")).json()).toEqual({
      response_action: "errors",
      errors: { ship_note: "Say what shipped: customers read this in their threads." },
    });
    const previewed = (await (await submit(first, "Excel exports are live")).json()) as {
      response_action: string;
      view: Record<string, any>;
    };
    expect(previewed.response_action).toBe("update");
    expect(previewed.view.submit.text).toBe("Ship");
    expect(previewOf(previewed.view)).toContain("Excel exports are live");

    // Edited after the preview: the new reply is shown, not sent.
    const again = (await (await submit(previewed.view, "Excel exports are live on every plan")).json()) as { view: Record<string, any> };
    expect(previewOf(again.view)).toContain("on every plan");
    await desk.settle();
    expect(customerPosts()).toEqual([]);
    expect(await shipped(theme.id)).toBeNull();

    expect((await submit(again.view, "Excel exports are live on every plan")).status).toBe(200);
    await desk.slack.waitFor(() => desk.slack.messages(AGENT).length > 0 || undefined, 10000, "report by DM");
    await desk.settle();
    expect(threadReplies(seeded[0]!.ts).map((m) => m.text)).toEqual([previewOf(again.view)]);
    expect(desk.slack.messages(CSM)).toHaveLength(1);
  });

  it("refuses a note linking to another domain, in the command and in the modal, with nothing sent", async () => {
    const { theme } = await deskWithTheme();
    // Only product people and admins ship: an agent's command opens nothing.
    await desk.command({ command: "/feedback", text: "ship Excel exports It is live", user_id: AGENT2 });
    await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.body.text), 5000, "the refusal");
    expect(shipModals()).toEqual([]);

    await desk.command({
      command: "/feedback",
      text: "ship Excel exports SSO sign in again at https://evil.example/okta-login",
      user_id: AGENT,
    });
    const refused = await responseWith("evil.example");
    expect(refused.body.text).toContain("not an allowed domain");
    expect(refused.body.text).toContain("slack.com");
    expect(refused.body.text).toContain("SHIP_LINK_DOMAINS");
    expect(shipModals()).toEqual([]);

    // Slack's link form, and a label pretending to be Slack, typed into the modal.
    await markShipped(theme.id, "ship-button");
    const view = (await openedModal()).view;
    for (const note of [
      "SSO sign in again at https://evil.example/okta-login",
      "Sign in again at <https://evil.example/login|https://acme.slack.com/reset>",
      "Sign in again at slack.com.evil.example/login",
    ]) {
      const answer = (await (await submit(view, note)).json()) as { response_action: string; errors: Record<string, string> };
      expect(answer.response_action).toBe("errors");
      expect(answer.errors.ship_note).toContain("evil.example");
      expect(answer.errors.ship_note).toContain("SHIP_LINK_DOMAINS");
    }
    await desk.settle();
    expect(customerPosts()).toEqual([]);
    expect(desk.slack.messages(CSM)).toEqual([]);
    expect(desk.slack.messages(AGENT)).toEqual([]);
    expect(await shipped(theme.id)).toBeNull();
  });

  it("lets a note link to a domain of SHIP_LINK_DOMAINS and its subdomains", async () => {
    const { seeded } = await deskWithTheme({ SHIP_LINK_DOMAINS: "example.com" });
    const note = "Set it up with https://docs.example.com/sso (or see acme.slack.com/help)";
    await desk.command({ command: "/feedback", text: `ship Excel exports ${note}`, user_id: AGENT });
    const opened: ViewRecord = await openedModal();
    expect(previewOf(opened.view)).toContain("https://docs.example.com/sso");
    expect(JSON.stringify(opened.view)).toContain("Links may go only to slack.com, example.com");
    expect((await submit(opened.view, note)).status).toBe(200);
    await desk.slack.waitFor(() => threadReplies(seeded[0]!.ts)[0], 10000, "the reply");
    expect(threadReplies(seeded[0]!.ts)[0]!.text).toContain("https://docs.example.com/sso");
  });
});
