// What the support desk needs from the outside world. The Slack adapter implements the notifiers by
// writing outbox rows inside the caller's transaction, so a change and its posts are stored together,
// and keeps its own record of what it posted (message references are not the domain's business).
import type { Tx } from "../platform/db/client.ts";
import type { AuthorRole, MessageState, Ticket, TicketChange } from "./rules/ticket.ts";
import type { SlaAlert, SlaStatus } from "./rules/sla.ts";
import type { HeadlineFigure } from "./rules/metrics.ts";
import type { AttachedFile, ReceivedFile } from "./rules/files.ts";

export interface MessageNote {
  userId: string;
  text: string;
  role: AuthorRole;
  /** The files shared with it (none when absent). */
  files?: readonly AttachedFile[];
  /** A link to the message, when known (shown with a file the app cannot open). */
  permalink?: string | null;
  /** The stored message (TicketMessage) it is, so a later edit can find its mirror. */
  messageId?: number;
}

/** A message already mirrored into the card's thread, as it is after an edit or a deletion in Slack. */
export interface ChangedMessage {
  messageId: number;
  userId: string;
  role: AuthorRole;
  text: string;
  state: MessageState;
}

/** What became of the message a ticket was made from: edited (with its earlier text) or deleted. */
export interface SourceChange {
  state: MessageState;
  /** The text before this change. */
  previousText: string;
}

/** A message of a thread as it was when a ticket was made in that thread (context, not part of the ticket). */
export interface ThreadMessage {
  /** Its author (null: a bot or an integration). */
  userId: string | null;
  text: string;
  at: Date;
}

/** Tells people about tickets. `sla` is the ticket's next SLA target as its card shows it. */
export interface TicketNotifier {
  /**
   * A ticket was made: acknowledge the customer and post the triage card. `firstFiles`: the files stored
   * with the ticket's first message when the caller has just stored it (so they need not be read back).
   */
  ticketCreated(tx: Tx, ticket: Ticket, sla: SlaStatus | null, now: Date, firstFiles?: readonly AttachedFile[]): Promise<void>;
  /** Status, priority or assignee changed, or the ticket reopened: update the card, log it in its thread. */
  ticketChanged(tx: Tx, ticket: Ticket, change: TicketChange, sla: SlaStatus | null, now: Date): Promise<void>;
  /** The ticket was made from a reply in a thread: copy the thread's earlier messages into the card's thread. */
  threadContext(tx: Tx, ticket: Ticket, messages: readonly ThreadMessage[], now: Date): Promise<void>;
  /** A message in the customer's thread (or a merged top-level message): mirror it into the card's thread. */
  conversationMessage(tx: Tx, ticket: Ticket, message: MessageNote, now: Date): Promise<void>;
  /** The message the ticket was made from was edited or deleted in Slack: update the card, say so in its thread. */
  sourceChanged(tx: Tx, ticket: Ticket, change: SourceChange, sla: SlaStatus | null, now: Date): Promise<void>;
  /** A message mirrored into the card's thread was edited or deleted in Slack: update its mirror. */
  messageChanged(tx: Tx, ticket: Ticket, message: ChangedMessage, now: Date): Promise<void>;
  /** An SLA target is near (warning) or missed (breach): tell the assignee in the card's thread. */
  slaAlert(tx: Tx, ticket: Ticket, alert: SlaAlert, sla: SlaStatus | null, now: Date): Promise<void>;
  /**
   * Time passed: these tickets' SLA may read differently now. Update the cards last shown with another SLA
   * state (and only those); returns how many were updated.
   */
  refreshCards(tx: Tx, cards: readonly { ticket: Ticket; sla: SlaStatus | null }[], now: Date): Promise<number>;
  /** An agent answered through the app: post the answer in the customer's thread and log it. */
  replyToCustomer(tx: Tx, ticket: Ticket, agentId: string, text: string, now: Date): Promise<void>;
  /** The ticket was resolved: tell the customer in their thread who resolved it and that a reply reopens it. */
  ticketResolved(tx: Tx, ticket: Ticket, actorId: string | null, now: Date): Promise<void>;
  /** The ticket was resolved and sampled for CSAT: post the survey in the customer's thread. */
  csatSurvey(tx: Tx, ticket: Ticket, now: Date): Promise<void>;
  /** A customer's CSAT answer became 1 or 2: tell the team in the card's thread so someone follows up. */
  csatLowScore(tx: Tx, ticket: Ticket, score: number, userId: string, now: Date): Promise<void>;
}

/** A period's headline figures against the period before. */
export interface SupportStats {
  days: number;
  from: Date;
  to: Date;
  figures: HeadlineFigure[];
}

export interface SummaryNotifier {
  /** Posts the weekly summary. `runKey` names the scheduled run: a run taken over after a crash posts nothing twice. */
  weeklySummary(tx: Tx, stats: SupportStats, runKey: string | null, now: Date): Promise<void>;
}

/** Who people are, as the chat workspace knows them. */
export interface PeopleDirectory {
  /** A person's display name (may ask the workspace; cached). */
  userName(userId: string): Promise<string | null>;
  /** The name of a workspace (may ask the workspace; cached). */
  teamName(teamId: string): Promise<string | null>;
  /** The name of a workspace if known already, without asking. */
  cachedTeamName(teamId: string): string | null;
  /** In the agents' list or user group. */
  isAgent(userId: string): boolean;
  /** An agents' list or user group is configured. */
  hasAgentDirectory(): boolean;
}

/** What the chat workspace says of the files shared with a message. */
export interface SharedFiles {
  /**
   * The files with their details: those that came with the message only as an id (`readable: null`) are
   * asked for; one the workspace will not describe is kept as a file the app cannot open. Never throws.
   */
  describe(files: readonly ReceivedFile[]): Promise<AttachedFile[]>;
}

/** The accounts customer success knows (imported from the CRM). */
export interface KnownAccounts {
  exists(externalId: string): Promise<boolean>;
}
