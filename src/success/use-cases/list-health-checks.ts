// The API's health check runs: the latest first, with how each ended (running, done, failed, abandoned).
import type { Actor } from "../../shared/actor.ts";
import type { HealthCheckRecord } from "../store/health-runs.ts";
import type { SuccessContext } from "./context.ts";

export async function listHealthChecks(ctx: SuccessContext, actor: Actor, input: { limit: number }): Promise<HealthCheckRecord[]> {
  await ctx.access.require(actor, "success");
  return ctx.health.recentRuns(input.limit);
}
