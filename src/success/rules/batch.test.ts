// Checking a batch before anything is stored: every problem of every row, duplicates in the batch and
// unknown accounts, in row order (pure, no database).
import { describe, expect, it } from "vitest";
import { MAX_ATTRIBUTE_DEPTH, nestsWithin, parseInstant, referencedAccounts, validateBatch, validateChunk } from "./batch.ts";

const NOW = new Date("2026-11-20T10:00:00Z");

describe("batch validation", () => {
  it("accepts valid accounts, trimming text and reading blanks in optional fields as absent", () => {
    const v = validateBatch("accounts", [{ externalId: " acme ", name: "Acme", tier: "", domain: "ACME.com", seats: 50 }], NOW, new Set());
    expect(v.problems).toEqual([]);
    expect(v.rows).toEqual([{ externalId: "acme", name: "Acme", domain: "acme.com", seats: 50 }]);
  });

  it("names each problem of a row with its field, and unknown fields with the known ones", () => {
    const v = validateBatch(
      "accounts",
      [{ externalId: "a", name: "", seats: 2.5, csmSlackUserId: "ana", colour: "red" }, "x"],
      NOW,
      new Set(),
    );
    expect(v.rows).toEqual([]);
    expect(v.problems).toEqual([
      { index: 0, field: "name", reason: "must not be empty: give the account's name" },
      { index: 0, field: "seats", reason: "must be a whole number, not 2.5" },
      { index: 0, field: "csmSlackUserId", reason: expect.stringContaining("must be a Slack user ID such as U0123ABCD") },
      {
        index: 0,
        field: "colour",
        reason: expect.stringMatching(/^is not a field of an account: check the spelling \(the fields are externalId, name,/),
      },
      { index: 1, field: "row", reason: 'must be an object such as {"externalId": "acme", "name": "Acme"}, not "x"' },
    ]);
  });

  it("refuses attributes nested deeper than 10 levels, naming the field, however deep they go", () => {
    const nested = (depth: number): Record<string, unknown> => {
      let v: Record<string, unknown> = { leaf: "x" };
      for (let i = 1; i < depth; i++) v = { a: v };
      return v;
    };
    expect(MAX_ATTRIBUTE_DEPTH).toBe(10);
    const ok = validateBatch("accounts", [{ externalId: "a", name: "A", attributes: nested(10) }], NOW, new Set());
    expect(ok.problems).toEqual([]);
    for (const depth of [11, 5000, 200_000]) {
      const v = validateBatch("accounts", [{ externalId: "a", name: "A", attributes: nested(depth) }], NOW, new Set());
      expect(v.problems).toEqual([
        { index: 0, field: "attributes", reason: "must nest at most 10 levels of objects and lists: flatten the attributes" },
      ]);
    }
    expect(nestsWithin({ list: [[1, [2]]] }, 3)).toBe(false);
    expect(nestsWithin({ list: [[1, 2]] }, 3)).toBe(true);
    expect(nestsWithin("text", 0)).toBe(true);
  });

  it("finds duplicates in the batch and accounts that do not exist, in row order", () => {
    const rows = [
      { accountExternalId: "acme", date: "2026-11-01", activeUsers: 3 },
      { accountExternalId: "nobody", date: "2026-11-01", activeUsers: "x" },
      { accountExternalId: "acme", date: "2026-11-01", activeUsers: 4 },
      { accountExternalId: "acme", date: "2026-11-22", activeUsers: 4 },
    ];
    expect(referencedAccounts("usage", rows)).toEqual(["acme", "nobody"]);
    const v = validateBatch("usage", rows, NOW, new Set(["acme"]));
    expect(v.problems.map((p) => [p.index, p.field])).toEqual([
      [1, "activeUsers"],
      [1, "accountExternalId"],
      [2, "date"],
      [3, "date"],
    ]);
    expect(v.problems[2].reason).toBe('repeats usage of "acme" on 2026-11-01, already at index 0 of this batch: send each once');
    expect(v.problems[3].reason).toContain("is in the future");
  });

  it("reads NPS answer times with offsets, and keys answers by account, respondent and time", () => {
    expect(parseInstant("2026-01-31T10:00:00+01:00")).toEqual(new Date("2026-01-31T09:00:00Z"));
    expect(parseInstant("2026-01-31")).toEqual(new Date("2026-01-31T00:00:00Z"));
    expect(parseInstant("2026-02-30T10:00")).toBeNull();
    const answer = { accountExternalId: "acme", score: 9, respondedAt: "2026-11-01T09:00:00Z" };
    const v = validateBatch("nps", [answer, { ...answer, respondedAt: "2026-11-01T10:00:00+01:00" }], NOW, new Set(["acme"]));
    expect(v.problems).toEqual([
      {
        index: 1,
        field: "respondedAt",
        reason:
          'repeats an answer for "acme" without respondentEmail at 2026-11-01T09:00:00.000Z, already at index 0 of this batch: send each once',
      },
    ]);
  });
});

describe("text a database cannot store", () => {
  it("is cleaned out of names, comments, features, event names and attributes", () => {
    const accounts = validateBatch(
      "accounts",
      [
        {
          externalId: "acme",
          name: "Ac\u0000me \ud800Corp",
          tier: "gold\u0000",
          attributes: { "re\u0000gion": ["EM\u0000EA", { deep: "\udc00x" }] },
        },
      ],
      NOW,
      new Set(),
    );
    expect(accounts.problems).toEqual([]);
    expect(accounts.rows).toEqual([
      { externalId: "acme", name: "Acme \uFFFDCorp", tier: "gold", attributes: { region: ["EMEA", { deep: "\uFFFDx" }] } },
    ]);
    const usage = validateBatch(
      "usage",
      [{ accountExternalId: "acme", date: "2026-11-01", activeUsers: 3, featuresUsed: ["rep\u0000orts"], events: { "up\u0000loads": 2 } }],
      NOW,
      new Set(["acme"]),
    );
    expect(usage.rows).toEqual([
      { accountExternalId: "acme", date: "2026-11-01", activeUsers: 3, featuresUsed: ["reports"], events: { uploads: 2 } },
    ]);
    const nps = validateBatch(
      "nps",
      [{ accountExternalId: "acme", score: 2, comment: "Bad\u0000 <!channel>", respondedAt: "2026-11-01T09:00:00Z" }],
      NOW,
      new Set(["acme"]),
    );
    // Cleaned, not escaped: the text is stored as it was said; Slack's builders escape it.
    expect(nps.rows[0]).toMatchObject({ comment: "Bad <!channel>" });
  });

  it("refuses IDs and emails holding it, naming the field, and looks no such account up", () => {
    const rows = [
      { accountExternalId: "ac\u0000me", score: 2, respondedAt: "2026-11-01T09:00:00Z" },
      { accountExternalId: "acme\ud800", score: 2, respondedAt: "2026-11-01T09:00:00Z" },
      { accountExternalId: "acme", score: 2, respondedAt: "2026-11-01T09:00:00Z", respondentEmail: "ana\u0000@acme.com" },
    ];
    expect(referencedAccounts("nps", rows)).toEqual(["acme"]);
    const v = validateBatch("nps", rows, NOW, new Set(["acme"]));
    expect(v.rows).toEqual([]);
    expect(v.problems).toEqual([
      { index: 0, field: "accountExternalId", reason: "must not hold U+0000 or an unpaired UTF-16 surrogate" },
      { index: 1, field: "accountExternalId", reason: "must not hold U+0000 or an unpaired UTF-16 surrogate" },
      { index: 2, field: "respondentEmail", reason: "must not hold U+0000 or an unpaired UTF-16 surrogate" },
    ]);
    const accounts = validateBatch("accounts", [{ externalId: "\u0000", name: "Nul" }], NOW, new Set());
    expect(accounts.problems.map((p) => p.field)).toEqual(["externalId"]);
  });
});

describe("a batch validated in parts", () => {
  const at = new Date("2026-06-01T00:00:00Z");
  const known = new Set(["acme"]);
  const usage = (date: string, activeUsers: unknown = 3) => ({ accountExternalId: "acme", date, activeUsers });

  it("finds a row repeating one of an earlier part, and numbers problems by the whole batch", () => {
    const seen = new Map<string, number>();
    const first = validateChunk("usage", [usage("2026-01-01"), usage("2026-01-02")], { offset: 0, seen }, at, known);
    expect(first.problems).toEqual([]);
    expect(first.rows).toHaveLength(2);
    const second = validateChunk(
      "usage",
      [usage("2026-01-03"), usage("2026-01-02"), usage("2026-01-03"), usage("2026-01-04", "x")],
      { offset: 2, seen, earlier: [{ index: 0, field: "events", reason: "unreadable" }] },
      at,
      known,
    );
    expect(second.rows).toEqual([]);
    expect(second.problems).toEqual([
      { index: 2, field: "events", reason: "unreadable" },
      { index: 3, field: "date", reason: expect.stringContaining("already at index 1 of this batch") },
      { index: 4, field: "date", reason: expect.stringContaining("already at index 2 of this batch") },
      { index: 5, field: "activeUsers", reason: expect.any(String) },
    ]);
  });

  it("gives the same problems as the whole batch for one part", () => {
    const items = [usage("2026-01-01"), { ...usage("2026-01-01"), accountExternalId: "nobody" }, usage("2026-01-01")];
    const whole = validateBatch("usage", items, at, known);
    expect(validateChunk("usage", items, { offset: 0, seen: new Map() }, at, known)).toEqual(whole);
  });
});
