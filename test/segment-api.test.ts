// Segment-compatible ingestion over HTTP on the real app: Segment's own spec examples (identify, group,
// track, a batch), the write key as HTTP Basic user, group traits mapped onto accounts (the CSM found in
// Slack by email), a batch with a bad call among good ones, replayed messageIds, malformed bodies, the
// endpoint off without SEGMENT_WRITE_KEY, and a health check that reads Segment usage exactly as it reads
// usage sent to POST /api/v1/usage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaHealthStore } from "../src/success/store/health-runs.ts";
import { startDesk, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";

const WRITE_KEY = "segment-write-key-0123456789";
const TOKEN = "ingest-token-0123456789";
const AT = new Date("2026-11-20T12:00:00Z");
const DAY = 86_400_000;
const CSM = "UCSMSEG1";

/** The UTC day `n` days before AT at 10:00, as Segment's timestamp. */
const at = (n: number) => `${new Date(AT.getTime() - n * DAY).toISOString().slice(0, 10)}T10:00:00.000Z`;
const dayOf = (n: number) => at(n).slice(0, 10);

let desk: Desk;
const clock = new TestClock(AT);

beforeAll(async () => {
  desk = await startDesk({ env: { SEGMENT_WRITE_KEY: WRITE_KEY, INGEST_API_TOKEN: TOKEN }, start: { clock } });
  desk.slack.users.set(CSM, {
    id: CSM,
    name: "dana",
    real_name: "Dana Scully",
    team_id: "T0HOME",
    profile: { email: "dana@vendor.example" },
  });
});

afterAll(async () => {
  await desk?.stop();
});

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` });

function segment(path: string, body: unknown, headers: Record<string, string> = basic(WRITE_KEY)): Promise<Response> {
  return fetch(`${desk.baseUrl}/api/v1/segment${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function ok(response: Promise<Response>): Promise<void> {
  const r = await response;
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual({ success: true });
}

const db = () => desk.app.db.client;
const usage = (account: string) => db().usageDay.findMany({ where: { accountExternalId: account }, orderBy: { date: "asc" } });
const eventsOf = (row: { events: string }) => JSON.parse(row.events) as Record<string, number>;

describe("authentication", () => {
  it("takes the write key as the HTTP Basic user with an empty password, or as writeKey in the body", async () => {
    const call = { type: "group", groupId: "auth-ok", traits: { name: "Auth OK" } };
    await ok(segment("", call));
    expect(await db().account.findUnique({ where: { externalId: "auth-ok" } })).toMatchObject({ name: "Auth OK" });
    await ok(segment("", { ...call, groupId: "auth-body", writeKey: WRITE_KEY }, {}));
    expect(await db().account.count({ where: { externalId: "auth-body" } })).toBe(1);
  });

  it("answers 401 without the key or with another one, storing nothing", async () => {
    const call = { type: "group", groupId: "auth-refused", traits: { name: "No" } };
    const missing = await segment("", call, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Basic");
    expect(((await missing.json()) as { message: string }).message).toContain("HTTP Basic user name");
    expect((await segment("", call, basic("another-key-0123456789"))).status).toBe(401);
    expect((await segment("", { ...call, writeKey: "another-key-0123456789" }, {})).status).toBe(401);
    // INGEST_API_TOKEN is not the write key.
    expect((await segment("", call, { authorization: `Bearer ${TOKEN}` })).status).toBe(401);
    expect(await db().account.count({ where: { externalId: "auth-refused" } })).toBe(0);
  });
});

describe("Segment's spec examples", () => {
  it("identify keeps the user's traits", async () => {
    // https://segment.com/docs/connections/spec/identify/ (typical call)
    await ok(
      segment("/identify", {
        type: "identify",
        traits: { name: "Peter Gibbons", email: "peter@example.com", plan: "premium", logins: 5 },
        userId: "97980cfea0067",
      }),
    );
    const user = await db().segmentUser.findUniqueOrThrow({ where: { userId: "97980cfea0067" } });
    expect(JSON.parse(user.traits!)).toEqual({ name: "Peter Gibbons", email: "peter@example.com", plan: "premium", logins: 5 });
    expect(user.accountExternalId).toBeNull();
  });

  it("group creates the account (name, plan as tier) and joins the user to it", async () => {
    // https://segment.com/docs/connections/spec/group/ (the complete example)
    await ok(
      segment("/group", {
        anonymousId: "507f191e810c19729de860ea",
        channel: "browser",
        context: {
          ip: "8.8.8.8",
          userAgent:
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.115 Safari/537.36",
        },
        integrations: { All: true, Mixpanel: false, Salesforce: false },
        messageId: "022bb90c-bbac-11e4-8dfc-aa07a5b093db",
        receivedAt: "2015-02-23T22:28:55.387Z",
        sentAt: "2015-02-23T22:28:55.111Z",
        timestamp: "2015-02-23T22:28:55.111Z",
        traits: { name: "Initech", industry: "Technology", employees: 329, plan: "enterprise", "total billed": 830 },
        type: "group",
        userId: "97980cfea0067",
        groupId: "0e8c78ea9d97a7b8185e8632",
        version: "1.1",
      }),
    );
    const account = await db().account.findUniqueOrThrow({ where: { externalId: "0e8c78ea9d97a7b8185e8632" } });
    expect(account).toMatchObject({ name: "Initech", tier: "enterprise", seats: null, arr: null, csmSlackUserId: null });
    const user = await db().segmentUser.findUniqueOrThrow({ where: { userId: "97980cfea0067" } });
    expect(user.accountExternalId).toBe("0e8c78ea9d97a7b8185e8632");
    // identify's traits are kept when a group call joins the user.
    expect(JSON.parse(user.traits!)).toMatchObject({ name: "Peter Gibbons" });
  });

  it("track counts for the account its user was grouped into: an active user, the event as a feature", async () => {
    // https://segment.com/docs/connections/spec/track/ (typical call, with the user and a time)
    await ok(
      segment("/track", {
        type: "track",
        event: "User Registered",
        properties: { plan: "Pro Annual", accountType: "Facebook" },
        userId: "97980cfea0067",
        messageId: "spec-track-1",
        timestamp: at(0),
      }),
    );
    const [day] = await usage("0e8c78ea9d97a7b8185e8632");
    expect(day).toMatchObject({ date: dayOf(0), activeUsers: 1, featuresUsed: '["User Registered"]', keyEvents: 1 });
    expect(eventsOf(day)).toEqual({ "User Registered": 1 });
  });

  it("a batch (the HTTP API's example shape) with the batch's own context", async () => {
    // https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/#batch: calls of
    // several types in "batch", a context for all of them. Here the context names the account.
    await ok(
      segment("/batch", {
        batch: [
          {
            type: "identify",
            userId: "019mr8mf4r",
            traits: { email: "jake@example.com", name: "Jake Peterson", age: 26 },
            timestamp: at(1),
            messageId: "batch-spec-1",
          },
          {
            type: "track",
            userId: "019mr8mf4r",
            event: "Song Played",
            properties: { name: "Fallin for You", artist: "Dierks Bentley" },
            timestamp: at(1),
            messageId: "batch-spec-2",
          },
          {
            type: "identify",
            userId: "971mj8mk7p",
            traits: { email: "cindy@example.com", name: "Cindy Gallagher", age: 23 },
            timestamp: at(1),
            messageId: "batch-spec-3",
          },
          {
            type: "track",
            userId: "971mj8mk7p",
            event: "Song Played",
            properties: { name: "Get Right", artist: "Jennifer Lopez" },
            timestamp: at(1),
            messageId: "batch-spec-4",
          },
        ],
        context: { device: { type: "phone", name: "Apple iPhone 6" }, groupId: "0e8c78ea9d97a7b8185e8632" },
      }),
    );
    const days = await usage("0e8c78ea9d97a7b8185e8632");
    const yesterday = days.find((d) => d.date === dayOf(1))!;
    expect(yesterday).toMatchObject({ activeUsers: 2, featuresUsed: '["Song Played"]', keyEvents: 2 });
    // identify with context.groupId joins the user to the account too.
    const jake = await db().segmentUser.findUniqueOrThrow({ where: { userId: "019mr8mf4r" } });
    expect(jake.accountExternalId).toBe("0e8c78ea9d97a7b8185e8632");
  });

  it("takes page, screen and alias calls without using them, and a call on /api/v1/segment by its type", async () => {
    await ok(segment("/page", { userId: "97980cfea0067", name: "Home", messageId: "page-1" }));
    await ok(segment("/screen", { userId: "97980cfea0067", name: "Settings", messageId: "screen-1" }));
    await ok(segment("/alias", { userId: "97980cfea0067", previousId: "anon-1", messageId: "alias-1" }));
    await ok(segment("", { type: "track", userId: "97980cfea0067", event: "Report Built", timestamp: at(0), messageId: "t-by-type" }));
    const today = (await usage("0e8c78ea9d97a7b8185e8632")).find((d) => d.date === dayOf(0))!;
    expect(eventsOf(today)).toEqual({ "User Registered": 1, "Report Built": 1 });
    expect(today.activeUsers).toBe(1);
  });
});

describe("group traits onto accounts", () => {
  it("maps name, plan, ARR (or MRR × 12), seats, the renewal date and the CSM found in Slack by email", async () => {
    await ok(
      segment("", {
        batch: [
          {
            type: "group",
            groupId: "map-1",
            userId: "map-user",
            traits: {
              name: "Mapped One",
              website: "https://www.mapped.example/about",
              plan: "growth",
              arr: 120000,
              seats: "25",
              renewal_date: "2027-03-31",
              csm_email: "Dana@Vendor.example",
            },
          },
          {
            type: "group",
            groupId: "map-2",
            traits: { name: "Mapped Two", tier: "smb", MRR: 1000, "Licensed Seats": 5, contractEnd: "2027-06-30T00:00:00Z" },
          },
        ],
      }),
    );
    expect(await db().account.findUniqueOrThrow({ where: { externalId: "map-1" } })).toMatchObject({
      name: "Mapped One",
      domain: "mapped.example",
      tier: "growth",
      arr: 120000,
      seats: 25,
      renewalDate: "2027-03-31",
      csmSlackUserId: CSM,
    });
    expect(await db().account.findUniqueOrThrow({ where: { externalId: "map-2" } })).toMatchObject({
      name: "Mapped Two",
      tier: "smb",
      arr: 12000,
      seats: 5,
      renewalDate: "2027-06-30",
      csmSlackUserId: null,
    });
    // One figure row each, as POST /api/v1/accounts records.
    expect(await db().accountFigure.count({ where: { accountExternalId: { in: ["map-1", "map-2"] } } })).toBe(2);
  });

  it("updates only the fields the traits carry; an unreadable trait or an unknown CSM email leaves its field alone", async () => {
    await ok(segment("/group", { groupId: "map-1", traits: { seats: "many", arr: 150000, csmEmail: "nobody@vendor.example" } }));
    expect(await db().account.findUniqueOrThrow({ where: { externalId: "map-1" } })).toMatchObject({
      name: "Mapped One",
      tier: "growth",
      arr: 150000,
      seats: 25,
      csmSlackUserId: CSM,
    });
    expect(desk.logs.some((l) => l.csmEmail === "nobody@vendor.example" && String(l.msg).includes("no Slack user"))).toBe(true);
    // A new account without a name is named by its groupId until one comes.
    await ok(segment("/group", { groupId: "unnamed-7", userId: "u7" }));
    expect(await db().account.findUniqueOrThrow({ where: { externalId: "unnamed-7" } })).toMatchObject({ name: "unnamed-7" });
  });
  it("keeps the other traits as the account's attributes, joined to those stored, so region groups it with its peers", async () => {
    const put = await fetch(`${desk.baseUrl}/api/v1/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ accounts: [{ externalId: "attr-1", name: "Attr One", attributes: { owner: "dana", region: "americas" } }] }),
    });
    expect(put.status).toBe(200);
    const attributes = async () =>
      JSON.parse((await db().account.findUniqueOrThrow({ where: { externalId: "attr-1" } })).attributes ?? "null") as unknown;
    await ok(
      segment("/group", {
        groupId: "attr-1",
        traits: { region: "europe", employees: 120, email: "billing@attr.example", segments: ["a"], plan: "gold" },
      }),
    );
    expect(await attributes()).toEqual({ owner: "dana", region: "europe", employees: 120 });
    expect(await db().account.findUniqueOrThrow({ where: { externalId: "attr-1" } })).toMatchObject({ tier: "gold" });
    expect(
      desk.logs.find((l) => String(l.msg).includes("group traits could not be read") && JSON.stringify(l).includes("attr-1"))?.unreadTraits,
    ).toEqual([{ index: 0, groupId: "attr-1", traits: ["segments: a list or an object is not kept (send text, a number or true/false)"] }]);
    // A later call with other traits, or none, keeps the region.
    await ok(segment("/group", { groupId: "attr-1", traits: { industry: "retail" } }));
    await ok(segment("/group", { groupId: "attr-1", traits: { name: "Attr One Ltd" } }));
    expect(await attributes()).toEqual({ owner: "dana", region: "europe", employees: 120, industry: "retail" });
    // The health check reads it as the account's peer group (peerAttribute "region" by default).
    const [slice] = await prismaHealthStore(desk.app.db).accountsAfter("attr-0", 1, "region");
    expect(slice).toMatchObject({ externalId: "attr-1", peer: "europe" });
  });
});

describe("bad calls and replays", () => {
  it("a batch with bad calls stores the good ones and answers 200, logging the bad ones; their messageIds stay unused", async () => {
    await ok(segment("/group", { groupId: "mixed", traits: { name: "Mixed" } }));
    await ok(
      segment("/batch", {
        batch: [
          { type: "track", userId: "m1", event: "Export Created", timestamp: at(0), context: { groupId: "mixed" }, messageId: "mix-1" },
          { type: "track", userId: "m2", timestamp: at(0), context: { groupId: "mixed" }, messageId: "mix-2" }, // no event
          "not a call",
          { type: "explode", userId: "m3", messageId: "mix-4" },
          { type: "track", event: "Export Created", context: { groupId: "mixed" }, messageId: "mix-5" }, // no user
          { type: "track", userId: "m3", event: "Export Created", timestamp: "last tuesday", context: { groupId: "mixed" } },
          { type: "track", userId: "m4", event: "Export Created", timestamp: at(0), context: { groupId: "mixed" }, messageId: "mix-7" },
          {
            type: "track",
            userId: "m5",
            event: "Export Created",
            timestamp: at(0),
            context: { groupId: "late-account" },
            messageId: "mix-8",
          },
        ],
      }),
    );
    const [day] = await usage("mixed");
    expect(day).toMatchObject({ date: dayOf(0), activeUsers: 2 });
    expect(eventsOf(day)).toEqual({ "Export Created": 2 });
    const line = desk.logs.find((l) => l.msg === "segment: some calls could not be used" && l.received === 8)!;
    expect(line).toMatchObject({ rejectedCount: 5, unplaced: 1 });
    expect((line.rejected as { index: number }[]).map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
    // A bad call's messageId is not taken: sent again, fixed, it counts.
    await ok(
      segment("/track", { userId: "m2", event: "Export Created", timestamp: at(0), context: { groupId: "mixed" }, messageId: "mix-2" }),
    );
    expect(eventsOf((await usage("mixed"))[0])).toEqual({ "Export Created": 3 });
    // So does a track for an account that did not exist yet, once the account is there.
    expect(await usage("late-account")).toEqual([]);
    await ok(segment("/group", { groupId: "late-account", traits: { name: "Late" } }));
    await ok(
      segment("/track", {
        userId: "m5",
        event: "Export Created",
        timestamp: at(0),
        context: { groupId: "late-account" },
        messageId: "mix-8",
      }),
    );
    expect(await usage("late-account")).toMatchObject([{ activeUsers: 1, keyEvents: 1 }]);
  });

  it("a replayed messageId is not counted twice, in another request or in the same one", async () => {
    await ok(segment("/group", { groupId: "replay", traits: { name: "Replay" } }));
    const batch = {
      batch: [
        { type: "track", userId: "r1", event: "Report Built", timestamp: at(0), context: { groupId: "replay" }, messageId: "rep-1" },
        { type: "track", userId: "r2", event: "Report Built", timestamp: at(0), context: { groupId: "replay" }, messageId: "rep-2" },
        { type: "track", userId: "r2", event: "Report Built", timestamp: at(0), context: { groupId: "replay" }, messageId: "rep-2" },
      ],
    };
    await ok(segment("/batch", batch));
    const first = await usage("replay");
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ activeUsers: 2, keyEvents: 2 });
    await ok(segment("/batch", batch));
    await ok(segment("/track", batch.batch[0]));
    const again = await usage("replay");
    expect(again.map((d) => [d.activeUsers, d.keyEvents, d.events])).toEqual(first.map((d) => [d.activeUsers, d.keyEvents, d.events]));
    expect(await db().segmentMessage.count({ where: { messageId: { in: ["rep-1", "rep-2"] } } })).toBe(2);
    // A new messageId of the same user and event counts once more (the user is still one).
    await ok(segment("/track", { ...batch.batch[0], messageId: "rep-3" }));
    expect((await usage("replay"))[0]).toMatchObject({ activeUsers: 2, keyEvents: 3 });
  });

  it("answers 400 for a body that is not JSON, not an object, or neither a call nor a batch, storing nothing", async () => {
    const before = await db().segmentMessage.count();
    for (const [path, body] of [
      ["", "{not json"],
      ["", "[1, 2]"],
      ["/batch", { batch: { type: "track" } }],
      ["", { userId: "x", event: "Nope", messageId: "bad-body" }],
    ] as const) {
      const response = await segment(path, body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(400);
    }
    expect(await db().segmentMessage.count()).toBe(before);
  });
});

describe("the health check reads Segment usage like POST /api/v1/usage's", () => {
  it("gives the same components and score to an account fed by Segment and its twin fed by the usage API", async () => {
    // 100 days (past the onboarding stage): four users a day, then two in the last 30; "Report Built" once per
    // user a day, "Export Created" on the first user.
    const calls: unknown[] = [{ type: "group", groupId: "seg-twin", userId: "tw-0", traits: { name: "Segment Twin", seats: 10 } }];
    const rows: { accountExternalId: string; date: string; activeUsers: number; featuresUsed: string[]; events: Record<string, number> }[] =
      [];
    for (let n = 99; n >= 0; n--) {
      const users = n >= 30 ? 4 : 2;
      for (let u = 0; u < users; u++) {
        calls.push({ type: "track", userId: `tw-${u}`, event: "Report Built", timestamp: at(n), messageId: `tw-${n}-${u}` });
      }
      calls.push({ type: "track", userId: "tw-0", event: "Export Created", timestamp: at(n), messageId: `tw-${n}-export` });
      rows.push({
        accountExternalId: "api-twin",
        date: dayOf(n),
        activeUsers: users,
        featuresUsed: ["Export Created", "Report Built"],
        events: { "Report Built": users, "Export Created": 1 },
      });
    }
    await ok(segment("/batch", { batch: calls, context: { groupId: "seg-twin" } }));
    const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const api = (path: string, body: unknown) =>
      fetch(`${desk.baseUrl}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) });
    expect((await api("/api/v1/accounts", { accounts: [{ externalId: "api-twin", name: "API Twin", seats: 10 }] })).status).toBe(200);
    expect((await api("/api/v1/usage", { usage: rows })).status).toBe(200);

    const strip = (d: { date: string; activeUsers: number; featuresUsed: string; events: string; keyEvents: number }) => [
      d.date,
      d.activeUsers,
      d.featuresUsed,
      d.events,
      d.keyEvents,
    ];
    expect((await usage("seg-twin")).map(strip)).toEqual((await usage("api-twin")).map(strip));

    expect((await api("/api/v1/health-checks", {})).status).toBe(201);
    const health = async (id: string) =>
      (
        (await (await fetch(`${desk.baseUrl}/api/v1/accounts/${id}`, { headers: auth })).json()) as {
          health: { score: number; band: string; components: { name: string; score: number; evidence: string }[] };
        }
      ).health;
    const [seg, twin] = [await health("seg-twin"), await health("api-twin")];
    expect(seg.components.map((c) => c.name)).toEqual(expect.arrayContaining(["licenceUtilisation", "usageTrend", "keyEventsTrend"]));
    expect(seg.components.find((c) => c.name === "usageTrend")!.evidence).toContain("active users 4 → 2 a day");
    expect(seg.components.find((c) => c.name === "licenceUtilisation")!.evidence).toContain("2 of 10 seats active");
    expect(seg).toEqual(twin);
  });
});

describe("retention", () => {
  it("forgets messageIds after 30 days and daily activity after 400 days, keeping the usage days", async () => {
    const track = (messageId: string, timestamp?: string) =>
      segment("/track", { userId: "r1", event: "Report Built", context: { groupId: "replay" }, messageId, timestamp });
    clock.set(new Date(AT.getTime() + 31 * DAY));
    await ok(track("after-31-days"));
    expect(await db().segmentMessage.count({ where: { messageId: { in: ["rep-1", "rep-2", "rep-3"] } } })).toBe(0);
    expect(await db().segmentMessage.count({ where: { messageId: "after-31-days" } })).toBe(1);
    expect(await db().segmentDailyUser.count({ where: { accountExternalId: "replay" } })).toBe(3);

    clock.set(new Date(AT.getTime() + 402 * DAY));
    await ok(track("after-402-days"));
    // The days of AT and AT + 31 went on being counted; AT's activity is forgotten, its UsageDay kept.
    expect((await db().segmentDailyUser.findMany({ where: { accountExternalId: "replay" } })).map((u) => u.date).sort()).toEqual([
      new Date(AT.getTime() + 31 * DAY).toISOString().slice(0, 10),
      new Date(AT.getTime() + 402 * DAY).toISOString().slice(0, 10),
    ]);
    expect((await usage("replay")).map((d) => d.date)).toContain(dayOf(0));
    // A track for a day older than that is refused: its day could not be recomputed.
    await ok(track("too-old", at(0)));
    expect(await db().segmentMessage.count({ where: { messageId: "too-old" } })).toBe(0);
    clock.set(AT);
  });
});

describe("without SEGMENT_WRITE_KEY", () => {
  it("answers 404 saying how to turn it on; /healthz and the start-up log say it is off", async () => {
    const off = await startDesk({ env: { INGEST_API_TOKEN: TOKEN } });
    try {
      const response = await fetch(`${off.baseUrl}/api/v1/segment/track`, {
        method: "POST",
        headers: { "content-type": "application/json", ...basic(WRITE_KEY) },
        body: JSON.stringify({ userId: "u", event: "e" }),
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { message: string }).message).toContain("SEGMENT_WRITE_KEY");
      const offLine = off.logs.find((l) => String(l.msg).startsWith("off: "));
      expect(offLine).toMatchObject({ level: "info", off: expect.arrayContaining(["segment"]) });
      expect(String(offLine?.msg)).toContain("Segment-compatible ingestion (set SEGMENT_WRITE_KEY)");
      const healthz = (await (await fetch(`${off.baseUrl}/healthz`)).json()) as {
        parts: Record<string, { enabled: boolean; reason?: string }>;
      };
      expect(healthz.parts.segment).toEqual({ enabled: false, reason: expect.stringContaining("SEGMENT_WRITE_KEY is not set") });
      const on = (await (await fetch(`${desk.baseUrl}/healthz`)).json()) as typeof healthz;
      expect(on.parts.segment).toEqual({ enabled: true });
    } finally {
      await off.stop();
    }
  });
});
