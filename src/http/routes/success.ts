// The customer-success API (bearer INGEST_API_TOKEN):
//   POST /api/v1/accounts     { "accounts":  [...] }  upsert accounts by externalId
//   POST /api/v1/usage        { "usage":     [...] }  one row per account and day
//   POST /api/v1/nps          { "responses": [...] }  NPS answers
//   GET  /api/v1/accounts?band=red&limit=100&cursor=<last externalId>
//   GET  /api/v1/accounts/{externalId}               the account with its health and history
//   GET  /api/v1/accounts/{externalId}/alerts?limit=20 its churn-risk alerts with each rule's history
//   POST /api/v1/health-checks                        run a health check now (201 with its summary)
//   GET  /api/v1/health-checks?limit=20                the latest runs, newest first (running, done, failed, abandoned)
//   GET  /api/v1/health-checks/{runId}                 one run
// A batch is validated whole: any bad row gets 400 with every problem and nothing is stored.
import { apiActor } from "../../shared/actor.ts";
import { BATCH_KEYS, InvalidBatch, ROW_NOUNS, type BatchKind } from "../../success/rules/batch.ts";
import { BAND_FILTERS, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type BandFilter } from "../../success/rules/account.ts";
import type { SuccessContext } from "../../success/use-cases/context.ts";
import { ingestBatch } from "../../success/use-cases/ingest-batch.ts";
import { listAccounts } from "../../success/use-cases/list-accounts.ts";
import { getAccount } from "../../success/use-cases/get-account.ts";
import { ACCOUNT_ALERTS_LISTED, listAccountAlerts } from "../../success/use-cases/list-account-alerts.ts";
import { runHealthCheck } from "../../success/use-cases/run-health-check.ts";
import { listHealthChecks } from "../../success/use-cases/list-health-checks.ts";
import { getHealthCheck } from "../../success/use-cases/get-health-check.ts";
import type { HealthCheckRecord } from "../../success/store/health-runs.ts";
import { requireApiToken } from "../api-auth.ts";
import { ApiError, invalidParameter } from "../errors.ts";
import { limit, single } from "../query.ts";
import { send, type ApiRequest, type Route } from "../router.ts";

/** Health check runs listed by default, and at most. */
export const HEALTH_CHECKS_LISTED = 20;
export const MAX_HEALTH_CHECKS_LISTED = 200;

/** A run as the API shows it (the same fields as POST's summary, with its trigger and error). */
const runJson = (r: HealthCheckRecord) => ({
  runId: r.id,
  trigger: r.trigger,
  status: r.status,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  accountsScored: r.accountsScored,
  alertsRaised: r.alertsRaised,
  alertsCleared: r.alertsCleared,
  alertsWorsened: r.alertsWorsened,
  error: r.error,
});

/** Large enough for 10,000 usage rows with their features and events. */
export const INGEST_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Problems listed in a 400 answer; problemCount says how many there were in all. */
export const MAX_LISTED_PROBLEMS = 1000;

export interface SuccessRouteDeps {
  success: SuccessContext;
  token: string | undefined;
}

/** "2 of 3 usage rows have problems, so nothing was stored: ..." */
function invalidBatchMessage(error: InvalidBatch): string {
  const bad = new Set(error.problems.map((p) => p.index)).size;
  const rows = error.rowCount;
  return (
    `${bad} of ${rows} ${ROW_NOUNS[error.kind]}${rows === 1 ? "" : "s"} ${bad === 1 ? "has" : "have"} problems, so nothing was stored: ` +
    "fix every row listed and send the whole batch again"
  );
}

const EXAMPLE_ROWS: Record<BatchKind, string> = {
  accounts: '{"externalId": "acme", "name": "Acme"}',
  usage: '{"accountExternalId": "acme", "date": "2026-01-31", "activeUsers": 40}',
  nps: '{"accountExternalId": "acme", "score": 9, "respondedAt": "2026-01-31T09:00:00Z"}',
};

const invalidBody = (message: string) => new ApiError(400, "invalid_body", message);

/** The rows of a batch body `{ "<key>": [...] }`; 400 for anything else, 413 when too large. */
async function readBatch(req: ApiRequest, kind: BatchKind): Promise<unknown[]> {
  const key = BATCH_KEYS[kind];
  const shape = `send a JSON object {"${key}": [ ... ]}, for example {"${key}": [${EXAMPLE_ROWS[kind]}]}`;
  const body = await req.json({ limit: INGEST_MAX_BODY_BYTES, hint: shape, tooLargeHint: "split the batch into smaller requests" });
  if (!body || typeof body !== "object" || Array.isArray(body)) throw invalidBody(`the body must be a JSON object: ${shape}`);
  const rows = (body as Record<string, unknown>)[key];
  if (rows === undefined) throw invalidBody(`the body has no "${key}" key: ${shape}`);
  if (!Array.isArray(rows)) throw invalidBody(`"${key}" must be a list of rows: ${shape}`);
  const others = Object.keys(body).filter((k) => k !== key);
  if (others.length) throw invalidBody(`unexpected key${others.length > 1 ? "s" : ""} ${others.map((k) => `"${k}"`).join(", ")}: ${shape}`);
  return rows;
}

function batchRoute(deps: SuccessRouteDeps, kind: BatchKind): Route["handle"] {
  return async (req, res) => {
    const rows = await readBatch(req, kind);
    try {
      send(res, 200, await ingestBatch(deps.success, apiActor, { kind, items: rows }));
    } catch (error) {
      if (!(error instanceof InvalidBatch)) throw error;
      const listed = error.problems.slice(0, MAX_LISTED_PROBLEMS);
      const more = error.problems.length - listed.length;
      throw new ApiError(
        400,
        "invalid_batch",
        `${invalidBatchMessage(error)}${more ? ` (the first ${listed.length} problems are listed; ${more} more are not)` : ""}`,
        { problemCount: error.problems.length, problems: listed },
      );
    }
  };
}

function parseListQuery(params: URLSearchParams): { band: BandFilter | null; limit: number; cursor: string | null } {
  const band = single(params, "band");
  if (band !== null && !(BAND_FILTERS as readonly string[]).includes(band)) {
    throw invalidParameter(
      "band",
      `band must be one of ${BAND_FILTERS.join(", ")} (or left out for every account), not ${JSON.stringify(band.slice(0, 40))}`,
    );
  }
  return { band: band as BandFilter | null, limit: limit(params, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), cursor: single(params, "cursor") };
}

export function successRoutes(deps: SuccessRouteDeps): Route[] {
  const guard = requireApiToken(deps.token);
  return [
    { method: "POST", path: "/api/v1/accounts", guard, handle: batchRoute(deps, "accounts") },
    { method: "POST", path: "/api/v1/usage", guard, handle: batchRoute(deps, "usage") },
    { method: "POST", path: "/api/v1/nps", guard, handle: batchRoute(deps, "nps") },
    {
      method: "GET",
      path: "/api/v1/accounts",
      guard,
      handle: async (req, res) => send(res, 200, await listAccounts(deps.success, apiActor, parseListQuery(req.query))),
    },
    {
      method: "GET",
      path: "/api/v1/accounts/:externalId",
      guard,
      // An unknown account is a DomainError answered 404 account_not_found (errors.ts).
      handle: async (req, res) => send(res, 200, await getAccount(deps.success, apiActor, { externalId: req.params.externalId })),
    },
    {
      method: "GET",
      path: "/api/v1/accounts/:externalId/alerts",
      guard,
      handle: async (req, res) =>
        send(res, 200, {
          alerts: await listAccountAlerts(deps.success, apiActor, {
            externalId: req.params.externalId,
            limit: limit(req.query, ACCOUNT_ALERTS_LISTED, 200),
          }),
        }),
    },
    {
      method: "POST",
      path: "/api/v1/health-checks",
      guard,
      handle: async (_req, res) => {
        const result = await runHealthCheck(deps.success, apiActor, { trigger: "manual" });
        send(res, 201, {
          runId: result.runId,
          status: result.status,
          startedAt: result.startedAt.toISOString(),
          finishedAt: result.finishedAt?.toISOString() ?? null,
          accountsScored: result.accountsScored,
          alertsRaised: result.alertsRaised,
          alertsCleared: result.alertsCleared,
          alertsWorsened: result.alertsWorsened,
          alertsPosted: result.alertsPosted,
          alertsHeldBack: result.alertsHeldBack,
          digests: result.digests,
        });
      },
    },
    {
      method: "GET",
      path: "/api/v1/health-checks",
      guard,
      handle: async (req, res) => {
        const runs = await listHealthChecks(deps.success, apiActor, {
          limit: limit(req.query, HEALTH_CHECKS_LISTED, MAX_HEALTH_CHECKS_LISTED),
        });
        send(res, 200, { runs: runs.map(runJson) });
      },
    },
    {
      method: "GET",
      path: "/api/v1/health-checks/:runId",
      guard,
      handle: async (req, res) => {
        const text = req.params.runId;
        if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
          throw invalidParameter(
            "runId",
            `runId must be a run's number (GET /api/v1/health-checks lists them), not ${JSON.stringify(text.slice(0, 40))}`,
          );
        send(res, 200, runJson(await getHealthCheck(deps.success, apiActor, { runId: Number(text) })));
      },
    },
  ];
}
