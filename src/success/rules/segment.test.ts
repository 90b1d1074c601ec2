// Reading Segment calls (pure, no database): each call's problems, group traits onto account fields, the
// day of a track call, and which account each track counts for.
import { describe, expect, it } from "vitest";
import { MAX_ATTRIBUTES_JSON } from "./batch.ts";
import { foldCalls, groupTraits, mergeGroups, readSegmentCall, withTraits, type SegmentCall } from "./segment.ts";

const NOW = new Date("2026-11-20T12:00:00Z");
const call = (raw: unknown, type?: string, shared?: Record<string, unknown>) => {
  const r = readSegmentCall(raw, NOW, type, shared);
  if ("problem" in r) throw new Error(r.problem);
  return r.call;
};
const problem = (raw: unknown, type?: string) => {
  const r = readSegmentCall(raw, NOW, type);
  return "problem" in r ? r.problem : null;
};

describe("readSegmentCall", () => {
  it("reads identify, group and track; the path's type wins over none in the body", () => {
    expect(call({ type: "identify", userId: "u1", traits: { email: "a@b.co" }, context: { groupId: "g1" } })).toEqual({
      type: "identify",
      messageId: null,
      userId: "u1",
      traits: { email: "a@b.co" },
      groupId: "g1",
    });
    expect(call({ groupId: 42, anonymousId: "anon", messageId: "m1" }, "group")).toMatchObject({
      type: "group",
      groupId: "42",
      userId: "anon",
      messageId: "m1",
    });
    expect(call({ userId: "u1", event: " Report Built ", timestamp: "2026-11-19T23:30:00-02:00" }, "track")).toMatchObject({
      event: "Report Built",
      date: "2026-11-20",
      groupId: null,
    });
  });

  it("takes a batch's context under each call's own", () => {
    expect(call({ type: "track", userId: "u", event: "e" }, undefined, { groupId: "shared" })).toMatchObject({ groupId: "shared" });
    expect(call({ type: "track", userId: "u", event: "e", context: { groupId: "own" } }, undefined, { groupId: "shared" })).toMatchObject({
      groupId: "own",
    });
  });

  it("dates a track call by timestamp, originalTimestamp or sentAt, else now, and never after now", () => {
    expect(call({ type: "track", userId: "u", event: "e", originalTimestamp: "2026-10-01T08:00:00Z" })).toMatchObject({
      date: "2026-10-01",
    });
    expect(call({ type: "track", userId: "u", event: "e" })).toMatchObject({ date: "2026-11-20" });
    expect(call({ type: "track", userId: "u", event: "e", timestamp: "2027-01-01T00:00:00Z" })).toMatchObject({ date: "2026-11-20" });
  });

  it("names each call's problem", () => {
    expect(problem("text")).toContain("JSON object");
    expect(problem({ type: "delete", userId: "u" })).toContain("type must be one of");
    expect(problem({ type: "track", event: "e" })).toContain("userId or an anonymousId");
    expect(problem({ type: "track", userId: "u" })).toContain("needs an event");
    expect(problem({ type: "track", userId: "u", event: "e", timestamp: "yesterday" })).toContain("ISO 8601");
    expect(problem({ type: "track", userId: "u", event: "e", timestamp: "2025-10-15T00:00:00Z" })).toContain("more than 400 days ago");
    expect(problem({ type: "track", userId: "u", event: "e", timestamp: "2025-10-16T00:00:00Z" })).toBeNull();
    expect(problem({ type: "group", userId: "u" })).toContain("groupId");
    expect(problem({ type: "identify", userId: { id: 1 } })).toContain("userId");
    expect(problem({ type: "track", userId: "u", event: "e", messageId: "x".repeat(201) })).toContain("messageId");
    expect(problem({ type: "track", userId: "u\u0000", event: "e" })).toContain("userId");
  });
});

describe("groupTraits", () => {
  it("maps traits by name whatever their case and separators", () => {
    expect(
      groupTraits({
        "Company Name": "Acme",
        Website: "http://www.acme.com/x",
        Plan: "enterprise",
        ARR: "$120,000",
        "seat-count": 40,
        "Contract End Date": "2027-01-31T00:00:00Z",
        createdAt: "2019-05-01T09:30:00Z",
        CSM: "Dana@Vendor.example",
      }),
    ).toEqual({
      account: {
        name: "Acme",
        domain: "acme.com",
        tier: "enterprise",
        arr: 120000,
        seats: 40,
        renewalDate: "2027-01-31",
        customerSince: "2019-05-01",
      },
      csmEmail: "dana@vendor.example",
      unread: [],
    });
  });

  it("takes MRR × 12 when no ARR is given, and leaves out what it cannot read, saying why", () => {
    expect(groupTraits({ mrr: 1000.5 }).account).toEqual({ arr: 12006 });
    expect(groupTraits({ arr: 10, mrr: 1000 }).account).toEqual({ arr: 10 });
    const { account, csmEmail, unread } = groupTraits({
      name: "Ok",
      seats: 2.5,
      renewal_date: "soon",
      csm: "Dana",
      domain: "not a domain",
    });
    expect(account).toEqual({ name: "Ok" });
    expect(csmEmail).toBeNull();
    expect(unread).toEqual([
      "domain: must be a domain name such as acme.com",
      "seats: must be a whole number, 0 or more",
      "renewal_date: must be a date such as 2027-03-31",
      "csm: must be an email address",
    ]);
  });
});

describe("the other group traits, as the account's attributes", () => {
  it("keeps text, numbers and true/false under the key as sent; not contact details, and names what it cannot keep", () => {
    const { account, unread } = groupTraits({
      name: "Acme",
      region: " europe ",
      Industry: "Retail",
      employees: 120,
      paying: true,
      email: "billing@acme.example",
      phone: "+44 20 7946 0000",
      address: { city: "London" },
      nickname: "",
      partner: null,
      segments: ["a", "b"],
      motto: "x".repeat(501),
    });
    expect(account).toEqual({ name: "Acme", attributes: { region: "europe", Industry: "Retail", employees: 120, paying: true } });
    expect(unread).toEqual([
      "segments: a list or an object is not kept (send text, a number or true/false)",
      "motto: must be text of at most 500 characters to be kept",
    ]);
    // Traits that set account fields are not attributes too.
    expect(groupTraits({ plan: "gold", tier: "x", renewal: "2027-01-01", mrr: 5 }).account.attributes).toBeUndefined();
  });

  it("joins the stored attributes, a trait over the stored value of its key, and refuses to grow past the limit", () => {
    expect(withTraits(null, { region: "europe" })).toEqual({ attributes: { region: "europe" } });
    expect(withTraits('{"owner":"dana","region":"americas"}', { region: "europe" })).toEqual({
      attributes: { owner: "dana", region: "europe" },
    });
    const big = JSON.stringify({ notes: "y".repeat(MAX_ATTRIBUTES_JSON - 20) });
    const over = withTraits(big, { region: "europe" });
    expect("problem" in over && over.problem).toContain("over 20,000");
  });

  it("merges a groupId's attributes across its calls", () => {
    const calls = [
      call({ type: "group", groupId: "acme", traits: { region: "europe", industry: "retail" } }),
      call({ type: "group", groupId: "acme", traits: { industry: "travel" } }),
    ];
    expect(mergeGroups(calls).get("acme")!.account.attributes).toEqual({ region: "europe", industry: "travel" });
  });
});

describe("foldCalls and mergeGroups", () => {
  const calls: SegmentCall[] = [
    call({ type: "track", userId: "early", event: "e", timestamp: "2026-11-20T01:00:00Z", messageId: "t-early" }),
    call({ type: "group", userId: "early", groupId: "acme", traits: { name: "Acme", seats: 5 } }),
    call({ type: "track", userId: "early", event: "e", timestamp: "2026-11-20T02:00:00Z" }),
    call({ type: "track", userId: "stored", event: "e", timestamp: "2026-11-20T02:00:00Z" }),
    call({ type: "track", userId: "early", event: "f", timestamp: "2026-11-19T02:00:00Z", context: { groupId: "beta" } }),
    call({ type: "group", groupId: "acme", traits: { plan: "gold", seats: 6 } }),
  ];

  it("counts a track for context.groupId, else the user's account as grouped so far (in order) or stored", () => {
    const { activity, unplaced, unplacedIds, links } = foldCalls(calls, new Map([["stored", "acme"]]));
    expect(unplaced).toBe(1);
    expect(unplacedIds).toEqual(["t-early"]);
    expect([...links]).toEqual([["early", "acme"]]);
    const days = [...activity.values()].map((d) => [d.accountExternalId, d.date, [...d.users], Object.fromEntries(d.events)]);
    expect(days).toEqual([
      ["acme", "2026-11-20", ["early", "stored"], { e: 2 }],
      ["beta", "2026-11-19", ["early"], { f: 1 }],
    ]);
  });

  it("merges a groupId's traits, the later over the earlier", () => {
    expect([...mergeGroups(calls)]).toEqual([["acme", { account: { name: "Acme", tier: "gold", seats: 6 }, csmEmail: null }]]);
  });
});
