// The API's CSV exports never hand a spreadsheet a formula: text from customers, Slack or API batches that
// starts with =, +, -, @ (or a tab or carriage return) is written with a leading '.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, CUSTOMER, startDesk, type Desk } from "./support/harness.ts";

const TOKEN = "ingest-token-0123456789";
const PRODUCT = "CPRODUCT";
const ACME_CHANNEL = "CACME";

let desk: Desk;
afterEach(async () => desk?.stop());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${desk.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });

describe("CSV exports", () => {
  it("GET /api/v1/feedback?format=csv writes formula-like feedback text and account names with a leading quote", async () => {
    desk = await startDesk({
      env: { PRODUCT_CHANNEL: PRODUCT, INGEST_API_TOKEN: TOKEN, SLA_SWEEP_CRON: "off", HEALTH_CHECK_CRON: "off", VOC_DIGEST_CRON: "off" },
    });
    const accountName = "@SUM(1+1)*cmd|' /C calc'!A0";
    const stored = await api("/api/v1/accounts", {
      method: "POST",
      body: JSON.stringify({ accounts: [{ externalId: "acme", name: accountName, arr: 120000 }] }),
    });
    expect(stored.status).toBe(200);
    await desk.app.db.client.supportChannel.create({
      data: { channelId: ACME_CHANNEL, accountExternalId: "acme", linkedById: AGENT, linkedAt: new Date() },
    });
    const said = '=HYPERLINK("https://evil.example/login","Reset your password")';
    const msg = desk.slack.seed(ACME_CHANNEL, { user: CUSTOMER, text: said });
    await desk.event({
      type: "reaction_added",
      user: AGENT,
      reaction: "bulb",
      item: { type: "message", channel: ACME_CHANNEL, ts: msg.ts },
      item_user: CUSTOMER,
      event_ts: `${Date.now() / 1000}`,
    });
    await desk.settle();
    expect(await desk.app.db.client.feedbackItem.count()).toBe(1);

    const csv = await api("/api/v1/feedback?format=csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const [header, line, ...rest] = (await csv.text()).trim().split("\r\n");
    expect(rest).toEqual([]);
    expect(header.split(",")).toContain("text");
    expect(line).toContain(`,"'=HYPERLINK(""https://evil.example/login"",""Reset your password"")",`);
    expect(line).toContain(`,acme,'${accountName},120000,`);
    // No cell of the export starts a formula.
    expect(line).not.toMatch(/(^|,)"?[=+\-@\t\r]/);
    // JSON is the data as stored.
    const json = (await (await api("/api/v1/feedback")).json()) as { items: { text: string; account: { name: string } }[] };
    expect(json.items[0]).toMatchObject({ text: said, account: { name: accountName } });
  });
});
