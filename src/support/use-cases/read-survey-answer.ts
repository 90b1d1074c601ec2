// Reads a person's current satisfaction answer on a ticket (to fill the comment modal); null: none yet.
import type { Actor } from "../../shared/actor.ts";
import type { CsatAnswer } from "../store/csat.ts";
import { personOf, type SupportContext } from "./context.ts";

export async function readSurveyAnswer(ctx: SupportContext, actor: Actor, input: { ticketId: number }): Promise<CsatAnswer | null> {
  return ctx.store.csat.answer(ctx.db, input.ticketId, personOf(actor).userId);
}
