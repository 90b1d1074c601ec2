// The scheduled jobs, wired from the contexts' use cases: each is on when its part is (src/platform/config/parts.ts)
// and acts as itself. The same runs are offered by hand (tests and operators call them).
import type { Parts } from "./platform/config/parts.ts";
import type { Clock } from "./platform/clock.ts";
import type { Database } from "./platform/db/client.ts";
import { inboxRetentionJob } from "./platform/inbox/retention.ts";
import type { Job, Sweep } from "./platform/scheduler/scheduler.ts";
import { apiActor, jobActor } from "./shared/actor.ts";
import type { SupportContext } from "./support/use-cases/context.ts";
import { sweepSla } from "./support/use-cases/sweep-sla.ts";
import { refreshSlaCards } from "./support/use-cases/refresh-sla-cards.ts";
import { postWeeklySummary } from "./support/use-cases/post-weekly-summary.ts";
import type { SuccessContext } from "./success/use-cases/context.ts";
import { runHealthCheck, type HealthCheckSummary } from "./success/use-cases/run-health-check.ts";
import { escalateAlerts } from "./success/use-cases/escalate-alerts.ts";
import { abandonStaleHealthChecks } from "./success/use-cases/abandon-stale-health-checks.ts";
import type { FeedbackContext } from "./feedback/use-cases/context.ts";
import { postDigest } from "./feedback/use-cases/post-digest.ts";

export interface AppJobs {
  jobs: Job[];
  /** Run every few seconds on every process (the scheduler's sweep). */
  sweeps: Sweep[];
  slaSweep: { run(now: Date): Promise<{ warned: number; breached: number }> };
  /** Updates the triage cards whose SLA state changed with time alone (on the SLA sweep's schedule). */
  cardRefresh: { run(now: Date): Promise<{ refreshed: number }> };
  healthChecks: { run(trigger: "scheduled" | "manual", at?: Date): Promise<HealthCheckSummary> };
  alerts: { escalate(): Promise<number> };
}

export function appJobs(
  parts: Parts,
  db: Database,
  clock: Clock,
  contexts: { support: SupportContext; success: SuccessContext; feedback: FeedbackContext | undefined },
): AppJobs {
  const { support, success, feedback } = contexts;
  const slaSweep = { run: (now: Date) => sweepSla(support, jobActor("sla-sweep"), { now }) };
  const cardRefresh = { run: (now: Date) => refreshSlaCards(support, jobActor("sla-cards"), { now }) };
  const healthChecks = {
    run: (trigger: "scheduled" | "manual", at?: Date) =>
      runHealthCheck(success, trigger === "scheduled" ? jobActor("health-check") : apiActor, { trigger, at }),
  };
  const alerts = { escalate: () => escalateAlerts(success, jobActor("alert-escalation")) };
  const key = (name: string, slot: Date) => `${name}:${slot.toISOString()}`;
  const escalation = success.config.escalation.leadUserId ? parts.alertEscalation : null;
  const jobs: Job[] = [
    ...(parts.inboxRetention ? [inboxRetentionJob(db, parts.inboxRetention.retentionMs, () => clock.now())] : []),
    ...job(parts.slaSweep, "sla-sweep", () => slaSweep.run(clock.now())),
    ...(parts.triage ? job(parts.slaSweep, "sla-cards", () => cardRefresh.run(clock.now())) : []),
    ...job(parts.supportSummary, "support-summary", (slot) =>
      postWeeklySummary(support, jobActor("support-summary"), { runKey: key("support-summary", slot) }),
    ),
    ...job(parts.healthChecks, "health-check", async () => {
      const { runId, accountsScored, alertsRaised, alertsWorsened, alertsCleared, status } = await healthChecks.run("scheduled");
      if (status === "failed") throw new Error(`health check run ${runId} failed`);
      return { runId, accountsScored, alertsRaised, alertsWorsened, alertsCleared };
    }),
    ...job(escalation, "alert-escalation", async () => ({ escalated: await alerts.escalate() })),
    ...(feedback
      ? job(parts.vocDigest, "voc-digest", async (slot) => ({
          ...(await postDigest(feedback, jobActor("voc-digest"), { refKey: key("voc-digest", slot) })),
        }))
      : []),
  ];
  // Health checks started by hand run whether scheduled checks are on or not: always look for abandoned ones.
  const sweeps: Sweep[] = [{ name: "abandoned-health-checks", run: () => abandonStaleHealthChecks(success, jobActor("health-check")) }];
  return { jobs, sweeps, slaSweep, cardRefresh, healthChecks, alerts };
}

/** A job when its part is on (the part carries its cron schedule). */
function job(part: { schedule: string } | null, name: string, run: Job["run"]): Job[] {
  return part ? [{ name, schedule: part.schedule, run }] : [];
}
