import { describe, expect, it } from "vitest";
import { LIMITS } from "./limits.ts";
import { threadContextPosts } from "./ticket-messages.ts";

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
