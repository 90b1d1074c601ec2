// What the support desk tells the outside world when tickets change. The Slack adapter implements it by
// writing outbox rows inside the same transaction, so a change and its posts are stored together.
import type { Tx } from "../platform/db/client.ts";
import type { Ticket, TicketChange, AuthorRole } from "./rules/ticket.ts";
import type { TimerKind } from "./store/sla-timers.ts";

export interface SlaAlert {
  kind: TimerKind;
  level: "warning" | "breach";
  targetSeconds: number;
  dueAt: Date | null;
}

export interface MessageNote {
  userId: string;
  text: string;
  role: AuthorRole;
}

export interface TicketNotifier {
  /** A ticket was made: acknowledge the customer and post the triage card. */
  ticketCreated(tx: Tx, ticket: Ticket, now: Date): Promise<{ ackOutboxId: number | null; cardOutboxId: number | null }>;
  /** Status, priority or assignee changed, or the ticket reopened: update the card, log it in its thread. */
  ticketChanged(tx: Tx, ticket: Ticket, change: TicketChange, now: Date): Promise<void>;
  /** A message in the customer's thread (or a merged top-level message): mirror it into the card's thread. */
  conversationMessage(tx: Tx, ticket: Ticket, message: MessageNote, now: Date): Promise<void>;
  /** An SLA target is near (warning) or missed (breach): tell the assignee in the card's thread. */
  slaAlert(tx: Tx, ticket: Ticket, alert: SlaAlert, now: Date): Promise<void>;
  /** An agent answered through the app: post the answer in the customer's thread and log it. */
  replyToCustomer(tx: Tx, ticket: Ticket, agentId: string, text: string, now: Date): Promise<void>;
  /** The ticket was resolved and sampled for CSAT: post the survey in the customer's thread; returns its outbox id. */
  csatSurvey(tx: Tx, ticket: Ticket, now: Date): Promise<number | null>;
  /** A customer's CSAT answer became 1 or 2: tell the team in the card's thread so someone follows up. */
  csatLowScore(tx: Tx, ticket: Ticket, score: number, userId: string, now: Date): Promise<void>;
}
