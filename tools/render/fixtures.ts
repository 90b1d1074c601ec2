// Fixtures for `npm run render`: every surface the app posts, in each of its states, built by the pure
// Block Kit builders of src/slack/blocks from data made up here (no database, no Slack). All the
// fixture data and the calls into the builders are in this one file, so a change to a builder's
// signature is adapted here and nowhere else.
import type { KnownBlock, View } from "@slack/types";
import type { RankedTheme } from "../../src/feedback/rules/digest.ts";
import type { FeedbackListItem } from "../../src/feedback/rules/listing.ts";
import type { Ticket } from "../../src/support/rules/ticket.ts";
import type { SlaStatus } from "../../src/support/rules/sla.ts";
import type { CardAccount } from "../../src/success/rules/account.ts";
import type { QueuedTicket } from "../../src/support/rules/queue.ts";
import type { HeadlineFigure } from "../../src/support/rules/metrics.ts";
import type { AlertView, MyAlert } from "../../src/success/rules/alert.ts";
import type { DigestEntry, RiskDigest, CheckReport } from "../../src/success/rules/risk-report.ts";
import {
  DIGEST_THEMES,
  NO_FIGURES,
  composeDigest,
  rankThemes,
  type Digest,
  type PeriodTotals,
  type Quote,
  type ThemePeriodRow,
} from "../../src/feedback/rules/digest.ts";
import { ticketCard } from "../../src/slack/blocks/ticket-card.ts";
import { appHome, outsiderHome, type CsmHome, type ProductHomeView, type SupportHome } from "../../src/slack/blocks/app-home.ts";
import { vocDigestMessages } from "../../src/slack/blocks/voc-digest.ts";
import { themeItemsModal } from "../../src/slack/blocks/theme-items-modal.ts";
import { checkSummaryMessage, riskDigestMessage, riskDigestThread } from "../../src/slack/blocks/risk-digest.ts";
import { healthAlertMessage } from "../../src/slack/blocks/health-alert.ts";
import {
  statsBlocks,
  statsDetailsModal,
  supportStatsMessage,
  weeklySummaryMessage,
  type SupportStatsInput,
} from "../../src/slack/blocks/support-stats.ts";
import { csatCommentModal, csatSurvey, csatThanks } from "../../src/slack/blocks/csat.ts";
import { acknowledgement, commandTicketPost, customerReply, resolvedNote } from "../../src/slack/blocks/ticket-messages.ts";
import { shippedReply } from "../../src/slack/blocks/feedback-loop.ts";

/** One payload as Slack gets it: a message (top-level or in a thread) or a view (App Home, modal). */
export type Payload =
  | { kind: "message"; where: "channel" | "thread" | "ephemeral"; text: string; blocks?: readonly unknown[] }
  | { kind: "view"; view: View | Record<string, unknown> };

/** A surface in one state: what the app sends for it, in order (a digest's first message, then its thread). */
export type Render = () => Payload[];

const NOW = new Date("2026-11-30T15:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const daysAgo = (d: number) => hoursAgo(24 * d);

const message = (m: { text: string; blocks?: readonly unknown[] }, where: "channel" | "thread" | "ephemeral" = "channel"): Payload => ({
  kind: "message",
  where,
  text: m.text,
  ...(m.blocks ? { blocks: m.blocks } : {}),
});
const view = (v: View | Record<string, unknown>): Payload => ({ kind: "view", view: v });

// --- Support ---------------------------------------------------------------------------------------

export function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: 1042,
    channelId: "C0ACMESUP",
    sourceTs: "1764510000.000100",
    threadTs: "1764510000.000100",
    requesterId: "U0CUST01",
    requesterTeamId: "T0ACME",
    requesterName: "Dana Whitfield",
    requesterCompany: "Acme Corp",
    text: "Our invoice export fails since Monday: the CSV download stops at 50%, and finance closes the month on Friday. <!channel> can someone look?",
    sourceState: null,
    permalink: "https://acme.slack.com/archives/C0ACMESUP/p1764510000000100",
    priority: "high",
    status: "open",
    assigneeId: null,
    origin: "message",
    createdById: null,
    createdAt: hoursAgo(3),
    firstResponseAt: null,
    firstResponderId: null,
    resolvedAt: null,
    resolvedById: null,
    reopenedAt: null,
    reopenCount: 0,
    lastCustomerMessageAt: hoursAgo(3),
    accountExternalId: "acme",
    tier: "enterprise",
    previousTicketId: null,
    agentResponseCount: 0,
    firstResponseSeconds: null,
    firstResponseBusinessSeconds: null,
    resolutionSeconds: null,
    resolutionBusinessSeconds: null,
    updatedAt: hoursAgo(1),
    ...over,
  };
}

const account: CardAccount = {
  externalId: "acme",
  name: "Acme Corp",
  arr: 240_000,
  band: "yellow",
  score: 58,
  computedAt: hoursAgo(9),
  csmSlackUserId: "U0CSM01",
};

const running: SlaStatus = { kind: "first_response", state: "running", dueAt: hoursAgo(-1), leftSeconds: 3540 };
const breached: SlaStatus = { kind: "first_response", state: "breached", dueAt: hoursAgo(1), leftSeconds: -3600 };
const resolutionRunning: SlaStatus = { kind: "resolution", state: "running", dueAt: hoursAgo(-20), leftSeconds: 6 * 3600 };

const assigned = { assigneeId: "U0AGENT1", firstResponseAt: hoursAgo(2), firstResponderId: "U0AGENT1", agentResponseCount: 1 };

const figures = (tickets: number): HeadlineFigure[] =>
  [
    { key: "tickets", kind: "count", current: tickets, previous: 40, change: tickets ? { unit: "percent", value: 20 } : null },
    {
      key: "firstResponseMedianBusiness",
      kind: "duration",
      current: tickets ? 1260 : null,
      previous: 1500,
      change: tickets ? { unit: "percent", value: -16 } : null,
    },
    { key: "firstResponseP90Business", kind: "duration", current: tickets ? 7200 : null, previous: 8000, change: null },
    { key: "firstResponseMedian", kind: "duration", current: tickets ? 2400 : null, previous: 2600, change: null },
    { key: "firstResponseP90", kind: "duration", current: tickets ? 50_000 : null, previous: 52_000, change: null },
    {
      key: "resolutionMedianBusiness",
      kind: "duration",
      current: tickets ? 14_400 : null,
      previous: 15_000,
      change: tickets ? { unit: "percent", value: -4 } : null,
    },
    { key: "resolutionMedian", kind: "duration", current: tickets ? 86_400 : null, previous: 90_000, change: null },
    {
      key: "reopenRate",
      kind: "share",
      current: tickets ? 0.06 : null,
      previous: 0.08,
      change: tickets ? { unit: "points", value: -2 } : null,
    },
    {
      key: "firstContactResolution",
      kind: "share",
      current: tickets ? 0.41 : null,
      previous: 0.4,
      change: tickets ? { unit: "points", value: 1 } : null,
    },
    {
      key: "csatSatisfied",
      kind: "share",
      current: tickets ? 0.88 : null,
      previous: 0.85,
      change: tickets ? { unit: "points", value: 3 } : null,
    },
    { key: "csatResponseRate", kind: "share", current: tickets ? 0.34 : null, previous: 0.3, change: null },
    {
      key: "slaFirstResponse",
      kind: "share",
      current: tickets ? 0.93 : null,
      previous: 0.9,
      change: tickets ? { unit: "points", value: 3 } : null,
      breachedNow: tickets ? 2 : 0,
    },
    {
      key: "slaResolution",
      kind: "share",
      current: tickets ? 0.87 : null,
      previous: 0.88,
      change: tickets ? { unit: "points", value: -1 } : null,
      breachedNow: tickets ? 1 : 0,
    },
  ] as HeadlineFigure[];

const week = (tickets = 48): SupportStatsInput => ({ days: 7, from: daysAgo(7), to: NOW, figures: figures(tickets) });

function queued(n: number, over: (i: number) => Partial<Ticket> = () => ({})): QueuedTicket[] {
  return Array.from({ length: n }, (_, i) => ({
    ticket: ticket({
      id: 2000 + i,
      text: `Request ${i + 1}: the dashboard shows last week's numbers for our team`,
      createdAt: hoursAgo(2 + i),
      ...over(i),
    }),
    sla: i % 7 === 0 ? breached : running,
  }));
}

function supportHome(full: boolean): SupportHome {
  if (!full)
    return {
      mine: [],
      mineTotal: 0,
      team: { counts: [], unassigned: 0, oldestUnassigned: [] },
      figures: statsBlocks(week(0)) as unknown as KnownBlock[],
    };
  return {
    mine: queued(15, () => ({ assigneeId: "U0AGENT1" })),
    mineTotal: 22,
    team: {
      counts: [
        { status: "open", priority: "urgent", count: 4 },
        { status: "open", priority: "high", count: 18 },
        { status: "open", priority: "normal", count: 61 },
        { status: "pending", priority: "normal", count: 27 },
      ],
      unassigned: 95,
      oldestUnassigned: queued(5),
    },
    figures: statsBlocks(week()) as unknown as KnownBlock[],
  };
}

// --- Customer success ------------------------------------------------------------------------------

function alert(over: Partial<AlertView> = {}): AlertView {
  return {
    id: 77,
    status: "open",
    delivery: "realtime",
    raisedAt: hoursAgo(5),
    clearedAt: null,
    channelId: "C0CSALERT",
    ownerId: "U0CSM01",
    acknowledgedAt: null,
    acknowledgedById: null,
    snoozedUntil: null,
    escalatedAt: null,
    detail: {
      score: 34,
      band: "red",
      previousScore: 52,
      rules: [
        { rule: "entered_red", reason: "health score 34 is red (below 40)", severity: 34 },
        { rule: "renewal_risk", reason: "renews in 41 days with a red score", severity: 41 },
        { rule: "ticket_spike", reason: "9 tickets in 7 days, 3× its usual", severity: 3 },
      ],
      reasons: [
        { source: "Product usage", text: "weekly active users down 38% in 30 days" },
        { source: "NPS", text: "last answer 4 (detractor) from the VP Finance" },
      ],
      missing: ["seat utilisation"],
      tickets: [
        {
          id: 1042,
          priority: "high",
          status: "open",
          permalink: "https://acme.slack.com/archives/C0ACMESUP/p1764510000000100",
          createdAt: hoursAgo(3).toISOString(),
        },
        { id: 1031, priority: "normal", status: "resolved", permalink: null, createdAt: daysAgo(4).toISOString() },
      ],
      computedAt: hoursAgo(5).toISOString(),
    },
    account: { externalId: "acme", name: "Acme Corp", arr: 240_000, renewalDate: "2027-01-10", csmSlackUserId: "U0CSM01" },
    ...over,
  };
}

const myAlert = (over: Partial<AlertView> = {}): MyAlert => ({ ...alert(over), openTickets: 3, breachedTickets: 1 });

function csmHome(full: boolean): CsmHome {
  if (!full) return { accounts: [], totalAccounts: 0, alerts: [] };
  const bands = ["red", "yellow", "yellow", "green", "green", "green"];
  return {
    accounts: Array.from({ length: 25 }, (_, i) => ({
      externalId: `acct-${i}`,
      name: `Account ${i + 1}`,
      arr: 20_000 + 10_000 * i,
      renewalDate: i % 3 ? "2027-03-01" : null,
      score: 30 + 2 * i,
      band: bands[Math.min(i >> 2, bands.length - 1)],
      computedAt: hoursAgo(9),
    })),
    totalAccounts: 40,
    alerts: [myAlert(), myAlert({ id: 78, delivery: "digest", account: { ...alert().account, externalId: "globex", name: "Globex" } })],
  };
}

const riskEntry = (i: number): DigestEntry => ({
  alertId: i,
  accountExternalId: `acct-${i}`,
  name: `Account ${i}`,
  arr: 5_000 * i,
  score: 20 + (i % 30),
  band: i % 3 ? "yellow" : "red",
  main: { rule: "score_drop", reason: `score fell ${10 + (i % 15)} points in 30 days` },
  moreRules: i % 4,
  acknowledged: i % 5 === 0,
});

const riskDigest = (n: number): RiskDigest => ({
  channelId: "C0CSALERT",
  at: hoursAgo(9),
  entries: Array.from({ length: n }, (_, i) => riskEntry(n - i)),
  listed: n,
  heldBack: n > 10 ? 3 : 0,
  cap: 10,
  ownMessages: 10,
  snoozed: 2,
});

const checkReport: CheckReport = {
  to: "C0CSALERT",
  runId: 311,
  trigger: "scheduled",
  status: "done",
  at: hoursAgo(9),
  accountsScored: 1200,
  accountsUnscored: 14,
  atRisk: { red: 31, yellow: 77, green: 4, unknown: 2 },
  raised: 12,
  worse: 5,
  cleared: 9,
  arrAtRisk: 3_450_000,
  posted: 10,
  heldBack: 3,
  nextCheckAt: hoursAgo(-15),
};

// --- Voice of the customer -------------------------------------------------------------------------

const THEME_NAMES = [
  "CSV export",
  "SSO with Okta",
  "Audit log",
  "Dark mode",
  "Bulk edit",
  "API rate limits",
  "Slack alerts",
  "Custom fields",
];

/** A digest of the last 7 days with `n` themes with feedback (the digest lists DIGEST_THEMES of them at most). */
export function vocDigest(n: number): Digest {
  const period = { from: daysAgo(7), to: NOW };
  const row = (i: number, previous: boolean): ThemePeriodRow => {
    const accounts = previous ? Math.max(0, 6 - (i % 7)) : Math.max(1, 40 - i);
    const arr = previous && i % 4 === 0 ? 0 : accounts * (previous ? 9_000 : 12_000) * (i % 5 === 3 ? 0 : 1);
    return {
      themeId: 100 + i,
      name: `${THEME_NAMES[i % THEME_NAMES.length]}${i >= THEME_NAMES.length ? ` ${Math.floor(i / THEME_NAMES.length) + 1}` : ""}`,
      status: i === 2 ? "archived" : "active",
      createdAt: i % 6 === 1 ? daysAgo(3) : daysAgo(90),
      totalItems: 20 + 2 * accounts,
      figures: previous
        ? { ...NO_FIGURES, items: accounts, accounts, arr }
        : { items: accounts + 2, accounts, arr, atRiskArr: i % 3 ? 0 : arr / 3, atRiskAccounts: i % 3 ? 0 : Math.ceil(accounts / 3) },
    };
  };
  const current = Array.from({ length: n }, (_, i) => row(i, false));
  const earlier = Array.from({ length: n }, (_, i) => row(i, true)).filter((r) => r.figures.items > 0);
  const ranking = rankThemes(period, current, earlier, DIGEST_THEMES);
  const quotes = new Map<number, Quote[]>(
    ranking.themes.map((t, i) => [
      t.themeId,
      [
        {
          itemId: 5000 + 2 * i,
          text: `We export every Friday for finance and the ${t.name} gap costs us an afternoon each time. <!here> please prioritise.`,
          permalink: `https://acme.slack.com/archives/C0ACMESUP/p17645${String(i).padStart(5, "0")}000100`,
          accountName: "Acme Corp",
          accountArr: 240_000,
          internal: false,
          createdAt: daysAgo(2),
        },
        {
          itemId: 5001 + 2 * i,
          text: "Relayed from a call: they would pay for the higher tier if this existed.",
          permalink: null,
          accountName: null,
          accountArr: null,
          internal: true,
          createdAt: daysAgo(1),
        },
      ],
    ]),
  );
  const sum = (rows: ThemePeriodRow[], untagged: number): PeriodTotals => ({
    items: rows.reduce((s, r) => s + r.figures.items, 0) + untagged,
    accounts: rows.reduce((s, r) => s + r.figures.accounts, 0),
    arr: rows.reduce((s, r) => s + r.figures.arr, 0),
    atRiskArr: rows.reduce((s, r) => s + r.figures.atRiskArr, 0),
    atRiskAccounts: rows.reduce((s, r) => s + r.figures.atRiskAccounts, 0),
    untagged,
  });
  const created = current
    .filter((r) => r.createdAt.getTime() >= period.from.getTime())
    .map((r) => ({ id: r.themeId, name: r.name, createdAt: r.createdAt }));
  return composeDigest({
    period,
    ranking,
    totals: sum(current, n ? 4 : 0),
    previousTotals: sum(earlier, 0),
    quotes,
    created,
    unrankedItems: new Map(
      current.filter((r) => !ranking.themes.some((t) => t.themeId === r.themeId)).map((r) => [r.themeId, r.figures.items]),
    ),
  });
}

const messages = (list: { text: string; blocks?: readonly unknown[] }[]): Payload[] =>
  list.map((m, i) => message(m, i === 0 ? "channel" : "thread"));

// --- The surfaces ----------------------------------------------------------------------------------

/** Every surface and its states. The keys are what `npm run render -- <surface>` takes. */
export const SURFACES: Record<string, Record<string, Render>> = {
  "ticket-card": {
    new: () => [message(ticketCard(ticket(), running, account, { feedback: true }))],
    assigned: () => [message(ticketCard(ticket({ ...assigned, status: "pending" }), resolutionRunning, account, { feedback: true }))],
    breached: () => [message(ticketCard(ticket({ priority: "urgent", createdAt: hoursAgo(6) }), breached, account, { feedback: true }))],
    resolved: () => [
      message(
        ticketCard(ticket({ ...assigned, status: "resolved", resolvedAt: hoursAgo(1), resolvedById: "U0AGENT1" }), null, account, {
          feedback: true,
        }),
      ),
    ],
  },
  "app-home": {
    "agent-empty": () => [view(appHome({ userId: "U0AGENT1", now: NOW, support: supportHome(false) }))],
    "agent-full": () => [view(appHome({ userId: "U0AGENT1", now: NOW, support: supportHome(true) }))],
    "csm-empty": () => [view(appHome({ userId: "U0CSM01", now: NOW, support: null, csm: csmHome(false) }))],
    "csm-full": () => [view(appHome({ userId: "U0CSM01", now: NOW, support: null, csm: csmHome(true) }))],
    product: () => [view(appHome({ userId: "U0PM01", now: NOW, support: null, product: productHome(false) }))],
    "product-full": () => [view(appHome({ userId: "U0PM01", now: NOW, support: null, product: productHome(true) }))],
    "all-roles-full": () => [
      view(appHome({ userId: "U0ADMIN", now: NOW, support: supportHome(true), csm: csmHome(true), product: productHome(true) })),
    ],
    outsider: () => [view(outsiderHome())],
  },
  "voc-digest": {
    "0-themes": () => messages(vocDigestMessages(vocDigest(0))),
    "3-themes": () => messages(vocDigestMessages(vocDigest(3))),
    "300-themes": () => messages(vocDigestMessages(vocDigest(300))),
    "view-items-modal": () => {
      const d = vocDigest(3);
      const t = d.themes[0];
      const items = Array.from({ length: 40 }, (_, i) => ({ ...t.quotes[i % 2], itemId: 9000 + i, createdAt: hoursAgo(3 * i) }));
      return [
        view(themeItemsModal({ theme: { id: t.themeId, name: t.name, status: t.status, mergedFrom: [] }, period: d, items, total: 55 })),
      ];
    },
  },
  "risk-digest": {
    "3-accounts": () => [message(riskDigestMessage(riskDigest(3)))],
    "400-accounts": () => {
      const d = riskDigest(400);
      return [message(riskDigestMessage(d)), ...riskDigestThread(d).map((m) => message(m, "thread"))];
    },
    "check-summary": () => [message(checkSummaryMessage(checkReport))],
  },
  "account-alert": {
    open: () => [message(healthAlertMessage(alert(), NOW))],
    // With a calibration in the health configuration (`npm run backtest -- <dir> --write`): "about 1 in N".
    calibrated: () => [
      message(
        healthAlertMessage(alert(), NOW, {
          from: 30,
          to: 39,
          snapshots: 412,
          churned: 103,
          oneIn: 4,
          horizonDays: 90,
          source: { kind: "backtest", date: "2026-11-12", accounts: 2000 },
        }),
      ),
    ],
    acknowledged: () => [
      message(healthAlertMessage(alert({ acknowledgedAt: hoursAgo(2), acknowledgedById: "U0CSM01", snoozedUntil: daysAgo(-7) }), NOW)),
    ],
    cleared: () => [message(healthAlertMessage(alert({ status: "cleared", clearedAt: hoursAgo(1) }), NOW))],
  },
  "support-stats": {
    command: () => [message(supportStatsMessage(week()), "ephemeral")],
    "no-tickets": () => [message(supportStatsMessage(week(0)), "ephemeral")],
    "weekly-summary": () => [message(weeklySummaryMessage(week()))],
    "details-modal": () => [view(statsDetailsModal(week()))],
  },
  "csat-survey": {
    survey: () => [message(csatSurvey(ticket({ ...assigned, status: "resolved" })), "thread")],
    thanks: () => [message(csatThanks(1042, 2, false), "ephemeral")],
    "comment-modal": () => [view(csatCommentModal(1042, { score: 2, comment: null }))],
  },
  "customer-thread": {
    acknowledgement: () => [message({ text: acknowledgement(ticket()) }, "thread")],
    "command-ticket": () => [message({ text: commandTicketPost(ticket({ origin: "command", requesterId: "U0AGENT1" })) })],
    "agent-reply": () => [
      message(
        { text: customerReply("Hi Dana, we found it: exports over 10k rows time out. A fix ships tonight; until then, filter by month.") },
        "thread",
      ),
    ],
    resolved: () => [message({ text: resolvedNote(ticket(), "U0AGENT1") }, "thread")],
    "shipped-reply": () => [message({ text: shippedReply("CSV exports of any size now finish in under a minute.") }, "thread")],
  },
};

function productHome(full: boolean): ProductHomeView {
  const item = (id: number): FeedbackListItem => ({
    id,
    createdAt: NOW,
    text: `Please add a CSV export of the <dashboard> (${id})`,
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
    createdAt: NOW,
    isNew: false,
    totalItems: 9,
    items: 6 - rank,
    accounts: 2,
    arr: 50000,
    atRiskArr: 0,
    atRiskAccounts: 0,
    previous: zero,
  });
  const n = full ? [1, 2, 3, 4, 5] : [];
  return {
    untagged: { total: full ? 12 : 0, newest: n.map(item), days: 30 },
    themes: n.map(theme),
    themesWithFeedback: full ? 9 : 0,
    productChannel: "CPRODUCT",
  };
}
