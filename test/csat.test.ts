import { afterEach, describe, expect, it } from "vitest";
import { AGENT, CUSTOMER, HOME_TEAM, SUPPORT, TRIAGE, cardAction, startDesk, type Desk } from "./support/harness.ts";
import type { Msg } from "./support/slack-stand-in.ts";
import { sampleFraction } from "../src/support/rules/csat.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

let clicks = 0;

async function openTicket(text = "The export button does nothing", o: { user?: string; team?: string } = {}) {
  const { ts } = await desk.customerSays(text, o);
  await desk.settle();
  const ticket = await desk.app.db.client.ticket.findFirstOrThrow({ where: { sourceTs: ts } });
  const card = desk.slack.messages(TRIAGE).find((m) => !m.thread_ts && JSON.stringify(m.blocks).includes(`ticket:${ticket.id}:`))!;
  return { ticket, ts, card };
}

async function resolve(ticketId: number) {
  const r = await cardAction(desk, { ticketId, actionId: "ticket_resolve", value: String(ticketId), blockN: 2 });
  expect(r.status).toBe(200);
  await desk.settle();
}

const isSurvey = (m: Msg) => JSON.stringify(m.blocks ?? []).includes('"csat_score_1"');
const surveys = () => desk.slack.messages(SUPPORT).filter(isSurvey);
const surveysIn = (ts: string) => desk.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts && isSurvey(m));
const cardThread = (cardTs: string) => desk.slack.messages(TRIAGE).filter((m) => m.thread_ts === cardTs);
const lowScoreLines = (cardTs: string) => cardThread(cardTs).filter((m) => m.text.includes("satisfaction survey"));
const responses = (ticketId: number) => desk.app.db.client.csatResponse.findMany({ where: { ticketId }, orderBy: { id: "asc" } });

/** A click on a survey button, as Slack sends it; resolves with the private answer sent to the response URL. */
async function vote(ticketId: number, score: number, user = CUSTOMER, team = HOME_TEAM) {
  const id = `csat-${clicks++}`;
  const res = await desk.interaction({
    type: "block_actions",
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: team },
    api_app_id: "A111",
    token: "verification_token",
    container: { type: "message", message_ts: "1.000200", channel_id: SUPPORT, is_ephemeral: false },
    trigger_id: `${clicks}.98765.abcd`,
    team: { id: team, domain: "example" },
    channel: { id: SUPPORT, name: "support" },
    response_url: desk.slack.responseUrl(id),
    actions: [
      {
        type: "button",
        action_id: `csat_score_${score}`,
        block_id: `csat:${ticketId}`,
        value: String(ticketId),
        action_ts: `${Math.floor(Date.now() / 1000)}.000300`,
      },
    ],
  });
  expect(res.status).toBe(200);
  const answer = await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.id === id), 5000, "ephemeral answer");
  return answer.body as { response_type: string; replace_original: boolean; text: string; blocks?: unknown[] };
}

describe("CSAT: the survey on resolve", () => {
  it("posts one survey with five buttons in the customer's thread when the ticket is resolved", async () => {
    desk = await startDesk();
    const { ticket, ts } = await openTicket();
    expect(surveys()).toHaveLength(0);
    await resolve(ticket.id);

    const posted = surveysIn(ts);
    expect(posted).toHaveLength(1);
    expect(surveys()).toHaveLength(1);
    // The customer first reads who resolved it and that a reply reopens it, then the survey.
    const thread = desk.slack.messages(SUPPORT).filter((m) => m.thread_ts === ts);
    const note = thread.findIndex((m) => m.text.startsWith(":white_check_mark: Resolved by <@"));
    expect(note).toBeGreaterThanOrEqual(0);
    expect(thread[note].text).toContain(`(ticket #${ticket.id}). If it is not, reply here and we will pick it up again.`);
    expect(thread.indexOf(posted[0])).toBeGreaterThan(note);
    expect(posted[0].text).toContain(`How did we do with #${ticket.id}?`);
    const actions = (posted[0].blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
      (b) => b.type === "actions",
    )!;
    expect(actions.elements!.map((e) => e.action_id)).toEqual([
      "csat_score_1",
      "csat_score_2",
      "csat_score_3",
      "csat_score_4",
      "csat_score_5",
    ]);
    expect(new Set(actions.elements!.map((e) => e.value))).toEqual(new Set([String(ticket.id)]));

    const survey = await desk.app.db.client.csatSurvey.findUniqueOrThrow({ where: { ticketId: ticket.id } });
    expect(survey).toMatchObject({ channelId: SUPPORT, requesterId: CUSTOMER, requesterTeamId: HOME_TEAM });
    // The Slack adapter records which post is the survey (its own table, not the survey's row).
    const ref = await desk.app.db.client.slackMessageRef.findUniqueOrThrow({
      where: { subject_subjectId_role: { subject: "csat_survey", subjectId: ticket.id, role: "survey" } },
    });
    expect(await desk.app.db.client.outboxMessage.findUniqueOrThrow({ where: { id: ref.outboxId } })).toMatchObject({
      channelId: SUPPORT,
      threadTs: ts,
    });
  });

  it("resolving again after a reopen does not post a second survey", async () => {
    desk = await startDesk();
    const { ticket, ts } = await openTicket();
    await resolve(ticket.id);
    const m = desk.slack.seed(SUPPORT, { user: CUSTOMER, text: "It broke again", thread_ts: ts, team: HOME_TEAM });
    await desk.event({ type: "message", channel: SUPPORT, user: CUSTOMER, text: m.text, ts: m.ts, thread_ts: ts, team: HOME_TEAM });
    await desk.settle();
    expect((await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("open");
    await resolve(ticket.id);
    expect((await desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe("resolved");
    expect(surveys()).toHaveLength(1);
    expect(await desk.app.db.client.csatSurvey.count()).toBe(1);
  });

  it("CSAT_ENABLED=false: no survey", async () => {
    desk = await startDesk({ env: { CSAT_ENABLED: "false" } });
    const { ticket } = await openTicket();
    await resolve(ticket.id);
    expect(surveys()).toHaveLength(0);
    expect(await desk.app.db.client.csatSurvey.count()).toBe(0);
    // A click on a ticket that has no survey is answered privately and stores nothing.
    const answer = await vote(ticket.id, 5);
    expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(answer.text).toContain("no open survey");
    expect(await responses(ticket.id)).toHaveLength(0);
  });

  it("sampling: CSAT_SAMPLE_RATE=0 sends none, 1 sends every one", async () => {
    desk = await startDesk({ env: { CSAT_SAMPLE_RATE: "0", CSAT_MIN_DAYS_BETWEEN: "0" } });
    for (const text of ["First problem", "Second problem", "Third problem"]) {
      const { ticket } = await openTicket(text);
      await resolve(ticket.id);
    }
    expect(surveys()).toHaveLength(0);
    await desk.stop();

    desk = await startDesk({ env: { CSAT_SAMPLE_RATE: "1", CSAT_MIN_DAYS_BETWEEN: "0" } });
    for (const text of ["First problem", "Second problem", "Third problem"]) {
      const { ticket } = await openTicket(text);
      await resolve(ticket.id);
    }
    expect(surveys()).toHaveLength(3);
    await desk.stop();

    // A share in between: the same tickets are always picked (by ticket id), about that share of them.
    desk = await startDesk({ env: { CSAT_SAMPLE_RATE: "0.5", CSAT_MIN_DAYS_BETWEEN: "0" } });
    const ids: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const { ticket } = await openTicket(`Problem number ${i}`);
      await resolve(ticket.id);
      ids.push(ticket.id);
    }
    const surveyed = (await desk.app.db.client.csatSurvey.findMany({ orderBy: { ticketId: "asc" } })).map((s) => s.ticketId);
    expect(surveyed).toEqual(ids.filter((id) => sampleFraction(id) < 0.5));
    expect(surveys()).toHaveLength(surveyed.length);
    expect(sampleFraction(ids[0])).toBe(sampleFraction(ids[0]));
  });

  it("at most one survey per customer within CSAT_MIN_DAYS_BETWEEN days (7 by default; 0 turns the limit off)", async () => {
    desk = await startDesk();
    const first = await openTicket("First problem");
    await resolve(first.ticket.id);
    const second = await openTicket("Second problem");
    expect(second.ticket.id).not.toBe(first.ticket.id);
    await resolve(second.ticket.id);
    expect(surveysIn(first.ts)).toHaveLength(1);
    expect(surveysIn(second.ts)).toHaveLength(0);
    // Another customer is not limited by the first one's survey.
    const other = await openTicket("A different customer's problem", { user: "UCUST2" });
    await resolve(other.ticket.id);
    expect(surveysIn(other.ts)).toHaveLength(1);
    await desk.stop();

    desk = await startDesk({ env: { CSAT_MIN_DAYS_BETWEEN: "0" } });
    const a = await openTicket("First problem");
    await resolve(a.ticket.id);
    const b = await openTicket("Second problem");
    await resolve(b.ticket.id);
    expect(surveysIn(a.ts)).toHaveLength(1);
    expect(surveysIn(b.ts)).toHaveLength(1);
  });
});

describe("CSAT: answers", () => {
  it("the requester answers and may change the answer: one row with the latest score", async () => {
    desk = await startDesk();
    const { ticket, card } = await openTicket();
    await resolve(ticket.id);

    const thanks = await vote(ticket.id, 4);
    expect(thanks).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(thanks.text).toContain(`Thanks, you rated ticket *#${ticket.id}* *4* out of 5.`);
    expect(thanks.text).toContain("change it");
    expect(JSON.stringify(thanks.blocks)).toContain('"action_id":"csat_comment"');
    expect(JSON.stringify(thanks.blocks)).toContain("Add a comment");
    const [first] = await responses(ticket.id);
    expect(first).toMatchObject({ userId: CUSTOMER, score: 4, comment: null });

    await new Promise((r) => setTimeout(r, 5));
    const changed = await vote(ticket.id, 5);
    expect(changed.text).toContain(`Updated: you now rate ticket *#${ticket.id}* *5* out of 5.`);
    const rows = await responses(ticket.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].score).toBe(5);
    expect(rows[0].answeredAt.getTime()).toBe(first.answeredAt.getTime());
    expect(rows[0].updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());

    const events = await desk.app.db.client.ticketEvent.findMany({
      where: { ticketId: ticket.id, kind: "csat_answered" },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.actorId, e.fromValue, e.toValue])).toEqual([
      [CUSTOMER, null, "4"],
      [CUSTOMER, "4", "5"],
    ]);
    await desk.settle();
    expect(lowScoreLines(card.ts)).toHaveLength(0);
  });

  it("only the requester answers in their own workspace: a colleague there is refused and nothing is stored", async () => {
    desk = await startDesk();
    const { ticket } = await openTicket();
    await resolve(ticket.id);
    for (const user of ["UCUST2", AGENT]) {
      const refused = await vote(ticket.id, 1, user, HOME_TEAM);
      expect(refused).toMatchObject({ response_type: "ephemeral", replace_original: false });
      expect(refused.text).toContain(`This survey is for <@${CUSTOMER}>'s team`);
    }
    expect(await responses(ticket.id)).toHaveLength(0);
  });

  it("Slack Connect: a colleague of the requester's company may answer; a user of another team is refused", async () => {
    desk = await startDesk();
    const { ticket, ts } = await openTicket("Our SSO login fails", { user: "UEXT1", team: "TACME" });
    expect(ticket).toMatchObject({ requesterId: "UEXT1", requesterTeamId: "TACME" });
    await resolve(ticket.id);
    expect(surveysIn(ts)).toHaveLength(1);

    const saved = await vote(ticket.id, 3, "UEXT2", "TACME");
    expect(saved.text).toContain("*3* out of 5");

    const refused = await vote(ticket.id, 5, "UGLOBEX", "TGLOBEX");
    expect(refused).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(refused.text).toContain("This survey is for <@UEXT1>'s team");
    const home = await vote(ticket.id, 5, AGENT, HOME_TEAM);
    expect(home.text).toContain("This survey is for <@UEXT1>'s team");

    const mine = await vote(ticket.id, 4, "UEXT1", "TACME");
    expect(mine.text).toContain("*4* out of 5");
    const rows = await responses(ticket.id);
    expect(rows.map((r) => [r.userId, r.score])).toEqual([
      ["UEXT2", 3],
      ["UEXT1", 4],
    ]);
  });

  it("a score of 1 or 2 is posted once in the card's thread, mentioning the assignee", async () => {
    desk = await startDesk();
    const { ticket, card } = await openTicket();
    await cardAction(desk, { ticketId: ticket.id, actionId: "ticket_assign_me", value: String(ticket.id) });
    await resolve(ticket.id);

    await vote(ticket.id, 2);
    await desk.settle();
    let lines = lowScoreLines(card.ts);
    expect(lines).toHaveLength(1);
    expect(lines[0].text).toContain(`<@${AGENT}>`);
    expect(lines[0].text).toContain(`<@${CUSTOMER}>`);
    expect(lines[0].text).toContain(`*#${ticket.id}*`);
    expect(lines[0].text).toContain("*2* out of 5");

    // Clicking again (the same low score, another low score, or back to low after a good one) does not repeat it.
    await vote(ticket.id, 2);
    await vote(ticket.id, 1);
    await vote(ticket.id, 4);
    await vote(ticket.id, 2);
    await desk.settle();
    lines = lowScoreLines(card.ts);
    expect(lines).toHaveLength(1);
    expect((await responses(ticket.id))[0].score).toBe(2);
  });

  it("Add a comment opens a modal; submitting it saves the comment on the answer", async () => {
    desk = await startDesk();
    const { ticket } = await openTicket();
    await resolve(ticket.id);
    const comment = (user = CUSTOMER) =>
      desk.interaction({
        type: "block_actions",
        user: { id: user, username: "c", name: "c", team_id: HOME_TEAM },
        api_app_id: "A111",
        token: "verification_token",
        container: { type: "message", message_ts: "1.000300", channel_id: SUPPORT, is_ephemeral: true },
        trigger_id: "77.88.comment",
        team: { id: HOME_TEAM, domain: "example" },
        channel: { id: SUPPORT, name: "support" },
        response_url: desk.slack.responseUrl(`comment-${clicks++}`),
        actions: [
          {
            type: "button",
            action_id: "csat_comment",
            block_id: `csat_thanks:${ticket.id}`,
            value: String(ticket.id),
            action_ts: "1.000400",
          },
        ],
      });

    await vote(ticket.id, 3);
    expect((await comment()).status).toBe(200);
    const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "modal");
    expect(opened.view.callback_id).toBe("csat_comment_modal");
    expect(JSON.parse(opened.view.private_metadata)).toEqual({ ticketId: ticket.id });
    expect(JSON.stringify(opened.view.blocks)).toContain('"multiline":true');

    const submit = (value: string, user = CUSTOMER) =>
      desk.interaction({
        type: "view_submission",
        team: { id: HOME_TEAM, domain: "example" },
        user: { id: user, username: "c", name: "c", team_id: HOME_TEAM },
        api_app_id: "A111",
        token: "verification_token",
        trigger_id: "1.2.3",
        view: { ...opened.view, id: opened.id, state: { values: { csat_comment: { text: { type: "plain_text_input", value } } } } },
        response_urls: [],
      });

    const empty = await submit("   ");
    expect(await empty.json()).toMatchObject({ response_action: "errors", errors: { csat_comment: expect.any(String) } });
    expect((await responses(ticket.id))[0].comment).toBeNull();

    const sent = await submit("Quick and friendly, thanks!");
    expect(sent.status).toBe(200);
    expect(await sent.text()).toBe("");
    const rows = await responses(ticket.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: CUSTOMER, score: 3, comment: "Quick and friendly, thanks!" });

    // Someone who has not answered cannot leave a comment.
    const stranger = await submit("I was not asked", "UCUST2");
    expect(await stranger.json()).toMatchObject({ response_action: "errors" });
    expect(await responses(ticket.id)).toHaveLength(1);
  });
});
