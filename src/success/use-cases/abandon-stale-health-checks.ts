// A health check whose process died while it ran (killed, crashed, its machine lost) stops renewing its
// lease; once the lease runs out it is marked abandoned, logged and counted, so it does not pass for
// running forever. The next check does this before it starts, and the scheduler's sweep every few
// seconds. Nothing is lost: the scores it wrote stay, and the next check scores every account again.
import type { Actor } from "../../shared/actor.ts";
import type { SuccessContext } from "./context.ts";

export const ABANDONED_ERROR =
  "abandoned: the process running this check stopped before it finished (its lease ran out); the next check scores every account again";

/** Marks the running checks whose lease ran out abandoned; returns their ids. */
export async function abandonStaleHealthChecks(ctx: SuccessContext, actor: Actor): Promise<number[]> {
  await ctx.access.require(actor, "success");
  const runs = await ctx.health.abandonExpiredRuns(ctx.clock.now(), ABANDONED_ERROR);
  for (const run of runs) {
    ctx.log.warn(
      { runId: run.id, trigger: run.trigger, startedAt: run.startedAt.toISOString(), owner: run.leaseOwner },
      "health check abandoned: its process stopped while it ran",
    );
    ctx.metrics?.healthCheckRan({ trigger: run.trigger, status: "abandoned", alertsRaised: 0 });
  }
  return runs.map((r) => r.id);
}
