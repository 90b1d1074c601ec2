// GET /metrics (Prometheus text; a bearer token when METRICS_TOKEN is set) and GET /readyz (200 when
// ready, else 503 naming what is wrong). While the app stops, the receiver answers 503 before these run.
import type { Database } from "../../platform/db/client.ts";
import { send, type Route } from "../receiver.ts";
import { bearerToken, tokensMatch } from "../api-auth.ts";
import type { DeskMetrics } from "../../platform/observability/metrics.ts";
import { checkReadiness } from "../../platform/observability/readiness.ts";

export function metricsEndpoint(metrics: DeskMetrics, token: string | undefined): Route {
  return async (req, res) => {
    res.setHeader("cache-control", "no-store");
    if (token) {
      const sent = bearerToken(req);
      if (sent === null || !tokensMatch(sent, token)) {
        res.setHeader("www-authenticate", 'Bearer realm="customer-desk-metrics"');
        return send(res, 401, {
          error: "unauthorized",
          message:
            "METRICS_TOKEN is set: send it as `Authorization: Bearer <METRICS_TOKEN>` (in Prometheus: the scrape job's `authorization.credentials`)",
        });
      }
    }
    send(res, 200, await metrics.scrape(), metrics.contentType);
  };
}

export function readinessEndpoint(db: Database, now: () => Date): Route {
  return async (_req, res) => {
    res.setHeader("cache-control", "no-store");
    const readiness = await checkReadiness(db, { now });
    send(res, readiness.ready ? 200 : 503, { status: readiness.ready ? "ready" : "not_ready", ...readiness });
  };
}
