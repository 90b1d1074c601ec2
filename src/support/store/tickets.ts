// Tickets as stored. A ticket's row still carries the Slack adapter's old message references
// (ackOutboxId, cardOutboxId) until they are dropped; they are never read into the domain.
import type { Tx } from "../../platform/db/client.ts";
import { isUniqueViolation } from "../../platform/db/unique-violation.ts";
import { DomainError } from "../../shared/errors.ts";
import type { Ticket } from "../rules/ticket.ts";

const SLACK_COLUMNS = { ackOutboxId: true, cardOutboxId: true } as const;

export type NewTicketRow = Pick<
  Ticket,
  | "channelId"
  | "sourceTs"
  | "threadTs"
  | "requesterId"
  | "requesterTeamId"
  | "requesterName"
  | "requesterCompany"
  | "text"
  | "permalink"
  | "origin"
  | "createdById"
  | "createdAt"
  | "lastCustomerMessageAt"
  | "accountExternalId"
  | "tier"
  | "previousTicketId"
>;

/** Fields to set, and counters to raise by one (atomically, whatever else changes the ticket meanwhile). */
export type TicketUpdate = Partial<Omit<Ticket, "id" | "reopenCount" | "agentResponseCount" | "updatedAt">> & {
  countReopen?: boolean;
  countAgentResponse?: boolean;
};

export interface TicketStore {
  byId(tx: Tx, id: number): Promise<Ticket | null>;
  /** The ticket made from a customer's message, if any. */
  bySource(tx: Tx, channelId: string, sourceTs: string): Promise<Ticket | null>;
  /** The requester's newest unresolved ticket in the channel that heard from them since `since`. */
  recentOpen(tx: Tx, channelId: string, requesterId: string, since: Date): Promise<Ticket | null>;
  /** Stores a new ticket. A second one from the same source message throws "ticket.duplicate_source". */
  insert(tx: Tx, row: NewTicketRow): Promise<Ticket>;
  update(tx: Tx, id: number, changes: TicketUpdate): Promise<Ticket>;
}

export const prismaTickets: TicketStore = {
  byId: (tx, id) => tx.ticket.findUnique({ where: { id }, omit: SLACK_COLUMNS }),

  bySource: (tx, channelId, sourceTs) =>
    tx.ticket.findUnique({ where: { channelId_sourceTs: { channelId, sourceTs } }, omit: SLACK_COLUMNS }),

  recentOpen: (tx, channelId, requesterId, since) =>
    tx.ticket.findFirst({
      where: { channelId, requesterId, status: { not: "resolved" }, lastCustomerMessageAt: { gte: since } },
      orderBy: { lastCustomerMessageAt: "desc" },
      omit: SLACK_COLUMNS,
    }),

  async insert(tx, row) {
    try {
      return await tx.ticket.create({ data: row, omit: SLACK_COLUMNS });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError("ticket.duplicate_source", { channelId: row.channelId, sourceTs: row.sourceTs });
      throw error;
    }
  },

  update(tx, id, { countReopen, countAgentResponse, ...fields }) {
    return tx.ticket.update({
      where: { id },
      data: {
        ...fields,
        ...(countReopen ? { reopenCount: { increment: 1 } } : {}),
        ...(countAgentResponse ? { agentResponseCount: { increment: 1 } } : {}),
      },
      omit: SLACK_COLUMNS,
    });
  },
};

/** The include that reads a related ticket without the Slack adapter's columns. */
export const ticketWithoutSlackColumns = { omit: SLACK_COLUMNS } as const;
