// A customer adds (or replaces) a comment on their satisfaction answer, in the comment modal.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import { normalizeComment } from "../rules/csat.ts";
import { personOf, type SupportContext } from "./context.ts";

/** Throws "csat.empty_comment", "csat.no_survey", or "csat.no_answer" (only someone who answered may comment). */
export async function commentSurvey(ctx: SupportContext, actor: Actor, input: { ticketId: number; text: string }): Promise<void> {
  const { userId } = personOf(actor);
  const { ticketId } = input;
  const comment = normalizeComment(input.text);
  if (comment.length === 0) throw new DomainError("csat.empty_comment", { ticketId });
  await ctx.tx.transaction(async (tx) => {
    if (!(await ctx.store.csat.surveyExists(tx, ticketId))) throw new DomainError("csat.no_survey", { ticketId });
    const now = ctx.clock.now();
    if (!(await ctx.store.csat.setComment(tx, ticketId, userId, comment, now))) throw new DomainError("csat.no_answer", { ticketId });
    await ctx.store.events.record(tx, { ticketId, kind: "csat_commented", actorId: userId, at: now });
  });
  ctx.log.info({ event: "csat.commented", ticket: ticketId, user: userId }, "satisfaction comment saved");
}
