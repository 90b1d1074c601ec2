// Every message that belongs to a ticket, by whom, with its role (customer, agent or internal note) and
// the files shared with it, and what became of it in Slack (edited, deleted).
import type { Database, Tx } from "../../platform/db/client.ts";
import { preparedRows } from "../../platform/db/sql.ts";
import { filesFromJson, filesToJson, type AttachedFile } from "../rules/files.ts";
import type { MessageState } from "../rules/ticket.ts";

export interface TicketMessageRow {
  ticketId: number;
  channelId: string;
  ts: string;
  userId: string;
  role: "customer" | "agent" | "internal";
  text: string;
  /** The files shared with it (none when absent). */
  files?: readonly AttachedFile[];
  at: Date;
}

/** A stored message as an edit or a deletion finds it. */
export interface StoredTicketMessage {
  id: number;
  ticketId: number;
  userId: string;
  role: "customer" | "agent" | "internal";
  text: string;
  /** null: as sent; "edited" or "deleted". */
  state: string | null;
}

export interface TicketMessageStore {
  /** Whether the Slack message is stored already (a second delivery of it). */
  seen(tx: Tx, channelId: string, ts: string): Promise<boolean>;
  /** Stores the message; returns its id. */
  add(tx: Tx, message: TicketMessageRow): Promise<number>;
  /** The files shared with a stored message (none when it is not stored). */
  filesOf(tx: Tx, channelId: string, ts: string): Promise<AttachedFile[]>;
  /** The stored message of a Slack message, if any. */
  byTs(tx: Tx, channelId: string, ts: string): Promise<StoredTicketMessage | null>;
  /**
   * Sets a message's text and state if they are still `from` (false: another delivery of the same change
   * got there first, and nothing was changed).
   */
  revise(tx: Tx, id: number, from: { text: string; state: string | null }, to: { text: string; state: MessageState }): Promise<boolean>;
}

/** seen, add and filesOf are prepared SQL (src/platform/db/sql.ts): they run for every message that arrives. */
export const prismaTicketMessages = (db: Pick<Database, "provider" | "sqliteDriver">): TicketMessageStore => ({
  async seen(tx, channelId, ts) {
    const rows = await preparedRows(db, tx, `SELECT 1 AS "found" FROM "TicketMessage" WHERE "channelId" = $1 AND "ts" = $2`, channelId, ts);
    return rows.length > 0;
  },
  async add(tx, { files, ...m }) {
    const [row] = await preparedRows<{ id: number }>(
      db,
      tx,
      `INSERT INTO "TicketMessage" ("ticketId", "channelId", "ts", "userId", "role", "text", "files", "at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING "id"`,
      m.ticketId,
      m.channelId,
      m.ts,
      m.userId,
      m.role,
      m.text,
      filesToJson(files ?? []),
      m.at,
    );
    return Number(row.id);
  },
  async filesOf(tx, channelId, ts) {
    const [row] = await preparedRows<{ files: string | null }>(
      db,
      tx,
      `SELECT "files" FROM "TicketMessage" WHERE "channelId" = $1 AND "ts" = $2`,
      channelId,
      ts,
    );
    return filesFromJson(row?.files ?? null);
  },
  async byTs(tx, channelId, ts) {
    const row = await tx.ticketMessage.findUnique({
      where: { channelId_ts: { channelId, ts } },
      select: { id: true, ticketId: true, userId: true, role: true, text: true, state: true },
    });
    return row ? { ...row, role: row.role as StoredTicketMessage["role"] } : null;
  },
  async revise(tx, id, from, to) {
    const { count } = await tx.ticketMessage.updateMany({ where: { id, text: from.text, state: from.state }, data: to });
    return count === 1;
  },
});
