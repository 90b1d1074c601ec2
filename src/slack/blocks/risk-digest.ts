// What a health check leaves in Slack besides the alerts posted on their own: each channel's daily risk
// digest (accounts ranked by ARR × severity, one line each with the leading rule and a View button, the
// top ones in the message and the rest in its thread) and the check's summary.
import type { KnownBlock } from "@slack/types";
import {
  DIGEST_LISTED_MAX,
  type CheckReport,
  type CheckStart,
  type DigestEntry,
  type RiskDigest,
} from "../../success/rules/risk-report.ts";
import { RULE_LABELS } from "../../success/rules/risk-rules.ts";
import { BAND_EMOJI, money } from "./health-alert.ts";
import { ACTIONS } from "./ids.ts";
import { packSections } from "./pack.ts";
import { LIMITS, escapeSlackText, oneLine, slackDate, truncate } from "./limits.ts";

/** Accounts in the digest's message; the rest go in its thread. */
export const DIGEST_TOP = 15;
/** Accounts listed in the thread at most (the rest are counted): a few messages, not pages of them. */
export const DIGEST_THREAD_MAX = DIGEST_LISTED_MAX - DIGEST_TOP;

export function digestLine(e: DigestEntry, rank: number): string {
  const score = e.score === null ? "no score" : `score ${e.score}`;
  const main = e.main ? ` — ${RULE_LABELS[e.main.rule]}: ${oneLine(escapeSlackText(e.main.reason), 160)}` : "";
  const more = e.moreRules ? ` (+${e.moreRules} more)` : "";
  const ack = e.acknowledged ? " :eyes:" : "";
  return `${rank}. ${BAND_EMOJI[e.band] ?? ""} *${escapeSlackText(e.name)}* \`${escapeSlackText(e.accountExternalId)}\` · ARR ${money(e.arr)} · ${score}${main}${more}${ack}`;
}

export function riskDigestMessage(d: RiskDigest): { text: string; blocks: KnownBlock[] } {
  const n = d.listed;
  const head = `:bar_chart: *Daily risk digest*: ${n} account${n === 1 ? "" : "s"} at risk, ranked by ARR × severity (as of ${slackDate(d.at)})`;
  const notes: string[] = [];
  if (d.heldBack)
    notes.push(
      `${d.heldBack} account${d.heldBack === 1 ? "" : "s"} would have had an alert of ${d.heldBack === 1 ? "its" : "their"} own, past this check's cap of ${d.cap} per channel: listed here instead.`,
    );
  if (d.ownMessages) notes.push(`${d.ownMessages} more with an alert of their own in this channel.`);
  if (d.snoozed) notes.push(`${d.snoozed} snoozed, not listed.`);
  if (n > DIGEST_TOP) notes.push(`The top ${DIGEST_TOP} are below; the other ${n - DIGEST_TOP} are in the thread.`);
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text: head } }];
  if (notes.length) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: truncate(notes.join(" "), LIMITS.contextText) }] });
  d.entries.slice(0, DIGEST_TOP).forEach((e, i) => {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: truncate(digestLine(e, i + 1), LIMITS.sectionText) },
      accessory: {
        type: "button",
        action_id: ACTIONS.riskDigestView,
        text: { type: "plain_text", text: "View" },
        value: e.accountExternalId.slice(0, 2000),
      },
    });
  });
  return { text: `Daily risk digest: ${n} account${n === 1 ? "" : "s"} at risk`, blocks };
}

/**
 * The digest's thread: the accounts past the top, one line each, in as few messages as Block Kit and the
 * budget of block text per message allow; each message says which ranks it holds.
 */
export function riskDigestThread(d: RiskDigest): { text: string; blocks: KnownBlock[] }[] {
  const rest = d.entries.slice(DIGEST_TOP, DIGEST_TOP + DIGEST_THREAD_MAX);
  const lines = rest.map((e, i) => truncate(digestLine(e, DIGEST_TOP + i + 1), 1000));
  const unlisted = d.listed - DIGEST_TOP - rest.length;
  if (unlisted > 0) lines.push(`…and ${unlisted} more, with less at stake: \`/cs account <id>\` shows any account.`);
  const pages = packSections(lines, { maxBlocks: LIMITS.blocksPerMessage, maxChars: LIMITS.blockTextPerMessage, joiner: "\n" });
  return pages.map((blocks, i) => ({
    text: pages.length > 1 ? `More accounts at risk (${i + 1} of ${pages.length})` : "More accounts at risk",
    blocks,
  }));
}

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** The line a check posts when it starts; its summary replaces it. */
export function checkStartedMessage(s: CheckStart): { text: string; blocks: KnownBlock[] } {
  const text = `:hourglass_flowing_sand: *Health check running*: scoring ${plural(s.accounts, "account")} as of ${slackDate(s.at)}…`;
  return {
    text: `Health check running: scoring ${s.accounts} accounts`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
  };
}

export function checkSummaryMessage(r: CheckReport): { text: string; blocks: KnownBlock[] } {
  const total = r.atRisk.red + r.atRisk.yellow + r.atRisk.green + r.atRisk.unknown;
  const title =
    r.status === "done"
      ? `:stethoscope: *Health check done*: ${plural(r.accountsScored, "account")} scored, ${plural(total, "account")} at risk`
      : `:warning: *Health check failed* after scoring ${plural(r.accountsScored, "account")}: ${escapeSlackText(oneLine(r.error ?? "unknown error", 300))}`;
  const lines = [
    `At risk by band: ${BAND_EMOJI.red} ${r.atRisk.red} red · ${BAND_EMOJI.yellow} ${r.atRisk.yellow} yellow · ${BAND_EMOJI.green} ${r.atRisk.green} green${r.atRisk.unknown ? ` · ${BAND_EMOJI.unknown} ${r.atRisk.unknown} without a score` : ""}`,
    `New: ${r.raised} · worse: ${r.worse} · cleared: ${r.cleared} · ARR at risk: ${money(r.arrAtRisk)}`,
    `Posted on their own: ${r.posted}${r.heldBack ? ` (${r.heldBack} more held back by the cap, in the digest)` : ""}; the rest are in each channel's daily risk digest.`,
  ];
  if (r.accountsUnscored) lines.push(`${plural(r.accountsUnscored, "account")} could not be scored (no data yet).`);
  const context = [`As of ${slackDate(r.at)}`, r.nextCheckAt ? `next check ${slackDate(r.nextCheckAt)}` : "no check scheduled"].join(" · ");
  return {
    text: oneLine(
      r.status === "done"
        ? `Health check done: ${r.accountsScored} accounts scored, ${total} at risk`
        : `Health check failed after scoring ${r.accountsScored} accounts`,
      LIMITS.fallbackText,
    ),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: truncate(`${title}\n${lines.join("\n")}`, LIMITS.sectionText) } },
      { type: "context", elements: [{ type: "mrkdwn", text: context }] },
    ],
  };
}
