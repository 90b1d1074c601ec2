// The App Home, by role: a CSM's accounts and alerts; an agent's open tickets (least SLA time left first)
// and the team's queue (past their SLA first), each row with Assign to me, Open card and Reply, and this
// week's figures; a product team member's untagged feedback and top themes with Mark shipped.
import type { Button, KnownBlock, View } from "@slack/types";
import type { FeedbackListItem } from "../../feedback/rules/listing.ts";
import type { RankedTheme } from "../../feedback/rules/digest.ts";
import { ACTIONS } from "./ids.ts";
import type { Priority } from "../../support/rules/ticket.ts";
import type { QueuedTicket, TeamQueue } from "../../support/rules/queue.ts";
import { LIMITS, escapeSlackText, oneLine, slackDate, truncate } from "./limits.ts";
import { PRIORITY_LABELS, STATUS_LABELS, slaLine } from "./ticket-card.ts";
import type { MyAlert } from "../../success/rules/alert.ts";
import { BAND_EMOJI, alertControls, alertStateLine, money, ruleLabels, scoreWithChange, healthAsOf } from "./health-alert.ts";

export interface CsmHome {
  accounts: {
    externalId: string;
    name: string;
    arr: number | null;
    renewalDate: string | null;
    score: number | null;
    band: string | null;
    /** When the score was computed (the check's time); null when not scored. */
    computedAt: Date | null;
  }[];
  totalAccounts: number;
  alerts: MyAlert[];
}

/** A CSM's part of the Home: their accounts, least healthy first, and their open alerts. */
export function csmHomeBlocks(o: CsmHome, now: Date): KnownBlock[] {
  const blocks: KnownBlock[] = [header("My accounts by health")];
  if (o.accounts.length === 0) {
    blocks.push(section("_No accounts name you as their CSM._"));
  } else {
    // Scores say when they were computed: once when one check scored them all, else on each line.
    const times = new Set(o.accounts.flatMap((a) => (a.computedAt ? [a.computedAt.getTime()] : [])));
    const oneTime = times.size === 1 ? new Date([...times][0]) : null;
    const lines = o.accounts.map((a) => {
      const health = a.score === null ? `${BAND_EMOJI.unknown} not scored` : `${BAND_EMOJI[a.band ?? "unknown"] ?? ""} *${a.score}*`;
      const asOf = a.computedAt && !oneTime ? ` (as of ${slackDate(a.computedAt)})` : "";
      return `${health}${asOf} · *${escapeSlackText(a.name)}* · ARR ${money(a.arr)}${a.renewalDate ? ` · renews ${a.renewalDate}` : ""}`;
    });
    if (oneTime) lines.unshift(`_Health as of ${slackDate(oneTime)}_`);
    const more =
      o.totalAccounts > o.accounts.length
        ? `\n_…and ${o.totalAccounts - o.accounts.length} more: \`/cs account <name>\` shows any of them._`
        : "";
    blocks.push(section(truncate(lines.join("\n") + more, LIMITS.sectionText)));
  }
  blocks.push(header("My open alerts"));
  if (o.alerts.length === 0) blocks.push(section("_No open churn-risk alerts._ :tada:"));
  // One entry per account: what fires, the account's tickets, where it was posted, and the controls.
  for (const a of o.alerts) {
    const where =
      a.delivery === "realtime" && a.channelId
        ? `posted in <#${a.channelId}>`
        : a.channelId
          ? `in the daily risk digest of <#${a.channelId}>`
          : "not posted (no alert channel)";
    const tickets =
      a.openTickets === 0
        ? "no open tickets"
        : `${a.openTickets} open ticket${a.openTickets === 1 ? "" : "s"}${a.breachedTickets ? `, :rotating_light: ${a.breachedTickets} past their SLA` : ""}`;
    const rules = a.detail.rules.map((r) => `• ${escapeSlackText(oneLine(r.reason, 200))}`).join("\n");
    blocks.push(
      section(
        truncate(
          `*${escapeSlackText(a.account.name)}* · ${ruleLabels(a)}\n${scoreWithChange(a.detail.score, a.detail.band, a.detail.previousScore)} ${healthAsOf(a)} · ARR ${money(a.account.arr)} · ${tickets}\n${rules}`,
          LIMITS.sectionText,
        ),
      ),
      { type: "context", elements: [{ type: "mrkdwn", text: truncate(`${alertStateLine(a, now)} · ${where}`, LIMITS.contextText) }] },
      alertControls(a),
    );
  }
  blocks.push({ type: "divider" });
  return blocks;
}

const header = (text: string): KnownBlock => ({ type: "header", text: { type: "plain_text", text } });
const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });

/** What the Home shows of support: the person's tickets, the team's queue and the week's figures. */
export interface SupportHome {
  mine: QueuedTicket[];
  /** All open tickets assigned to the person (mine shows the first ones). */
  mineTotal: number;
  team: TeamQueue;
  figures: KnownBlock[];
  /** Each listed ticket's triage card in Slack, for "Open card" (a ticket without one has no such button). */
  cardLinks?: ReadonlyMap<number, string>;
}

/** What the Home shows a product team member: untagged feedback and this week's top themes. */
export interface ProductHomeView {
  untagged: { total: number; newest: FeedbackListItem[]; days: number };
  themes: RankedTheme[];
  themesWithFeedback: number;
  /** PRODUCT_CHANNEL, where the feedback cards are. */
  productChannel?: string | null;
}

/** The Home of someone with no role: what the app is and whom to ask. */
export function outsiderHome(): View {
  return {
    type: "home",
    blocks: [
      header("Customer desk"),
      section(
        "This app is for the company's support, customer success and product teams. Ask an admin to add you; to ask for help, write in your support channel.",
      ),
    ],
  };
}

/**
 * The Home, by role: a CSM's accounts and alerts, an agent's queue and figures, a product team member's
 * untagged feedback and top themes. `support` and `product` are null for those without the role; a
 * product person without the agent role gets no support queue.
 */
export function appHome(o: {
  userId: string;
  now: Date;
  support: SupportHome | null;
  csm?: CsmHome | null;
  product?: ProductHomeView | null;
}): View {
  const head: KnownBlock[] = o.csm ? csmHomeBlocks(o.csm, o.now) : [];
  const tail: KnownBlock[] = o.product ? productHomeBlocks(o.product) : [];
  const updated: KnownBlock = { type: "context", elements: [{ type: "mrkdwn", text: `Updated ${slackDate(o.now)}` }] };
  if (!o.support && !o.product && !o.csm)
    tail.push(section("Nothing to show yet: your role's lists appear here once there is something in them."));
  // My tickets give way (two blocks each, counted in "…and N more") when all parts do not fit in a view.
  let support: KnownBlock[] = [];
  if (o.support) {
    const room = LIMITS.blocksPerView - head.length - tail.length - 1;
    for (let rows = o.support.mine.length; rows >= 0; rows--) {
      support = supportHomeBlocks(o.support, rows);
      if (support.length <= room) break;
    }
  }
  const blocks = [...head, ...support, ...tail, updated];
  return { type: "home", blocks: blocks.slice(0, LIMITS.blocksPerView) };
}

/** One ticket of a list: what, where and its SLA state, then its buttons (Assign to me only when unassigned). */
function ticketRow(q: QueuedTicket, line: string, o: { assign: boolean; card: string | null }): KnownBlock[] {
  const { ticket } = q;
  const state = slaLine(q.sla);
  const buttons: Button[] = [];
  if (o.assign)
    buttons.push({
      type: "button",
      action_id: ACTIONS.homeAssignMe,
      text: { type: "plain_text", text: "Assign to me" },
      value: String(ticket.id),
      style: "primary",
    });
  if (o.card)
    buttons.push({ type: "button", action_id: ACTIONS.homeOpenCard, text: { type: "plain_text", text: "Open card" }, url: o.card });
  buttons.push({ type: "button", action_id: ACTIONS.homeReply, text: { type: "plain_text", text: "Reply" }, value: String(ticket.id) });
  return [
    section(truncate(`${line}${state ? `\n${state}` : ""}`, LIMITS.sectionText)),
    { type: "actions", block_id: `home_ticket:${ticket.id}`, elements: buttons },
  ];
}

function supportHomeBlocks(o: SupportHome, mineRows: number): KnownBlock[] {
  const card = (id: number) => o.cardLinks?.get(id) ?? null;
  const blocks: KnownBlock[] = [];
  blocks.push(header(o.mineTotal ? `My open tickets (${o.mineTotal})` : "My open tickets"));
  if (o.mine.length === 0) blocks.push(section("_Nothing assigned to you. Take one from the queue below with *Assign to me*._"));
  const mine = o.mine.slice(0, mineRows);
  for (const q of mine) {
    const t = q.ticket;
    const link = t.permalink ? ` · <${t.permalink}|conversation>` : "";
    const line =
      `*#${t.id}* ${PRIORITY_LABELS[t.priority as Priority] ?? t.priority} · ${STATUS_LABELS[t.status as "open"] ?? t.status} · <#${t.channelId}>${link}\n` +
      oneLine(escapeSlackText(t.text), 200);
    blocks.push(...ticketRow(q, line, { assign: false, card: card(t.id) }));
  }
  if (o.mineTotal > mine.length) blocks.push(section(`_…and ${o.mineTotal - mine.length} more assigned to you, with more SLA time left._`));

  const open = o.team.counts.reduce((n, c) => n + c.count, 0);
  blocks.push({ type: "divider" }, header(open ? `Team queue (${open} open)` : "Team queue"));
  if (o.team.counts.length === 0) {
    blocks.push(section("_No open tickets._ :tada:"));
  } else {
    const lines = o.team.counts.map((c) => `• ${STATUS_LABELS[c.status]} · ${PRIORITY_LABELS[c.priority]}: *${c.count}*`);
    blocks.push(section(`${lines.join("\n")}\n*Unassigned:* ${o.team.unassigned}`));
    const shown = o.team.oldestUnassigned;
    if (shown.length > 0) {
      const breached = shown.filter((q) => q.sla?.state === "breached").length;
      blocks.push(
        section(
          `*Unassigned, to take first* (${shown.length} of ${o.team.unassigned}${breached ? `; :rotating_light: ${breached} past their SLA on top` : ", oldest first"}):`,
        ),
      );
      for (const q of shown) {
        const t = q.ticket;
        const line = `*#${t.id}* <#${t.channelId}> opened ${slackDate(t.createdAt, "{ago}")}: ${oneLine(escapeSlackText(t.text), 120)}`;
        blocks.push(...ticketRow(q, line, { assign: true, card: card(t.id) }));
      }
      if (o.team.unassigned > shown.length) blocks.push(section(`_…and ${o.team.unassigned - shown.length} more unassigned._`));
    }
  }

  blocks.push({ type: "divider" }, header("This week"), ...o.figures);
  return blocks;
}

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** A theme's figures in one line, with no comparison against nothing. */
function themeFigures(t: RankedTheme): string {
  const asking =
    t.accounts === 0
      ? "no account named"
      : t.arr > 0
        ? `ARR ${money(t.arr)} from ${plural(t.accounts, "account")}`
        : plural(t.accounts, "account");
  const trend =
    t.previous.items > 0
      ? ` · ${t.items >= t.previous.items ? "up" : "down"} from ${t.previous.items} the week before`
      : t.isNew
        ? " · new this week"
        : "";
  return `${plural(t.items, "item")} · ${asking}${trend}`;
}

/** A product team member's part: untagged feedback, then this week's top themes with Mark shipped (behind a confirmation). */
export function productHomeBlocks(o: ProductHomeView): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: "divider" },
    header(o.untagged.total ? `Untagged feedback (${o.untagged.total})` : "Untagged feedback"),
  ];
  if (o.untagged.total === 0) {
    blocks.push(section(`_Everything from the last ${o.untagged.days} days is in a theme._`));
  } else {
    const where = o.productChannel ? ` on its card in <#${o.productChannel}>` : "";
    const lines = o.untagged.newest.map((i) => {
      const words = oneLine(escapeSlackText(i.text), 120);
      const said = i.permalink ? `<${i.permalink}|${words.replace(/[|>]/g, " ")}>` : words;
      const who = i.account ? escapeSlackText(oneLine(i.account.name ?? i.account.externalId, 60)) : i.internal ? "internal" : "no account";
      return `• ${said} · ${who} · ${slackDate(i.createdAt, "{ago}")}`;
    });
    const more = o.untagged.total > o.untagged.newest.length ? `\n_…and ${o.untagged.total - o.untagged.newest.length} more._` : "";
    blocks.push(
      section(
        truncate(
          `In no theme, last ${o.untagged.days} days, newest first; tag each${where} so it counts:\n${lines.join("\n")}${more}`,
          LIMITS.sectionText,
        ),
      ),
    );
  }
  blocks.push(
    header(
      o.themesWithFeedback > o.themes.length
        ? `Top themes this week (${o.themes.length} of ${o.themesWithFeedback})`
        : "Top themes this week",
    ),
  );
  if (o.themes.length === 0) blocks.push(section("_No feedback in a theme this week._"));
  for (const t of o.themes) {
    const name = escapeSlackText(oneLine(t.name, 80));
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncate(`*${t.rank}. ${name}*\n${themeFigures(t)}`, LIMITS.sectionText) },
      accessory: {
        type: "button",
        action_id: ACTIONS.themeShip,
        text: { type: "plain_text", text: "Mark shipped" },
        value: String(t.themeId),
        confirm: {
          title: { type: "plain_text", text: "Mark shipped?" },
          text: {
            type: "mrkdwn",
            text: truncate(`Next you write what shipped for *${name}*; the customers who asked are told only when you send that.`, 300),
          },
          confirm: { type: "plain_text", text: "Continue" },
          deny: { type: "plain_text", text: "Cancel" },
        },
      },
    });
  }
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: "The whole digest: `/feedback digest 7d` · themes: `/feedback themes`" }],
  });
  return blocks;
}
