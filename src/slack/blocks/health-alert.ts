// An account's churn-risk alert in a CSM channel: account, ARR, renewal, score and band with the change,
// the rules that fire as a short list, the other evidence once, and the controls (acknowledge, snooze,
// reassign, add a note) that act on the account's alert as a whole. Updated in place on every change;
// what got worse and what people did is logged in its thread.
import type { KnownBlock } from "@slack/types";
import type { AlertLogLine, AlertView } from "../../success/rules/alert.ts";
import type { ChurnChance } from "../../success/rules/calibration.ts";
import { RULE_LABELS } from "../../success/rules/risk-rules.ts";
import { SNOOZE_DAYS } from "../../success/rules/alert-changes.ts";
import { churnChanceLine } from "./churn-chance.ts";
import { ACTIONS, alertBlockId } from "./ids.ts";
import { LIMITS, escapeSlackText, oneLine, slackDate, truncate } from "./limits.ts";

export const BAND_EMOJI: Record<string, string> = {
  green: ":large_green_circle:",
  yellow: ":large_yellow_circle:",
  red: ":red_circle:",
  unknown: ":white_circle:",
};

export const money = (v: number | null) => (v === null ? "unknown" : `$${Math.round(v).toLocaleString("en-US")}`);

export function scoreWithChange(score: number | null, band: string, previous: number | null): string {
  if (score === null) return `${BAND_EMOJI.unknown} no score (no data)`;
  const change =
    previous === null || previous === score ? "" : ` (${score > previous ? "+" : "−"}${Math.abs(score - previous)} from ${previous})`;
  return `${BAND_EMOJI[band] ?? ""} *${score}* ${band}${change}`;
}

function ticketLinks(alert: AlertView): string | null {
  if (!alert.detail.tickets.length) return null;
  return alert.detail.tickets
    .map((t) => {
      const label = `#${t.id} (${t.priority}, ${t.status})`;
      return t.permalink ? `<${t.permalink}|${label}>` : label;
    })
    .join(" · ");
}

/** When the alert's score was computed: the check that raised or last worsened it (raisedAt for alerts stored before that was kept). */
export function healthAsOf(alert: AlertView): string {
  return `as of ${slackDate(alert.detail.computedAt ? new Date(alert.detail.computedAt) : alert.raisedAt)}`;
}

export function alertStateLine(alert: AlertView, now: Date): string {
  if (alert.status === "cleared")
    return `:white_check_mark: Cleared${alert.clearedAt ? ` ${slackDate(alert.clearedAt, "{date_short_pretty}")}` : ""}`;
  const parts = [`Owner: ${alert.ownerId ? `<@${alert.ownerId}>` : "_nobody_"}`];
  if (alert.acknowledgedAt) parts.push(`:eyes: Acknowledged by <@${alert.acknowledgedById}> ${slackDate(alert.acknowledgedAt, "{ago}")}`);
  if (alert.snoozedUntil && alert.snoozedUntil.getTime() > now.getTime())
    parts.push(`:zzz: Snoozed until ${slackDate(alert.snoozedUntil, "{date_short_pretty}")}`);
  if (alert.escalatedAt) parts.push(":rotating_light: Escalated");
  return parts.join(" · ");
}

/** The rules that fire, by label: "Entered red, Renewal at risk". */
export const ruleLabels = (alert: Pick<AlertView, "detail">) => alert.detail.rules.map((r) => RULE_LABELS[r.rule]).join(", ");

export function alertText(alert: AlertView): string {
  const who = alert.ownerId ?? alert.account.csmSlackUserId;
  const state = alert.status === "cleared" ? "Churn risk cleared" : "Churn risk";
  return oneLine(`${who ? `<@${who}> ` : ""}${state}: ${escapeSlackText(alert.account.name)} — ${ruleLabels(alert)}`);
}

/** `chance`: what the calibration says of the alert's score (null: no line). */
export function healthAlertMessage(alert: AlertView, now: Date, chance: ChurnChance | null = null): { text: string; blocks: KnownBlock[] } {
  const d = alert.detail;
  const cleared = alert.status === "cleared";
  const mention = alert.ownerId ? `<@${alert.ownerId}> ` : "";
  const rules = d.rules.map((r) => `• *${RULE_LABELS[r.rule]}*: ${escapeSlackText(r.reason)}`);
  const evidence = d.reasons.map((r) => `• ${r.source}: ${escapeSlackText(r.text)}`);
  const links = ticketLinks(alert);
  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: truncate(
          `${cleared ? ":white_check_mark: ~Churn risk~" : ":warning: *Churn risk*"} ${mention}*${escapeSlackText(alert.account.name)}* (\`${escapeSlackText(alert.account.externalId)}\`)`,
          LIMITS.sectionText,
        ),
      },
    },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Health*\n${scoreWithChange(d.score, d.band, d.previousScore)}\n${healthAsOf(alert)}` },
        { type: "mrkdwn", text: `*ARR*\n${money(alert.account.arr)}` },
        { type: "mrkdwn", text: `*Renewal*\n${alert.account.renewalDate ?? "unknown"}` },
        { type: "mrkdwn", text: `*Rules firing*\n${d.rules.length}` },
      ],
    },
    ...(chance
      ? [{ type: "context" as const, elements: [{ type: "mrkdwn" as const, text: truncate(churnChanceLine(chance), LIMITS.contextText) }] }]
      : []),
    {
      type: "section",
      text: { type: "mrkdwn", text: truncate(`*${cleared ? "Was firing" : "Why"}*\n${rules.join("\n")}`, LIMITS.sectionText) },
    },
  ];
  if (evidence.length)
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(`*Also weak*\n${evidence.join("\n")}`, LIMITS.sectionText) } });
  if (links) blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(`*Recent tickets*: ${links}`, LIMITS.sectionText) } });
  const context: string[] = [`Raised ${slackDate(alert.raisedAt, "{date_short_pretty}")}`];
  if (d.missing.length) context.push(`No data for ${d.missing.join(", ")}: left out and the other weights renormalised`);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(context.join(" · "), LIMITS.contextText) }] });
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(alertStateLine(alert, now), LIMITS.contextText) }] });
  if (!cleared) blocks.push(alertControls(alert));
  return { text: alertText(alert), blocks };
}

/** The controls on an open alert: acknowledge (until someone has), snooze, reassign the owner, add a note. */
export function alertControls(alert: AlertView): KnownBlock {
  return {
    type: "actions",
    block_id: alertBlockId(alert.id, 1),
    elements: [
      ...(alert.acknowledgedAt
        ? []
        : [
            {
              type: "button" as const,
              action_id: ACTIONS.alertAcknowledge,
              text: { type: "plain_text" as const, text: "Acknowledge" },
              style: "primary" as const,
              value: String(alert.id),
            },
          ]),
      {
        type: "static_select",
        action_id: ACTIONS.alertSnooze,
        placeholder: { type: "plain_text", text: "Snooze" },
        options: SNOOZE_DAYS.map((days) => ({ text: { type: "plain_text" as const, text: `Snooze ${days} days` }, value: String(days) })),
      },
      {
        type: "users_select",
        action_id: ACTIONS.alertReassign,
        placeholder: { type: "plain_text", text: "Reassign owner" },
        ...(alert.ownerId ? { initial_user: alert.ownerId } : {}),
      },
      { type: "button", action_id: ACTIONS.alertNote, text: { type: "plain_text", text: "Add note" }, value: String(alert.id) },
    ],
  };
}

export function alertLogLine(line: AlertLogLine): string {
  switch (line.kind) {
    case "worsened":
      return truncate(
        `:chart_with_downwards_trend: Worse${line.score === null ? "" : ` (score ${line.score})`}:\n${line.lines
          .map((l) => `• ${l.isNew ? `New: ${RULE_LABELS[l.rule]}` : "Worse"}: ${escapeSlackText(l.reason)}`)
          .join("\n")}`,
        LIMITS.sectionText,
      );
    case "cleared":
      return `:white_check_mark: Cleared: ${escapeSlackText(line.reason)}`;
    case "acknowledged":
      return `:eyes: <@${line.actorId}> acknowledged this alert`;
    case "snoozed":
      return `:zzz: <@${line.actorId}> snoozed this alert for ${line.days} days (until ${slackDate(line.until, "{date_short_pretty}")})`;
    case "reassigned":
      return `:bust_in_silhouette: <@${line.actorId}> made <@${line.to}> the owner${line.from ? ` (was <@${line.from}>)` : ""}`;
    case "note":
      return truncate(
        `:memo: Note from <@${line.actorId}>:\n${line.text
          .split("\n")
          .map((l) => `> ${escapeSlackText(l)}`)
          .join("\n")}`,
        LIMITS.sectionText,
      );
    case "escalated":
      return `:rotating_light: <@${line.leadUserId}> this red alert has not been acknowledged for ${line.hours} hours`;
  }
}
