// On resolve, inside the resolving transaction: decides whether the ticket gets a satisfaction survey
// and, if so, stores it (CsatSurvey, which is also the record that it was sent) with its post in the
// customer's thread.
import type { Tx } from "../../../platform/db/client.ts";
import { isSampled, recentSurveySince, type CsatSkipReason } from "../../rules/csat.ts";
import type { Ticket } from "../../rules/ticket.ts";
import type { SupportContext } from "../context.ts";

export async function offerSurvey(ctx: SupportContext, tx: Tx, ticket: Ticket, at: Date): Promise<void> {
  const skipped = await skipReason(ctx, tx, ticket, at);
  if (skipped) {
    ctx.log.debug({ event: "csat.skipped", ticket: ticket.id, reason: skipped }, "no satisfaction survey");
    return;
  }
  // The row first: a second resolve racing this one fails on the primary key instead of posting twice.
  await ctx.store.csat.addSurvey(tx, {
    ticketId: ticket.id,
    channelId: ticket.channelId,
    requesterId: ticket.requesterId,
    requesterTeamId: ticket.requesterTeamId,
    sentAt: at,
  });
  await ctx.notifier.csatSurvey(tx, ticket, at);
  ctx.log.info({ event: "csat.sent", ticket: ticket.id, requester: ticket.requesterId }, "satisfaction survey queued");
}

/** Surveys are on, the ticket has none yet, it is in the sample, and its requester had none recently. */
async function skipReason(ctx: SupportContext, tx: Tx, ticket: Ticket, at: Date): Promise<CsatSkipReason | null> {
  const settings = ctx.settings.csat;
  if (!settings.enabled) return "disabled";
  if (await ctx.store.csat.surveyExists(tx, ticket.id)) return "already_surveyed";
  if (!isSampled(ticket.id, settings.sampleRate)) return "not_sampled";
  const since = recentSurveySince(settings, at);
  if (since && (await ctx.store.csat.surveyedSince(tx, ticket.requesterId, since))) return "recently_surveyed";
  return null;
}
