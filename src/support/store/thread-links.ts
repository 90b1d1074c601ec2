// Which Slack thread belongs to which ticket: the customer's thread(s) and the triage card's thread.
import type { Database, Tx } from "../../platform/db/client.ts";
import { preparedExecute } from "../../platform/db/sql.ts";
import type { Ticket } from "../rules/ticket.ts";
import { TICKET_FIELDS } from "./tickets.ts";

export type ThreadRole = "customer" | "card";

export interface ThreadLink {
  channelId: string;
  threadTs: string;
  ticketId: number;
  role: ThreadRole;
}

export interface ThreadLinkStore {
  /** The ticket a thread belongs to (the newest one, if several share it). */
  ticketOf(tx: Tx, channelId: string, threadTs: string, role: ThreadRole): Promise<Ticket | null>;
  add(tx: Tx, link: ThreadLink): Promise<void>;
  /** Adds the link unless the thread already belongs to the ticket. */
  addIfMissing(tx: Tx, link: ThreadLink): Promise<void>;
}

/** `add` is prepared SQL (src/platform/db/sql.ts): it runs for every new ticket. */
export const prismaThreadLinks = (db: Pick<Database, "provider" | "sqliteDriver">): ThreadLinkStore => ({
  async ticketOf(tx, channelId, threadTs, role) {
    const link = await tx.threadLink.findFirst({
      where: { channelId, threadTs, role },
      orderBy: { ticketId: "desc" },
      include: { ticket: { select: TICKET_FIELDS } },
    });
    return link?.ticket ?? null;
  },

  async add(tx, link) {
    await preparedExecute(
      db,
      tx,
      `INSERT INTO "ThreadLink" ("channelId", "threadTs", "ticketId", "role") VALUES ($1, $2, $3, $4)`,
      link.channelId,
      link.threadTs,
      link.ticketId,
      link.role,
    );
  },

  async addIfMissing(tx, { role, ...link }) {
    const exists = await tx.threadLink.findFirst({ where: link, select: { id: true } });
    if (!exists) await tx.threadLink.create({ data: { ...link, role } });
  },
});
