// The support metrics of a period, overall and optionally per priority, agent, account or channel (the
// metrics API). See src/support/rules/metrics.ts for what each figure means.
import type { Actor } from "../../shared/actor.ts";
import type { MetricsQuery, MetricsResult } from "../rules/metrics.ts";
import type { SupportContext } from "./context.ts";

export async function readMetrics(ctx: SupportContext, actor: Actor, query: MetricsQuery): Promise<MetricsResult> {
  await ctx.access.require(actor, "triage");
  return ctx.store.metrics.supportMetrics(query);
}
