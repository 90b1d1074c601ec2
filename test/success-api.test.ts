// The customer-success ingestion API over HTTP on the real app: accounts, usage and NPS batches
// (upserts, idempotent re-sends, whole-batch validation that stores nothing on any problem, large
// batches), the account reads (one account with its health, the list by band with a cursor) and the
// on-demand health check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDesk, type Desk } from "./support/harness.ts";

const TOKEN = "ingest-token-0123456789";
const DAY = 86_400_000;
/** The UTC day `n` days ago, as YYYY-MM-DD. */
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

let desk: Desk;

beforeAll(async () => {
  desk = await startDesk({ env: { INGEST_API_TOKEN: TOKEN } });
});

afterAll(async () => {
  await desk?.stop();
});

const auth = { authorization: `Bearer ${TOKEN}` };

function post(path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${desk.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
}

const get = (path: string, headers: Record<string, string> = auth) => fetch(`${desk.baseUrl}${path}`, { headers });

/** Row counts of every table the ingestion writes. */
async function counts() {
  const c = desk.app.db.client;
  const [accounts, figures, usage, features, nps] = await Promise.all([
    c.account.count(),
    c.accountFigure.count(),
    c.usageDay.count(),
    c.accountFeature.count(),
    c.npsResponse.count(),
  ]);
  return { accounts, figures, usage, features, nps };
}

interface BatchError {
  error: string;
  message: string;
  problemCount: number;
  problems: { index: number; field: string; reason: string }[];
}

describe("authentication", () => {
  it("answers 401 without the bearer token or with a wrong one, storing nothing", async () => {
    const before = await counts();
    const missing = await post("/api/v1/accounts", { accounts: [{ externalId: "auth-1", name: "Auth" }] }, {});
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { message: string }).message).toContain("Authorization: Bearer");
    const wrong = await post("/api/v1/usage", { usage: [] }, { authorization: `Bearer ${"z".repeat(24)}` });
    expect(wrong.status).toBe(401);
    expect((await get("/api/v1/accounts", {})).status).toBe(401);
    expect((await get("/api/v1/accounts/auth-1", { authorization: "Bearer nope" })).status).toBe(401);
    expect((await post("/api/v1/health-checks", {}, {})).status).toBe(401);
    expect(await counts()).toEqual(before);
  });
});

describe("POST /api/v1/accounts", () => {
  it("creates accounts, then GET shows them with no health yet", async () => {
    const response = await post("/api/v1/accounts", {
      accounts: [
        {
          externalId: "acme",
          name: "Acme",
          domain: "Acme.com",
          tier: "enterprise",
          arr: 120000.5,
          seats: 50,
          renewalDate: "2027-03-31",
          csmSlackUserId: "U0123ABCD",
          alertChannel: "C0123ABCD",
          attributes: { region: "EMEA", plan: { name: "gold" } },
        },
        { externalId: "globex", name: "Globex", domain: "", tier: "" },
      ],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ kind: "accounts", received: 2, created: 2, updated: 0, unchanged: 0 });

    const acme = await get("/api/v1/accounts/acme");
    expect(acme.status).toBe(200);
    expect(await acme.json()).toMatchObject({
      externalId: "acme",
      name: "Acme",
      domain: "acme.com",
      tier: "enterprise",
      arr: 120000.5,
      seats: 50,
      renewalDate: "2027-03-31",
      csmSlackUserId: "U0123ABCD",
      alertChannel: "C0123ABCD",
      attributes: { region: "EMEA", plan: { name: "gold" } },
      health: null,
    });
    const globex = (await (await get("/api/v1/accounts/globex")).json()) as Record<string, unknown>;
    expect(globex).toMatchObject({ name: "Globex", domain: null, tier: null, seats: null });
    // One figure row per created account.
    expect(await desk.app.db.client.accountFigure.count({ where: { accountExternalId: { in: ["acme", "globex"] } } })).toBe(2);
  });

  it("is idempotent, keeps fields left out, clears fields sent as null and records seat/ARR changes", async () => {
    const batch = { accounts: [{ externalId: "init", name: "Initech", seats: 10, arr: 5000, tier: "smb" }] };
    expect((await post("/api/v1/accounts", batch)).status).toBe(200);
    const first = (await (await get("/api/v1/accounts/init")).json()) as { updatedAt: string };
    const before = await counts();

    const again = await post("/api/v1/accounts", batch);
    expect(await again.json()).toEqual({ kind: "accounts", received: 1, created: 0, updated: 0, unchanged: 1 });
    expect(await counts()).toEqual(before);
    expect(((await (await get("/api/v1/accounts/init")).json()) as { updatedAt: string }).updatedAt).toBe(first.updatedAt);

    // A name change alone: updated, but no figure row.
    const renamed = await post("/api/v1/accounts", { accounts: [{ externalId: "init", name: "Initech Ltd" }] });
    expect(await renamed.json()).toMatchObject({ updated: 1 });
    expect(await counts()).toEqual(before);
    expect(await (await get("/api/v1/accounts/init")).json()).toMatchObject({ name: "Initech Ltd", seats: 10, arr: 5000, tier: "smb" });

    // Seats change: one figure row with the new seats and the kept ARR; null clears the tier.
    await post("/api/v1/accounts", { accounts: [{ externalId: "init", name: "Initech Ltd", seats: 25, tier: null }] });
    expect(await counts()).toEqual({ ...before, figures: before.figures + 1 });
    const figures = await desk.app.db.client.accountFigure.findMany({ where: { accountExternalId: "init" }, orderBy: { id: "asc" } });
    expect(figures.map((f) => [f.seats, f.arr])).toEqual([
      [10, 5000],
      [25, 5000],
    ]);
    expect(await (await get("/api/v1/accounts/init")).json()).toMatchObject({ seats: 25, tier: null });
  });
});

describe("POST /api/v1/usage", () => {
  it("stores one row per account and day with key events and features, idempotently", async () => {
    await post("/api/v1/accounts", { accounts: [{ externalId: "umbrella", name: "Umbrella", seats: 30 }] });
    const batch = {
      usage: [
        {
          accountExternalId: "umbrella",
          date: daysAgo(3),
          activeUsers: 12,
          featuresUsed: ["reports", "exports", "reports"],
          events: { uploads: 7, exports: 2 },
        },
        { accountExternalId: "umbrella", date: daysAgo(2), activeUsers: 15, featuresUsed: ["reports"], events: {} },
        { accountExternalId: "umbrella", date: daysAgo(1), activeUsers: 9 },
      ],
    };
    const response = await post("/api/v1/usage", batch);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ kind: "usage", received: 3, created: 3, updated: 0, unchanged: 0 });

    const c = desk.app.db.client;
    const day3 = await c.usageDay.findUniqueOrThrow({
      where: { accountExternalId_date: { accountExternalId: "umbrella", date: daysAgo(3) } },
    });
    expect(JSON.parse(day3.featuresUsed)).toEqual(["exports", "reports"]);
    expect(JSON.parse(day3.events)).toEqual({ exports: 2, uploads: 7 });
    expect(day3.keyEvents).toBe(9); // the default configuration counts every event
    const features = await c.accountFeature.findMany({ where: { accountExternalId: "umbrella" }, orderBy: { feature: "asc" } });
    expect(features.map((f) => [f.feature, f.firstSeen, f.lastSeen])).toEqual([
      ["exports", daysAgo(3), daysAgo(3)],
      ["reports", daysAgo(3), daysAgo(2)],
    ]);

    const before = await counts();
    expect(await (await post("/api/v1/usage", batch)).json()).toEqual({ kind: "usage", received: 3, created: 0, updated: 0, unchanged: 3 });
    expect(await counts()).toEqual(before);

    // A re-sent day replaces it; an earlier day moves a feature's firstSeen back.
    const changed = await post("/api/v1/usage", {
      usage: [
        { accountExternalId: "umbrella", date: daysAgo(1), activeUsers: 11, featuresUsed: ["reports"] },
        { accountExternalId: "umbrella", date: daysAgo(10), activeUsers: 4, featuresUsed: ["exports"] },
      ],
    });
    expect(await changed.json()).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    const after = await c.accountFeature.findMany({ where: { accountExternalId: "umbrella" }, orderBy: { feature: "asc" } });
    expect(after.map((f) => [f.feature, f.firstSeen, f.lastSeen])).toEqual([
      ["exports", daysAgo(10), daysAgo(3)],
      ["reports", daysAgo(3), daysAgo(1)],
    ]);
  });

  it("accepts a batch of 10,000 rows", async () => {
    const accounts = Array.from({ length: 100 }, (_, i) => ({
      externalId: `bulk-${String(i).padStart(3, "0")}`,
      name: `Bulk ${i}`,
      seats: 40,
    }));
    expect((await post("/api/v1/accounts", { accounts })).status).toBe(200);
    const usage = accounts.flatMap((a, i) =>
      Array.from({ length: 100 }, (_, d) => ({
        accountExternalId: a.externalId,
        date: daysAgo(d + 1),
        activeUsers: 10 + ((i + d) % 20),
        featuresUsed: ["reports", `feature-${d % 7}`],
        events: { uploads: d % 11, exports: 1 },
      })),
    );
    const before = await counts();
    const started = performance.now();
    const response = await post("/api/v1/usage", { usage });
    const ms = Math.round(performance.now() - started);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ kind: "usage", received: 10_000, created: 10_000, updated: 0, unchanged: 0 });
    expect((await counts()).usage).toBe(before.usage + 10_000);
    console.info(`10,000 usage rows over HTTP on ${desk.app.db.provider}: ${ms} ms`);
  });
});

describe("POST /api/v1/nps", () => {
  it("stores answers once per account, respondent and time; a re-send updates score and comment", async () => {
    await post("/api/v1/accounts", { accounts: [{ externalId: "hooli", name: "Hooli" }] });
    const batch = {
      responses: [
        {
          accountExternalId: "hooli",
          score: 3,
          comment: "Too slow",
          respondedAt: "2026-01-31T10:00:00+01:00",
          respondentEmail: "Ana@Hooli.com",
        },
        { accountExternalId: "hooli", score: 9, respondedAt: "2026-01-31T09:00:00Z" },
      ],
    };
    expect(await (await post("/api/v1/nps", batch)).json()).toEqual({ kind: "nps", received: 2, created: 2, updated: 0, unchanged: 0 });
    const before = await counts();
    expect(await (await post("/api/v1/nps", batch)).json()).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await counts()).toEqual(before);

    const rescored = await post("/api/v1/nps", {
      responses: [
        { accountExternalId: "hooli", score: 5, comment: "Better", respondedAt: "2026-01-31T09:00:00Z", respondentEmail: "ana@hooli.com" },
      ],
    });
    expect(await rescored.json()).toMatchObject({ created: 0, updated: 1 });
    expect(await counts()).toEqual(before);
    const rows = await desk.app.db.client.npsResponse.findMany({ where: { accountExternalId: "hooli" }, orderBy: { score: "asc" } });
    expect(rows.map((r) => [r.score, r.comment, r.respondentEmail, r.respondedAt.toISOString()])).toEqual([
      [5, "Better", "ana@hooli.com", "2026-01-31T09:00:00.000Z"],
      [9, null, "", "2026-01-31T09:00:00.000Z"],
    ]);
  });
});

describe("a bad batch stores nothing", () => {
  beforeAll(async () => {
    await post("/api/v1/accounts", { accounts: [{ externalId: "wayne", name: "Wayne" }] });
  });

  const goodUsage = { accountExternalId: "wayne", date: daysAgo(1), activeUsers: 5 };
  const cases: { name: string; path: string; body: unknown; index: number; field: string; reason: RegExp }[] = [
    {
      name: "unknown account",
      path: "/api/v1/usage",
      body: { usage: [goodUsage, { ...goodUsage, accountExternalId: "nobody" }] },
      index: 1,
      field: "accountExternalId",
      reason: /not a known account \("nobody"\)/,
    },
    {
      name: "bad date",
      path: "/api/v1/usage",
      body: { usage: [goodUsage, { ...goodUsage, date: "2026-02-30" }] },
      index: 1,
      field: "date",
      reason: /real date as YYYY-MM-DD/,
    },
    {
      name: "wrong type",
      path: "/api/v1/usage",
      body: { usage: [goodUsage, { ...goodUsage, date: daysAgo(2), activeUsers: "many" }] },
      index: 1,
      field: "activeUsers",
      reason: /not "many"/,
    },
    {
      name: "out of range",
      path: "/api/v1/nps",
      body: { responses: [{ accountExternalId: "wayne", score: 11, respondedAt: "2026-01-31T09:00:00Z" }] },
      index: 0,
      field: "score",
      reason: /at most 10/,
    },
    {
      name: "duplicate in the batch",
      path: "/api/v1/usage",
      body: { usage: [goodUsage, { ...goodUsage, activeUsers: 6 }] },
      index: 1,
      field: "date",
      reason: /already at index 0/,
    },
    {
      name: "duplicate account",
      path: "/api/v1/accounts",
      body: {
        accounts: [
          { externalId: "new-1", name: "A" },
          { externalId: "new-1", name: "B" },
        ],
      },
      index: 1,
      field: "externalId",
      reason: /already at index 0/,
    },
    {
      name: "Slack user ID",
      path: "/api/v1/accounts",
      body: { accounts: [{ externalId: "new-2", name: "A", csmSlackUserId: "@bruce" }] },
      index: 0,
      field: "csmSlackUserId",
      reason: /Slack user ID such as U0123ABCD/,
    },
    {
      name: "Slack channel ID",
      path: "/api/v1/accounts",
      body: { accounts: [{ externalId: "new-3", name: "A", alertChannel: "#alerts" }] },
      index: 0,
      field: "alertChannel",
      reason: /Slack channel ID such as C0123ABCD/,
    },
    {
      name: "unknown field",
      path: "/api/v1/accounts",
      body: { accounts: [{ externalId: "new-4", name: "A", seat: 4 }] },
      index: 0,
      field: "seat",
      reason: /check the spelling/,
    },
    {
      name: "missing field",
      path: "/api/v1/nps",
      body: { responses: [{ accountExternalId: "wayne", score: 4 }] },
      index: 0,
      field: "respondedAt",
      reason: /is required/,
    },
    {
      name: "row not an object",
      path: "/api/v1/usage",
      body: { usage: [goodUsage, 42] },
      index: 1,
      field: "row",
      reason: /must be an object/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: 400 naming the row, field and reason`, async () => {
      const before = await counts();
      const response = await post(c.path, c.body);
      expect(response.status).toBe(400);
      const body = (await response.json()) as BatchError;
      expect(body.error).toBe("invalid_batch");
      expect(body.message).toContain("nothing was stored");
      expect(body.problems).toContainEqual({ index: c.index, field: c.field, reason: expect.stringMatching(c.reason) });
      expect(await counts()).toEqual(before);
    });
  }

  it("lists every problem of every row", async () => {
    const response = await post("/api/v1/usage", {
      usage: [
        { accountExternalId: "ghost", date: "31/01/2026", activeUsers: -2, events: { uploads: 1.5 } },
        goodUsage,
        { accountExternalId: "wayne", date: "2099-01-01", activeUsers: 1, featuresUsed: "reports" },
      ],
    });
    const body = (await response.json()) as BatchError;
    expect(body.problems.map((p) => [p.index, p.field])).toEqual([
      [0, "date"],
      [0, "activeUsers"],
      [0, "events.uploads"],
      [0, "accountExternalId"],
      [2, "date"],
      [2, "featuresUsed"],
    ]);
    expect(body.message).toMatch(/^2 of 3 usage rows have problems/);
  });

  it("lists at most 1,000 problems and says how many there were", async () => {
    const before = await counts();
    const usage = Array.from({ length: 1500 }, (_, i) => ({ accountExternalId: "wayne", date: daysAgo(i + 1), activeUsers: -1 }));
    const body = (await (await post("/api/v1/usage", { usage })).json()) as BatchError;
    expect(body.problems).toHaveLength(1000);
    expect(body.problemCount).toBe(1500);
    expect(body.message).toContain("500 more");
    expect(await counts()).toEqual(before);
  });

  it("attributes nested 5,000 deep (or JSON nested far deeper elsewhere): 400 naming the field, nothing stored", async () => {
    const before = await counts();
    const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const response = await post("/api/v1/accounts", `{"accounts": [{"externalId": "deep", "name": "Deep", "attributes": ${deep(5000)}}]}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as BatchError;
    expect(body.problems).toEqual([{ index: 0, field: "attributes", reason: expect.stringContaining("at most 10 levels") }]);
    // The body's parser does not recurse: 200,000 levels in an unknown field or in a row are a 400 too.
    const unknownField = await post(
      "/api/v1/accounts",
      `{"accounts": [{"externalId": "deep", "name": "Deep", "notes": ${deep(200_000)}}]}`,
    );
    expect(unknownField.status).toBe(400);
    const row = await post("/api/v1/usage", `{"usage": [${"[".repeat(200_000)}${"]".repeat(200_000)}]}`);
    expect(row.status).toBe(400);
    expect(await counts()).toEqual(before);
    // Ten levels are fine.
    expect(
      (await post("/api/v1/accounts", `{"accounts": [{"externalId": "deep", "name": "Deep", "attributes": ${deep(10)}}]}`)).status,
    ).toBe(200);
    const stored = (await (await get("/api/v1/accounts/deep")).json()) as { attributes: unknown };
    expect(JSON.stringify(stored.attributes)).toBe(deep(10));
  });

  it("malformed JSON: 400 malformed_json", async () => {
    const before = await counts();
    const response = await post("/api/v1/accounts", '{"accounts": [{"externalId": "x",');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "malformed_json", message: expect.stringContaining('{"accounts": [') });
    expect(await counts()).toEqual(before);
  });

  it("wrong top-level shape: 400 naming the expected key", async () => {
    const before = await counts();
    for (const [path, body, key] of [
      ["/api/v1/usage", { rows: [goodUsage] }, "usage"],
      ["/api/v1/nps", { responses: { accountExternalId: "wayne" } }, "responses"],
      ["/api/v1/accounts", [{ externalId: "x", name: "x" }], "accounts"],
      ["/api/v1/accounts", { accounts: [], extra: 1 }, "accounts"],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { error: string; message: string };
      expect(answer.error).toBe("invalid_body");
      expect(answer.message).toContain(`{"${key}": [`);
    }
    expect(await counts()).toEqual(before);
  });

  it("a body over 32 MiB: 413", async () => {
    const before = await counts();
    const huge = `{"usage": [${`${JSON.stringify(goodUsage)},`.repeat(Math.ceil((33 * 1024 * 1024) / 60))}]}`;
    const response = await post("/api/v1/usage", huge);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "body_too_large", message: expect.stringContaining("split the batch") });
    expect(await counts()).toEqual(before);
  });
});

describe("GET /api/v1/accounts", () => {
  const ids = ["list-a", "list-b", "list-c", "list-d", "list-e"];

  beforeAll(async () => {
    await post("/api/v1/accounts", { accounts: ids.map((externalId) => ({ externalId, name: externalId.toUpperCase() })) });
    const c = desk.app.db.client;
    const scores: [string, number, string][] = [
      ["list-a", 82, "green"],
      ["list-b", 35, "red"],
      ["list-c", 20, "red"],
      ["list-d", 55, "yellow"],
    ];
    const at = new Date(Date.now() - DAY);
    // Two earlier checks: a week before and the day before (the history is read through its runs).
    const run = (checkedAt: Date) =>
      c.healthCheckRun.create({ data: { trigger: "scheduled", status: "done", startedAt: checkedAt, finishedAt: checkedAt, checkedAt } });
    const weekBefore = await run(new Date(at.getTime() - 7 * DAY));
    const dayBefore = await run(at);
    for (const [id, score, band] of scores) {
      const components = JSON.stringify([
        { name: "usageTrend", score, weight: 1, evidence: "active users 10 → 8 a day in 30 days (-20%)" },
      ]);
      await c.accountHealthCurrent.create({
        data: { accountExternalId: id, runId: dayBefore.id, computedAt: at, score, band, components },
      });
      await c.accountHealth.create({
        data: { runId: weekBefore.id, accountExternalId: id, computedAt: weekBefore.checkedAt!, score: score + 10, band, components },
      });
      await c.accountHealth.create({ data: { runId: dayBefore.id, accountExternalId: id, computedAt: at, score, band, components } });
    }
  });

  it("lists the accounts of a band with their score", async () => {
    const response = await get("/api/v1/accounts?band=red");
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      accounts: { externalId: string; score: number | null; band: string }[];
      nextCursor: string | null;
    };
    expect(body.accounts.map((a) => [a.externalId, a.score, a.band])).toEqual([
      ["list-b", 35, "red"],
      ["list-c", 20, "red"],
    ]);
    expect(body.nextCursor).toBeNull();
    const unscored = (await (await get("/api/v1/accounts?band=unscored&limit=1000")).json()) as typeof body;
    expect(unscored.accounts.map((a) => a.externalId)).toContain("list-e");
    expect(unscored.accounts.every((a) => a.band === "unscored" && a.score === null)).toBe(true);
  });

  it("pages with limit and cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = "list-";
    let pages = 0;
    while (cursor !== null && pages < 10) {
      const body = (await (await get(`/api/v1/accounts?limit=2&cursor=${encodeURIComponent(cursor)}`)).json()) as {
        accounts: { externalId: string }[];
        nextCursor: string | null;
      };
      seen.push(...body.accounts.map((a) => a.externalId));
      cursor = body.nextCursor;
      pages += 1;
    }
    expect(seen.filter((id) => id.startsWith("list-"))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses a bad band or limit with 400 naming the parameter", async () => {
    const band = await get("/api/v1/accounts?band=purple");
    expect(band.status).toBe(400);
    expect(await band.json()).toMatchObject({
      error: "invalid_parameter",
      parameter: "band",
      message: expect.stringContaining("green, yellow, red, unscored"),
    });
    for (const limit of ["0", "1001", "ten"]) {
      const response = await get(`/api/v1/accounts?limit=${limit}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ parameter: "limit" });
    }
  });

  it("shows one account with its health, components and history, newest first", async () => {
    const body = (await (await get("/api/v1/accounts/list-b")).json()) as {
      health: { score: number; band: string; components: unknown[]; history: { score: number }[] };
    };
    expect(body.health).toMatchObject({
      score: 35,
      band: "red",
      components: [{ name: "usageTrend", score: 35, weight: 1, evidence: expect.stringContaining("active users") }],
    });
    expect(body.health.history.map((h) => h.score)).toEqual([35, 45]);
  });

  it("answers 404 with a clear message for an unknown account, and decodes the ID in the path", async () => {
    const response = await get("/api/v1/accounts/no-such-account");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "account_not_found",
      message: expect.stringContaining('no account has externalId "no-such-account"'),
    });
    await post("/api/v1/accounts", { accounts: [{ externalId: "emea/acme corp", name: "Acme EMEA" }] });
    const encoded = await get(`/api/v1/accounts/${encodeURIComponent("emea/acme corp")}`);
    expect(encoded.status).toBe(200);
    expect(await encoded.json()).toMatchObject({ externalId: "emea/acme corp", name: "Acme EMEA" });
  });
});

describe("POST /api/v1/health-checks", () => {
  it("runs a health check now and answers 201 with its summary", async () => {
    const response = await post("/api/v1/health-checks", "");
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      runId: expect.any(Number),
      status: expect.any(String),
      startedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      accountsScored: expect.any(Number),
      alertsRaised: expect.any(Number),
      alertsCleared: expect.any(Number),
      alertsWorsened: expect.any(Number),
    });
    const run = await desk.app.db.client.healthCheckRun.findUniqueOrThrow({ where: { id: body.runId as number } });
    expect(run.trigger).toBe("manual");
  });
});
