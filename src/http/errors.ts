// The one error model of the HTTP side. Every error answer is JSON `{ error: <code>, message: <text> }`
// (plus the facts a client needs to fix its request, such as the `parameter` of a 400):
// - ApiError: what a route or the router refuses, with its status, code and message;
// - DomainError (src/shared/errors.ts): something asked that cannot be done; its status comes from
//   DOMAIN_ERRORS below, by exact code or by the code's last part ("ticket.not_found" → "not_found");
// - DatabaseBusy (the transaction was aborted as a deadlock or serialisation failure on every try): 503
//   database_busy with Retry-After, since the same request sent again will very likely succeed;
// - anything else: 500 internal_error, logged (the client learns nothing of the cause).
import { DomainError } from "../shared/errors.ts";
import { DatabaseBusy } from "../platform/db/transactor.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** More fields of the answer (`parameter`, `problems`...). */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** Headers of the answer (`www-authenticate`...). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A query or path parameter that cannot be used: 400 naming it. */
export function invalidParameter(parameter: string, message: string): ApiError {
  return new ApiError(400, "invalid_parameter", message, { parameter });
}

type Details = DomainError["details"];

export interface DomainAnswer {
  status: number;
  /** The `error` the API answers; default: the DomainError's code. */
  error?: string;
  /** The API's wording for the code (DomainErrors carry facts, not sentences); default: the code and its facts. */
  message?: (details: Details) => string;
  /** More fields of the answer (the `parameter` at fault...). */
  extra?: Readonly<Record<string, unknown>>;
}

const unknownTheme = (message: (d: Details) => string): DomainAnswer => ({
  status: 404,
  error: "unknown_theme",
  extra: { parameter: "theme" },
  message,
});

/** DomainError codes to HTTP answers: an exact code ("theme.not_found") wins over its last part ("not_found"). */
export const DOMAIN_ERRORS: Readonly<Record<string, DomainAnswer>> = {
  // Exact codes, with the API's wording.
  "theme.not_found": unknownTheme((d) =>
    typeof d.themeId === "number"
      ? `there is no theme with id ${d.themeId}: GET /api/v1/themes lists the themes with feedback`
      : `there is no theme named ${JSON.stringify(String(d.ref))}: give its id or exact name (GET /api/v1/themes lists them)`,
  ),
  "theme.merged_away": unknownTheme((d) => `theme ${String(d.ref)} was merged into a theme that no longer exists`),
  "account.not_found": {
    status: 404,
    error: "account_not_found",
    message: (d) =>
      `no account has externalId ${JSON.stringify(String(d.externalId))}: check the ID (GET /api/v1/accounts lists them) or send it with POST /api/v1/accounts`,
  },
  "health_check.not_found": {
    status: 404,
    error: "health_check_not_found",
    message: (d) => `there is no health check run ${String(d.runId)}: GET /api/v1/health-checks lists the latest`,
  },
  // By the code's last part.
  not_found: { status: 404 },
  already_exists: { status: 409 },
  conflict: { status: 409 },
  forbidden: { status: 403 },
  not_allowed: { status: 403 },
  invalid: { status: 400 },
};

/** Seconds a client waits before sending again a request the database was too busy for. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/** A DomainError whose code is in no row above: the request was understood but cannot be done. */
export const UNLISTED_DOMAIN_STATUS = 422;

export function domainAnswer(code: string): DomainAnswer {
  const exact = DOMAIN_ERRORS[code];
  if (exact) return exact;
  const last = code.slice(code.lastIndexOf(".") + 1);
  const byLast = DOMAIN_ERRORS[last] ?? (last.startsWith("already_") ? DOMAIN_ERRORS.conflict : undefined);
  return byLast ?? { status: UNLISTED_DOMAIN_STATUS };
}

const factsOf = (details: Details) =>
  Object.entries(details)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(", ");

export interface ErrorAnswer {
  status: number;
  body: { error: string; message: string; [field: string]: unknown };
  headers: Readonly<Record<string, string>>;
  /** Not an answer the app chose: log it. */
  unexpected: boolean;
}

/** What to answer for an error thrown while handling a request. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: { error: error.code, message: error.message, ...error.extra },
      headers: error.headers,
      unexpected: false,
    };
  }
  if (error instanceof DomainError) {
    const answer = domainAnswer(error.code);
    const facts = factsOf(error.details);
    const message = answer.message?.(error.details) ?? (facts ? `${error.code} (${facts})` : error.code);
    return {
      status: answer.status,
      body: { error: answer.error ?? error.code, message, ...answer.extra },
      headers: {},
      unexpected: false,
    };
  }
  if (error instanceof DatabaseBusy) {
    return {
      status: 503,
      body: {
        error: "database_busy",
        message: `the database was busy with conflicting changes and could not take this request: send it again after ${BUSY_RETRY_AFTER_SECONDS} second (Retry-After)`,
      },
      headers: { "retry-after": String(BUSY_RETRY_AFTER_SECONDS) },
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: { error: "internal_error", message: "the request failed on the server; the cause is in the app's log" },
    headers: {},
    unexpected: true,
  };
}
