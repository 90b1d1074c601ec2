// The App Home per role, empty and full: what comes first, what each reader gets and what is left out.
import { describe, expect, it } from "vitest";
import type { KnownBlock } from "@slack/types";
import { appHome, type CsmHome, type ProductHomeView, type SupportHome } from "./app-home.ts";
import { breachedFirst, type QueuedTicket } from "../../support/rules/queue.ts";
import type { Ticket } from "../../support/rules/ticket.ts";
import type { RankedTheme } from "../../feedback/rules/digest.ts";
import type { FeedbackListItem } from "../../feedback/rules/listing.ts";

const now = new Date("2026-11-23T10:00:00Z");
const ticket = (id: number, o: Partial<Ticket> = {}) =>
  ({
    id,
    channelId: "CSUPPORT",
    text: `Question ${id}`,
    priority: "normal",
    status: "open",
    assigneeId: null,
    permalink: `https://example.slack.com/archives/CSUPPORT/p${id}`,
    createdAt: new Date(now.getTime() - id * 60_000),
    ...o,
  }) as Ticket;
const running = (leftSeconds: number) => ({ kind: "first_response" as const, state: "running" as const, dueAt: now, leftSeconds });
const breached = (leftSeconds: number) => ({ ...running(leftSeconds), state: "breached" as const });
const q = (t: Ticket, sla: QueuedTicket["sla"]): QueuedTicket => ({ ticket: t, sla });
const figures: KnownBlock[] = [{ type: "section", fields: [{ type: "mrkdwn", text: "*Tickets*\n4" }] }];

const emptySupport: SupportHome = { mine: [], mineTotal: 0, team: { counts: [], unassigned: 0, oldestUnassigned: [] }, figures };
function fullSupport(): SupportHome {
  const mine = Array.from({ length: 15 }, (_, i) =>
    q(ticket(100 + i, { assigneeId: "UAGENT1" }), i === 0 ? breached(-600) : running(600 * i)),
  );
  // Read oldest first; the breached one is not the oldest, yet it is listed first.
  const unassigned = [q(ticket(1), running(3000)), q(ticket(2), running(2000)), q(ticket(3), breached(-120)), q(ticket(4), null)];
  for (let i = 5; i < 12; i++) unassigned.push(q(ticket(i), running(100 * i)));
  return {
    mine,
    mineTotal: 40,
    team: { counts: [{ status: "open", priority: "normal", count: 60 }], unassigned: 20, oldestUnassigned: breachedFirst(unassigned, 5) },
    figures,
    cardLinks: new Map([...mine, ...unassigned].map((x) => [x.ticket.id, `https://example.slack.com/archives/CTRIAGE/p${x.ticket.id}`])),
  };
}
const emptyProduct: ProductHomeView = {
  untagged: { total: 0, newest: [], days: 30 },
  themes: [],
  themesWithFeedback: 0,
  productChannel: "CPRODUCT",
};
function fullProduct(): ProductHomeView {
  const item = (id: number): FeedbackListItem => ({
    id,
    createdAt: now,
    text: `Please add <export> ${id}`,
    permalink: `https://example.slack.com/archives/CPRODUCT/p${id}`,
    kind: null,
    importance: null,
    internal: false,
    origin: "reaction",
    channelId: "CSUPPORT",
    authorId: "UC1",
    authorName: null,
    account: { externalId: "globex", name: "Globex", arr: 120000, band: "green" },
    themes: [],
  });
  const zero = { items: 0, accounts: 0, arr: 0, atRiskArr: 0, atRiskAccounts: 0 };
  const theme = (rank: number): RankedTheme => ({
    rank,
    themeId: 10 + rank,
    name: `Theme ${rank}`,
    status: "active",
    createdAt: now,
    isNew: false,
    totalItems: 9,
    items: 6 - rank,
    accounts: rank === 5 ? 0 : 2,
    arr: rank === 5 ? 0 : 50000,
    atRiskArr: 0,
    atRiskAccounts: 0,
    previous: zero,
  });
  return {
    untagged: { total: 12, newest: [1, 2, 3, 4, 5].map(item), days: 30 },
    themes: [1, 2, 3, 4, 5].map(theme),
    themesWithFeedback: 9,
    productChannel: "CPRODUCT",
  };
}
const csm: CsmHome = {
  accounts: [{ externalId: "a", name: "Acme", arr: 1000, renewalDate: null, score: 40, band: "red", computedAt: now }],
  totalAccounts: 1,
  alerts: [],
};

type Block = {
  type: string;
  text?: { text: string };
  block_id?: string;
  elements?: Record<string, unknown>[];
  accessory?: Record<string, unknown>;
};
const blocksOf = (o: Parameters<typeof appHome>[0]) => appHome(o).blocks as Block[];
const textOf = (blocks: Block[]) => blocks.map((b) => b.text?.text ?? "").join("\n");
const rows = (blocks: Block[]) => blocks.filter((b) => b.type === "actions" && b.block_id?.startsWith("home_ticket:"));
const actionIds = (b: Block) => (b.elements ?? []).map((e) => e.action_id);

describe("App Home, agent", () => {
  it("empty: says there is nothing, with no buttons and no product part", () => {
    const blocks = blocksOf({ userId: "U1", now, support: emptySupport, product: null });
    const text = textOf(blocks);
    expect(text).toContain("Nothing assigned to you");
    expect(text).toContain("_No open tickets._");
    expect(rows(blocks)).toHaveLength(0);
    expect(text).not.toContain("Untagged feedback");
    expect(blocks.length).toBe(9);
  });

  it("full: counts every list; unassigned past their SLA first; rows carry Assign to me only when unassigned, Open card as a link, Reply", () => {
    const blocks = blocksOf({ userId: "U1", now, support: fullSupport(), product: null });
    const text = textOf(blocks);
    expect(blocks[0].text?.text).toBe("My open tickets (40)");
    expect(text).toContain("…and 25 more assigned to you");
    expect(text).toContain("Team queue (60 open)");
    expect(text).toContain("*Unassigned, to take first* (5 of 20; :rotating_light: 1 past their SLA on top)");
    expect(text).toContain("…and 15 more unassigned.");
    const r = rows(blocks);
    expect(r).toHaveLength(20);
    // Mine: the breached one first (as the queue orders them); no Assign to me.
    expect(r[0].block_id).toBe("home_ticket:100");
    expect(actionIds(r[0])).toEqual(["home_open_card", "home_reply"]);
    expect(r[0].elements![0]).toMatchObject({ url: "https://example.slack.com/archives/CTRIAGE/p100" });
    // Unassigned: the breached #3 before the older #1 and #2.
    const unassigned = r.slice(15).map((b) => b.block_id);
    expect(unassigned).toEqual(["home_ticket:3", "home_ticket:1", "home_ticket:2", "home_ticket:4", "home_ticket:5"]);
    expect(actionIds(r[15])).toEqual(["home_assign_me", "home_open_card", "home_reply"]);
    const unassignedText = text.slice(text.indexOf("Unassigned, to take first"));
    expect(unassignedText.indexOf("*#3*")).toBeLessThan(unassignedText.indexOf("*#1*"));
    expect(unassignedText).toContain("SLA missed");
    expect(blocks.length).toBe(51);
  });

  it("a ticket whose card is not in Slack yet has no Open card", () => {
    const support = { ...fullSupport(), cardLinks: new Map<number, string>() };
    const r = rows(blocksOf({ userId: "U1", now, support, product: null }));
    expect(r.every((b) => !actionIds(b).includes("home_open_card"))).toBe(true);
  });
});

describe("App Home, product team member", () => {
  it("empty: untagged and themes say there is nothing; no support queue at all", () => {
    const blocks = blocksOf({ userId: "U1", now, support: null, product: emptyProduct });
    const text = textOf(blocks);
    expect(text).toContain("Everything from the last 30 days is in a theme");
    expect(text).toContain("No feedback in a theme this week");
    expect(text).not.toMatch(/My open tickets|Team queue|This week\b/);
    expect(blocks.length).toBe(7);
  });

  it("full: untagged first (counted, escaped, linked), then the top themes with Mark shipped behind a confirmation", () => {
    const blocks = blocksOf({ userId: "U1", now, support: null, product: fullProduct() });
    const text = textOf(blocks);
    expect(blocks[1].text?.text).toBe("Untagged feedback (12)");
    expect(text).toContain("Please add &lt;export&gt; 1");
    expect(text).not.toContain("<export>");
    expect(text).toContain("…and 7 more.");
    expect(text).toContain("Top themes this week (5 of 9)");
    expect(text.indexOf("Untagged feedback")).toBeLessThan(text.indexOf("Top themes"));
    const ship = blocks.filter((b) => b.accessory?.action_id === "theme_ship");
    expect(ship).toHaveLength(5);
    expect(ship[0].accessory).toMatchObject({ value: "11", confirm: { confirm: { text: "Continue" }, deny: { text: "Cancel" } } });
    // No comparison against nothing.
    expect(text).not.toMatch(/\$0|from 0 accounts/);
    expect(text).toContain("no account named");
    expect(text).not.toMatch(/My open tickets|Team queue|Assign to me/);
    expect(rows(blocks)).toHaveLength(0);
    expect(blocks.length).toBe(11);
  });
});

describe("App Home, every role at once", () => {
  it("stays within a view's 100 blocks: my tickets give way first, and say how many more there are", () => {
    const blocks = blocksOf({ userId: "U1", now, support: fullSupport(), csm, product: fullProduct() });
    expect(blocks.length).toBeLessThanOrEqual(100);
    const text = textOf(blocks);
    // CSM first, then support, then product, then when it was updated.
    expect(text.indexOf("My accounts by health")).toBeLessThan(text.indexOf("My open tickets"));
    expect(text.indexOf("This week")).toBeLessThan(text.indexOf("Untagged feedback"));
    expect(blocks[blocks.length - 1].type).toBe("context");
  });
});
