// Every refusal the feedback context can throw is worded for Slack, from its facts.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../shared/errors.ts";
import { feedbackErrorText } from "./feedback-errors.ts";

function codesThrownIn(dir: string): Set<string> {
  const codes = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
    const text = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    for (const m of text.matchAll(/new DomainError\(\s*"([a-z_.]+)"/g)) codes.add(m[1]);
  }
  return codes;
}

describe("feedback error wording", () => {
  it("words every code the feedback context throws", () => {
    const codes = codesThrownIn(path.resolve(import.meta.dirname, "../../feedback"));
    expect(codes.size).toBeGreaterThan(10);
    for (const code of codes) expect(feedbackErrorText(new DomainError(code)), code).not.toBeNull();
  });

  it("names the theme and the limits in the sentence", () => {
    expect(feedbackErrorText(new DomainError("theme.not_found", { ref: "Nope" }))).toBe(
      "No theme called “Nope”. `/feedback themes` lists them.",
    );
    expect(feedbackErrorText(new DomainError("theme.not_found", { themeId: 4 }))).toBe(
      "That theme no longer exists: `/feedback themes` lists them.",
    );
    expect(feedbackErrorText(new DomainError("theme.name_taken", { themeId: 7, name: "SSO", archived: true }))).toContain(
      "There is already a theme called “SSO” (archived) (#7)",
    );
    expect(feedbackErrorText(new DomainError("theme.already_shipped", { name: "SSO", shippedOn: "2026-11-20" }))).toBe(
      "“SSO” was already marked shipped on 2026-11-20; customers were told then.",
    );
    expect(feedbackErrorText(new DomainError("ticket.not_found"))).toBeNull();
  });

  it("names a refused link's domain, what is allowed, and how to allow more", () => {
    expect(
      feedbackErrorText(
        new DomainError("theme.ship_link_not_allowed", { domains: ["evil.example"], allowed: ["slack.com", "example.com"] }),
      ),
    ).toBe(
      "The note links to evil.example, which is not an allowed domain: customers read this note from us, so it may link only to slack.com and example.com (and subdomains). Remove the link, or ask an admin to add the domain to SHIP_LINK_DOMAINS.",
    );
    expect(
      feedbackErrorText(new DomainError("theme.ship_link_not_allowed", { domains: ["a.example", "b.example"], allowed: ["slack.com"] })),
    ).toContain("links to a.example and b.example, which are not allowed domains");
  });
});
