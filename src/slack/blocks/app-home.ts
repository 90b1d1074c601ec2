// The App Home of an agent: their open tickets by SLA time left, the team's queue, this week's figures.
import type { KnownBlock, View } from "@slack/types";
import { PRIORITY_LABELS, STATUS_LABELS, type Priority } from "../../support/model.ts";
import type { QueuedTicket, TeamQueue } from "../../support/queue.ts";
import { LIMITS, oneLine, slackDate } from "./limits.ts";
import { slaLine } from "./ticket-card.ts";

const header = (text: string): KnownBlock => ({ type: "header", text: { type: "plain_text", text } });
const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });

export function appHome(o: { userId: string; mine: QueuedTicket[]; team: TeamQueue; figures: KnownBlock[]; now: Date }): View {
  const blocks: KnownBlock[] = [];
  blocks.push(header("My open tickets"));
  if (o.mine.length === 0) blocks.push(section("_Nothing assigned to you. Take one from the queue below with *Assign to me* on its card._"));
  for (const { ticket, sla } of o.mine) {
    const link = ticket.permalink ? ` · <${ticket.permalink}|conversation>` : "";
    blocks.push(
      section(
        `*#${ticket.id}* ${PRIORITY_LABELS[ticket.priority as Priority] ?? ticket.priority} · ${STATUS_LABELS[ticket.status as "open"] ?? ticket.status} · <#${ticket.channelId}>${link}\n` +
          `${oneLine(ticket.text, 200)}\n${slaLine(sla) ?? ""}`,
      ),
    );
  }

  blocks.push({ type: "divider" }, header("Team queue"));
  if (o.team.counts.length === 0) {
    blocks.push(section("_No open tickets._ :tada:"));
  } else {
    const lines = o.team.counts.map((c) => `• ${STATUS_LABELS[c.status]} · ${PRIORITY_LABELS[c.priority]}: *${c.count}*`);
    blocks.push(section(`${lines.join("\n")}\n*Unassigned:* ${o.team.unassigned}`));
    if (o.team.oldestUnassigned.length > 0) {
      const oldest = o.team.oldestUnassigned.map((t) => `• *#${t.id}* <#${t.channelId}> opened ${slackDate(t.createdAt, "{ago}")}: ${oneLine(t.text, 120)}`);
      blocks.push(section(`Oldest unassigned:\n${oldest.join("\n")}`));
    }
  }

  blocks.push({ type: "divider" }, header("This week"), ...o.figures);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `Updated ${slackDate(o.now)}` }] });
  return { type: "home", blocks: blocks.slice(0, LIMITS.blocksPerView) };
}
