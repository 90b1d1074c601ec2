// The one small router of the app's own HTTP routes (everything but Slack's /slack/events, which the
// receiver keeps): a method and a path pattern with named parameters ("/api/v1/accounts/:externalId"),
// the query, the body read with a size limit, and the one error model (errors.ts) for whatever a guard
// or a handler throws.
import type http from "node:http";
import type { Logger } from "../platform/observability/log.ts";
import { ApiError, errorAnswer, invalidParameter } from "./errors.ts";
import { isCleanText } from "../shared/text.ts";

/** Largest body a route reads unless it says otherwise. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  /** The path's named parameters, decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as text; ApiError 413 body_too_large past `limit` bytes (`hint`: what to do instead). */
  text(o?: { limit?: number; hint?: string }): Promise<string>;
  /** The body parsed as JSON; ApiError 400 malformed_json when it is not (`hint`: what to send). */
  json(o?: { limit?: number; hint?: string; tooLargeHint?: string }): Promise<unknown>;
}

export type Handler = (req: ApiRequest, res: http.ServerResponse) => Promise<void> | void;

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface Route {
  method: Method;
  /** "/a/b/:name": `:name` matches one path segment, given to the handler decoded as params.name. */
  path: string;
  /** Runs before the handler (authentication); refuses by throwing an ApiError. */
  guard?: Handler;
  handle: Handler;
}

type Segment = { literal: string } | { param: string };

/** A path pattern as segments. */
export function compilePattern(pattern: string): Segment[] {
  if (!pattern.startsWith("/")) throw new Error(`a route path starts with /: ${pattern}`);
  return pattern
    .slice(1)
    .split("/")
    .map((s) => (s.startsWith(":") && s.length > 1 ? { param: s.slice(1) } : { literal: s }));
}

/**
 * The named parameters of `path` (raw, as sent: still percent-encoded) when it matches the pattern, else
 * null. A parameter matches one non-empty segment.
 */
export function matchPath(pattern: readonly Segment[], path: string): Record<string, string> | null {
  const segments = path.slice(1).split("/");
  if (segments.length !== pattern.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if ("literal" in p) {
      if (p.literal !== segments[i]) return null;
    } else {
      if (segments[i] === "") return null;
      params[p.param] = segments[i];
    }
  }
  return params;
}

/** A parameter no database could look up: U+0000 (Postgres refuses it) or an unpaired surrogate. */
const unstorable = (name: string, where: string) =>
  invalidParameter(name, `the ${name} ${where} holds U+0000 or an unpaired UTF-16 surrogate, which no ID or name can hold`);

function decodeParams(raw: Record<string, string>): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    try {
      decoded[name] = decodeURIComponent(value);
    } catch {
      throw invalidParameter(name, `the ${name} in the path is not valid percent-encoding: encode it with encodeURIComponent`);
    }
    if (!isCleanText(decoded[name])) throw unstorable(name, "in the path");
  }
  return decoded;
}

/** Refuses a query whose names or values hold what no database can look up. */
function checkQuery(query: URLSearchParams): void {
  for (const [name, value] of query) {
    if (!isCleanText(name)) throw unstorable("query", "parameter name");
    if (!isCleanText(value)) throw unstorable(name, "in the query");
  }
}

const sizeText = (bytes: number) =>
  bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;

/** The body as text; ApiError 413 body_too_large when it is larger than `limit` bytes. */
export async function readBody(req: http.IncomingMessage, limit: number, hint?: string): Promise<string> {
  const tooLarge = () =>
    new ApiError(413, "body_too_large", `the request body is larger than ${sizeText(limit)}${hint ? `: ${hint}` : ""}`);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function send(res: http.ServerResponse, status: number, body: unknown, contentType?: string): void {
  if (res.headersSent) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": contentType ?? (typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8"),
  });
  res.end(text);
}

/** Answers an error by the one error model; an unexpected one is logged. */
export function sendError(res: http.ServerResponse, error: unknown, log: Logger, context: Record<string, unknown> = {}): void {
  const answer = errorAnswer(error);
  if (answer.unexpected) log.error({ err: error, ...context }, "request failed");
  if (res.headersSent) {
    // Part of an answer is out: cut the connection rather than let a truncated body pass for a whole one.
    if (!res.writableEnded) res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  send(res, answer.status, answer.body);
}

interface CompiledRoute extends Route {
  pattern: Segment[];
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  constructor(private readonly log: Logger) {}

  add(...routes: Route[]): this {
    for (const route of routes) {
      if (this.routes.some((r) => r.method === route.method && r.path === route.path))
        throw new Error(`two routes for ${route.method} ${route.path}`);
      this.routes.push({ ...route, pattern: compilePattern(route.path) });
    }
    return this;
  }

  /** Answers the request: by its route, else 404 (no such path) or 405 (the path takes other methods). */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    try {
      let found: { route: CompiledRoute; raw: Record<string, string> } | null = null;
      const allowed: string[] = [];
      for (const route of this.routes) {
        const raw = matchPath(route.pattern, url.pathname);
        if (!raw) continue;
        if (route.method === method) {
          found = { route, raw };
          break;
        }
        allowed.push(route.method);
      }
      if (!found) {
        if (allowed.length > 0) {
          throw new ApiError(
            405,
            "method_not_allowed",
            `${url.pathname} takes ${allowed.join(", ")}, not ${method}`,
            {},
            { allow: allowed.join(", ") },
          );
        }
        throw new ApiError(404, "not_found", `there is no ${url.pathname} here`);
      }
      const params = decodeParams(found.raw);
      checkQuery(url.searchParams);
      const request = apiRequest(req, method, url, params);
      if (found.route.guard) await found.route.guard(request, res);
      await found.route.handle(request, res);
    } catch (error) {
      sendError(res, error, this.log, { method, path: url.pathname });
    }
  }
}

function apiRequest(req: http.IncomingMessage, method: string, url: URL, params: Record<string, string>): ApiRequest {
  const text: ApiRequest["text"] = (o = {}) => readBody(req, o.limit ?? DEFAULT_BODY_LIMIT, o.hint);
  return {
    method,
    path: url.pathname,
    params,
    query: url.searchParams,
    headers: req.headers,
    text,
    async json(o = {}) {
      const raw = await text({ limit: o.limit, hint: o.tooLargeHint });
      try {
        return JSON.parse(raw) as unknown;
      } catch (error) {
        throw new ApiError(400, "malformed_json", `the body is not valid JSON (${(error as Error).message})${o.hint ? `: ${o.hint}` : ""}`);
      }
    },
  };
}
