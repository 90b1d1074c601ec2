// What a person's change to a churn-risk alert means: acknowledge (once), snooze for one of the offered
// periods, reassign the owner, add a note; each gives the fields to store and the line for the alert's
// thread, or a DomainError when it cannot be done. Also which red alerts are due for escalation.
import { DomainError } from "../../shared/errors.ts";
import type { HealthConfig } from "./health-config.ts";
import type { AlertLogLine, AlertView } from "./alert.ts";

export const SNOOZE_DAYS = [7, 14, 30] as const;
export const MAX_NOTE_LENGTH = 2000;
const DAY_MS = 86_400_000;

/** The alert's fields a change sets (none for a note). */
export interface AlertPatch {
  acknowledgedAt?: Date;
  acknowledgedById?: string;
  snoozedUntil?: Date;
  ownerId?: string;
}

export interface AlertChange {
  patch: AlertPatch;
  line: AlertLogLine;
}

/** A change to an alert that no longer exists, or (except a note) is already cleared, cannot be made. */
export function assertChangeable(alert: AlertView | null, alertId: number, allowCleared: boolean): asserts alert is AlertView {
  if (!alert) throw new DomainError("alert.not_found", { alertId });
  if (alert.status !== "open" && !allowCleared) throw new DomainError("alert.already_cleared", { alertId });
}

export function acknowledge(alert: AlertView, actorId: string, now: Date): AlertChange {
  if (alert.acknowledgedAt) throw new DomainError("alert.already_acknowledged", { alertId: alert.id, byUserId: alert.acknowledgedById });
  return { patch: { acknowledgedAt: now, acknowledgedById: actorId }, line: { kind: "acknowledged", actorId } };
}

/** Whether `days` is one of the snooze periods offered. */
export function checkSnoozeDays(days: number): void {
  if (!(SNOOZE_DAYS as readonly number[]).includes(days))
    throw new DomainError("alert.invalid_snooze", { days: Number.isFinite(days) ? days : null, allowed: SNOOZE_DAYS.map(String) });
}

export function snooze(actorId: string, days: number, now: Date): AlertChange {
  checkSnoozeDays(days);
  const until = new Date(now.getTime() + days * DAY_MS);
  return { patch: { snoozedUntil: until }, line: { kind: "snoozed", actorId, until, days } };
}

/** Whether someone was picked as the new owner. */
export function checkNewOwner(ownerId: string | null | undefined): asserts ownerId is string {
  if (!ownerId) throw new DomainError("alert.owner_required");
}

export function reassign(alert: AlertView, actorId: string, ownerId: string): AlertChange {
  if (alert.ownerId === ownerId) throw new DomainError("alert.already_owner", { alertId: alert.id, ownerId });
  return { patch: { ownerId }, line: { kind: "reassigned", actorId, from: alert.ownerId, to: ownerId } };
}

/** The note as stored (trimmed); empty or too long is refused. */
export function noteText(text: string): string {
  const note = text.trim();
  if (!note) throw new DomainError("alert.note_empty");
  if (note.length > MAX_NOTE_LENGTH) throw new DomainError("alert.note_too_long", { length: note.length, max: MAX_NOTE_LENGTH });
  return note;
}

export function note(actorId: string, text: string): AlertChange {
  return { patch: {}, line: { kind: "note", actorId, text } };
}

/** The text kept with the change in the alert's history: the note, the new owner, the snooze days. */
export function eventText(line: AlertLogLine): string | null {
  if (line.kind === "note") return line.text;
  if (line.kind === "reassigned") return line.to;
  if (line.kind === "snoozed") return String(line.days);
  return null;
}

/**
 * Red alerts nobody acknowledged for the configured hours are escalated to the CSM lead: the lead, the
 * latest raise time that is due as of `now`, and the thread line; null when no lead is configured.
 */
export function escalationDue(
  config: Pick<HealthConfig, "escalation">,
  now: Date,
): { leadUserId: string; raisedBefore: Date; line: AlertLogLine } | null {
  const lead = config.escalation.leadUserId;
  if (!lead) return null;
  return {
    leadUserId: lead,
    raisedBefore: new Date(now.getTime() - config.escalation.afterHours * 3_600_000),
    line: { kind: "escalated", leadUserId: lead, hours: config.escalation.afterHours },
  };
}
