// Every message that belongs to a ticket, by whom, with its role (customer, agent or internal note).
import type { Tx } from "../../platform/db/client.ts";

export interface TicketMessageRow {
  ticketId: number;
  channelId: string;
  ts: string;
  userId: string;
  role: "customer" | "agent" | "internal";
  text: string;
  at: Date;
}

export interface TicketMessageStore {
  /** Whether the Slack message is stored already (a second delivery of it). */
  seen(tx: Tx, channelId: string, ts: string): Promise<boolean>;
  add(tx: Tx, message: TicketMessageRow): Promise<void>;
}

export const prismaTicketMessages: TicketMessageStore = {
  async seen(tx, channelId, ts) {
    return (await tx.ticketMessage.findUnique({ where: { channelId_ts: { channelId, ts } }, select: { id: true } })) !== null;
  },
  async add(tx, message) {
    await tx.ticketMessage.create({ data: message });
  },
};
