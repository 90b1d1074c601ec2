import { afterEach, describe, expect, it } from "vitest";
import { CUSTOMER, HOME_TEAM, SIGNING_SECRET, SUPPORT, nextEventId, startDesk, type Desk } from "./support/harness.ts";

let desk: Desk;
afterEach(async () => desk?.stop());

const envelope = (text = "Please help") =>
  JSON.stringify({
    type: "event_callback",
    team_id: HOME_TEAM,
    event_id: nextEventId(),
    event: { type: "message", channel: SUPPORT, user: CUSTOMER, text, ts: `${Math.floor(Date.now() / 1000)}.000200`, team: HOME_TEAM },
  });
const stored = () => desk.app.db.client.inboxEvent.count();

describe("requests that are not Slack's, or not well formed", () => {
  it("answers a wrong signature, a missing one and a timestamp more than 5 minutes off (either way) with 401 and stores nothing", async () => {
    desk = await startDesk();
    expect((await desk.post(envelope(), { signWith: "0".repeat(32) })).status).toBe(401);
    expect((await desk.post(envelope(), { signWith: false })).status).toBe(401);
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect((await desk.post(envelope(), { timestamp: nowSeconds - 6 * 60 })).status).toBe(401);
    expect((await desk.post(envelope(), { timestamp: nowSeconds + 6 * 60 })).status).toBe(401);
    expect((await desk.post(envelope(), { timestamp: nowSeconds + 24 * 3600 })).status).toBe(401);
    const slashCommand = new URLSearchParams({
      command: "/ticket",
      text: "help",
      user_id: CUSTOMER,
      channel_id: SUPPORT,
      trigger_id: "1.2.x",
    });
    const future = await desk.post(slashCommand.toString(), {
      contentType: "application/x-www-form-urlencoded",
      timestamp: nowSeconds + 6 * 60,
    });
    expect(future.status).toBe(401);
    // A body changed after signing.
    const body = envelope();
    const res = await desk.post(body.replace("Please help", "Please help!"), {
      headers: (await import("./support/harness.ts")).sign(body),
    });
    expect(res.status).toBe(401);
    // A clock a little ahead (within 5 minutes) is still Slack's.
    expect((await desk.post(envelope("A clock ahead: please help"), { timestamp: nowSeconds + 4 * 60 })).status).toBe(200);
    await desk.settle();
    expect(await stored()).toBe(1);
    expect((await desk.app.db.client.ticket.findMany()).map((t) => t.text)).toEqual(["A clock ahead: please help"]);
    expect(SIGNING_SECRET).not.toBe("0".repeat(32));
  });

  it("answers a malformed body with 400 and an oversized one with 413", async () => {
    desk = await startDesk();
    expect((await desk.post("{not json")).status).toBe(400);
    expect((await desk.post("[1,2]")).status).toBe(400);
    expect((await desk.post("payload=%7Bbroken", { contentType: "application/x-www-form-urlencoded" })).status).toBe(400);
    expect((await desk.post("hello", { contentType: "text/plain" })).status).toBe(400);
    expect((await desk.post(JSON.stringify({ type: "event_callback", event: { type: "message" } }))).status).toBe(400);
    const huge = envelope("x".repeat(1024 * 1024 + 10));
    expect((await desk.post(huge)).status).toBe(413);
    expect(await stored()).toBe(0);
  });

  it("logs and skips an event whose fields are not what Slack documents, and keeps working", async () => {
    desk = await startDesk();
    const odd = JSON.stringify({
      type: "event_callback",
      team_id: HOME_TEAM,
      event_id: nextEventId(),
      event: { type: "message", channel: SUPPORT, user: CUSTOMER, ts: "not-a-ts", text: 42 },
    });
    expect((await desk.post(odd)).status).toBe(200);
    await desk.settle();
    expect(desk.logs.some((l) => l.msg === "event skipped: unexpected shape")).toBe(true);
    const row = await desk.app.db.client.inboxEvent.findFirstOrThrow();
    expect(row.status).toBe("done");
    expect(row.lastError).toMatch(/^skipped:/);

    await desk.customerSays("A real request after the odd one");
    await desk.settle();
    expect(await desk.app.db.client.ticket.count()).toBe(1);
  });

  it("answers Slack's URL verification with the challenge", async () => {
    desk = await startDesk();
    const res = await desk.post(
      JSON.stringify({ token: "t", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("serves /healthz with the database's state and which parts are off, and 404 elsewhere", async () => {
    desk = await startDesk({ env: { TRIAGE_CHANNEL: "" } });
    const res = await fetch(`${desk.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe("ok");
    expect(body.database).toMatchObject({ reachable: true, migrated: true });
    expect(body.parts.triage).toMatchObject({ enabled: false });
    expect(body.parts.triage.reason).toContain("TRIAGE_CHANNEL is not set");
    // The parts that are off are named in one info line at start, not in a warning each.
    const offLines = desk.logs.filter((l) => typeof l.msg === "string" && l.msg.startsWith("off: "));
    expect(offLines).toEqual([expect.objectContaining({ level: "info", off: expect.arrayContaining(["triage"]) })]);
    expect(offLines[0].msg).toContain("triage cards (set TRIAGE_CHANNEL)");
    expect(offLines[0].msg).not.toMatch(/socket/i);
    expect(desk.logs.filter((l) => l.level === "warn")).toEqual([]);
    const nope = await fetch(`${desk.baseUrl}/nope`);
    expect(nope.status).toBe(404);
    expect(await nope.json()).toEqual({ error: "not_found", message: expect.stringContaining("/nope") });
    expect((await fetch(`${desk.baseUrl}/slack/events`)).status).toBe(405);
    const wrongMethod = await fetch(`${desk.baseUrl}/healthz`, { method: "POST" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
    expect(await wrongMethod.json()).toMatchObject({ error: "method_not_allowed" });
  });

  it("reports a database that is not migrated on /healthz (still 200: the process lives) and answers /readyz with 503", async () => {
    desk = await startDesk();
    await desk.app.db.client.$executeRawUnsafe('DELETE FROM "_app_migrations"');
    const res = await fetch(`${desk.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "unavailable", database: { reachable: true, migrated: false } });
    const ready = await fetch(`${desk.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "not_ready", database: { reachable: true, migrated: false } });
  });

  it("never logs the token, the signing secret or message text", async () => {
    desk = await startDesk({ env: { LOG_LEVEL: "info" } });
    await desk.customerSays("my secret password is hunter2");
    await desk.settle();
    const all = JSON.stringify(desk.logs);
    expect(all).toContain("ticket.created");
    expect(all).not.toContain("hunter2");
    expect(all).not.toContain("xoxb-test-token");
    expect(all).not.toContain(SIGNING_SECRET);
  });
});
