import { describe, expect, it } from "vitest";
import { escapeSlackText, quote, truncate } from "./limits.ts";

describe("escapeSlackText", () => {
  it("turns every mention, broadcast and disguised link into text that notifies and links no one", () => {
    const attack =
      "Help! <!channel> <!here> <!everyone> <!subteam^S0AGENTS> <@U0EVIL> <https://evil.example/login|https://acme.slack.com/reset>";
    const escaped = escapeSlackText(attack);
    expect(escaped).toBe(
      "Help! &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;!subteam^S0AGENTS&gt; &lt;@U0EVIL&gt; " +
        "&lt;https://evil.example/login|https://acme.slack.com/reset&gt;",
    );
    expect(escaped).not.toMatch(/[<>]/);
  });

  it("escapes &, < and > as Slack's rules say, and nothing else", () => {
    expect(escapeSlackText("Tom & Jerry <3 a>b *bold* _it_ :tada: \"q\" 'a'")).toBe(
      "Tom &amp; Jerry &lt;3 a&gt;b *bold* _it_ :tada: \"q\" 'a'",
    );
    expect(escapeSlackText("")).toBe("");
  });

  it("keeps the entities Slack's own message text arrives with, so text escaped once is never shown escaped", () => {
    // What a person typed as "a < b & c > d" reaches the app from Slack as this.
    expect(escapeSlackText("a &lt; b &amp; c &gt; d")).toBe("a &lt; b &amp; c &gt; d");
    const once = escapeSlackText("<!channel> & <@U1>");
    expect(escapeSlackText(once)).toBe(once);
    // Other entities are not Slack's: their & is escaped.
    expect(escapeSlackText("&quot; &#60; &lt")).toBe("&amp;quot; &amp;#60; &amp;lt");
  });
});

describe("truncate", () => {
  it("never leaves half an entity at the cut", () => {
    const escaped = escapeSlackText("abc <de");
    for (let max = 4; max <= escaped.length; max++) {
      const cut = truncate(escaped, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/&[a-z]{0,3}…$/);
    }
    expect(truncate("abc &lt;de", 8)).toBe("abc…");
    expect(truncate("abc &lt;de", 9)).toBe("abc &lt;…");
    expect(truncate("short", 10)).toBe("short");
  });

  it("keeps a quote of escaped text escaped", () => {
    expect(quote(escapeSlackText("<!here>\nline two"))).toBe("> &lt;!here&gt;\n> line two");
  });
});
