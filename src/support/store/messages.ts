// Every message that belongs to a ticket, by whom, with its role (customer, agent or internal note) and
// the files shared with it.
import type { Tx } from "../../platform/db/client.ts";
import { filesFromJson, filesToJson, type AttachedFile } from "../rules/files.ts";

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

export interface TicketMessageStore {
  /** Whether the Slack message is stored already (a second delivery of it). */
  seen(tx: Tx, channelId: string, ts: string): Promise<boolean>;
  add(tx: Tx, message: TicketMessageRow): Promise<void>;
  /** The files shared with a stored message (none when it is not stored). */
  filesOf(tx: Tx, channelId: string, ts: string): Promise<AttachedFile[]>;
}

export const prismaTicketMessages: TicketMessageStore = {
  async seen(tx, channelId, ts) {
    return (await tx.ticketMessage.findUnique({ where: { channelId_ts: { channelId, ts } }, select: { id: true } })) !== null;
  },
  async add(tx, { files, ...message }) {
    await tx.ticketMessage.create({ data: { ...message, files: filesToJson(files ?? []) } });
  },
  async filesOf(tx, channelId, ts) {
    const row = await tx.ticketMessage.findUnique({ where: { channelId_ts: { channelId, ts } }, select: { files: true } });
    return filesFromJson(row?.files ?? null);
  },
};
