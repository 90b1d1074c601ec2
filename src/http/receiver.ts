// The HTTP front door, as a Bolt receiver: POST /slack/events (events, interactivity and commands),
// plus the app's own routes (GET /healthz). Events API envelopes are verified, stored in the inbox and
// only then answered 200; interactivity and commands go to Bolt, answered when a listener acknowledges.
import http from "node:http";
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { isValidSlackRequest } from "@slack/bolt";
import type { Logger } from "../platform/observability/log.ts";
import type { IncomingEvent } from "../platform/inbox/inbox.ts";
import { dedupeKeyOf } from "../platform/inbox/inbox.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
const ACK_TIMEOUT_MS = 3000;

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export interface ReceiverOptions {
  signingSecret: string;
  log: Logger;
  /** Stores an envelope durably; resolves once stored. */
  storeEvent: (event: IncomingEvent) => Promise<void>;
  routes?: Record<string, Route>;
  now?: () => number;
  /** Called for every Slack request taken; the returned function once it is answered (so background work can yield to intake). */
  onSlackRequest?: () => () => void;
}

/** An error answered with its status and message (400, 413...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class DeskReceiver implements Receiver {
  private app: App | null = null;
  private server: http.Server | null = null;
  private accepting = true;
  private inFlight = 0;

  constructor(private readonly o: ReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  async start(port: number): Promise<http.Server> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, () => resolve());
    });
    this.server = server;
    return server;
  }

  /** Stops taking requests and waits (up to the timeout) for those under way to be answered. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.accepting = false;
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    server.closeAllConnections();
    await closed;
  }

  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === "object" ? address.port : null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight += 1;
    try {
      if (!this.accepting) {
        res.setHeader("connection", "close");
        return send(res, 503, { ok: false, error: "shutting_down" });
      }
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/slack/events") {
        if (req.method !== "POST") return send(res, 405, { ok: false, error: "method_not_allowed" });
        return await this.slackRequest(req, res);
      }
      const route = this.o.routes?.[`${req.method} ${path}`] ?? this.o.routes?.[parameterRouteKey(req.method, path)];
      if (route) return await route(req, res);
      return send(res, 404, { ok: false, error: "not_found" });
    } catch (error) {
      if (error instanceof HttpError) return send(res, error.status, { ok: false, error: error.message });
      this.o.log.error({ err: error }, "request failed");
      if (!res.headersSent) send(res, 500, { ok: false, error: "internal_error" });
    } finally {
      this.inFlight -= 1;
    }
  }

  private async slackRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const done = this.o.onSlackRequest?.();
    if (done) {
      res.once("finish", done);
      res.once("close", done);
    }
    const raw = await readBody(req, MAX_BODY_BYTES);
    const signature = header(req, "x-slack-signature");
    const timestamp = Number(header(req, "x-slack-request-timestamp"));
    if (
      !signature ||
      !Number.isFinite(timestamp) ||
      !isValidSlackRequest({
        signingSecret: this.o.signingSecret,
        body: raw,
        headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp },
        nowMilliseconds: this.o.now?.() ?? Date.now(),
      })
    ) {
      this.o.log.warn({ path: "/slack/events" }, "rejected a request with a missing, wrong or stale signature");
      return send(res, 401, { ok: false, error: "invalid_signature" });
    }
    const body = parseBody(raw, header(req, "content-type") ?? "");
    const retryNum = Number(header(req, "x-slack-retry-num") ?? 0) || 0;
    const retryReason = header(req, "x-slack-retry-reason");

    if (body.type === "url_verification") return send(res, 200, { challenge: String(body.challenge ?? "") });
    if (body.type === "ssl_check" || body.ssl_check) return send(res, 200, "");

    if (body.type === "event_callback") {
      const event = body.event as Record<string, unknown> | undefined;
      if (typeof body.event_id !== "string" || !event || typeof event.type !== "string") {
        throw new HttpError(400, "event_callback needs event_id and event.type");
      }
      await this.o.storeEvent({
        eventId: body.event_id,
        eventType: event.type,
        dedupeKey: dedupeKeyOf(event),
        body: raw.startsWith("{") ? raw : JSON.stringify(body),
        retryNum,
      });
      return send(res, 200, "");
    }

    if (!this.app) throw new Error("receiver used before Bolt initialised it");
    await this.dispatchToBolt(body, res, retryNum, retryReason);
  }

  /** Interactivity and commands: answered with whatever the listener passes to ack(). */
  private async dispatchToBolt(body: Record<string, unknown>, res: http.ServerResponse, retryNum: number, retryReason: string | undefined) {
    let acked = false;
    const timer = setTimeout(() => {
      if (!acked) this.o.log.warn({ type: body.type }, "no acknowledgement within 3 seconds; Slack shows the user an error");
    }, ACK_TIMEOUT_MS);
    timer.unref();
    const event: ReceiverEvent = {
      body,
      retryNum,
      retryReason,
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        clearTimeout(timer);
        if (response === undefined || response === "") send(res, 200, "");
        else if (typeof response === "string") send(res, 200, response, "text/plain; charset=utf-8");
        else send(res, 200, response);
      },
    };
    try {
      await this.app!.processEvent(event);
    } catch (error) {
      this.o.log.error({ err: error, type: body.type }, "listener failed");
      if (!acked) {
        acked = true;
        send(res, 500, { ok: false, error: "internal_error" });
      }
    } finally {
      clearTimeout(timer);
      if (!acked) {
        // No listener took it (an action the app does not handle): answer so Slack does not retry.
        acked = true;
        send(res, 200, "");
      }
    }
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The route key for a path ending in a parameter: `GET /api/v1/accounts/acme` → `GET /api/v1/accounts/*`
 * (one non-empty last segment; a route reads it with `pathParameter`). Exact keys win over these.
 */
function parameterRouteKey(method: string | undefined, path: string): string {
  const slash = path.lastIndexOf("/");
  return slash > 0 && slash < path.length - 1 ? `${method} ${path.slice(0, slash)}/*` : "";
}

/** The decoded last path segment of a request routed by a `.../*` key (null when it is not valid percent-encoding). */
export function pathParameter(req: http.IncomingMessage): string | null {
  const path = (req.url ?? "/").split("?")[0];
  try {
    return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
  } catch {
    return null;
  }
}

/** The body as text; HttpError 413 when it is larger than `limit` bytes. */
export async function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new HttpError(413, `request body over ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** JSON (Events API), form with a `payload` field (interactivity), or a plain form (slash commands). */
function parseBody(raw: string, contentType: string): Record<string, unknown> {
  try {
    if (contentType.includes("application/json")) {
      const parsed = JSON.parse(raw) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      throw new Error("not an object");
    }
    if (contentType.includes("application/x-www-form-urlencoded")) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      if (typeof form.payload === "string") {
        const parsed = JSON.parse(form.payload) as unknown;
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
        throw new Error("payload is not an object");
      }
      if (Object.keys(form).length === 0) throw new Error("empty form");
      return form;
    }
  } catch (error) {
    throw new HttpError(400, `malformed body: ${error instanceof Error ? error.message : "cannot parse"}`);
  }
  throw new HttpError(400, "unsupported content type: Slack sends application/json or application/x-www-form-urlencoded");
}

export function send(res: http.ServerResponse, status: number, body: unknown, contentType?: string): void {
  if (res.headersSent) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": contentType ?? (typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8"),
  });
  res.end(text);
}
