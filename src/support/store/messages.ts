// Every message that belongs to a ticket, by whom, with its role (customer, agent or internal note) and
// the files shared with it, and what became of it in Slack (edited, deleted).
import type { Tx } from "../../platform/db/client.ts";
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

export const prismaTicketMessages: TicketMessageStore = {
  async seen(tx, channelId, ts) {
    return (await tx.ticketMessage.findUnique({ where: { channelId_ts: { channelId, ts } }, select: { id: true } })) !== null;
  },
  async add(tx, { files, ...message }) {
    return (await tx.ticketMessage.create({ data: { ...message, files: filesToJson(files ?? []) }, select: { id: true } })).id;
  },
  async filesOf(tx, channelId, ts) {
    const row = await tx.ticketMessage.findUnique({ where: { channelId_ts: { channelId, ts } }, select: { files: true } });
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
};
