// A ticket's lifecycle, exactly: one row per change with its author and time.
import type { Database, Tx } from "../../platform/db/client.ts";
import { preparedExecute } from "../../platform/db/sql.ts";

export interface TicketEventRow {
  ticketId: number;
  /** created | customer_message | first_response | response | status_changed | priority_changed | assignee_changed | resolved | reopened | internal_note | sla_warning | sla_breached | csat_answered | csat_commented | source_edited | source_deleted | message_edited | message_deleted | message_added */
  kind: string;
  actorId?: string | null;
  fromValue?: string | null;
  toValue?: string | null;
  at: Date;
}

export interface TicketEventStore {
  record(tx: Tx, event: TicketEventRow): Promise<void>;
  /** Whether the ticket has an event of this kind by this person with one of these values. */
  exists(tx: Tx, where: { ticketId: number; kind: string; actorId: string; toValues: string[] }): Promise<boolean>;
}

/** `record` is prepared SQL (src/platform/db/sql.ts): it runs for every ticket and message. */
export const prismaTicketEvents = (db: Pick<Database, "provider" | "sqliteDriver">): TicketEventStore => ({
  async record(tx, event) {
    await preparedExecute(
      db,
      tx,
      `INSERT INTO "TicketEvent" ("ticketId", "kind", "actorId", "fromValue", "toValue", "at") VALUES ($1, $2, $3, $4, $5, $6)`,
      event.ticketId,
      event.kind,
      event.actorId ?? null,
      event.fromValue ?? null,
      event.toValue ?? null,
      event.at,
    );
  },
  async exists(tx, { ticketId, kind, actorId, toValues }) {
    const found = await tx.ticketEvent.findFirst({ where: { ticketId, kind, actorId, toValue: { in: toValues } }, select: { id: true } });
    return found !== null;
  },
});
