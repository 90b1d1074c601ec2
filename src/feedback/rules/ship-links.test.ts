// Which links a ship note may carry: Slack's own domain and SHIP_LINK_DOMAINS, with their subdomains;
// everything else a customer could follow is refused, named by the domain it leads to.
import { describe, expect, it } from "vitest";
import { allowedLinkDomains, hostAllowed, linkedHosts, linksNotAllowed } from "./ship-links.ts";

describe("links in a ship note", () => {
  it("refuses an http(s) link to another domain, by default", () => {
    expect(linksNotAllowed("SSO sign in again at https://evil.example/okta-login", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("see http://EVIL.example:8080/x?y=1#z", [])).toEqual(["evil.example"]);
  });

  it("allows Slack's own domain and its subdomains without any setting", () => {
    expect(linksNotAllowed("Details: https://slack.com/help and https://acme.slack.com/archives/C1/p1", [])).toEqual([]);
    expect(linksNotAllowed("acme.slack.com/docs", [])).toEqual([]);
  });

  it("allows the configured domains and their subdomains", () => {
    expect(linksNotAllowed("Read https://docs.example.com/sso and example.com/pricing", ["example.com"])).toEqual([]);
    expect(linksNotAllowed("https://docs.example.com/sso", ["docs.example.com"])).toEqual([]);
    expect(linksNotAllowed("https://example.com/sso", ["docs.example.com"])).toEqual(["example.com"]);
    expect(linksNotAllowed("https://docs.example.com", [".Example.COM"])).toEqual([]);
  });

  it("refuses look-alikes: an allowed name inside another domain, a neighbour, a user-info trick, other scripts", () => {
    expect(linksNotAllowed("https://slack.com.evil.example/login", [])).toEqual(["slack.com.evil.example"]);
    expect(linksNotAllowed("https://evilslack.com/login", [])).toEqual(["evilslack.com"]);
    expect(linksNotAllowed("https://slack.com@evil.example/login", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("https://notexample.com", ["example.com"])).toEqual(["notexample.com"]);
    // A Cyrillic "а" in slack.com is another domain.
    const [lookalike] = linksNotAllowed("https://slаck.com/reset", []);
    expect(lookalike).toMatch(/^xn--/);
    expect(linksNotAllowed("slаck.com/reset", [])).toEqual([lookalike]);
  });

  it("reads Slack's <url|label> form: the link and a label that looks like a link", () => {
    expect(linksNotAllowed("<https://evil.example/login|https://acme.slack.com/reset>", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("<https://acme.slack.com/reset|evil.example>", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("<https://evil.example/login>", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("&lt;https://evil.example/login&gt;", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("&lt;https://docs.example.com/login&gt;", ["example.com"])).toEqual([]);
  });

  it("finds bare domains, with or without a path, and the domain of an email address", () => {
    expect(linksNotAllowed("sign in again at evil.example/login", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("Visit www.evil.example.", [])).toEqual(["www.evil.example"]);
    expect(linksNotAllowed("write to help@evil.example", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("(see evil.example)", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("evil。example/login", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("ftp://evil.example/file", [])).toEqual(["evil.example"]);
    expect(linksNotAllowed("mailto:help@evil.example", [])).toEqual(["evil.example"]);
  });

  it("names each refused domain once, in order", () => {
    expect(linksNotAllowed("https://b.example/1 a.example https://b.example/2 https://slack.com", [])).toEqual(["b.example", "a.example"]);
  });

  it("leaves ordinary prose alone: versions, abbreviations, file names", () => {
    for (const text of [
      "Exports to .xlsx are live for everyone",
      "Version 2.4.1 is out, e.g. for the U.S. team, i.e. everyone.",
      "Download report.xlsx or data.csv; works with Node.js and config.yaml",
      "It's 3.5x faster...really",
      "SSO is live",
    ]) {
      expect(linksNotAllowed(text, []), text).toEqual([]);
    }
  });

  it("treats a path on a file-like name as a link", () => {
    expect(linkedHosts("evil.json/login")).toEqual(["evil.json"]);
  });

  it("keeps Slack's domain first among the allowed, in canonical form", () => {
    expect(allowedLinkDomains(["Example.com", "*.docs.io", "slack.com", " "])).toEqual(["slack.com", "example.com", "docs.io"]);
    expect(hostAllowed("a.b.example.com", ["example.com"])).toBe(true);
    expect(hostAllowed("example.com.evil", ["example.com"])).toBe(false);
  });
});
