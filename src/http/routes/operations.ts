// The operator's routes:
//   GET /healthz  liveness: 200 while the process runs, with the database's state (reachable, migrated,
//                 writable, its file), which parts are on, the outbox and the inbox ("ok", "degraded":
//                 posts failed for good, "unavailable": the database cannot be used)
//   GET /readyz   readiness: 200 when ready, else 503 naming what is wrong
//   GET /metrics  Prometheus text (a bearer token when METRICS_TOKEN is set)
// While the app stops, the receiver answers 503 before these run.
import type { Database } from "../../platform/db/client.ts";
import type { DeskMetrics } from "../../platform/observability/metrics.ts";
import { checkReadiness, type DatabaseProbe } from "../../platform/observability/readiness.ts";
import type { OutboxStats } from "../../platform/outbox/dispatcher.ts";
import type { PartStates } from "../../platform/config/parts.ts";
import { requireMetricsToken } from "../api-auth.ts";
import { send, type Route } from "../router.ts";

export interface OperationsDeps {
  db: Database;
  /** The database's state, its write probe shared by both routes (at most one write every few seconds). */
  probe: DatabaseProbe;
  now: () => Date;
  metrics: DeskMetrics;
  metricsToken: string | undefined;
  /** Which optional parts are on, and why the others are off. */
  parts: PartStates;
  /** Who counts as staff: "configured" (the role lists) or "workspace" (no role set: every full member), in a sentence. */
  access: { mode: string; description: string };
  outboxStats: () => Promise<OutboxStats>;
  inboxCounts: () => Promise<{ pending: number; failed: number }>;
  slackIdentity: () => { teamId: string | null; botUserId: string | null };
}

export function operationsRoutes(deps: OperationsDeps): Route[] {
  return [
    { method: "GET", path: "/healthz", handle: async (_req, res) => send(res, 200, await health(deps)) },
    {
      method: "GET",
      path: "/readyz",
      handle: async (_req, res) => {
        res.setHeader("cache-control", "no-store");
        const readiness = await checkReadiness(deps.db, deps.probe, { now: deps.now });
        send(res, readiness.ready ? 200 : 503, { status: readiness.ready ? "ready" : "not_ready", ...readiness });
      },
    },
    {
      method: "GET",
      path: "/metrics",
      guard: requireMetricsToken(deps.metricsToken),
      handle: async (_req, res) => send(res, 200, await deps.metrics.scrape(), deps.metrics.contentType),
    },
  ];
}

/** Liveness: 200 while the process runs, whatever the database; GET /readyz says whether to send it traffic. */
async function health(deps: OperationsDeps) {
  const { problems, ...database } = await deps.probe.check();
  const [outbox, inbox] = database.reachable
    ? await Promise.all([deps.outboxStats(), deps.inboxCounts()]).catch(() => [null, null] as const)
    : [null, null];
  const healthy = problems.length === 0;
  const identity = deps.slackIdentity();
  return {
    status: !healthy ? "unavailable" : outbox && outbox.failed > 0 ? "degraded" : "ok",
    database: { provider: deps.db.provider, ...database, problems },
    slack: { teamId: identity.teamId, botUserId: identity.botUserId, identified: Boolean(identity.teamId) },
    parts: deps.parts,
    access: deps.access,
    outbox,
    inbox: { pending: inbox?.pending ?? null, failed: inbox?.failed ?? null },
  };
}
