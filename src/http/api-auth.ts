// Bearer-token guards for the routes: the /api/v1 routes want INGEST_API_TOKEN, GET /metrics wants
// METRICS_TOKEN when it is set. The comparison takes the same time whatever the token sent: both sides
// are hashed to 32 bytes and compared with timingSafeEqual, so neither the content nor the length of the
// configured token leaks through timing. A refusal is an ApiError (errors.ts).
import { createHash, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { ApiError } from "./errors.ts";
import type { Handler } from "./router.ts";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

export function tokensMatch(sent: string, expected: string): boolean {
  return timingSafeEqual(digest(sent), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(headers: http.IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : null;
}

/** The /api/v1 guard: 503 when no INGEST_API_TOKEN is configured, 401 when the request does not carry it. */
export function requireApiToken(token: string | undefined): Handler {
  return (req, res) => {
    res.setHeader("cache-control", "no-store");
    if (!token) {
      throw new ApiError(
        503,
        "not_configured",
        "INGEST_API_TOKEN is not set: set it (at least 16 characters, for example `openssl rand -hex 24`) to enable the /api/v1 routes",
      );
    }
    const sent = bearerToken(req.headers);
    if (sent === null || !tokensMatch(sent, token)) {
      throw new ApiError(
        401,
        "unauthorized",
        sent === null
          ? "Authenticate with the INGEST_API_TOKEN as a bearer token: send the header `Authorization: Bearer <INGEST_API_TOKEN>`"
          : "The bearer token is not the INGEST_API_TOKEN: send the header `Authorization: Bearer <INGEST_API_TOKEN>`",
        {},
        { "www-authenticate": 'Bearer realm="customer-desk"' },
      );
    }
  };
}

/** The GET /metrics guard: open when no METRICS_TOKEN is set, else 401 without it. */
export function requireMetricsToken(token: string | undefined): Handler {
  return (req, res) => {
    res.setHeader("cache-control", "no-store");
    if (!token) return;
    const sent = bearerToken(req.headers);
    if (sent === null || !tokensMatch(sent, token)) {
      throw new ApiError(
        401,
        "unauthorized",
        "METRICS_TOKEN is set: send it as `Authorization: Bearer <METRICS_TOKEN>` (in Prometheus: the scrape job's `authorization.credentials`)",
        {},
        { "www-authenticate": 'Bearer realm="customer-desk-metrics"' },
      );
    }
  };
}
