// The customer-success API (bearer INGEST_API_TOKEN):
//   POST /api/v1/accounts     { "accounts":  [...] }  upsert accounts by externalId
//   POST /api/v1/usage        { "usage":     [...] }  one row per account and day
//   POST /api/v1/nps          { "responses": [...] }  NPS answers
//   GET  /api/v1/accounts?band=red&limit=100&cursor=<last externalId>
//   GET  /api/v1/accounts/{externalId}               the account with its health and history
//   POST /api/v1/health-checks                        run a health check now (201 with its summary)
// A batch is validated whole: any bad row gets 400 with every problem and nothing is stored.
import type http from "node:http";
import { apiActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { BATCH_KEYS, InvalidBatch, ROW_NOUNS, type BatchKind } from "../../success/rules/batch.ts";
import { BAND_FILTERS, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type BandFilter } from "../../success/rules/account.ts";
import type { SuccessContext } from "../../success/use-cases/context.ts";
import { ingestBatch } from "../../success/use-cases/ingest-batch.ts";
import { listAccounts } from "../../success/use-cases/list-accounts.ts";
import { getAccount } from "../../success/use-cases/get-account.ts";
import { runHealthCheck } from "../../success/use-cases/run-health-check.ts";
import { authorizeApi } from "../api-auth.ts";
import { HttpError, pathParameter, readBody, send, type Route } from "../receiver.ts";

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

class BadBody extends Error {
  constructor(
    readonly code: "malformed_json" | "invalid_body",
    message: string,
  ) {
    super(message);
  }
}

/** The rows of a batch body `{ "<key>": [...] }`; BadBody for anything else, HttpError 413 when too large. */
async function readBatch(req: http.IncomingMessage, kind: BatchKind): Promise<unknown[]> {
  const key = BATCH_KEYS[kind];
  const shape = `send a JSON object {"${key}": [ ... ]}, for example {"${key}": [${EXAMPLE_ROWS[kind]}]}`;
  const raw = await readBody(req, INGEST_MAX_BODY_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    throw new BadBody("malformed_json", `the body is not valid JSON (${(error as Error).message}): ${shape}`);
  }
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new BadBody("invalid_body", `the body must be a JSON object: ${shape}`);
  const rows = (body as Record<string, unknown>)[key];
  if (rows === undefined) throw new BadBody("invalid_body", `the body has no "${key}" key: ${shape}`);
  if (!Array.isArray(rows)) throw new BadBody("invalid_body", `"${key}" must be a list of rows: ${shape}`);
  const others = Object.keys(body).filter((k) => k !== key);
  if (others.length)
    throw new BadBody("invalid_body", `unexpected key${others.length > 1 ? "s" : ""} ${others.map((k) => `"${k}"`).join(", ")}: ${shape}`);
  return rows;
}

function batchRoute(deps: SuccessRouteDeps, kind: BatchKind): Route {
  return async (req, res) => {
    if (!authorizeApi(req, res, deps.token)) return;
    try {
      const rows = await readBatch(req, kind);
      const summary = await ingestBatch(deps.success, apiActor, { kind, items: rows });
      send(res, 200, summary);
    } catch (error) {
      if (error instanceof BadBody) return send(res, 400, { error: error.code, message: error.message });
      if (error instanceof HttpError && error.status === 413) {
        return send(res, 413, {
          error: "body_too_large",
          message: `the request body is larger than ${INGEST_MAX_BODY_BYTES / 1024 / 1024} MiB: split the batch into smaller requests`,
        });
      }
      if (error instanceof InvalidBatch) {
        const listed = error.problems.slice(0, MAX_LISTED_PROBLEMS);
        const more = error.problems.length - listed.length;
        return send(res, 400, {
          error: "invalid_batch",
          message: `${invalidBatchMessage(error)}${more ? ` (the first ${listed.length} problems are listed; ${more} more are not)` : ""}`,
          problemCount: error.problems.length,
          problems: listed,
        });
      }
      throw error;
    }
  };
}

class BadParameter extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

function parseListQuery(params: URLSearchParams): { band: BandFilter | null; limit: number; cursor: string | null } {
  const single = (name: string): string | null => {
    const all = params.getAll(name);
    if (all.length > 1) throw new BadParameter(name, `${name} was given ${all.length} times; give it once`);
    const v = all[0]?.trim();
    return v ? v : null;
  };
  const band = single("band");
  if (band !== null && !(BAND_FILTERS as readonly string[]).includes(band)) {
    throw new BadParameter(
      "band",
      `band must be one of ${BAND_FILTERS.join(", ")} (or left out for every account), not ${JSON.stringify(band.slice(0, 40))}`,
    );
  }
  const limitText = single("limit");
  const limit = limitText === null ? DEFAULT_PAGE_SIZE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new BadParameter(
      "limit",
      `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, not ${JSON.stringify(limitText?.slice(0, 40))}`,
    );
  }
  return { band: band as BandFilter | null, limit, cursor: single("cursor") };
}

function listRoute(deps: SuccessRouteDeps): Route {
  return async (req, res) => {
    if (!authorizeApi(req, res, deps.token)) return;
    let query: ReturnType<typeof parseListQuery>;
    try {
      query = parseListQuery(new URL(req.url ?? "/", "http://localhost").searchParams);
    } catch (error) {
      if (error instanceof BadParameter)
        return send(res, 400, { error: "invalid_parameter", parameter: error.parameter, message: error.message });
      throw error;
    }
    send(res, 200, await listAccounts(deps.success, apiActor, query));
  };
}

function accountRoute(deps: SuccessRouteDeps): Route {
  return async (req, res) => {
    if (!authorizeApi(req, res, deps.token)) return;
    const externalId = pathParameter(req);
    if (externalId === null) {
      return send(res, 400, {
        error: "invalid_parameter",
        parameter: "externalId",
        message: "the account ID in the path is not valid percent-encoding: encode it with encodeURIComponent",
      });
    }
    try {
      send(res, 200, await getAccount(deps.success, apiActor, { externalId }));
    } catch (error) {
      if (!isDomainError(error, "account.not_found")) throw error;
      return send(res, 404, {
        error: "account_not_found",
        message: `no account has externalId ${JSON.stringify(externalId)}: check the ID (GET /api/v1/accounts lists them) or send it with POST /api/v1/accounts`,
      });
    }
  };
}

function healthCheckRoute(deps: SuccessRouteDeps): Route {
  return async (req, res) => {
    if (!authorizeApi(req, res, deps.token)) return;
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
    });
  };
}

export function successRoutes(deps: SuccessRouteDeps): Record<string, Route> {
  return {
    "POST /api/v1/accounts": batchRoute(deps, "accounts"),
    "POST /api/v1/usage": batchRoute(deps, "usage"),
    "POST /api/v1/nps": batchRoute(deps, "nps"),
    "GET /api/v1/accounts": listRoute(deps),
    "GET /api/v1/accounts/*": accountRoute(deps),
    "POST /api/v1/health-checks": healthCheckRoute(deps),
  };
}
