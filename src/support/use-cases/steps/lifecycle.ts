// The steps of a ticket's lifecycle that several use cases share, inside their transaction: a status
// change (with its SLA clocks, its log line and, on resolve, the satisfaction survey), an agent's
// response, and recording a change. Every change is stored with its author and time (TicketEvent)
// together with the posts it causes (through the notifier).
import type { Tx } from "../../../platform/db/client.ts";
import { DomainError } from "../../../shared/errors.ts";
import type { SlaStatus } from "../../rules/sla.ts";
import { planResponse, planStatusChange, type Status, type Ticket, type TicketChange } from "../../rules/ticket.ts";
import type { SupportContext } from "../context.ts";
import { pauseClocks, restartResolutionClock, resumeClocks, slaStatusOf, stopClock } from "./sla-clocks.ts";
import { offerSurvey } from "./survey.ts";

/** The ticket, or "ticket.not_found". */
export async function loadTicket(ctx: SupportContext, tx: Tx, ticketId: number): Promise<Ticket> {
  const ticket = await ctx.store.tickets.byId(tx, ticketId);
  if (!ticket) throw new DomainError("ticket.not_found", { ticketId });
  return ticket;
}

/** Moves the ticket to `to` (see planStatusChange); `actorId` null: the customer's reply moved it. */
export async function changeStatus(
  ctx: SupportContext,
  tx: Tx,
  ticket: Ticket,
  to: Status,
  actorId: string | null,
  at: Date,
): Promise<Ticket> {
  const plan = planStatusChange(ticket, to, actorId, at, ctx.settings.sla.calendar);
  if (!plan) return ticket;
  const updated = await ctx.store.tickets.update(tx, ticket.id, { ...plan.set, countReopen: plan.countReopen });
  switch (plan.sla) {
    case "stop":
      await stopClock(ctx, tx, ticket.id, "resolution", at);
      await ctx.store.timers.cancel(tx, ticket.id, "first_response", at);
      break;
    case "restart":
    case "restart_paused":
      await restartResolutionClock(ctx, tx, updated, at);
      if (plan.sla === "restart_paused") await pauseClocks(ctx, tx, ticket.id, at);
      break;
    case "pause":
      await pauseClocks(ctx, tx, ticket.id, at);
      break;
    case "resume":
      await resumeClocks(ctx, tx, ticket.id, at);
      break;
  }
  await recordChange(ctx, tx, updated, plan.change, await slaStatusOf(ctx, tx, ticket.id, at), at);
  if (plan.resolves) {
    await ctx.store.events.record(tx, { ticketId: ticket.id, kind: "resolved", actorId, at });
    // The customer hears it was resolved, and by whom, before any survey.
    await ctx.notifier.ticketResolved(tx, updated, actorId, at);
    await offerSurvey(ctx, tx, updated, at);
  }
  return updated;
}

/** Logs a change (TicketEvent), updates the card and writes the change in its thread. */
export async function recordChange(
  ctx: SupportContext,
  tx: Tx,
  ticket: Ticket,
  change: TicketChange,
  sla: SlaStatus | null,
  at: Date,
): Promise<void> {
  await ctx.store.events.record(tx, {
    ticketId: ticket.id,
    kind: change.kind,
    actorId: change.actorId,
    fromValue: change.from,
    toValue: change.to,
    at,
  });
  await ctx.notifier.ticketChanged(tx, ticket, change, sla, at);
  ctx.log.info(
    { event: `ticket.${change.kind}`, ticket: ticket.id, actor: change.actorId, from: change.from, to: change.to },
    "ticket changed",
  );
}

/** An agent answered the customer: counted, and the first answer stops the first-response clock. */
export async function recordResponse(ctx: SupportContext, tx: Tx, ticket: Ticket, agentId: string, at: Date): Promise<Ticket> {
  const plan = planResponse(ticket, agentId, at, ctx.settings.sla.calendar);
  await ctx.store.events.record(tx, { ticketId: ticket.id, kind: plan.event, actorId: agentId, at });
  if (plan.stopsFirstResponseClock) await stopClock(ctx, tx, ticket.id, "first_response", at);
  return ctx.store.tickets.update(tx, ticket.id, { ...plan.set, countAgentResponse: true });
}
