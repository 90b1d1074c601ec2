// The scheduled card refresh: a card shows its SLA as a state (on time, due soon, missed, paused) and its
// due time as a date Slack renders, so it goes out of date only when the state changes with time alone
// (a target passing). This finds the tickets whose clocks passed an instant lately and hands them, with
// their SLA now, to the notifier, which updates only the cards last shown with another state.
import type { Actor } from "../../shared/actor.ts";
import { slaStatus } from "../rules/sla.ts";
import type { SupportContext } from "./context.ts";

/** At most this many tickets per run; the newest first. */
const BATCH = 500;
/** How far back a passed instant still counts: a run missed for less than this still catches up. */
const LOOKBACK_MS = 24 * 60 * 60 * 1000;

export async function refreshSlaCards(ctx: SupportContext, _actor: Actor, input: { now: Date }): Promise<{ refreshed: number }> {
  const { now } = input;
  return ctx.tx.transaction(async (tx) => {
    const passed = await ctx.store.timers.passedSince(tx, new Date(now.getTime() - LOOKBACK_MS), now, BATCH);
    if (passed.length === 0) return { refreshed: 0 };
    const cards = passed.map(({ ticket, timers }) => ({ ticket, sla: slaStatus(ctx.settings.sla, timers, now) }));
    const refreshed = await ctx.notifier.refreshCards(tx, cards, now);
    if (refreshed > 0) ctx.log.info({ event: "ticket.cards_refreshed", refreshed }, "SLA state changed on cards");
    return { refreshed };
  });
}
