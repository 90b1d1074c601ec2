// What a person is told when the support desk refuses what they asked: one sentence per DomainError code.
import { accessDeniedText } from "./access.ts";
import type { DomainError } from "../../shared/errors.ts";
import { escapeSlackText } from "./limits.ts";
import { csatCommentNeedsScore, csatNoSurvey, csatRefusal, CSAT_COMMENT_EMPTY, CSAT_INVALID_SCORE } from "./csat.ts";

const list = (names: readonly string[]) => names.map((n) => `\`${escapeSlackText(n)}\``).join(", ");

/** The wording for a support error, or null when the code is not the support desk's. */
export function supportErrorText(error: DomainError): string | null {
  if (error.code === "access.denied") return accessDeniedText(error);
  const d = error.details;
  switch (error.code) {
    case "ticket.not_found":
      return ticketGone(Number(d.ticketId));
    case "ticket.in_triage_channel":
      return d.origin === "shortcut"
        ? "Messages in the triage channel are the team's own notes; make tickets from customer messages."
        : "Open tickets from the channel the request belongs to, not from the triage channel.";
    case "csat.invalid_score":
      return CSAT_INVALID_SCORE;
    case "csat.no_survey":
      return csatNoSurvey(Number(d.ticketId));
    case "csat.not_requester":
      return csatRefusal(String(d.requesterId));
    case "csat.empty_comment":
      return CSAT_COMMENT_EMPTY;
    case "csat.no_answer":
      return csatCommentNeedsScore(Number(d.ticketId));
    case "support.invalid_account_id":
      return "The account external id may use letters, digits and . _ : @ / - (up to 100 characters), for example `/support link acme-corp`.";
    case "support.triage_channel":
      return "This is the triage channel; it cannot also be a support channel.";
    case "support.not_a_channel":
      return "Only channels can be support channels; run `/support link` in the customer's channel.";
    case "support.unknown_tier": {
      const tiers = (d.tiers ?? []) as readonly string[];
      return tiers.length
        ? `There is no tier \`${escapeSlackText(String(d.tier))}\` in the SLA policy. Tiers: ${list(tiers)}, or \`none\`.`
        : `The SLA policy defines no tiers; add them under "tiers" in the SLA policy file first.`;
    }
    case "support.not_support_channel":
      return `<#${String(d.channelId)}> is not a support channel. Link it first with \`/support link [account-external-id]\`.`;
    default:
      return null;
  }
}

/** A ticket that does not exist (null: the payload named none). */
export const ticketGone = (ticketId: number | null): string => `Ticket #${ticketId ?? "?"} no longer exists.`;

/** A card control whose change could not be saved for another reason. */
export const cardChangeFailed = (ticketId: number): string =>
  `Sorry, that change to ticket #${ticketId} could not be saved. Please try again.`;
