// Tickets as stored. Every read selects exactly the fields of the domain's Ticket (TICKET_FIELDS), so
// nothing else a row may carry reaches the domain.
import type { Tx } from "../../platform/db/client.ts";
import { isUniqueViolation } from "../../platform/db/unique-violation.ts";
import { DomainError } from "../../shared/errors.ts";
import type { Ticket } from "../rules/ticket.ts";

/** The columns of a Ticket, all of them. */
export const TICKET_FIELDS = {
  id: true,
  channelId: true,
  sourceTs: true,
  threadTs: true,
  requesterId: true,
  requesterTeamId: true,
  requesterName: true,
  requesterCompany: true,
  text: true,
  sourceState: true,
  permalink: true,
  priority: true,
  status: true,
  assigneeId: true,
  origin: true,
  createdById: true,
  createdAt: true,
  firstResponseAt: true,
  firstResponderId: true,
  resolvedAt: true,
  resolvedById: true,
  reopenedAt: true,
  reopenCount: true,
  lastCustomerMessageAt: true,
  accountExternalId: true,
  tier: true,
  previousTicketId: true,
  agentResponseCount: true,
  firstResponseSeconds: true,
  firstResponseBusinessSeconds: true,
  resolutionSeconds: true,
  resolutionBusinessSeconds: true,
  updatedAt: true,
} as const satisfies Record<keyof Ticket, true>;

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
  byId: (tx, id) => tx.ticket.findUnique({ where: { id }, select: TICKET_FIELDS }),

  bySource: (tx, channelId, sourceTs) =>
    tx.ticket.findUnique({ where: { channelId_sourceTs: { channelId, sourceTs } }, select: TICKET_FIELDS }),

  recentOpen: (tx, channelId, requesterId, since) =>
    tx.ticket.findFirst({
      where: { channelId, requesterId, status: { not: "resolved" }, lastCustomerMessageAt: { gte: since } },
      orderBy: { lastCustomerMessageAt: "desc" },
      select: TICKET_FIELDS,
    }),

  async insert(tx, row) {
    try {
      return await tx.ticket.create({ data: row, select: TICKET_FIELDS });
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
      select: TICKET_FIELDS,
    });
  },
};

/** The include that reads a related ticket without the Slack adapter's columns. */
export const ticketWithoutSlackColumns = { select: TICKET_FIELDS } as const;
