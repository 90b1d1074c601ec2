// A message was edited or deleted in Slack (the actor is who changed it; for a deletion Slack does not
// say, so it is the author as far as known). Only messages the desk recorded matter: the message a ticket
// was made from gets its new text on the card, marked edited, or is marked deleted there (the ticket
// stays); a reply in the customer's thread gets its mirror in the card's thread updated. Each change is
// recorded as a ticket event, with the text before and after. Internal notes, other messages and
// changes that change nothing (a second delivery, an unfurl) are left alone.
import { actorUserId, type Actor } from "../../shared/actor.ts";
import { planMessageChange, type MessageChange } from "../rules/message-changes.ts";
import type { SupportContext } from "./context.ts";
import { loadTicket } from "./steps/lifecycle.ts";
import { slaStatusOf } from "./steps/sla-clocks.ts";

export interface MessageChangeInput {
  channelId: string;
  /** The changed message's ts. */
  ts: string;
  change: MessageChange;
  /** When it was changed. */
  at: Date;
}

export type MessageChangeOutcome =
  | { kind: "ignored"; reason: "not_a_ticket_message" | "internal_note" }
  /** Nothing to change: a second delivery, the same text, or a message already deleted. */
  | { kind: "unchanged" }
  | { kind: "changed"; ticketId: number; source: boolean };

export async function receiveMessageChange(ctx: SupportContext, actor: Actor, input: MessageChangeInput): Promise<MessageChangeOutcome> {
  const stored = await ctx.store.messages.byTs(ctx.db, input.channelId, input.ts);
  if (!stored) return { kind: "ignored", reason: "not_a_ticket_message" };
  if (stored.role === "internal") return { kind: "ignored", reason: "internal_note" };
  const role = stored.role;
  const plan = planMessageChange(stored, input.change);
  if (!plan) return { kind: "unchanged" };
  const by = actorUserId(actor) ?? stored.userId;
  const deleted = plan.state === "deleted";

  const outcome = await ctx.tx.transaction(async (tx): Promise<MessageChangeOutcome> => {
    if (!(await ctx.store.messages.revise(tx, stored.id, stored, plan))) return { kind: "unchanged" };
    const ticket = await loadTicket(ctx, tx, stored.ticketId);
    const now = ctx.clock.now();
    const source = ticket.channelId === input.channelId && ticket.sourceTs === input.ts;
    await ctx.store.events.record(tx, {
      ticketId: ticket.id,
      kind: `${source ? "source" : "message"}_${plan.state}`,
      actorId: by,
      fromValue: stored.text,
      toValue: deleted ? null : plan.text,
      at: input.at,
    });
    if (source) {
      const updated = await ctx.store.tickets.update(tx, ticket.id, { text: plan.text, sourceState: plan.state });
      const sla = await slaStatusOf(ctx, tx, ticket.id, now);
      await ctx.notifier.sourceChanged(tx, updated, { state: plan.state, previousText: stored.text }, sla, now);
    } else {
      await ctx.notifier.messageChanged(
        tx,
        ticket,
        { messageId: stored.id, userId: stored.userId, role, text: plan.text, state: plan.state },
        now,
      );
    }
    return { kind: "changed", ticketId: ticket.id, source };
  });
  if (outcome.kind === "changed") {
    ctx.log.info(
      { event: `ticket.${outcome.source ? "source" : "message"}_${plan.state}`, ticket: outcome.ticketId, user: by, ts: input.ts },
      deleted ? "a ticket's message was deleted in Slack" : "a ticket's message was edited in Slack",
    );
  }
  return outcome;
}
