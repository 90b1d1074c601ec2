// What a person is told in Slack when a customer-success request cannot be done: the wording for each
// DomainError code of the success context (null for a code this file does not know).
import { accessDeniedText } from "./access.ts";
import { escapeSlackText } from "./limits.ts";
import type { DomainError } from "../../shared/errors.ts";
import { MAX_NOTE_LENGTH, SNOOZE_DAYS } from "../../success/rules/alert-changes.ts";

export function successErrorText(error: DomainError): string | null {
  if (error.code === "access.denied") return accessDeniedText(error);
  const d = error.details;
  switch (error.code) {
    case "alert.not_found":
      return "This alert no longer exists.";
    case "alert.already_cleared":
      return "This alert is already cleared: the condition no longer holds.";
    case "alert.already_acknowledged":
      return `This alert was already acknowledged by <@${String(d.byUserId)}>.`;
    case "alert.invalid_snooze":
      return `Snooze for ${SNOOZE_DAYS.join(", ")} days.`;
    case "alert.owner_required":
      return "Pick the person who should own this alert.";
    case "alert.already_owner":
      return `<@${String(d.ownerId)}> already owns this alert.`;
    case "alert.note_empty":
      return "The note is empty: write what you learned or did.";
    case "alert.note_too_long":
      return `The note is ${String(d.length)} characters; keep it under ${String(d.max ?? MAX_NOTE_LENGTH)}.`;
    case "alert.person_required":
      return "Only a person in Slack can change an alert.";
    case "account.not_found":
      return `There is no account \`${escapeSlackText(String(d.externalId ?? ""))}\` any more.`;
    default:
      return null;
  }
}

/** When an alert change fails for another reason. */
export const ALERT_CHANGE_FAILED = "Sorry, that change to the alert could not be saved. Please try again.";
/** When a note fails for another reason. */
export const ALERT_NOTE_FAILED = "Your note could not be saved. Please try again.";
/** The note form lost the alert it belongs to. */
export const ALERT_NOTE_LOST = "This form has lost its alert. Close it and click Add note again.";
