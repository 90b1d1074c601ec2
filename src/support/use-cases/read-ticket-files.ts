// The files the customer shared with the message a ticket was made from, read inside the ticket's
// transaction by the Slack adapter that posts the triage card.
import type { Tx } from "../../platform/db/transactor.ts";
import type { AttachedFile } from "../rules/files.ts";
import type { Ticket } from "../rules/ticket.ts";
import type { SupportStores } from "./context.ts";

export async function readTicketFiles(
  ctx: { store: Pick<SupportStores, "messages"> },
  tx: Tx,
  ticket: Pick<Ticket, "channelId" | "sourceTs">,
): Promise<AttachedFile[]> {
  return ticket.sourceTs ? ctx.store.messages.filesOf(tx, ticket.channelId, ticket.sourceTs) : [];
}
