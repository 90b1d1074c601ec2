// The support metrics of a period, overall and optionally per priority, agent, account or channel (the
// metrics API). See src/support/rules/metrics.ts for what each figure means.
import type { Actor } from "../../shared/actor.ts";
import type { MetricsQuery, MetricsResult } from "../rules/metrics.ts";
import type { SupportContext } from "./context.ts";

export function readMetrics(ctx: SupportContext, _actor: Actor, query: MetricsQuery): Promise<MetricsResult> {
  return ctx.store.metrics.supportMetrics(query);
}
