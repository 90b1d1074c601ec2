// The API's one health check run. Throws "health_check.not_found".
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { HealthCheckRecord } from "../store/health-runs.ts";
import type { SuccessContext } from "./context.ts";

export async function getHealthCheck(ctx: SuccessContext, actor: Actor, input: { runId: number }): Promise<HealthCheckRecord> {
  await ctx.access.require(actor, "success");
  const run = await ctx.health.run(input.runId);
  if (!run) throw new DomainError("health_check.not_found", { runId: input.runId });
  return run;
}
