// Voice of the customer, capture and closing the loop, through the real app and the Slack stand-in:
// the :bulb: reaction, the "Send to product" shortcut and modal, /feedback <text>, "Tag as feedback" on
// the triage card; one item per message, withdrawal, bad input. Shipping a theme: feedback-ship.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, startDesk, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";

const PRODUCT = "CPRODUCT";
const ACME_CHANNEL = "CACME";
const CSM = "UCSM1";
const AT = new Date("2026-11-20T10:00:00Z");

let desk: Desk;
afterEach(async () => {
  await desk?.stop();
});

async function deskWithAccounts(env: Record<string, string> = {}) {
  const clock = new TestClock(AT);
  desk = await startDesk({
    env: {
      PRODUCT_CHANNEL: PRODUCT,
      PRODUCT_USER_IDS: "UPM1",
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      VOC_DIGEST_CRON: "off",
      ...env,
    },
    start: { clock },
  });
  const c = desk.app.db.client;
  await c.account.create({
    data: {
      externalId: "acme",
      name: "Acme Corp",
      domain: "acme.com",
      arr: 120000,
      tier: "enterprise",
      csmSlackUserId: CSM,
      createdAt: AT,
      updatedAt: AT,
    },
  });
  await c.accountHealthCurrent.create({
    data: { accountExternalId: "acme", runId: 1, computedAt: AT, score: 35, band: "red", components: "[]" },
  });
  await c.account.create({ data: { externalId: "globex", name: "Globex", domain: "globex.io", arr: 40000, createdAt: AT, updatedAt: AT } });
  await c.supportChannel.create({ data: { channelId: ACME_CHANNEL, accountExternalId: "acme", linkedById: AGENT, linkedAt: AT } });
  return { clock };
}

const react = (
  channel: string,
  ts: string,
  user: string,
  type: "reaction_added" | "reaction_removed" = "reaction_added",
  reaction = "bulb",
) => desk.event({ type, user, reaction, item: { type: "message", channel, ts }, item_user: CUSTOMER, event_ts: `${Date.now() / 1000}` });
const items = () => desk.app.db.client.feedbackItem.findMany({ orderBy: { id: "asc" } });
const cards = () => desk.slack.messages(PRODUCT).filter((m) => !m.thread_ts);
const cardText = (m: { blocks?: unknown[]; text: string }) => JSON.stringify(m.blocks ?? []) + m.text;
const ephemeralTo = (user: string) => desk.slack.ephemerals.filter((e) => e.user === user).map((e) => e.text);

describe("capturing feedback", () => {
  it("a :bulb: reaction sends the message with its account, ARR and health to the product channel, once", async () => {
    await deskWithAccounts();
    const msg = desk.slack.seed(ACME_CHANNEL, {
      user: CUSTOMER,
      text: "We need exports to Excel, the CSV is useless for our finance team",
    });
    await react(ACME_CHANNEL, msg.ts, AGENT);
    await desk.settle();
    const [item] = await items();
    expect(item).toMatchObject({
      origin: "reaction",
      channelId: ACME_CHANNEL,
      messageTs: msg.ts,
      text: "We need exports to Excel, the CSV is useless for our finance team",
      authorId: CUSTOMER,
      internal: false,
      accountExternalId: "acme",
      accountName: "Acme Corp",
      accountArr: 120000,
      accountTier: "enterprise",
      accountBand: "red",
      createdById: AGENT,
      status: "active",
    });
    expect(item.permalink).toContain(`/archives/${ACME_CHANNEL}/p${msg.ts.replace(".", "")}`);
    expect(cards()).toHaveLength(1);
    const text = cardText(cards()[0]);
    for (const expected of [
      "Acme Corp",
      "ARR $120,000",
      ":red_circle: red",
      "enterprise",
      "We need exports to Excel",
      item.permalink!,
      `tagged by <@${AGENT}>`,
      `said by <@${CUSTOMER}>`,
    ]) {
      expect(text).toContain(expected);
    }

    // Tagged again, by someone else and by the same person: still one item, the second tagger added.
    await react(ACME_CHANNEL, msg.ts, AGENT2);
    await react(ACME_CHANNEL, msg.ts, AGENT);
    await desk.settle();
    expect(await items()).toHaveLength(1);
    expect((await desk.app.db.client.feedbackTagger.findMany({ orderBy: { taggedAt: "asc" } })).map((t) => t.userId)).toEqual([
      AGENT,
      AGENT2,
    ]);
    expect(cards()).toHaveLength(1);
    expect(cardText(cards()[0])).toContain(`tagged by <@${AGENT}>, <@${AGENT2}>`);
  });

  it("finds the account from the author's email domain when the channel names none, and marks our own people internal", async () => {
    await deskWithAccounts();
    desk.slack.users.set("UGLOBEX", {
      id: "UGLOBEX",
      name: "gina",
      real_name: "Gina",
      team_id: HOME_TEAM,
      profile: { email: "gina@Globex.io" },
    });
    const fromCustomer = desk.slack.seed(SUPPORT, { user: "UGLOBEX", text: "Dark mode please" });
    const fromAgent = desk.slack.seed(SUPPORT, { user: AGENT2, text: "Customers keep asking for an audit log" });
    await react(SUPPORT, fromCustomer.ts, AGENT);
    await react(SUPPORT, fromAgent.ts, AGENT);
    await desk.settle();
    const [a, b] = await items();
    expect(a).toMatchObject({ authorId: "UGLOBEX", accountExternalId: "globex", accountArr: 40000, internal: false });
    expect(b).toMatchObject({ authorId: AGENT2, internal: true });
    expect(cardText(cards()[1])).toContain("internal (said by our own people)");
  });

  it("taking the reaction back within the grace period withdraws the item and deletes its card; later it stays", async () => {
    const { clock } = await deskWithAccounts({ FEEDBACK_WITHDRAW_GRACE: "10m" });
    const first = desk.slack.seed(ACME_CHANNEL, { user: CUSTOMER, text: "Please add SSO" });
    const second = desk.slack.seed(ACME_CHANNEL, { user: CUSTOMER, text: "Please add SCIM" });
    await react(ACME_CHANNEL, first.ts, AGENT);
    await react(ACME_CHANNEL, second.ts, AGENT);
    await desk.settle();
    expect(cards()).toHaveLength(2);

    clock.advance(5 * 60_000);
    await react(ACME_CHANNEL, first.ts, AGENT, "reaction_removed");
    await desk.settle();
    expect((await items())[0]).toMatchObject({ status: "withdrawn" });
    expect(cards()).toHaveLength(1);
    expect(desk.slack.deleted).toHaveLength(1);

    clock.advance(10 * 60_000);
    await react(ACME_CHANNEL, second.ts, AGENT, "reaction_removed");
    await desk.settle();
    expect((await items())[1]).toMatchObject({ status: "active" });
    expect(cards()).toHaveLength(1);

    // Tagged again after withdrawal: it comes back with a new card.
    await react(ACME_CHANNEL, first.ts, AGENT2);
    await desk.settle();
    expect((await items())[0]).toMatchObject({ status: "active", createdById: AGENT2 });
    expect(cards()).toHaveLength(2);
  });

  it("says what happened when the reacted message was deleted or cannot be read, storing nothing", async () => {
    await deskWithAccounts();
    await react(ACME_CHANNEL, "1700000000.000100", AGENT);
    desk.slack.missingChannels.add("CGONE");
    await react("CGONE", "1700000000.000200", AGENT);
    await desk.settle();
    expect(await items()).toHaveLength(0);
    const told = ephemeralTo(AGENT);
    expect(told.some((t) => t.includes("That message was deleted or I can't see it"))).toBe(true);
    expect(cards()).toHaveLength(0);
  });

  it("ignores other reactions, and is off without PRODUCT_CHANNEL (saying so to /feedback)", async () => {
    await deskWithAccounts();
    const msg = desk.slack.seed(ACME_CHANNEL, { user: CUSTOMER, text: "Nice!" });
    await react(ACME_CHANNEL, msg.ts, AGENT, "reaction_added", "thumbsup");
    await desk.settle();
    expect(await items()).toHaveLength(0);
    await desk.stop();
    desk = await startDesk({ env: { SLA_SWEEP_CRON: "off" } });
    const answer = (await (await desk.command({ command: "/feedback", text: "Exports are slow" })).json()) as { text: string };
    expect(answer.text).toContain("PRODUCT_CHANNEL");
    const health = (await (await fetch(`${desk.baseUrl}/healthz`)).json()) as {
      parts: Record<string, { enabled: boolean; reason?: string }>;
    };
    expect(health.parts.voiceOfCustomer).toMatchObject({ enabled: false });
  });

  it("/feedback <text> captures what the user types, with the channel's account", async () => {
    await deskWithAccounts();
    const res = await desk.command({
      command: "/feedback",
      text: "Acme wants audit logs exported nightly",
      channel_id: ACME_CHANNEL,
      user_id: AGENT,
    });
    const body = (await res.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toMatch(/Sent to product as feedback \*#\d+\*/);
    await desk.settle();
    const [item] = await items();
    expect(item).toMatchObject({
      origin: "command",
      messageTs: null,
      authorId: AGENT,
      internal: true,
      accountExternalId: "acme",
      text: "Acme wants audit logs exported nightly",
    });
    expect(cards()).toHaveLength(1);
    const empty = (await (await desk.command({ command: "/feedback", text: "   " })).json()) as { text: string };
    expect(empty.text).toContain("Write the feedback after the command");
    expect(await items()).toHaveLength(1);
  });

  it("/feedback asks before sending a first word that looks like a mistyped subcommand; its button sends it", async () => {
    await deskWithAccounts();
    const typed = async (text: string) =>
      (await (await desk.command({ command: "/feedback", text, channel_id: ACME_CHANNEL, user_id: AGENT })).json()) as {
        response_type: string;
        text: string;
        blocks?: { type: string; elements?: { action_id: string; value: string }[] }[];
      };
    const theme = await typed("theme add Excel export");
    expect(theme.response_type).toBe("ephemeral");
    expect(theme.text).toContain("Did you mean `/feedback themes`?");
    expect(theme.text).toContain("To send it as feedback anyway");
    expect((await typed("digset")).text).toContain("Did you mean `/feedback digest`?");
    await desk.settle();
    expect(await items()).toHaveLength(0);
    expect(cards()).toHaveLength(0);

    // The button sends the text as it was typed, from the person, in the channel it was typed in.
    const button = theme.blocks?.find((b) => b.type === "actions")?.elements?.[0];
    expect(button).toMatchObject({ action_id: "feedback_send_anyway", value: "theme add Excel export" });
    const click = await desk.interaction({
      type: "block_actions",
      user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
      api_app_id: "A111",
      token: "verification_token",
      container: { type: "message", message_ts: "1.000100", channel_id: ACME_CHANNEL, is_ephemeral: true },
      trigger_id: "12345.98765.abcd2358fdea",
      team: { id: HOME_TEAM, domain: "example" },
      channel: { id: ACME_CHANNEL, name: "acme" },
      response_url: desk.slack.responseUrl("send-anyway"),
      actions: [{ action_id: "feedback_send_anyway", block_id: "b", type: "button", value: button!.value, action_ts: "1.2" }],
    });
    expect(click.status).toBe(200);
    await desk.settle();
    const [item] = await items();
    expect(item).toMatchObject({ origin: "command", authorId: AGENT, accountExternalId: "acme", text: "theme add Excel export" });
    expect(cards()).toHaveLength(1);
    const response = desk.slack.responses.find((r) => r.id === "send-anyway")!.body as { text: string; replace_original: boolean };
    expect(response).toMatchObject({ replace_original: true });
    expect(response.text).toMatch(/Sent to product as feedback \*#\d+\*/);

    // `--` sends it without asking; real subcommands and ordinary text are as before.
    expect((await typed("-- ship faster, please")).text).toMatch(/Sent to product as feedback/);
    expect((await typed("themes")).text).toContain("No themes yet");
    expect((await typed("Hi team, the theme picker is slow")).text).toMatch(/Sent to product as feedback/);
    await desk.settle();
    expect((await items()).map((i) => i.text)).toEqual([
      "theme add Excel export",
      "ship faster, please",
      "Hi team, the theme picker is slow",
    ]);
  });

  it("/feedback for:<account> attributes relayed feedback to that account, with its ARR, tier and health; unknown: nothing stored", async () => {
    await deskWithAccounts();
    await desk.app.db.client.account.create({
      data: { externalId: "acme-eu", name: "Acme Corp", arr: 5000, createdAt: AT, updatedAt: AT },
    });
    const typed = async (text: string, channel = SUPPORT) =>
      ((await (await desk.command({ command: "/feedback", text, channel_id: channel, user_id: AGENT })).json()) as { text: string }).text;

    // By external id, from a channel with no account: the item is Globex's, not "No account · internal".
    expect(await typed("for:globex Bulk edit for invoices, they do it weekly")).toMatch(
      /^Sent to product as feedback \*#\d+\*\. Thanks! \(account \*Globex\*\)$/,
    );
    // By name (any case, quoted with spaces) in Acme's channel: the named account wins over the channel's.
    expect(await typed('for:"globex" SSO with Okta', ACME_CHANNEL)).toContain("(account *Globex*)");
    await desk.settle();
    const [first, second] = await items();
    expect(first).toMatchObject({
      text: "Bulk edit for invoices, they do it weekly",
      internal: true,
      accountExternalId: "globex",
      accountName: "Globex",
      accountArr: 40000,
    });
    expect(second).toMatchObject({ text: "SSO with Okta", accountExternalId: "globex" });
    expect(cardText(cards()[0]!)).toContain("Globex");

    // Unknown, ambiguous or missing: a private answer, nothing stored or posted.
    expect(await typed("for:initech Please add dark mode")).toBe(
      "No account has the external id or name “initech”, so nothing was sent. Check it with `/cs account &lt;name&gt;`, or leave `for:` out.",
    );
    expect(await typed('for:"Acme Corp" Please add dark mode')).toContain("Several accounts are called “Acme Corp” (`acme` and `acme-eu`)");
    expect(await typed("for:acme-eu Please add dark mode")).toContain("(account *Acme Corp*)");
    expect(await typed("for: Please add dark mode")).toContain("Which account is it for?");
    expect(await typed("for:acme Audit log export")).toContain("(account *Acme Corp*)");
    await desk.settle();
    expect((await items()).map((i) => i.accountExternalId)).toEqual(["globex", "globex", "acme-eu", "acme"]);
    expect((await items())[3]).toMatchObject({ accountArr: 120000, accountTier: "enterprise", accountBand: "red" });
    expect(cards()).toHaveLength(4);
  });

  it("the Send to product shortcut opens a modal; its submission stores kind, importance, note and new themes", async () => {
    await deskWithAccounts();
    const msg = desk.slack.seed(ACME_CHANNEL, { user: CUSTOMER, text: "Bulk edit would save us hours every week" });
    const shortcut = (channel: string, ts: string, text: string, id: string) =>
      desk.interaction({
        type: "message_action",
        token: "verification_token",
        action_ts: "1583637157.207593",
        team: { id: HOME_TEAM, domain: "example" },
        user: { id: AGENT, name: "agent" },
        channel: { id: channel, name: "c" },
        callback_id: "send_to_product",
        trigger_id: "111.222.xxx",
        message_ts: ts,
        message: { type: "message", text, user: CUSTOMER, ts },
        response_url: desk.slack.responseUrl(id),
      });
    expect((await shortcut(ACME_CHANNEL, msg.ts, msg.text, "s1")).status).toBe(200);
    const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "views.open");
    const view = opened.view as { callback_id: string; private_metadata: string; blocks: { block_id?: string }[] };
    expect(view.callback_id).toBe("send_to_product_modal");
    const submit = (newThemes: string) =>
      desk.interaction({
        type: "view_submission",
        team: { id: HOME_TEAM, domain: "example" },
        user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
        api_app_id: "A111",
        token: "verification_token",
        trigger_id: "1.2.3",
        view: {
          id: "V1",
          team_id: HOME_TEAM,
          type: "modal",
          callback_id: "send_to_product_modal",
          private_metadata: view.private_metadata,
          hash: "h",
          state: {
            values: {
              new_themes: { names: { type: "plain_text_input", value: newThemes } },
              kind: {
                pick: {
                  type: "static_select",
                  selected_option: { text: { type: "plain_text", text: "Feature request" }, value: "feature_request" },
                },
              },
              importance: {
                pick: { type: "static_select", selected_option: { text: { type: "plain_text", text: "Very important" }, value: "high" } },
              },
              note: { text: { type: "plain_text_input", value: "Raised on the QBR" } },
            },
          },
        },
      });
    const bad = (await (await submit("x".repeat(70))).json()) as { response_action: string; errors: Record<string, string> };
    expect(bad.response_action).toBe("errors");
    expect(Object.keys(bad.errors)).toEqual(["new_themes"]);
    expect(await items()).toHaveLength(0);

    expect((await submit("Bulk editing, Productivity")).status).toBe(200);
    await desk.settle();
    const [item] = await items();
    expect(item).toMatchObject({
      origin: "shortcut",
      kind: "feature_request",
      importance: "high",
      note: "Raised on the QBR",
      accountExternalId: "acme",
    });
    const themes = await desk.app.db.client.theme.findMany({ orderBy: { name: "asc" } });
    expect(themes.map((t) => t.name)).toEqual(["Bulk editing", "Productivity"]);
    expect(await desk.app.db.client.feedbackTheme.count({ where: { itemId: item.id } })).toBe(2);
    expect(cardText(cards()[0])).toContain("*Feature request*");
    expect(cardText(cards()[0])).toContain("`Bulk editing`, `Productivity`");

    // In a channel the app is not in: a clear answer and no modal.
    desk.slack.notInChannel.add("CPRIVATE");
    await shortcut("CPRIVATE", "1700000000.000100", "hello", "s2");
    const warning = await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.id === "s2"), 5000, "not in channel");
    expect(warning.body.text).toContain("I'm not a member of <#CPRIVATE>");
    expect(desk.slack.views.filter((v) => v.method === "views.open")).toHaveLength(1);
  });

  it("Send to product keeps a 4,000-character message out of the form and reads it back on Send", async () => {
    await deskWithAccounts();
    // A pasted Windows log: quotes, backslashes and line breaks, which JSON doubles.
    const line = 'Error "C:\\Program Files\\Acme\\export.exe" failed\n';
    const text = line.repeat(Math.ceil(4000 / line.length)).slice(0, 4000);
    const msg = desk.slack.seed(ACME_CHANNEL, { user: CUSTOMER, text });
    await desk.interaction({
      type: "message_action",
      token: "verification_token",
      action_ts: "1583637157.207593",
      team: { id: HOME_TEAM, domain: "example" },
      user: { id: AGENT, name: "agent" },
      channel: { id: ACME_CHANNEL, name: "acme" },
      callback_id: "send_to_product",
      trigger_id: "111.222.xxx",
      message_ts: msg.ts,
      message: { type: "message", text, user: CUSTOMER, ts: msg.ts },
      response_url: desk.slack.responseUrl("long"),
    });
    const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "views.open");
    expect(desk.slack.allCallsTo("views.open").map((c) => c.error ?? "ok")).toEqual(["ok"]);
    const metadata = opened.view.private_metadata as string;
    expect(metadata.length).toBeLessThan(300);
    expect(metadata).not.toContain("Program Files");
    // Slack gives each submission its own trigger_id (the same bytes twice are a replay, ignored).
    const send = (triggerId: string) =>
      desk.interaction({
        type: "view_submission",
        team: { id: HOME_TEAM, domain: "example" },
        user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
        api_app_id: "A111",
        token: "verification_token",
        trigger_id: triggerId,
        view: {
          id: "V1",
          team_id: HOME_TEAM,
          type: "modal",
          callback_id: "send_to_product_modal",
          private_metadata: metadata,
          hash: "h",
          state: { values: {} },
        },
      });
    // Slack cannot give the message back just now: the form says so and nothing is stored; Send again works.
    desk.slack.failNext("conversations.history", { error: "not_in_channel" });
    const notRead = (await (await send("1.2.3")).json()) as { response_action: string; errors: Record<string, string> };
    expect(notRead).toMatchObject({ response_action: "errors", errors: { note: expect.stringContaining("couldn't read that message") } });
    expect(await items()).toHaveLength(0);
    expect((await send("1.2.4")).status).toBe(200);
    await desk.settle();
    const [item] = await items();
    expect(item).toMatchObject({
      origin: "shortcut",
      channelId: ACME_CHANNEL,
      messageTs: msg.ts,
      authorId: CUSTOMER,
      accountExternalId: "acme",
    });
    // Stored as any long message is (cut to 2,000 characters), from the message itself.
    expect(item.text.length).toBe(2000);
    expect(text.startsWith(item.text.slice(0, 1999))).toBe(true);
    expect(cards()).toHaveLength(1);
  });

  it("Tag as feedback on the triage card sends the ticket's request with its account", async () => {
    await deskWithAccounts();
    await desk.customerSays("The API rate limit is far too low for our sync", { channel: ACME_CHANNEL });
    await desk.settle();
    const ticket = await desk.app.db.client.ticket.findFirstOrThrow();
    const card = desk.slack.messages(TRIAGE).find((m) => !m.thread_ts)!;
    // Tag as feedback is in the card's overflow menu.
    expect(JSON.stringify(card.blocks)).toContain('{"text":{"type":"plain_text","text":"Tag as feedback"},"value":"feedback"}');
    await desk.interaction({
      type: "block_actions",
      user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
      api_app_id: "A111",
      token: "verification_token",
      container: { type: "message", message_ts: card.ts, channel_id: TRIAGE, is_ephemeral: false },
      trigger_id: "1.2.3",
      team: { id: HOME_TEAM, domain: "example" },
      channel: { id: TRIAGE, name: "triage" },
      response_url: desk.slack.responseUrl("tag"),
      actions: [
        {
          action_id: "ticket_more",
          block_id: `ticket:${ticket.id}:1`,
          type: "overflow",
          selected_option: { text: { type: "plain_text", text: "Tag as feedback" }, value: "feedback" },
          action_ts: "1.2",
        },
      ],
    });
    await desk.settle();
    const [item] = await items();
    expect(item).toMatchObject({
      origin: "ticket",
      ticketId: ticket.id,
      accountExternalId: "acme",
      text: "The API rate limit is far too low for our sync",
      authorId: CUSTOMER,
      messageTs: ticket.sourceTs,
    });
    const answer = await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.id === "tag"), 5000, "tag answer");
    expect(answer.body.text).toContain(`#${item.id}`);
    expect(cardText(cards()[0])).toContain(`ticket #${ticket.id}`);
  });
});
