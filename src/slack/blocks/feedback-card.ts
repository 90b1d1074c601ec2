// The compact card of one feedback item in PRODUCT_CHANNEL: kind, themes, the account with its ARR and
// health band, the verbatim quote, the link, who tagged it; suggested themes confirm with one click.
import type { KnownBlock } from "@slack/types";
import type { FeedbackItem, Importance, Kind } from "../../feedback/rules/feedback.ts";
import { BAND_EMOJI, money } from "./health-alert.ts";
import { ACTIONS } from "./ids.ts";
import { LIMITS, escapeSlackText, oneLine, quote, truncate } from "./limits.ts";

export const KIND_LABELS: Record<Kind, string> = {
  bug: "Bug",
  feature_request: "Feature request",
  usability: "Usability",
  praise: "Praise",
  churn_reason: "Churn reason",
};

export const IMPORTANCE_LABELS: Record<Importance, string> = {
  low: "Nice to have",
  medium: "Important",
  high: "Very important",
  critical: "Blocker",
};

export const feedbackBlockId = (itemId: number) => `feedback:${itemId}`;

export function feedbackIdFromBlockId(blockId: unknown): number | null {
  if (typeof blockId !== "string") return null;
  const match = /^feedback:(\d+)$/.exec(blockId);
  return match ? Number(match[1]) : null;
}

export function accountLabel(item: Pick<FeedbackItem, "account" | "internal">): string {
  const a = item.account;
  const internal = item.internal ? " · _internal (said by our own people)_" : "";
  if (!a) return `_No account_${internal}`;
  const parts = [`*${escapeSlackText(a.name ?? a.externalId)}*`];
  if (a.arr !== null) parts.push(`ARR ${money(a.arr)}`);
  if (a.band) parts.push(`${BAND_EMOJI[a.band] ?? ""} ${a.band}`);
  if (a.tier) parts.push(escapeSlackText(a.tier));
  return parts.join(" · ") + internal;
}

export function feedbackCard(item: FeedbackItem): { text: string; blocks: KnownBlock[] } {
  const kind = item.kind ? KIND_LABELS[item.kind] : "Feedback";
  const themes = item.themes.length ? item.themes.map((t) => `\`${escapeSlackText(t.name)}\``).join(", ") : "_no theme yet_";
  const head = `:bulb: *${kind}* #${item.id} · ${themes}${item.importance ? ` · ${IMPORTANCE_LABELS[item.importance]}` : ""}`;
  const source = item.permalink ? `<${item.permalink}|Source>` : "Source";
  const taggers = item.taggers.map((t) => `<@${t}>`).join(", ");
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: truncate(head, LIMITS.sectionText) } },
    { type: "context", elements: [{ type: "mrkdwn", text: truncate(`:office: ${accountLabel(item)}`, LIMITS.contextText) }] },
    { type: "section", text: { type: "mrkdwn", text: quote(escapeSlackText(item.text), LIMITS.sectionText) } },
  ];
  if (item.note)
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: truncate(`:memo: ${escapeSlackText(item.note)}`, LIMITS.contextText) }],
    });
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: truncate(
          `${source} in <#${item.channelId}> · said by <@${item.authorId}>${item.ticketId ? ` · ticket #${item.ticketId}` : ""} · tagged by ${taggers || "_nobody_"}`,
          LIMITS.contextText,
        ),
      },
    ],
  });
  const suggestions = item.suggestions.slice(0, 3);
  if (suggestions.length) {
    blocks.push({
      type: "actions",
      block_id: feedbackBlockId(item.id),
      elements: suggestions.map((s, i) => ({
        type: "button" as const,
        action_id: `${ACTIONS.feedbackConfirmTheme}_${i}`,
        text: { type: "plain_text" as const, text: truncate(`Theme: ${escapeSlackText(s.name)}`, LIMITS.plainTextButton) },
        value: `${item.id}:${s.id}`,
      })),
    });
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: "Suggested themes by similarity to their feedback: click one to confirm it." }],
    });
  }
  const from = item.account?.name ?? item.authorName;
  return { text: oneLine(`${kind} from ${from ? escapeSlackText(from) : "a customer"}: ${escapeSlackText(item.text)}`), blocks };
}

export function withdrawnCard(item: FeedbackItem): { text: string; blocks: KnownBlock[] } {
  return {
    text: `Feedback #${item.id} was withdrawn`,
    blocks: [{ type: "context", elements: [{ type: "mrkdwn", text: `:wastebasket: Feedback #${item.id} was withdrawn by its tagger.` }] }],
  };
}
