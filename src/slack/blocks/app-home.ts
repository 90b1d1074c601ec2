// The App Home of an agent: their open tickets by SLA time left, the team's queue, this week's figures.
import type { KnownBlock, View } from "@slack/types";
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

/** The Home: a CSM's accounts and alerts, an agent's queue and figures, each shown to those whose role has it. */
export function appHome(o: { userId: string; now: Date; support: SupportHome | null; csm?: CsmHome | null; product?: boolean }): View {
  const blocks: KnownBlock[] = o.csm ? csmHomeBlocks(o.csm, o.now) : [];
  if (o.support) blocks.push(...supportHomeBlocks(o.support));
  else if (o.product)
    blocks.push(
      header("Voice of the customer"),
      section("Preview the digest with `/feedback digest 30d`; manage themes with `/feedback themes`."),
    );
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `Updated ${slackDate(o.now)}` }] });
  return { type: "home", blocks: blocks.slice(0, LIMITS.blocksPerView) };
}

function supportHomeBlocks(o: SupportHome): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  blocks.push(header(o.mineTotal ? `My open tickets (${o.mineTotal})` : "My open tickets"));
  if (o.mine.length === 0)
    blocks.push(section("_Nothing assigned to you. Take one from the queue below with *Assign to me* on its card._"));
  for (const { ticket, sla } of o.mine) {
    const link = ticket.permalink ? ` · <${ticket.permalink}|conversation>` : "";
    blocks.push(
      section(
        `*#${ticket.id}* ${PRIORITY_LABELS[ticket.priority as Priority] ?? ticket.priority} · ${STATUS_LABELS[ticket.status as "open"] ?? ticket.status} · <#${ticket.channelId}>${link}\n` +
          `${oneLine(escapeSlackText(ticket.text), 200)}\n${slaLine(sla) ?? ""}`,
      ),
    );
  }
  if (o.mineTotal > o.mine.length)
    blocks.push(section(`_…and ${o.mineTotal - o.mine.length} more assigned to you, with more SLA time left._`));

  blocks.push({ type: "divider" }, header("Team queue"));
  if (o.team.counts.length === 0) {
    blocks.push(section("_No open tickets._ :tada:"));
  } else {
    const lines = o.team.counts.map((c) => `• ${STATUS_LABELS[c.status]} · ${PRIORITY_LABELS[c.priority]}: *${c.count}*`);
    blocks.push(section(`${lines.join("\n")}\n*Unassigned:* ${o.team.unassigned}`));
    if (o.team.oldestUnassigned.length > 0) {
      const oldest = o.team.oldestUnassigned.map(({ ticket: t, sla }) => {
        const state = slaLine(sla);
        return `• *#${t.id}* <#${t.channelId}> opened ${slackDate(t.createdAt, "{ago}")}: ${oneLine(escapeSlackText(t.text), 120)}${state ? `\n   ${state}` : ""}`;
      });
      const more = o.team.unassigned > oldest.length ? `\n_…and ${o.team.unassigned - oldest.length} more unassigned._` : "";
      blocks.push(
        section(truncate(`Oldest unassigned (${oldest.length} of ${o.team.unassigned}):\n${oldest.join("\n")}${more}`, LIMITS.sectionText)),
      );
    }
  }

  blocks.push({ type: "divider" }, header("This week"), ...o.figures);
  return blocks;
}
