// Messages as customers really send them, through the real app over signed HTTP: a screenshot with or
// without words (`file_share`), a Slack Connect file the app must ask Slack about (`check_file_info`),
// "Also send to channel" replies (`thread_broadcast`), `/me` messages, and subtypes the app does not know.
// The event shapes follow Slack's (see @slack/types' message events and ../shared/slack/payloads/).
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, cardAction, startDesk, type Desk } from "./support/harness.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

const ACME = "TACME";
const ACME_USER = "UACME1";

const tickets = () => desk.app.db.client.ticket.findMany({ orderBy: { id: "asc" } });
const cards = () => desk.slack.messages(TRIAGE).filter((m) => !m.thread_ts);
const cardThread = (cardTs: string) => desk.slack.messages(TRIAGE).filter((m) => m.thread_ts === cardTs);
const storedFiles = async (ts: string) =>
  JSON.parse((await desk.app.db.client.ticketMessage.findFirstOrThrow({ where: { ts } })).files ?? "[]") as Record<string, unknown>[];
const messageLink = (ts: string, threadTs?: string) =>
  `https://example.slack.com/archives/${SUPPORT}/p${ts.replace(".", "")}` + (threadTs ? `?thread_ts=${threadTs}&cid=${SUPPORT}` : "");

/** A file as Slack describes it in a `file_share` event (and in files.info). */
function slackFile(id: string, over: Record<string, unknown> = {}) {
  const created = Math.floor(Date.now() / 1000);
  return {
    id,
    created,
    timestamp: created,
    name: "Screenshot 2026-11-30 at 10.02.11.png",
    title: "Screenshot 2026-11-30 at 10.02.11",
    mimetype: "image/png",
    filetype: "png",
    pretty_type: "PNG",
    user: CUSTOMER,
    user_team: HOME_TEAM,
    editable: false,
    size: 245_760,
    mode: "hosted",
    is_external: false,
    external_type: "",
    is_public: true,
    public_url_shared: false,
    display_as_bot: false,
    username: "",
    url_private: `https://files.slack.com/files-pri/${HOME_TEAM}-${id}/screenshot.png`,
    url_private_download: `https://files.slack.com/files-pri/${HOME_TEAM}-${id}/download/screenshot.png`,
    permalink: `https://example.slack.com/files/${CUSTOMER}/${id}/screenshot.png`,
    permalink_public: `https://slack-files.com/${HOME_TEAM}-${id}-0a1b2c3d4e`,
    original_w: 1440,
    original_h: 900,
    has_rich_preview: false,
    file_access: "visible",
    ...over,
  };
}

/** How a Slack Connect message event names a file the app must ask files.info about. */
const checkFileInfo = (id: string) => ({ id, mode: "file_access", file_access: "check_file_info", created: 0, timestamp: 0, user: "" });

interface Say {
  text?: string;
  subtype?: string;
  files?: unknown[];
  threadTs?: string;
  user?: string;
  /** The author's workspace, when another organisation's (Slack Connect). */
  team?: string;
  extra?: Record<string, unknown>;
}

/** A person's message: stored in the stand-in as Slack would have it and delivered as a message event. */
async function say(o: Say) {
  const user = o.user ?? CUSTOMER;
  const text = o.text ?? "";
  const msg = desk.slack.seed(SUPPORT, { user, text, thread_ts: o.threadTs, team: o.team });
  const event = {
    type: "message",
    ...(o.subtype ? { subtype: o.subtype } : {}),
    text,
    ...(o.files ? { files: o.files, upload: false, display_as_bot: false } : {}),
    user,
    ts: msg.ts,
    ...(o.threadTs ? { thread_ts: o.threadTs, parent_user_id: CUSTOMER } : {}),
    client_msg_id: randomUUID(),
    channel: SUPPORT,
    event_ts: msg.ts,
    channel_type: "channel",
    ...(o.team
      ? { team: o.team, user_team: o.team, source_team: o.team, user_profile: { real_name: "Ada Acme", display_name: "ada", team: o.team } }
      : { team: HOME_TEAM }),
    ...o.extra,
  };
  const response = await desk.event(event, { shared: Boolean(o.team) });
  expect(response.status).toBe(200);
  return msg.ts;
}

/** A customer's plain request, its ticket and its card. */
async function openTicket(text = "Exports fail since this morning") {
  const ts = await say({ text });
  await desk.settle();
  const ticket = (await tickets()).find((t) => t.sourceTs === ts)!;
  const card = cards().find((c) => JSON.stringify(c.blocks).includes(`*#${ticket.id}*`))!;
  return { ticket, ts, card };
}

describe("a customer's files travel with the ticket", () => {
  it("a top-level file_share with text opens a ticket whose card lists the file: name, type, size and a link to it", async () => {
    desk = await startDesk();
    const ts = await say({
      subtype: "file_share",
      text: "The export page shows this error",
      files: [
        slackFile("FSHOT1"),
        slackFile("FLOG1", { name: "export.log", title: "export.log", mimetype: "text/plain", filetype: "text", size: 812 }),
      ],
    });
    await desk.settle();

    const [ticket, ...rest] = await tickets();
    expect(rest).toHaveLength(0);
    expect(ticket).toMatchObject({ sourceTs: ts, text: "The export page shows this error", status: "open" });
    expect(desk.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts && m.bot_id)).toHaveLength(1); // the acknowledgement

    const card = JSON.stringify(cards()[0].blocks);
    expect(card).toContain("The export page shows this error");
    expect(card).toContain("2 files from the customer");
    expect(card).toContain(
      `<https://example.slack.com/files/${CUSTOMER}/FSHOT1/screenshot.png|Screenshot 2026-11-30 at 10.02.11.png> · PNG · 240 KB`,
    );
    expect(card).toContain(`|export.log> · TEXT · 812 B`);
    expect(card).toContain(`in <${messageLink(ts)}|the customer's thread>`);
    expect(card).toContain("Reply to customer sends text only");

    const files = await storedFiles(ts);
    expect(files.map((f) => [f.id, f.name, f.mimetype, f.size, f.readable])).toEqual([
      ["FSHOT1", "Screenshot 2026-11-30 at 10.02.11.png", "image/png", 245_760, true],
      ["FLOG1", "export.log", "text/plain", 812, true],
    ]);
    expect(desk.slack.allCallsTo("files.info")).toHaveLength(0); // the event described them
  });

  it("a message that is only a screenshot, with no words, is a request too", async () => {
    desk = await startDesk();
    const ts = await say({ subtype: "file_share", text: "", files: [slackFile("FSHOT2")] });
    await desk.settle();

    const [ticket] = await tickets();
    expect(ticket).toMatchObject({ sourceTs: ts, text: "" });
    expect(cards()).toHaveLength(1);
    expect(cards()[0].text).toContain(`Ticket #${ticket.id} from`);
    expect(cards()[0].text).toContain("(1 file)");
    const card = JSON.stringify(cards()[0].blocks);
    expect(card).toContain("1 file from the customer");
    expect(card).toContain("FSHOT2/screenshot.png|Screenshot 2026-11-30 at 10.02.11.png>");
    expect(card).not.toContain("(no text)");
  });

  it("asks files.info about a Slack Connect file only after Slack has its acknowledgement; a file it cannot read still makes the ticket", async () => {
    desk = await startDesk();
    desk.slack.teams.set(ACME, { id: ACME, name: "Acme Corp" });
    desk.slack.files.set(
      "FCONNECT1",
      slackFile("FCONNECT1", {
        name: "invoice-march.pdf",
        title: "invoice-march.pdf",
        mimetype: "application/pdf",
        filetype: "pdf",
        size: 3_400_000,
        user: ACME_USER,
      }),
    );
    desk.slack.fileErrors.set("FCONNECT2", "file_not_found");
    const release = desk.slack.hold("files.info");

    // While files.info cannot answer, Slack still gets its 200 (say() checks it) and nothing is posted yet.
    const ts = await say({
      user: ACME_USER,
      team: ACME,
      subtype: "file_share",
      text: "Our invoice total is wrong, see attached",
      files: [checkFileInfo("FCONNECT1"), checkFileInfo("FCONNECT2")],
    });
    await desk.slack.waitFor(() => desk.slack.allCallsTo("files.info").length === 2, 10_000, "files.info for both files");
    expect(await tickets()).toHaveLength(0);
    expect(desk.slack.callsTo("chat.postMessage")).toHaveLength(0);
    release();
    await desk.settle();

    expect(
      desk.slack
        .allCallsTo("files.info")
        .map((c) => c.args.file)
        .sort(),
    ).toEqual(["FCONNECT1", "FCONNECT2"]);
    const [ticket] = await tickets();
    expect(ticket).toMatchObject({
      sourceTs: ts,
      requesterId: ACME_USER,
      requesterCompany: "Acme Corp",
      text: "Our invoice total is wrong, see attached",
    });
    const card = JSON.stringify(cards()[0].blocks);
    expect(card).toContain("|invoice-march.pdf> · PDF · 3.2 MB");
    expect(card).toContain(`<${messageLink(ts)}|a file the app cannot open>`);
    expect((await storedFiles(ts)).map((f) => [f.id, f.readable])).toEqual([
      ["FCONNECT1", true],
      ["FCONNECT2", false],
    ]);
    expect(desk.logs.some((l) => l.event === "file.unreadable" && l.file === "FCONNECT2")).toBe(true);
  });
});

describe("a file's name is the customer's text", () => {
  it("its name and title reach the card and the mirror escaped: no mention, broadcast or link of theirs is live", async () => {
    desk = await startDesk();
    const sneaky = slackFile("FSNEAKY1", {
      name: "<!channel> <https://evil.example|invoice>.png",
      title: "<@UAGENT1> please <!here>",
    });
    const ts = await say({ subtype: "file_share", text: "", files: [sneaky] });
    await desk.settle();
    await say({ subtype: "file_share", text: "one more", threadTs: ts, files: [slackFile("FSNEAKY2", { name: "<!subteam^S1> log.txt" })] });
    await desk.settle();

    const card = cards()[0];
    const shown = [JSON.stringify(card.blocks), ...cardThread(card.ts).map((m) => m.text)].join("\n");
    for (const live of ["<!channel>", "<https://evil.example", "<@UAGENT1>", "<!here>", "<!subteam^S1>"]) expect(shown).not.toContain(live);
    expect(shown).toContain("&lt;!channel&gt; &lt;https://evil.example¦invoice&gt;.png"); // a | would end the link text
    expect(shown).toContain("&lt;@UAGENT1&gt; please &lt;!here&gt;");
    expect(shown).toContain("&lt;!subteam^S1&gt; log.txt");
    for (const post of desk.slack.callsTo("chat.postMessage")) expect(String(post.args.link_names)).toBe("false");
  });
});

describe("replies with files in a ticket's thread", () => {
  it("a file_share reply reopens a resolved ticket and is mirrored with its files", async () => {
    desk = await startDesk();
    const { ticket, ts, card } = await openTicket();
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_resolve", value: String(ticket.id), blockN: 2 });
    await desk.settle();
    expect((await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("resolved");

    const reply = await say({
      subtype: "file_share",
      text: "",
      threadTs: ts,
      files: [slackFile("FAGAIN1", { name: "still-broken.png", title: "still-broken" })],
    });
    await desk.settle();

    const stored = await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stored).toMatchObject({ status: "open", reopenCount: 1, resolvedAt: null });
    expect((await storedFiles(reply)).map((f) => f.name)).toEqual(["still-broken.png"]);
    expect((await desk.app.db.client.ticketMessage.findFirstOrThrow({ where: { ts: reply } })).role).toBe("customer");
    const thread = cardThread(card.ts).map((m) => m.text);
    const mirror = thread.find((t) => t.includes("still-broken.png"))!;
    expect(mirror).toContain(`<@${CUSTOMER}> shared in the customer's thread`);
    expect(mirror).toContain("<https://example.slack.com/files/UCUST1/FAGAIN1/screenshot.png|still-broken.png> · PNG · 240 KB");
    expect(thread.join("\n")).toContain("the ticket is reopened");
  });

  it("a file_share reply ends pending on customer", async () => {
    desk = await startDesk();
    const { ticket, ts, card } = await openTicket();
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_status", selectedOption: "pending" });
    await desk.settle();
    expect((await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("pending");

    await say({
      subtype: "file_share",
      text: "Here is the HAR file you asked for",
      threadTs: ts,
      files: [
        slackFile("FHAR1", { name: "session.har", title: "session.har", mimetype: "application/json", filetype: "json", size: 1_572_864 }),
      ],
    });
    await desk.settle();

    expect((await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("open");
    const mirror = cardThread(card.ts).find((m) => m.text.includes("session.har"))!.text;
    expect(mirror).toContain(`<@${CUSTOMER}> wrote in the customer's thread`);
    expect(mirror).toContain("> Here is the HAR file you asked for");
    expect(mirror).toContain("|session.har> · JSON · 1.5 MB");
    const kinds = (await desk.app.db.client.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: { id: "asc" } })).map(
      (e) => `${e.kind}:${e.fromValue ?? ""}>${e.toValue ?? ""}`,
    );
    expect(kinds.slice(-2)).toEqual(["customer_message:>", "status_changed:pending>open"]);
  });
});

describe("subtypes by meaning", () => {
  it('an "Also send to channel" reply (thread_broadcast) in a ticket\'s thread is mirrored and recorded', async () => {
    desk = await startDesk();
    const { ticket, ts, card } = await openTicket();
    const root = {
      type: "message",
      text: "Exports fail since this morning",
      user: CUSTOMER,
      ts,
      thread_ts: ts,
      reply_count: 1,
      reply_users_count: 1,
      latest_reply: ts,
      reply_users: [CUSTOMER],
    };
    const reply = await say({ subtype: "thread_broadcast", text: "Now the whole team is blocked", threadTs: ts, extra: { root } });
    await desk.settle();

    expect(await tickets()).toHaveLength(1); // not a second ticket, though it shows in the channel too
    const message = await desk.app.db.client.ticketMessage.findFirstOrThrow({ where: { ts: reply } });
    expect(message).toMatchObject({ ticketId: ticket.id, role: "customer", text: "Now the whole team is blocked" });
    expect(
      cardThread(card.ts)
        .map((m) => m.text)
        .join("\n"),
    ).toContain("Now the whole team is blocked");
  });

  it("a /me message (me_message) is a request", async () => {
    desk = await startDesk();
    const ts = await say({ subtype: "me_message", text: "is still waiting for the invoice export" });
    await desk.settle();
    const [ticket] = await tickets();
    expect(ticket).toMatchObject({ sourceTs: ts, text: "is still waiting for the invoice export" });
    expect(JSON.stringify(cards()[0].blocks)).toContain("is still waiting for the invoice export");
  });

  it("a subtype the app does not know is skipped and logged once with its name; known system subtypes quietly", async () => {
    desk = await startDesk();
    await say({ subtype: "interstellar_broadcast", text: "A message of a kind Slack adds one day" });
    await say({ subtype: "interstellar_broadcast", text: "Another one" });
    await say({ subtype: "channel_join", text: `<@${CUSTOMER}> has joined the channel` });
    await say({ subtype: "pinned_item", text: `<@${CUSTOMER}> pinned a message to this channel.` });
    await desk.settle();

    expect(await tickets()).toHaveLength(0);
    expect(desk.slack.callsTo("chat.postMessage")).toHaveLength(0);
    const logged = desk.logs.filter((l) => l.event === "intake.unknown_subtype");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ subtype: "interstellar_broadcast", channel: SUPPORT, level: "info" });
  });
});
