// Closing the loop when a theme ships: the note customers read, whose threads get a reply, and which CSM
// hears about which accounts.
import { describe, expect, it } from "vitest";
import { DomainError } from "../../shared/errors.ts";
import { MAX_SHIP_NOTE, accountsThatAsked, csmNotices, repliesToSend, shipNote, type ShippedItem } from "./loop.ts";

const item = (id: number, o: Partial<ShippedItem> = {}): ShippedItem => ({
  id,
  messageTs: `17000000${id}.000100`,
  loopClosedAt: null,
  accountExternalId: null,
  accountName: null,
  ...o,
});

describe("the ship note", () => {
  it("is trimmed, and refused when empty or too long", () => {
    expect(shipNote("  Exports are live  ")).toBe("Exports are live");
    expect(() => shipNote("   ")).toThrow(DomainError);
    let error: unknown;
    try {
      shipNote("x".repeat(MAX_SHIP_NOTE + 1));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "theme.ship_note_too_long", details: { length: MAX_SHIP_NOTE + 1, max: MAX_SHIP_NOTE } });
  });

  it("is refused when it links elsewhere than Slack and the allowed domains, naming the domain and what is allowed", () => {
    expect(() => shipNote("SSO sign in again at https://evil.example/okta-login")).toThrow(
      expect.objectContaining({
        code: "theme.ship_link_not_allowed",
        details: { domains: ["evil.example"], allowed: ["slack.com"] },
      }),
    );
    expect(shipNote("Guide: https://docs.example.com/sso", ["example.com"])).toBe("Guide: https://docs.example.com/sso");
    expect(() => shipNote("https://docs.example.com.evil.example/sso", ["example.com"])).toThrow(
      expect.objectContaining({ details: { domains: ["docs.example.com.evil.example"], allowed: ["slack.com", "example.com"] } }),
    );
  });
});

describe("replies in source threads", () => {
  it("answers each readable source once, counts deleted ones, and skips items without a message or answered before", () => {
    const items = [item(1), item(2), item(3, { messageTs: null }), item(4, { loopClosedAt: new Date() }), item(5)];
    expect(repliesToSend(items, new Set([1, 3, 4, 5]))).toEqual({ reply: [1, 5], unreachable: 1 });
  });
});

describe("telling the CSMs", () => {
  it("tells each CSM once, listing their accounts alphabetically with how many items each asked", () => {
    const items = [
      item(1, { accountExternalId: "acme", accountName: "Acme (old name)" }),
      item(2, { accountExternalId: "acme", messageTs: null }),
      item(3, { accountExternalId: "globex", accountName: "Globex" }),
      item(4, { accountExternalId: "zeta", accountName: "Zeta" }),
      item(5),
    ];
    const asked = accountsThatAsked(items);
    expect([...asked.entries()]).toEqual([
      ["acme", { name: "Acme (old name)", items: 2 }],
      ["globex", { name: "Globex", items: 1 }],
      ["zeta", { name: "Zeta", items: 1 }],
    ]);
    const notices = csmNotices(asked, [
      { externalId: "zeta", name: "Zeta", csmSlackUserId: "UCSM1" },
      { externalId: "acme", name: "Acme Corp", csmSlackUserId: "UCSM1" },
      { externalId: "globex", name: "Globex", csmSlackUserId: null },
    ]);
    expect([...notices.entries()]).toEqual([
      [
        "UCSM1",
        [
          { name: "Acme Corp", items: 2 },
          { name: "Zeta", items: 1 },
        ],
      ],
    ]);
  });
});
