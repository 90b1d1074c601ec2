// Shipping a theme: one modal for "Mark shipped" and `/feedback ship`. It asks what shipped, then shows the
// reply exactly as customers will read it (built by the same function as the real post) and how many
// customer threads and CSMs will be told. Only a submission of the reply that was shown ships; a changed
// note (or theme name) is shown again first.
import { createHash } from "node:crypto";
import type { View } from "@slack/types";
import { MAX_SHIP_NOTE, type ShipPlan } from "../../feedback/rules/loop.ts";
import { shippedReply } from "./feedback-loop.ts";
import { THEME_SHIP_INPUT, VIEWS } from "./ids.ts";
import { LIMITS, escapeSlackText, modalMetadata, readModalMetadata, truncate } from "./limits.ts";

/** What the modal carries: the theme, and a digest of the reply it shows (none yet: null). */
export interface ShipModalState {
  themeId: number;
  shown: string | null;
}

/**
 * A short digest of the reply the plan sends (its theme and text), so a submission knows whether the reply
 * on screen is the one it would send; null while there is no note.
 */
export function replyDigest(plan: Pick<ShipPlan, "theme" | "note">): string | null {
  if (plan.note === null) return null;
  return createHash("sha256")
    .update(`${plan.theme.id}\n${shippedReply(plan.note)}`)
    .digest("hex")
    .slice(0, 16);
}

export function readShipModalState(raw: string | undefined): ShipModalState | null {
  const meta = readModalMetadata(raw);
  const themeId = meta?.themeId;
  if (typeof themeId !== "number" || !Number.isSafeInteger(themeId) || themeId <= 0) return null;
  return { themeId, shown: typeof meta?.shown === "string" ? meta.shown : null };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Who will be told: the numbers a person checks before pressing Ship. */
export function shipReach(plan: Pick<ShipPlan, "threads" | "csms">): string {
  const threads = plan.threads
    ? `posts a reply in *${plural(plan.threads, "customer thread", "customer threads")}* (a thread whose message was deleted since is skipped)`
    : "posts in *no customer thread* (none is waiting for this theme)";
  const csms = plan.csms
    ? `sends *${plural(plan.csms, "CSM", "CSMs")}* a direct message listing their accounts that asked`
    : "tells *no CSM* (no account that asked has one)";
  return `${threads}, and ${csms}.`;
}

export function themeShipModal(plan: ShipPlan): View {
  const name = escapeSlackText(plan.theme.name);
  const preview = plan.note === null ? null : shippedReply(plan.note);
  return {
    type: "modal",
    callback_id: VIEWS.themeShip,
    private_metadata: modalMetadata({ themeId: plan.theme.id, shown: replyDigest(plan) }),
    title: { type: "plain_text", text: "Mark theme shipped" },
    submit: { type: "plain_text", text: preview === null ? "Preview" : "Ship" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: truncate(`*${name}*: shipping it ${shipReach(plan)}`, LIMITS.sectionText) },
      },
      ...(preview === null
        ? []
        : [
            {
              type: "context" as const,
              elements: [
                {
                  type: "mrkdwn" as const,
                  text: plan.threads ? "Each customer thread gets this reply, word for word:" : "The reply customers would get:",
                },
              ],
            },
            { type: "section" as const, text: { type: "mrkdwn" as const, text: preview } },
          ]),
      {
        type: "input",
        block_id: THEME_SHIP_INPUT.block,
        label: { type: "plain_text", text: "What shipped (customers read this)" },
        hint: {
          type: "plain_text",
          text: truncate(
            `Links may go only to ${plan.linkDomains.join(", ")} (and subdomains); an admin allows more with SHIP_LINK_DOMAINS.`,
            300,
          ),
        },
        element: {
          type: "plain_text_input",
          action_id: THEME_SHIP_INPUT.action,
          multiline: true,
          max_length: MAX_SHIP_NOTE,
          ...(plan.note === null ? {} : { initial_value: plan.note }),
        },
      },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text:
              preview === null
                ? "Press *Preview* to see the reply customers will read. Nothing is sent yet."
                : "Nothing is sent until you press *Ship*. If you change the note, you see the new reply first.",
          },
        ],
      },
    ],
  };
}
