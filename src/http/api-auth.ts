// Bearer-token authentication for the /api/v1 routes (INGEST_API_TOKEN). The comparison takes the same
// time whatever the token sent: both sides are hashed to 32 bytes and compared with timingSafeEqual,
// so neither the content nor the length of the configured token leaks through timing.
import { createHash, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { send } from "./receiver.ts";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

export function tokensMatch(sent: string, expected: string): boolean {
  return timingSafeEqual(digest(sent), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(req: http.IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * Answers 503 when no token is configured and 401 when the request does not carry it; returns true
 * when the request may go on.
 */
export function authorizeApi(req: http.IncomingMessage, res: http.ServerResponse, token: string | undefined): boolean {
  res.setHeader("cache-control", "no-store");
  if (!token) {
    send(res, 503, {
      error: "not_configured",
      message:
        "INGEST_API_TOKEN is not set: set it (at least 16 characters, for example `openssl rand -hex 24`) to enable the /api/v1 routes",
    });
    return false;
  }
  const sent = bearerToken(req);
  if (sent === null || !tokensMatch(sent, token)) {
    res.setHeader("www-authenticate", 'Bearer realm="customer-desk"');
    send(res, 401, {
      error: "unauthorized",
      message:
        sent === null
          ? "Authenticate with the INGEST_API_TOKEN as a bearer token: send the header `Authorization: Bearer <INGEST_API_TOKEN>`"
          : "The bearer token is not the INGEST_API_TOKEN: send the header `Authorization: Bearer <INGEST_API_TOKEN>`",
    });
    return false;
  }
  return true;
}
