// Text from outside: a customer's words, a display or workspace name, an API batch or a form never ping,
// phish or break anything. Mentions, broadcasts and disguised links sent through every surface reach
// Slack as text (while the app's own mentions stay live), and text Postgres cannot store (U+0000, lone
// surrogates) makes the same ticket on both databases, through the real app and the Slack stand-in.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { addEarlierScores } from "./support/success-fixtures.ts";
import { AGENT, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, cardAction, startDesk, type Desk } from "./support/harness.ts";

const ATTACK =
  "Help! <!channel> <!here> <!everyone> <!subteam^S0AGENTS> <@U0EVIL> <https://evil.example/login|https://acme.slack.com/reset>";
const ESCAPED_LINK = "&lt;https://evil.example/login|https://acme.slack.com/reset&gt;";
const DISPLAY_NAME = "<!channel> Mallory";
const EVIL_TEAM = "T0EVIL";
const ACME_CHANNEL = "CACME";
const PRODUCT = "CPRODUCT";
const ALERTS = "CALERTS";
const TOKEN = "escaping-test-token-0123456789";
const DAY = 86_400_000;

/** A mention, broadcast or link Slack would make live (`<!channel|…>` included). */
const LIVE = /<!(?:channel|here|everyone)\b|<!subteam\^|<@U0EVIL\b|<https?:\/\/evil\.example/;

let desk: Desk;
afterEach(async () => desk?.stop());

/** Every string in a value with where it is, but what Slack never shows (a modal's private_metadata). */
function strings(value: unknown, path = "", out: { path: string; text: string }[] = []) {
  if (typeof value === "string") out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === "object")
    for (const [key, v] of Object.entries(value)) if (key !== "private_metadata") strings(v, `${path}.${key}`, out);
  return out;
}

const live = (label: string, value: unknown) =>
  strings(value)
    .filter((s) => LIVE.test(s.text))
    .map((s) => `${label}${s.path}: ${s.text}`);

const api = (path: string, body?: unknown) =>
  fetch(`${desk.baseUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const asAgent = { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM };

function submitView(view: Record<string, unknown>, values: Record<string, unknown>) {
  return desk.interaction({
    type: "view_submission",
    team: { id: HOME_TEAM, domain: "example" },
    user: asAgent,
    api_app_id: "A111",
    token: "verification_token",
    trigger_id: "1.2.3",
    view: { ...view, state: { values } },
    response_urls: [],
  });
}

const realtimeNps = path.join(mkdtempSync(path.join(tmpdir(), "escaping-")), "health.json");
writeFileSync(realtimeNps, JSON.stringify({ rules: { nps_detractor: { delivery: "realtime" } } }));

describe("text from outside reaches Slack as text", () => {
  it("no customer message, name, batch field or form makes a live mention or link on any surface; the app's own mentions stay live", async () => {
    desk = await startDesk({
      env: {
        // The lead's role checks: UAGENT1 is admin (and agent, CSM of the account, product person).
        ADMIN_USER_IDS: AGENT,
        PRODUCT_CHANNEL: PRODUCT,
        ALERTS_CHANNEL: ALERTS,
        INGEST_API_TOKEN: TOKEN,
        SLA_SWEEP_CRON: "off",
        SUPPORT_SUMMARY_CRON: "off",
        HEALTH_CHECK_CRON: "off",
        ALERT_ESCALATION_CRON: "off",
        VOC_DIGEST_CRON: "0 9 * * 1",
        // The NPS detractor rule posts an alert of its own here (the attacker's comment is in it).
        HEALTH_CONFIG_FILE: realtimeNps,
      },
    });
    await desk.app.scheduler.stop();
    desk.slack.users.set(CUSTOMER, {
      id: CUSTOMER,
      name: "mallory",
      real_name: DISPLAY_NAME,
      team_id: EVIL_TEAM,
      profile: { display_name: DISPLAY_NAME },
    });
    desk.slack.teams.set(EVIL_TEAM, { id: EVIL_TEAM, name: "<!here> Evil Corp" });
    /** What the app answered over HTTP (acknowledgements of commands and modals), for the same check. */
    const answers: { label: string; body: unknown }[] = [];
    const answered = async (label: string, response: Response) => {
      const text = await response.text();
      answers.push({ label, body: text.startsWith("{") ? JSON.parse(text) : text });
      return answers[answers.length - 1].body as { text?: string; blocks?: unknown[] };
    };

    // Customer success data over the API: the account's name and an NPS comment are the attacker's.
    expect(
      (
        await api("/api/v1/accounts", {
          accounts: [{ externalId: "acme", name: "<!everyone> Acme <@U0EVIL>", arr: 120000, seats: 50, csmSlackUserId: AGENT }],
        })
      ).status,
    ).toBe(200);
    await addEarlierScores(desk.app.db, ["acme"], new Date());
    const answeredAt = new Date(Date.now() - DAY).toISOString();
    expect(
      (await api("/api/v1/nps", { responses: [{ accountExternalId: "acme", score: 1, comment: ATTACK, respondedAt: answeredAt }] })).status,
    ).toBe(200);
    await answered(
      "/support link",
      await desk.command({ command: "/support", text: "link acme", channel_id: ACME_CHANNEL, user_id: AGENT }),
    );

    // The triage card, from a Slack Connect customer whose display and workspace names are the attacker's.
    const { ts } = await desk.customerSays(ATTACK, { channel: ACME_CHANNEL, team: EVIL_TEAM });
    await desk.settle();
    const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
    expect(ticket).toMatchObject({ text: ATTACK, requesterName: DISPLAY_NAME, requesterCompany: "<!here> Evil Corp" }); // stored raw
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_assign_me", value: String(ticket.id) });

    // The card-thread mirror of the customer's reply.
    const reply = await desk.customerSays(ATTACK, { channel: ACME_CHANNEL, team: EVIL_TEAM, thread_ts: ts });
    await desk.settle();

    // Reply to customer: the modal shows the request; its submission is posted in the customer's thread.
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_reply", value: String(ticket.id), blockN: 2 });
    const replyModal = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "reply modal");
    const sent = await submitView(
      { ...replyModal.view, id: replyModal.id },
      { reply: { text: { type: "plain_text_input", value: ATTACK } } },
    );
    expect(sent.status).toBe(200);
    await desk.settle();

    // Product cards: Tag as feedback, /feedback <text>, and Send to product with a new theme named by the attacker.
    await desk.interaction({
      type: "block_actions",
      user: asAgent,
      api_app_id: "A111",
      token: "verification_token",
      container: { type: "message", message_ts: "1.000100", channel_id: TRIAGE, is_ephemeral: false },
      trigger_id: "1.2.3",
      team: { id: HOME_TEAM, domain: "example" },
      channel: { id: TRIAGE, name: "triage" },
      response_url: desk.slack.responseUrl("tag"),
      actions: [
        { action_id: "ticket_feedback", block_id: `ticket:${ticket.id}:2`, type: "button", value: String(ticket.id), action_ts: "1.2" },
      ],
    });
    const captured = await answered(
      "/feedback <text>",
      await desk.command({ command: "/feedback", text: ATTACK, channel_id: ACME_CHANNEL, user_id: AGENT }),
    );
    expect(captured.text).toContain("Sent to product as feedback");
    await desk.interaction({
      type: "message_action",
      token: "verification_token",
      action_ts: "1583637157.207593",
      team: { id: HOME_TEAM, domain: "example" },
      user: { id: AGENT, name: "agent" },
      channel: { id: ACME_CHANNEL, name: "acme" },
      callback_id: "send_to_product",
      trigger_id: "111.222.xxx",
      message_ts: reply.ts,
      message: { type: "message", text: ATTACK, user: CUSTOMER, ts: reply.ts, thread_ts: ts },
      response_url: desk.slack.responseUrl("s2p"),
    });
    const productModal = await desk.slack.waitFor(
      () => desk.slack.views.find((v) => v.view.callback_id === "send_to_product_modal"),
      5000,
      "send to product modal",
    );
    const productSubmit = await submitView(
      { id: productModal.id, type: "modal", callback_id: "send_to_product_modal", private_metadata: productModal.view.private_metadata },
      {
        new_themes: { names: { type: "plain_text_input", value: "<!channel> Theme" } },
        note: { text: { type: "plain_text_input", value: ATTACK } },
      },
    );
    expect(productSubmit.status).toBe(200);
    await answered("Send to product", productSubmit);
    await desk.settle();
    expect(await desk.app.db.client.feedbackItem.count()).toBe(3);

    // The VoC digest, the churn alert raised by the NPS comment, the App Home and /cs account.
    const digest = desk.app.jobs.find((j) => j.name === "voc-digest")!;
    expect(await desk.app.scheduler.tick(digest, new Date(Date.now() + 1000))).toBe(true);
    await desk.app.healthChecks.run("manual", new Date());
    await desk.event({ type: "app_home_opened", user: AGENT, channel: "D1", tab: "home", event_ts: "1.1" });
    await desk.settle();
    const cs = await answered("/cs account", await desk.command({ command: "/cs", text: "account acme", user_id: AGENT }));

    // Every surface was reached...
    const card = desk.slack.messages(TRIAGE).find((m) => !m.thread_ts)!;
    const cardThread = desk.slack.messages(TRIAGE).filter((m) => m.thread_ts === card.ts);
    const customerThread = desk.slack.messages(ACME_CHANNEL).filter((m) => m.thread_ts === ts && m.user === desk.slack.botUserId);
    const productPosts = desk.slack.messages(PRODUCT);
    const alert = desk.slack.messages(ALERTS).find((m) => m.text.includes("NPS detractor"))!;
    const home = desk.slack.views.find((v) => v.method === "views.publish")!;
    expect(card.text).toContain("from &lt;!channel&gt; Mallory: Help! &lt;!channel&gt; &lt;!here&gt;");
    expect(JSON.stringify(card.blocks)).toContain(`(&lt;!here&gt; Evil Corp)`);
    expect(JSON.stringify(card.blocks)).toContain(ESCAPED_LINK);
    expect(cardThread.some((m) => m.text.includes("wrote in the customer's thread") && m.text.includes(ESCAPED_LINK))).toBe(true);
    expect(cardThread.some((m) => m.text.includes("replied to the customer through the app") && m.text.includes(ESCAPED_LINK))).toBe(true);
    expect(customerThread.map((m) => m.text)).toContain(
      "Help! &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;!subteam^S0AGENTS&gt; &lt;@U0EVIL&gt; " + ESCAPED_LINK,
    );
    const productCards = productPosts.filter((m) => !m.thread_ts && m.text.includes("from"));
    expect(productCards.length).toBeGreaterThanOrEqual(3);
    for (const m of productCards) expect(m.text).toContain("&lt;!channel&gt;");
    const digestPost = productPosts.find((m) => m.text.startsWith("Voice of the customer"))!;
    expect(digestPost.text).toContain("top theme &lt;!channel&gt; Theme");
    // The quotes are in the digest's thread.
    const digestThread = productPosts.filter((m) => m.thread_ts === digestPost.ts && m.ts !== digestPost.ts);
    expect(JSON.stringify(digestThread.map((m) => m.blocks))).toContain(ESCAPED_LINK);
    expect(alert.text).toContain("&lt;!everyone&gt; Acme &lt;@U0EVIL&gt;");
    expect(JSON.stringify(alert.blocks)).toContain(ESCAPED_LINK);
    expect(JSON.stringify(home.view.blocks)).toContain("&lt;!everyone&gt; Acme");
    expect(JSON.stringify(home.view.blocks)).toContain(ESCAPED_LINK);
    expect(JSON.stringify(cs.blocks)).toContain("&lt;!everyone&gt; Acme &lt;@U0EVIL&gt;");
    expect(JSON.stringify(cs.blocks)).toContain(ESCAPED_LINK);
    expect(JSON.stringify(replyModal.view.blocks)).toContain(ESCAPED_LINK);
    expect(JSON.stringify(productModal.view.blocks)).toContain("&lt;!channel&gt; &lt;!here&gt;");

    // ...and nothing live reached Slack: not in a post, an update, an ephemeral, a modal, the Home or an answer.
    const leaks = [
      ...desk.slack.calls.flatMap((c, i) => live(`${c.method}#${i}`, c.args)),
      ...desk.slack.responses.flatMap((r) => live(`response_url ${r.id}`, r.body)),
      ...answers.flatMap((a) => live(a.label, a.body)),
    ];
    expect(leaks).toEqual([]);

    // The app's own mentions are live: the assignee and the CSM (stored IDs), the customer who wrote.
    expect(JSON.stringify(card.blocks)).toContain(`Assigned to <@${AGENT}>`);
    expect(JSON.stringify(card.blocks)).toContain(`CSM <@${AGENT}>`);
    expect(alert.text.startsWith(`<@${AGENT}> `)).toBe(true);
    expect(cardThread.map((m) => m.text)).toContain(`<@${AGENT}> took the ticket.`);
    expect(cardThread.some((m) => m.text.startsWith(`:speech_balloon: <@${CUSTOMER}> wrote`))).toBe(true);

    // And no post lets Slack turn a plain "@channel" into a mention.
    const posts = desk.slack.calls.filter((c) => ["chat.postMessage", "chat.update", "chat.postEphemeral"].includes(c.method));
    expect(posts.length).toBeGreaterThan(10);
    // (The Web API client sends form fields: false arrives as "false".)
    expect(posts.filter((c) => String(c.args.link_names) !== "false").map((c) => c.method)).toEqual([]);
  });
});

describe("text a database cannot store", () => {
  it("is cleaned on the way in, so the same message makes the same ticket on SQLite and Postgres", async () => {
    desk = await startDesk({ env: { INGEST_API_TOKEN: TOKEN, SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off" } });
    desk.slack.users.set(CUSTOMER, {
      id: CUSTOMER,
      name: "ana",
      real_name: "Ana",
      team_id: HOME_TEAM,
      profile: { display_name: "An\u0000a \ud800" },
    });
    const { ts } = await desk.customerSays("Help\u0000 me \ud800 now");
    await desk.settle();
    const command = await desk.command({ command: "/ticket", text: "Printer\u0000 on fire \udc00", channel_id: SUPPORT, user_id: AGENT });
    expect(command.status).toBe(200);
    await desk.settle();

    expect(await desk.app.db.client.inboxEvent.findMany({ select: { status: true, lastError: true } })).toEqual([
      { status: "done", lastError: null },
    ]);
    const tickets = await desk.app.db.client.ticket.findMany({
      orderBy: { id: "asc" },
      select: { sourceTs: true, text: true, requesterName: true },
    });
    expect(tickets).toEqual([
      { sourceTs: ts, text: "Help me \uFFFD now", requesterName: "Ana \uFFFD" },
      { sourceTs: null, text: "Printer on fire \uFFFD", requesterName: "agent" },
    ]);
    const cards = desk.slack.messages(TRIAGE).filter((m) => !m.thread_ts);
    expect(cards.map((m) => m.text)).toEqual([expect.stringContaining("Help me \uFFFD now"), expect.stringContaining("Printer on fire")]);
  });

  it("the API cleans batch text, refuses such IDs with 400 naming the field, and answers 400 for such parameters", async () => {
    desk = await startDesk({ env: { INGEST_API_TOKEN: TOKEN, SLA_SWEEP_CRON: "off", SUPPORT_SUMMARY_CRON: "off" } });
    const batch = { accounts: [{ externalId: "acme", name: "Acme\u0000 \ud800", attributes: { "re\u0000gion": "EM\u0000EA" } }] };
    expect(await (await api("/api/v1/accounts", batch)).json()).toMatchObject({ created: 1 });
    // Stored as cleaned, so the same batch again changes nothing on either database.
    expect(await (await api("/api/v1/accounts", batch)).json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const stored = await desk.app.db.client.account.findUniqueOrThrow({ where: { externalId: "acme" } });
    expect(stored.name).toBe("Acme \uFFFD");
    expect(JSON.parse(stored.attributes!)).toEqual({ region: "EMEA" });

    const nps = await api("/api/v1/nps", {
      responses: [{ accountExternalId: "acme", score: 4, comment: "Sl\u0000ow", respondedAt: new Date(Date.now() - DAY).toISOString() }],
    });
    expect(await nps.json()).toMatchObject({ created: 1 });
    expect((await desk.app.db.client.npsResponse.findFirstOrThrow()).comment).toBe("Slow");

    const badId = await api("/api/v1/nps", {
      responses: [{ accountExternalId: "ac\u0000me", score: 4, respondedAt: new Date(Date.now() - DAY).toISOString() }],
    });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({
      error: "invalid_batch",
      problems: [{ index: 0, field: "accountExternalId", reason: "must not hold U+0000 or an unpaired UTF-16 surrogate" }],
    });
    const badAccount = await api("/api/v1/accounts", { accounts: [{ externalId: "x\ud800", name: "X" }] });
    expect(badAccount.status).toBe(400);

    const path = await api("/api/v1/accounts/ac%00me");
    expect(path.status).toBe(400);
    expect(await path.json()).toMatchObject({ error: "invalid_parameter", parameter: "externalId" });
    const query = await api("/api/v1/accounts?cursor=%00");
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ error: "invalid_parameter", parameter: "cursor" });
    expect((await api("/api/v1/accounts/acme")).status).toBe(200);
  });
});
