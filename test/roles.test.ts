// Who may do what (docs/security.md), through the real app over signed HTTP and the Slack stand-in: for each
// row of the role table, the right role succeeds and every other kind of user (someone of another role, a
// member with no role, a guest and a user of another workspace, the last two even when listed) is refused
// privately, with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOME_TEAM, startDesk, SUPPORT, TRIAGE, type Desk } from "./support/harness.ts";
import { addAccount, addEarlierScores, addUsage } from "./support/success-fixtures.ts";
import { TestClock } from "./support/test-clock.ts";

const AT = new Date("2026-11-20T10:00:00Z");
const PRODUCT = "CPRODUCT";
const ALERTS = "CALERTS";
const OTHER_TEAM = "T0ACME";

// One person per kind. The guest and the outsider are listed as admins: being listed does not make them staff.
const AGENT = "UAGENTX";
const CSM = "UCSMX";
const PM = "UPMX";
const ADMIN = "UADMINX";
const MEMBER = "UMEMBERX";
const GUEST = "UGUESTX";
const OUTSIDER = "UOUTSIDERX";
const EVERYONE = [AGENT, CSM, PM, ADMIN, MEMBER, GUEST, OUTSIDER];

let desk: Desk;
let ticketId: number;
let alertId: number;

beforeAll(async () => {
  desk = await startDesk({
    env: {
      AGENT_USER_IDS: AGENT,
      CSM_USER_IDS: CSM,
      PRODUCT_USER_IDS: PM,
      ADMIN_USER_IDS: `${ADMIN},${GUEST},${OUTSIDER}`,
      PRODUCT_CHANNEL: PRODUCT,
      ALERTS_CHANNEL: ALERTS,
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      VOC_DIGEST_CRON: "off",
      ALERT_ESCALATION_CRON: "off",
      CSAT_ENABLED: "false",
    },
    start: { clock: new TestClock(AT) },
  });
  desk.slack.users.set(GUEST, { id: GUEST, name: "guest", real_name: "A Guest", team_id: HOME_TEAM, is_restricted: true } as never);
  desk.slack.users.set(OUTSIDER, { id: OUTSIDER, name: "outsider", real_name: "Someone Else", team_id: OTHER_TEAM });
  // A ticket with its card, and an open churn-risk alert on Acme.
  await desk.customerSays("Our exports fail since this morning, can you help?");
  await desk.settle();
  ticketId = (await desk.app.db.client.ticket.findFirstOrThrow()).id;
  await addAccount(desk.app.db, { externalId: "acme", name: "Acme Corp", seats: 50, arr: 120000, renewalDate: "2027-01-10" }, AT);
  await addUsage(desk.app.db, "acme", AT, { before: 40, after: 2, features: ["reports"] });
  await addEarlierScores(desk.app.db, ["acme"], AT);
  await desk.app.healthChecks.run("manual", AT);
  await desk.settle();
  alertId = (await desk.app.db.client.accountAlert.findFirstOrThrow({ where: { status: "open" } })).id;
}, 60_000);

afterAll(async () => {
  await desk?.stop();
});

const teamOf = (user: string) => (user === OUTSIDER ? OTHER_TEAM : HOME_TEAM);

/** A slash command; the answer is what the person sees: the ack's body, else the first response_url post. */
async function command(user: string, command: string, text: string, channel = SUPPORT): Promise<string> {
  const before = desk.slack.responses.length;
  const res = await desk.command({ command, text, user_id: user, team_id: teamOf(user), channel_id: channel });
  const body = await res.text();
  const acked = body ? (JSON.parse(body) as { text?: string; blocks?: unknown[] }) : {};
  const later = async () => {
    const r = await desk.slack.waitFor(() => desk.slack.responses[before], 5000, `${command} answer`);
    return JSON.stringify(r.body);
  };
  // "/support stats" answers "working on it" first and the figures (or the refusal) after.
  if (acked.text?.includes("Working out") || !body) return later();
  return JSON.stringify(acked);
}

let clicks = 0;

/**
 * A click with its own response_url: a refusal is posted there after the acknowledgement, so the answer is
 * waited for when one is expected, and looked for after the app has settled when none is.
 */
async function click(expectAnswer: boolean, payload: (responseUrl: string) => Promise<Response>): Promise<string> {
  const id = `roles-click-${clicks++}`;
  expect((await payload(desk.slack.responseUrl(id))).status).toBe(200);
  await desk.settle();
  if (expectAnswer) await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.id === id), 5000, "the refusal");
  else await new Promise((r) => setTimeout(r, 150));
  return desk.slack.responses
    .filter((r) => r.id === id)
    .map((r) => JSON.stringify(r.body))
    .join("\n");
}

const userOf = (user: string) => ({ id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: teamOf(user) });

/** A click on a message's control in `channel`, its block id naming what it acts on. */
const blockClick = (user: string, refused: boolean, channel: string, blockId: string, action: Record<string, unknown>) =>
  click(refused, (responseUrl) =>
    desk.interaction({
      type: "block_actions",
      user: userOf(user),
      api_app_id: "A111",
      token: "verification_token",
      container: { type: "message", message_ts: "1.000100", channel_id: channel, is_ephemeral: false },
      trigger_id: `${Date.now()}.${clicks}.click`,
      team: { id: teamOf(user), domain: "example" },
      channel: { id: channel, name: channel.toLowerCase() },
      response_url: responseUrl,
      actions: [{ block_id: blockId, action_ts: "1.2", ...action }],
    }),
  );

const cardClick = (user: string, refused: boolean, action: Record<string, unknown>) =>
  blockClick(user, refused, TRIAGE, `ticket:${ticketId}:1`, action);
const alertClick = (user: string, refused: boolean, action: Record<string, unknown>) =>
  blockClick(user, refused, ALERTS, `alert:${alertId}:1`, action);

/** Every refusal names the team and changes nothing; staff of another role are told to ask an admin. */
function expectRefused(answer: string, team: string, user: string) {
  expect(answer, user).toContain(`Sorry, this is for ${team}`);
}

interface Row {
  duty: string;
  team: string;
  allowed: string[];
  /** Does it, as `user` (who should be refused, or not); returns what the person saw. */
  act: (user: string, refused: boolean) => Promise<string>;
  /** What the action changes, read back (compared before and after a refusal). */
  state: () => Promise<unknown>;
  /** What a successful answer shows. */
  succeeded: (answer: string, user: string) => Promise<void> | void;
}

const ticket = () => desk.app.db.client.ticket.findUniqueOrThrow({ where: { id: ticketId } });
/** A theme for the digest's controls, made on first use. */
const rolesTheme = () =>
  desk.app.db.client.theme.upsert({
    where: { nameKey: "roles theme" },
    create: { name: "Roles theme", nameKey: "roles theme", createdById: ADMIN, createdAt: AT },
    update: {},
  });
const alert = () => desk.app.db.client.accountAlert.findUniqueOrThrow({ where: { id: alertId } });

const rows: Row[] = [
  {
    duty: "the triage card (Assign to me)",
    team: "the support team",
    allowed: [AGENT, ADMIN],
    act: (user, refused) => cardClick(user, refused, { action_id: "ticket_assign_me", type: "button", value: String(ticketId) }),
    state: async () => (await ticket()).assigneeId,
    succeeded: async (_answer, user) => expect((await ticket()).assigneeId).toBe(user),
  },
  {
    duty: "the triage card (priority)",
    team: "the support team",
    allowed: [AGENT, ADMIN],
    act: (user, refused) => {
      const value = user === AGENT ? "high" : "urgent";
      return cardClick(user, refused, {
        action_id: "ticket_priority",
        type: "static_select",
        selected_option: { text: { type: "plain_text", text: value }, value },
      });
    },
    state: async () => (await ticket()).priority,
    succeeded: async (_answer, user) => expect((await ticket()).priority).toBe(user === AGENT ? "high" : "urgent"),
  },
  {
    duty: "/support channels",
    team: "the support team",
    allowed: [AGENT, ADMIN],
    act: (user) => command(user, "/support", "channels"),
    state: async () => null,
    succeeded: (answer) => expect(answer).toContain(SUPPORT),
  },
  {
    duty: "/support stats",
    team: "the support team",
    allowed: [AGENT, ADMIN],
    act: (user) => command(user, "/support", "stats 7d"),
    state: async () => null,
    succeeded: (answer) => expect(answer).toMatch(/[Ff]irst response/),
  },
  {
    duty: "/ticket",
    team: "the support team",
    allowed: [AGENT, ADMIN],
    act: (user) => command(user, "/ticket", `Printer on fire, raised by ${user}`),
    state: () => desk.app.db.client.ticket.count(),
    succeeded: async (_answer, user) => {
      await desk.settle();
      expect(await desk.app.db.client.ticket.count({ where: { text: { contains: `raised by ${user}` } } })).toBe(1);
    },
  },
  {
    duty: "/support link",
    team: "support admins",
    allowed: [ADMIN],
    act: (user) => command(user, "/support", "link acme", "CNEWCHAN"),
    state: () => desk.app.db.client.supportChannel.count({ where: { channelId: "CNEWCHAN" } }),
    succeeded: async () => expect(await desk.app.db.client.supportChannel.count({ where: { channelId: "CNEWCHAN" } })).toBe(1),
  },
  {
    duty: "/cs account",
    team: "the customer success team",
    allowed: [CSM, ADMIN],
    act: (user) => command(user, "/cs", "account acme"),
    state: async () => null,
    succeeded: (answer) => expect(answer).toContain("120,000"),
  },
  {
    duty: "the alert's Acknowledge",
    team: "the customer success team",
    allowed: [CSM, ADMIN],
    act: (user, refused) => alertClick(user, refused, { action_id: "alert_acknowledge", type: "button", value: String(alertId) }),
    state: async () => (await alert()).acknowledgedById,
    // The first acknowledgement sticks; the second is told who did it.
    succeeded: async (answer, user) => {
      const by = (await alert()).acknowledgedById;
      expect(by === user || answer.includes("already acknowledged")).toBe(true);
    },
  },
  {
    duty: "the alert's Snooze",
    team: "the customer success team",
    allowed: [CSM, ADMIN],
    act: (user, refused) =>
      alertClick(user, refused, {
        action_id: "alert_snooze",
        type: "static_select",
        selected_option: { text: { type: "plain_text", text: "Snooze 7 days" }, value: "7" },
      }),
    state: async () => (await alert()).snoozedUntil?.toISOString() ?? null,
    succeeded: async () => expect((await alert()).snoozedUntil).not.toBeNull(),
  },
  {
    duty: "/feedback themes add",
    team: "the product team",
    allowed: [PM, ADMIN],
    act: (user) => command(user, "/feedback", `themes add Theme of ${user}`),
    state: () => desk.app.db.client.theme.count(),
    succeeded: async (_answer, user) => expect(await desk.app.db.client.theme.count({ where: { name: `Theme of ${user}` } })).toBe(1),
  },
  {
    duty: "/feedback digest",
    team: "the product team",
    allowed: [PM, ADMIN],
    act: (user) => command(user, "/feedback", "digest 30d"),
    state: async () => null,
    succeeded: (answer) => expect(answer).toContain("Voice of the customer"),
  },
  {
    duty: "the digest's Archive theme",
    team: "the product team",
    allowed: [PM, ADMIN],
    act: async (user, refused) =>
      blockClick(user, refused, PRODUCT, `voc_theme:${(await rolesTheme()).id}`, {
        action_id: "theme_menu",
        type: "overflow",
        selected_option: { text: { type: "plain_text", text: "Archive theme" }, value: `archive:${(await rolesTheme()).id}` },
      }),
    state: async () => (await rolesTheme()).status,
    succeeded: async () => expect((await rolesTheme()).status).toBe("archived"),
  },
  {
    duty: "/feedback <text>",
    team: "the company's own team",
    allowed: [AGENT, CSM, PM, ADMIN],
    act: (user) => command(user, "/feedback", `Customers want dark mode, says ${user}`),
    state: () => desk.app.db.client.feedbackItem.count(),
    succeeded: async (_answer, user) =>
      expect(await desk.app.db.client.feedbackItem.count({ where: { text: { contains: `says ${user}` } } })).toBe(1),
  },
];

describe("the role table", () => {
  for (const row of rows) {
    it(`${row.duty}: ${row.allowed.length === 4 ? "any staff" : "its role and admins"} succeed; everyone else is refused with nothing changed`, async () => {
      for (const user of EVERYONE) {
        const before = await row.state();
        const answer = await row.act(user, !row.allowed.includes(user));
        if (row.allowed.includes(user)) {
          expect(answer, user).not.toContain("Sorry, this is for");
          await row.succeeded(answer, user);
        } else {
          expectRefused(answer, row.team, user);
          await desk.settle();
          expect(await row.state(), `${user} changed something`).toEqual(before);
        }
      }
    });
  }

  it("a refused card click is logged with who tried what", () => {
    const refused = desk.logs.filter((l) => l.msg === "refused: not allowed");
    expect(refused.some((l) => l.user === MEMBER && l.duty === "triage")).toBe(true);
    expect(refused.some((l) => l.user === GUEST && l.outsider === "guest")).toBe(true);
    expect(refused.some((l) => l.user === OUTSIDER && l.outsider === "other_workspace")).toBe(true);
  });

  it("someone with no role sees no customer data on the App Home", async () => {
    for (const user of [MEMBER, GUEST, OUTSIDER]) {
      const before = desk.slack.views.length;
      await desk.event({ type: "app_home_opened", user, channel: "D1", tab: "home", event_ts: "1.1" });
      const published = await desk.slack.waitFor(() => desk.slack.views.slice(before).find((v) => v.method === "views.publish"));
      const text = JSON.stringify(published.args.view);
      expect(text).toContain("Ask an admin to add you");
      for (const secret of ["Acme", "120,000", "exports fail", "My open tickets", SUPPORT]) expect(text, user).not.toContain(secret);
    }
  });

  it("nothing refused reached a customer or the triage channel", () => {
    const posted = [...desk.slack.messages(SUPPORT), ...desk.slack.messages(TRIAGE)].map((m) => m.text).join("\n");
    for (const user of [MEMBER, GUEST, OUTSIDER, CSM, PM]) expect(posted).not.toContain(`raised by ${user}`);
  });
});
