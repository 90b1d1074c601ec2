// What a valid batch changes given what is stored: skipped re-sends, counts, account figures, features
// seen (pure, no database).
import { describe, expect, it } from "vitest";
import { accountChanges, canonicalJson, npsChanges, usageChanges, usageKey, type AccountState } from "./batch-changes.ts";

const NOW = new Date("2026-11-20T10:00:00Z");
const BEFORE = new Date("2026-01-01T00:00:00Z");
const stored: AccountState & { createdAt: Date } = {
  name: "Acme",
  domain: null,
  tier: "smb",
  arr: 1000,
  seats: 10,
  renewalDate: null,
  customerSince: null,
  csmSlackUserId: null,
  alertChannel: null,
  attributes: '{"a":1,"b":2}',
  createdAt: BEFORE,
};

describe("account changes", () => {
  it("skips a re-sent account, keeps left-out fields, and records a figure when seats or ARR change", () => {
    const same = accountChanges([{ externalId: "acme", name: "Acme", attributes: { b: 2, a: 1 } }], new Map([["acme", stored]]), NOW);
    expect(same).toMatchObject({ created: 0, updated: 0, unchanged: 1, writes: [], figures: [] });

    const renamed = accountChanges([{ externalId: "acme", name: "Acme Corp", tier: null }], new Map([["acme", stored]]), NOW);
    const { createdAt, ...state } = stored;
    expect(renamed.writes).toEqual([{ externalId: "acme", state: { ...state, name: "Acme Corp", tier: null }, createdAt, updatedAt: NOW }]);
    expect(renamed).toMatchObject({ updated: 1, figures: [] });

    const grown = accountChanges(
      [
        { externalId: "acme", name: "Acme", seats: 12 },
        { externalId: "new", name: "New" },
      ],
      new Map([["acme", stored]]),
      NOW,
    );
    expect(grown).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    expect(grown.figures).toEqual([
      { accountExternalId: "acme", recordedAt: NOW, seats: 12, arr: 1000 },
      { accountExternalId: "new", recordedAt: NOW, seats: null, arr: null },
    ]);
  });

  it("writes JSON with sorted keys", () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});

describe("usage changes", () => {
  it("counts key events, keeps each feature's first and last day, and skips an unchanged day", () => {
    const rows = [
      {
        accountExternalId: "acme",
        date: "2026-11-02",
        activeUsers: 5,
        featuresUsed: ["reports", "api", "reports"],
        events: { uploads: 3, views: 9 },
      },
      { accountExternalId: "acme", date: "2026-11-01", activeUsers: 4, featuresUsed: ["reports"] },
    ];
    const storedDay = { activeUsers: 4, featuresUsed: '["reports"]', events: "{}", keyEvents: 0 };
    const c = usageChanges(rows, new Map([[usageKey("acme", "2026-11-01"), storedDay]]), { keyEvents: ["uploads"] }, NOW);
    expect(c).toMatchObject({ created: 1, updated: 0, unchanged: 1 });
    expect(c.writes).toEqual([
      {
        accountExternalId: "acme",
        date: "2026-11-02",
        activeUsers: 5,
        featuresUsed: '["api","reports"]',
        events: '{"uploads":3,"views":9}',
        keyEvents: 3,
        receivedAt: NOW,
      },
    ]);
    expect(c.features).toEqual([
      { accountExternalId: "acme", feature: "api", firstSeen: "2026-11-02", lastSeen: "2026-11-02" },
      { accountExternalId: "acme", feature: "reports", firstSeen: "2026-11-01", lastSeen: "2026-11-02" },
    ]);
  });
});

describe("NPS changes", () => {
  it("updates a re-sent answer only when its score or comment changed; an empty comment is none", () => {
    const at = new Date("2026-11-01T09:00:00Z");
    const storedAnswers = new Map([[`acme\u0000\u0000${at.getTime()}`, { score: 9, comment: null }]]);
    expect(npsChanges([{ accountExternalId: "acme", score: 9, comment: "", respondedAt: at }], storedAnswers, NOW)).toMatchObject({
      unchanged: 1,
      writes: [],
    });
    const changed = npsChanges(
      [{ accountExternalId: "acme", score: 3, respondedAt: at, respondentEmail: "ana@acme.com" }],
      storedAnswers,
      NOW,
    );
    expect(changed).toMatchObject({ created: 1, updated: 0 });
    expect(changed.writes[0]).toEqual({
      accountExternalId: "acme",
      respondentEmail: "ana@acme.com",
      respondedAt: at,
      score: 3,
      comment: null,
      receivedAt: NOW,
    });
  });
});
