// `/cs` answers: the account's health as of the check that computed it and what happened since (new
// tickets, NPS answers), its trend and components, its open alerts and open tickets; the
// accounts a name could mean; the asker's open alerts; the help.
import type { KnownBlock, View } from "@slack/types";
import type { AccountSummary, OpenTicketLine, SinceCheck } from "../../success/rules/account.ts";
import type { AlertView } from "../../success/rules/alert.ts";
import type { ChurnChance } from "../../success/rules/calibration.ts";
import { COMPONENT_LABELS } from "../../success/rules/health-model.ts";
import { RULE_LABELS } from "../../success/rules/risk-rules.ts";
import { churnChanceLine } from "./churn-chance.ts";
import { BAND_EMOJI, money, ruleLabels } from "./health-alert.ts";
import { LIMITS, escapeSlackText, oneLine, slackDate, truncate } from "./limits.ts";

export const CS_USAGE = [
  "*/cs* commands:",
  "• `/cs account <name or external id>`: the account's health, trend, open alerts and open tickets",
  "• `/cs alerts`: your open churn-risk alerts",
  "• `/cs help`: this help",
].join("\n");

export const CS_TEXT = {
  whichAccount: "Which account? Type `/cs account <name or external id>`, for example `/cs account Acme`.",
  noAlerts: "You have no open churn-risk alerts.",
  failed: "Sorry, that could not be looked up just now. Please try again.",
  noMatch: (typed: string) =>
    `No account matches “${escapeSlackText(truncate(typed, 80))}”. Check the spelling, or use the external id from your CRM.`,
  unknown: (sub: string) => `I don't know \`/cs ${escapeSlackText(truncate(sub, 40))}\`.\n${CS_USAGE}`,
};

/** The accounts a typed name could mean. */
export function severalAccountsText(typed: string, matches: { externalId: string; name: string }[]): string {
  const list = matches.map((m) => `• ${escapeSlackText(m.name)} (\`${escapeSlackText(m.externalId)}\`)`).join("\n");
  return truncate(
    `Several accounts match “${escapeSlackText(truncate(typed, 80))}”; type \`/cs account <external id>\` for one of them:\n${list}`,
    LIMITS.sectionText,
  );
}

/** The leading rule's reason after its label list: ": health score 11 is red…" (empty when none). */
const mainReason = (a: AlertView) => (a.detail.rules[0] ? `: ${oneLine(escapeSlackText(a.detail.rules[0].reason), 160)}` : "");

/** `/cs alerts`: the asker's open alerts, one line each. */
export function myAlertsText(alerts: AlertView[]): string {
  if (alerts.length === 0) return CS_TEXT.noAlerts;
  const lines = alerts.map(
    (a) => `• *${escapeSlackText(a.account.name)}* — ${ruleLabels(a)}${mainReason(a)} (${slackDate(a.raisedAt, "{date_short_pretty}")})`,
  );
  return truncate(`Your open alerts:\n${lines.join("\n")}`, LIMITS.sectionText);
}

export function trendLine(trend: AccountSummary["trend"]): string {
  if (trend.length < 2) return "";
  return `Trend: ${trend.map((t) => String(t.score)).join(" → ")} (last ${trend.length} checks)`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What happened since the score was computed, e.g. "Since then: 2 new tickets, 1 NPS answer (score 3)". */
export function sinceLine(since: SinceCheck): string {
  const parts: string[] = [];
  if (since.tickets) parts.push(plural(since.tickets, "new ticket", "new tickets"));
  const nps = since.npsScores;
  if (nps.length)
    parts.push(
      `${plural(nps.length, "NPS answer", "NPS answers")} (${nps.length === 1 ? "score" : "scores"} ${truncate(nps.join(", "), 60)})`,
    );
  return parts.length ? `Since then: ${parts.join(", ")}` : "Since then: no new tickets or NPS answers";
}

export function csAccountMessage(
  account: AccountSummary,
  alerts: AlertView[],
  tickets: OpenTicketLine[],
  since: SinceCheck | null = null,
  /** What the calibration says of the account's score (null: no line). */
  chance: ChurnChance | null = null,
): { text: string; blocks: KnownBlock[] } {
  const h = account.health;
  const asOf = h ? `as of ${slackDate(h.computedAt)}` : "";
  const healthText = h ? `${BAND_EMOJI[h.band]} *${h.score}* ${h.band}\n${asOf}` : `${BAND_EMOJI.unknown} not scored yet`;
  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(`*${escapeSlackText(account.name)}* (\`${escapeSlackText(account.externalId)}\`)`, LIMITS.sectionText),
      },
    },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Health*\n${healthText}` },
        { type: "mrkdwn", text: `*ARR*\n${money(account.arr)}` },
        { type: "mrkdwn", text: `*Renewal*\n${account.renewalDate ?? "unknown"}` },
        { type: "mrkdwn", text: `*CSM*\n${account.csmSlackUserId ? `<@${account.csmSlackUserId}>` : "_none_"}` },
      ],
    },
  ];
  if (h && chance)
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(churnChanceLine(chance), LIMITS.contextText) }] });
  if (h && since)
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: truncate(sinceLine(since), LIMITS.contextText) }],
    });
  const trend = trendLine(account.trend);
  if (h && h.components.length) {
    const lines = [...h.components]
      .sort((a, b) => a.score - b.score)
      .map((c) => `• ${COMPONENT_LABELS[c.name]} *${c.score}* (${Math.round(c.weight * 100)}%): ${escapeSlackText(c.evidence)}`);
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncate(`*Components* (${asOf})\n${lines.join("\n")}`, LIMITS.sectionText) },
    });
  }
  if (trend) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: trend }] });
  const alertLines = alerts.flatMap((a) => [
    `Raised ${slackDate(a.raisedAt, "{date_short_pretty}")}${a.delivery === "realtime" && a.channelId ? ` in <#${a.channelId}>` : a.channelId ? ` (in the daily risk digest of <#${a.channelId}>)` : ""}${a.acknowledgedAt ? ", acknowledged" : ""}:`,
    ...a.detail.rules.map((r) => `• *${RULE_LABELS[r.rule]}*: ${escapeSlackText(r.reason)}`),
  ]);
  blocks.push({
    type: "section",
    text: {
      type: "mrkdwn",
      text: truncate(alertLines.length ? `*Open alerts*\n${alertLines.join("\n")}` : "*Open alerts*: none", LIMITS.sectionText),
    },
  });
  const ticketLines = tickets.map((t) => {
    const label = `#${t.id} (${t.priority}, ${t.status})`;
    return `• ${t.permalink ? `<${t.permalink}|${label}>` : label} ${oneLine(escapeSlackText(t.text), 80)}`;
  });
  blocks.push({
    type: "section",
    text: {
      type: "mrkdwn",
      text: truncate(ticketLines.length ? `*Open tickets*\n${ticketLines.join("\n")}` : "*Open tickets*: none", LIMITS.sectionText),
    },
  });
  const name = escapeSlackText(account.name);
  const summary = h ? `${name}: health ${h.score} (${h.band})` : `${name}: not scored yet`;
  return { text: oneLine(summary), blocks };
}

/** The account view opened from a risk digest's View button: what `/cs account` shows, in a modal. */
export function accountModal(message: { blocks: KnownBlock[] }): View {
  return {
    type: "modal",
    title: { type: "plain_text", text: "Account" },
    close: { type: "plain_text", text: "Close" },
    blocks: message.blocks.slice(0, LIMITS.blocksPerView),
  };
}
