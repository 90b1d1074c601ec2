import { describe, expect, it } from "vitest";
import { LIMITS } from "./limits.ts";
import { slaAlertLine, slaMention, threadContextPosts } from "./ticket-messages.ts";
import type { Ticket } from "../../support/rules/ticket.ts";

describe("a thread's earlier messages copied into a card's thread", () => {
  const at = new Date("2026-11-23T10:00:00Z");

  it("names each author and quotes each message, escaped, oldest first", () => {
    const [post, ...rest] = threadContextPosts([
      { userId: "U1", text: "Hello <!channel>", at },
      { userId: null, text: "Deploy finished", at },
    ]);
    expect(rest).toEqual([]);
    expect(post).toContain("(2 messages)");
    expect(post).toContain("<@U1>");
    expect(post).toContain("> Hello &lt;!channel&gt;");
    expect(post).toContain("A bot");
    expect(post.indexOf("Hello")).toBeLessThan(post.indexOf("Deploy"));
  });

  it("splits many long messages over posts that each fit Slack's limits, cutting none of them off", () => {
    const messages = Array.from({ length: 20 }, (_, i) => ({ userId: `U${i}`, text: `message ${i} ${"x".repeat(2000)}`, at }));
    const posts = threadContextPosts(messages);
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) expect(post.length).toBeLessThanOrEqual(LIMITS.sectionText);
    for (let i = 0; i < 20; i++) expect(posts.join("\n")).toContain(`message ${i} `);
  });

  it("posts nothing when there was nothing before", () => {
    expect(threadContextPosts([])).toEqual([]);
  });
});

describe("an SLA alert line", () => {
  const ticket = { id: 7, text: "Invoices <!channel> are wrong & late\nsecond line" } as Ticket;
  const breach = { kind: "first_response", level: "breach", targetSeconds: 3600, dueAt: null } as const;

  it("mentions the assignee, the group, the listed agents, or the channel", () => {
    expect(slaMention({ kind: "assignee", userId: "U1" })).toBe("<@U1>");
    expect(slaMention({ kind: "group", groupId: "S1" })).toBe("<!subteam^S1>");
    expect(slaMention({ kind: "agents", userIds: ["U1", "U2"] })).toBe("<@U1> <@U2>");
    expect(slaMention({ kind: "here" })).toBe("<!here>");
    expect(slaAlertLine({ kind: "group", groupId: "S1" }, ticket, breach)).toMatch(
      /^:rotating_light: <!subteam\^S1> unassigned ticket \*#7\* missed/,
    );
  });

  it("names the account and the request's first line in a breach, escaped and cut short", () => {
    const long = { ...ticket, text: `${"a".repeat(150)} <@U9>` } as Ticket;
    const line = slaAlertLine({ kind: "here" }, ticket, breach, { externalId: "acme", name: "Acme <b>" });
    expect(line).toContain("\n*Acme &lt;b&gt;*: “Invoices &lt;!channel&gt; are wrong &amp; late”");
    expect(line).not.toContain("second line");
    expect(slaAlertLine({ kind: "here" }, ticket, breach, { externalId: "acme-1", name: null })).toContain("*acme-1*: ");
    const cut = slaAlertLine({ kind: "here" }, long, breach);
    expect(cut).toContain(`“${"a".repeat(99)}…”`);
    expect(cut).not.toContain("U9");
  });
});
