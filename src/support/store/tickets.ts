// Tickets as stored. Every read selects exactly the fields of the domain's Ticket (TICKET_FIELDS), so
// nothing else a row may carry reaches the domain.
//
// The reads and the insert of a new ticket's path (bySource, recentOpen, insert) are prepared SQL
// (src/platform/db/sql.ts): they run for every message that arrives, where Prisma's query layer costs far
// more than the database's work.
import type { Database, Tx } from "../../platform/db/client.ts";
import { dateOf, num, preparedRows } from "../../platform/db/sql.ts";
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

const DATE_FIELDS = ["createdAt", "firstResponseAt", "resolvedAt", "reopenedAt", "lastCustomerMessageAt", "updatedAt"] as const;
const INT_FIELDS = [
  "id",
  "reopenCount",
  "previousTicketId",
  "agentResponseCount",
  "firstResponseSeconds",
  "firstResponseBusinessSeconds",
  "resolutionSeconds",
  "resolutionBusinessSeconds",
] as const;

/** The ticket columns of a raw statement, in TICKET_FIELDS order. */
export const TICKET_COLUMNS = Object.keys(TICKET_FIELDS)
  .map((f) => `"${f}"`)
  .join(", ");

/** A ticket from a raw row of TICKET_COLUMNS (datetimes and integers as each provider returns them). */
export function ticketFromRow(row: Record<string, unknown>): Ticket {
  const ticket = { ...row } as Record<string, unknown>;
  for (const f of DATE_FIELDS) ticket[f] = dateOf(row[f]);
  for (const f of INT_FIELDS) ticket[f] = num(row[f]);
  return ticket as unknown as Ticket;
}

const NEW_TICKET_COLUMNS = [
  "channelId",
  "sourceTs",
  "threadTs",
  "requesterId",
  "requesterTeamId",
  "requesterName",
  "requesterCompany",
  "text",
  "permalink",
  "origin",
  "createdById",
  "createdAt",
  "lastCustomerMessageAt",
  "accountExternalId",
  "tier",
  "previousTicketId",
] as const satisfies readonly (keyof NewTicketRow)[];

const INSERT_TICKET = `INSERT INTO "Ticket" (${NEW_TICKET_COLUMNS.map((c) => `"${c}"`).join(", ")}, "updatedAt")
  VALUES (${NEW_TICKET_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}, $${NEW_TICKET_COLUMNS.length + 1})
  ON CONFLICT DO NOTHING RETURNING ${TICKET_COLUMNS}`;

/** `now`: the time updatedAt is set to (Prisma's @updatedAt), for a ticket inserted without Prisma. */
export function prismaTickets(db: Pick<Database, "provider" | "sqliteDriver">, now: () => Date = () => new Date()): TicketStore {
  const one = async (tx: Tx, sql: string, ...args: unknown[]) => {
    const [row] = await preparedRows<Record<string, unknown>>(db, tx, sql, ...args);
    return row ? ticketFromRow(row) : null;
  };
  return {
    byId: (tx, id) => tx.ticket.findUnique({ where: { id }, select: TICKET_FIELDS }),

    bySource: (tx, channelId, sourceTs) =>
      one(tx, `SELECT ${TICKET_COLUMNS} FROM "Ticket" WHERE "channelId" = $1 AND "sourceTs" = $2`, channelId, sourceTs),

    recentOpen: (tx, channelId, requesterId, since) =>
      one(
        tx,
        `SELECT ${TICKET_COLUMNS} FROM "Ticket"
         WHERE "channelId" = $1 AND "requesterId" = $2 AND "status" <> 'resolved' AND "lastCustomerMessageAt" >= $3
         ORDER BY "lastCustomerMessageAt" DESC LIMIT 1`,
        channelId,
        requesterId,
        since,
      ),

    async insert(tx, row) {
      // The only unique key besides the id is (channelId, sourceTs): nothing inserted is a second ticket of one message.
      const ticket = await one(tx, INSERT_TICKET, ...NEW_TICKET_COLUMNS.map((c) => row[c] ?? null), now());
      if (!ticket) throw new DomainError("ticket.duplicate_source", { channelId: row.channelId, sourceTs: row.sourceTs });
      return ticket;
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
}

/** The include that reads a related ticket without the Slack adapter's columns. */
export const ticketWithoutSlackColumns = { select: TICKET_FIELDS } as const;
