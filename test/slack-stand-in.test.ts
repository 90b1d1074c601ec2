import { describe, it, expect, beforeAll, afterAll, beforeEach } from "vitest";
import { WebClient, ErrorCode, type WebAPICallError } from "@slack/web-api";
import { SlackStandIn } from "./support/slack-stand-in.js";

const standIn = new SlackStandIn();
let client: WebClient;

beforeAll(async () => {
  await standIn.start();
  client = new WebClient("xoxb-test", {
    slackApiUrl: standIn.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterAll(() => standIn.stop());
beforeEach(() => {
  standIn.reset();
  standIn.notInChannel.clear();
  standIn.missingChannels.clear();
  standIn.badTokens.clear();
});

/** Runs `fn` and returns the error it rejected with. */
async function rejection(fn: () => Promise<unknown>): Promise<WebAPICallError & Record<string, any>> {
  try {
    await fn();
  } catch (err) {
    return err as WebAPICallError & Record<string, any>;
  }
  throw new Error("expected a rejection");
}

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

describe("SlackStandIn", () => {
  it("exposes urls ending in /api/ and auth.test", async () => {
    expect(standIn.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    expect(standIn.responseUrl("r1")).toBe(standIn.apiUrl.replace(/api\/$/, "response/r1"));
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, team_id: "T0HOME", user_id: "UBOT", bot_id: "BBOT" });
    expect(standIn.callsTo("auth.test")[0].token).toBe("xoxb-test");
  });

  it("stores posts and thread replies and serves history/replies with metadata", async () => {
    const metadata = { event_type: "ticket", event_payload: { id: 7 } };
    const parent = await client.chat.postMessage({ channel: "C1", text: "help", blocks: [section("help!")], metadata });
    expect(parent.ok).toBe(true);
    expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);
    const reply = await client.chat.postMessage({ channel: "C1", text: "on it", thread_ts: parent.ts });
    const other = await client.chat.postMessage({ channel: "C1", text: "another" });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
    expect(Number(other.ts)).toBeGreaterThan(Number(reply.ts));

    const stored = standIn.messages("C1");
    expect(stored).toHaveLength(3);
    expect(stored[0]).toMatchObject({ text: "help", user: "UBOT", bot_id: "BBOT", metadata, blocks: [section("help!")] });
    expect(stored[1].thread_ts).toBe(parent.ts);
    expect(standIn.callsTo("chat.postMessage")[0].args.blocks).toEqual([section("help!")]);

    const history = await client.conversations.history({ channel: "C1", include_all_metadata: true });
    expect(history.messages?.map((m) => m.ts)).toEqual([other.ts, parent.ts]);
    expect(history.messages?.[1]).toMatchObject({ metadata, reply_count: 1 });
    const bare = await client.conversations.history({ channel: "C1" });
    expect(bare.messages?.[1].metadata).toBeUndefined();

    const window = await client.conversations.history({ channel: "C1", oldest: parent.ts, latest: other.ts, inclusive: true, limit: 1 });
    expect(window.messages?.map((m) => m.ts)).toEqual([other.ts]);
    const exclusive = await client.conversations.history({ channel: "C1", oldest: parent.ts });
    expect(exclusive.messages?.map((m) => m.ts)).toEqual([other.ts]);

    const replies = await client.conversations.replies({ channel: "C1", ts: parent.ts!, include_all_metadata: true });
    expect(replies.messages?.map((m) => m.text)).toEqual(["help", "on it"]);
    expect(replies.messages?.[0].metadata).toEqual(metadata);
    const missing = await rejection(() => client.conversations.replies({ channel: "C1", ts: "1.000001" }));
    expect(missing.code).toBe(ErrorCode.PlatformError);
    expect(missing.data.error).toBe("thread_not_found");

    const link = await client.chat.getPermalink({ channel: "C1", message_ts: parent.ts! });
    expect(link.permalink).toBe(`https://example.slack.com/archives/C1/p${parent.ts!.replace(".", "")}`);
  });

  it("plays direct messages as Slack does: conversations.open gives the DM channel, the rest take channel IDs only", async () => {
    const opened = await client.conversations.open({ users: "U1PERSON" });
    const dm = (opened.channel as { id: string }).id;
    expect(dm).toMatch(/^D/);
    expect(((await client.conversations.open({ users: "U1PERSON" })).channel as { id: string }).id).toBe(dm);
    // A post to the user ID lands in the DM channel.
    const posted = await client.chat.postMessage({ channel: "U1PERSON", text: "hello" });
    expect(posted.channel).toBe(dm);
    expect(standIn.messages(dm).map((m) => m.text)).toEqual(["hello"]);
    expect(standIn.messages("U1PERSON")).toEqual(standIn.messages(dm));
    expect((await client.conversations.history({ channel: dm })).messages?.map((m) => m.text)).toEqual(["hello"]);
    for (const call of [
      () => client.conversations.history({ channel: "U1PERSON" }),
      () => client.conversations.replies({ channel: "U1PERSON", ts: posted.ts! }),
      () => client.chat.update({ channel: "U1PERSON", ts: posted.ts!, text: "edited" }),
    ]) {
      expect((await rejection(call)).data.error).toBe("channel_not_found");
    }
    expect((await rejection(() => client.apiCall("conversations.open", {}))).data.error).toBe("users_list_not_supplied");
  });

  it("keeps previous versions on chat.update", async () => {
    const posted = await client.chat.postMessage({ channel: "C2", text: "v1", blocks: [section("one")] });
    await client.chat.update({ channel: "C2", ts: posted.ts!, text: "v2", blocks: [section("two")] });
    await client.chat.update({ channel: "C2", ts: posted.ts!, text: "v3" });
    const [msg] = standIn.messages("C2");
    expect(msg).toMatchObject({ text: "v3", edited: 2, blocks: [section("two")] });
    expect(msg.history).toEqual([
      { text: "v1", blocks: [section("one")] },
      { text: "v2", blocks: [section("two")] },
    ]);
    const missing = await rejection(() => client.chat.update({ channel: "C2", ts: "1.000002", text: "x" }));
    expect(missing.data.error).toBe("message_not_found");
  });

  it("surfaces a 429 with Retry-After as a rate-limited error and stores nothing", async () => {
    standIn.failNext("chat.postMessage", { status: 429, retryAfter: 3 });
    const err = await rejection(() => client.chat.postMessage({ channel: "C3", text: "hi" }));
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(3);
    expect(standIn.messages("C3")).toEqual([]);
    expect(standIn.allCallsTo("chat.postMessage")).toMatchObject([{ status: 429, error: "ratelimited" }]);
    expect(standIn.callsTo("chat.postMessage")).toEqual([]);
    // the fault was used up
    await client.chat.postMessage({ channel: "C3", text: "hi" });
    expect(standIn.messages("C3")).toHaveLength(1);
  });

  it("surfaces {error} faults and not_in_channel as platform errors", async () => {
    standIn.failNext("*", { error: "not_in_channel" });
    const err = await rejection(() => client.chat.postMessage({ channel: "C4", text: "hi" }));
    expect(err.code).toBe(ErrorCode.PlatformError);
    expect(err.data.error).toBe("not_in_channel");

    standIn.notInChannel.add("C5");
    standIn.missingChannels.add("C6");
    expect((await rejection(() => client.chat.postMessage({ channel: "C5", text: "hi" }))).data.error).toBe("not_in_channel");
    expect((await rejection(() => client.chat.postMessage({ channel: "C6", text: "hi" }))).data.error).toBe("channel_not_found");
    expect((await client.conversations.info({ channel: "C5" })).channel).toMatchObject({ id: "C5", name: "c-C5", is_member: false });
    expect(standIn.messages("C4").length + standIn.messages("C5").length).toBe(0);
  });

  it("stores nothing for a 5xx-faulted post", async () => {
    standIn.failNext("chat.postMessage", { status: 503 });
    const err = await rejection(() => client.chat.postMessage({ channel: "C7", text: "hi" }));
    expect(err.code).toBe(ErrorCode.HTTPError);
    expect(err.statusCode).toBe(503);
    expect(standIn.messages("C7")).toEqual([]);
    expect(standIn.calls.at(-1)).toMatchObject({ method: "chat.postMessage", status: 503, error: "http_503" });
  });

  it("faultRate(0.2) faults between 10% and 30% of calls, repeatably", async () => {
    const run = async (): Promise<number> => {
      standIn.reset();
      standIn.faultRate(0.2, { seed: 42, methods: ["auth.test"] });
      let faults = 0;
      for (let i = 0; i < 200; i++) {
        try {
          await client.auth.test();
        } catch (err) {
          expect([ErrorCode.RateLimitedError, ErrorCode.HTTPError]).toContain((err as WebAPICallError).code);
          faults++;
        }
      }
      return faults;
    };
    const first = await run();
    expect(first).toBeGreaterThanOrEqual(20);
    expect(first).toBeLessThanOrEqual(60);
    expect(await run()).toBe(first);
    expect(standIn.allCallsTo("auth.test").length - standIn.callsTo("auth.test").length).toBe(first);
    // methods not listed are untouched; faultRate(0) turns it off
    await client.chat.postMessage({ channel: "C8", text: "x" });
    standIn.faultRate(0);
    for (let i = 0; i < 20; i++) await client.auth.test();
  });

  it("enforces Block Kit limits", async () => {
    const blocks = (n: number) => Array.from({ length: n }, (_, i) => section(`b${i}`));
    expect((await client.chat.postMessage({ channel: "C9", text: "ok", blocks: blocks(50) })).ok).toBe(true);
    expect((await rejection(() => client.chat.postMessage({ channel: "C9", text: "x", blocks: blocks(51) }))).data.error).toBe(
      "invalid_blocks",
    );
    expect(
      (await rejection(() => client.chat.postMessage({ channel: "C9", text: "x", blocks: [section("a".repeat(3001))] }))).data.error,
    ).toBe("invalid_blocks");
    expect((await rejection(() => client.chat.postMessage({ channel: "C9", text: "a".repeat(40001) }))).data.error).toBe("msg_too_long");
    expect((await rejection(() => client.chat.postMessage({ channel: "C9", text: "" }))).data.error).toBe("no_text");
    expect(standIn.messages("C9")).toHaveLength(1);

    const view = (n: number) => ({ type: "modal" as const, title: { type: "plain_text" as const, text: "T" }, blocks: blocks(n) });
    const opened = await client.views.open({ trigger_id: "trig", view: view(100) });
    expect(opened.view?.id).toMatch(/^V\d+$/);
    expect((await rejection(() => client.views.open({ trigger_id: "trig", view: view(101) }))).data.error).toBe("invalid_arguments");
    expect((await rejection(() => client.views.open({ trigger_id: "", view: view(1) }))).data.error).toBe("invalid_trigger_id");
  });

  it("answers users, teams, usergroups, ephemerals, unknown methods and bad tokens", async () => {
    standIn.users.set("U1", { id: "U1", name: "ann", real_name: "Ann", team_id: "T0HOME", profile: { email: "ann@example.com" } });
    standIn.usergroups.set("S1", ["U1", "U2"]);
    expect((await client.users.info({ user: "U1" })).user?.profile?.email).toBe("ann@example.com");
    expect((await client.users.info({ user: "U9" })).user).toMatchObject({ name: "u9", real_name: "User U9" });
    expect((await client.team.info({ team: "T2" })).team).toMatchObject({ id: "T2", name: "Team T2" });
    expect((await client.usergroups.users.list({ usergroup: "S1" })).users).toEqual(["U1", "U2"]);
    await client.chat.postEphemeral({ channel: "C1", user: "U1", text: "psst" });
    expect(standIn.ephemerals).toEqual([{ channel: "C1", user: "U1", text: "psst", blocks: undefined }]);
    expect((await rejection(() => client.apiCall("nope.nothing"))).data.error).toBe("unknown_method");
    standIn.badTokens.add("xoxb-test");
    expect((await rejection(() => client.auth.test())).data.error).toBe("invalid_auth");
  });

  it("describes files with files.info, and answers an error for a file id it was told to", async () => {
    standIn.files.set("F1", { id: "F1", name: "trace.log", mimetype: "text/plain", filetype: "text", size: 812 });
    standIn.fileErrors.set("F2", "access_denied");
    expect((await client.files.info({ file: "F1" })).file).toMatchObject({ id: "F1", name: "trace.log", size: 812 });
    expect((await rejection(() => client.files.info({ file: "F2" }))).data.error).toBe("access_denied");
    expect((await rejection(() => client.files.info({ file: "F3" }))).data.error).toBe("file_not_found");
    expect(standIn.allCallsTo("files.info").map((c) => [c.args.file, c.error ?? "ok"])).toEqual([
      ["F1", "ok"],
      ["F2", "access_denied"],
      ["F3", "file_not_found"],
    ]);
    standIn.files.clear();
    standIn.fileErrors.clear();
  });

  it("accepts JSON bodies, records response_url posts and explains waitFor timeouts", async () => {
    const res = await fetch(`${standIn.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer xoxb-json" },
      body: JSON.stringify({ channel: "C10", text: "json", blocks: [section("j")] }),
    });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toMatchObject({ ok: true, channel: "C10" });
    expect(standIn.messages("C10")[0].blocks).toEqual([section("j")]);

    await fetch(standIn.responseUrl("abc"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"text":"done"}' });
    const response = await standIn.waitFor(() => standIn.responses.find((r) => r.id === "abc"), 1000, "response abc");
    expect(response.body).toEqual({ text: "done" });

    await client.chat.postMessage({ channel: "C11", text: "x" }).catch(() => undefined);
    await expect(standIn.waitFor(() => standIn.messages("C404").length > 0, 100, "a post in C404")).rejects.toThrow(
      /a post in C404[\s\S]*chat\.postMessage/,
    );
  });
});
