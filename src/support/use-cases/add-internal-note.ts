// An agent writes in a triage card's thread: the note is stored with the ticket as internal, never sent
// to the customer, and is not a response.
import type { Actor } from "../../shared/actor.ts";
import type { AttachedFile } from "../rules/files.ts";
import { tsToDate } from "../rules/intake.ts";
import { personOf, type SupportContext } from "./context.ts";

export interface CardThreadNote {
  channelId: string;
  /** The card's message, whose thread it is. */
  threadTs: string;
  ts: string;
  text: string;
  /** The files shared with the note (none when absent). */
  files?: readonly AttachedFile[];
}

/** The ticket the note was added to; null when the thread is no card's; "duplicate" for a second delivery. */
export async function addInternalNote(ctx: SupportContext, actor: Actor, note: CardThreadNote): Promise<number | "duplicate" | null> {
  const { userId } = personOf(actor);
  const ticket = await ctx.store.threads.ticketOf(ctx.db, note.channelId, note.threadTs, "card");
  if (!ticket) return null;
  const at = tsToDate(note.ts);
  return ctx.tx.transaction(async (tx) => {
    if (await ctx.store.messages.seen(tx, note.channelId, note.ts)) return "duplicate";
    await ctx.store.messages.add(tx, {
      ticketId: ticket.id,
      channelId: note.channelId,
      ts: note.ts,
      userId,
      text: note.text,
      files: note.files,
      role: "internal",
      at,
    });
    await ctx.store.events.record(tx, { ticketId: ticket.id, kind: "internal_note", actorId: userId, at });
    return ticket.id;
  });
}
