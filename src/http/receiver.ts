// The HTTP front door, as a Bolt receiver. It exists for what Bolt cannot do: on POST /slack/events,
// Events API envelopes are verified, stored in the inbox and only then answered 200 (503 when they could
// not be stored, so Slack sends them again); interactivity and commands go to Bolt, answered when a
// listener acknowledges. Every other path goes to the app's router (router.ts); errors are answered by
// the one error model (errors.ts).
import http from "node:http";
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { isValidSlackRequest } from "@slack/bolt";
import type { Logger } from "../platform/observability/log.ts";
import type { IncomingEvent } from "../platform/inbox/inbox.ts";
import { dedupeKeyOf } from "../platform/inbox/inbox.ts";
import { cleanStrings, parseCleanJson } from "../shared/text.ts";
import { ApiError } from "./errors.ts";
import { readBody, send, sendError, type Router } from "./router.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
/** How far a request's timestamp may be from now, either way (Slack's rule; Bolt checks only the past). */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
const ACK_TIMEOUT_MS = 3000;

export interface ReceiverOptions {
  signingSecret: string;
  log: Logger;
  /** Stores an envelope durably; resolves once stored. */
  storeEvent: (event: IncomingEvent) => Promise<void>;
  /** The app's own routes: every path but /slack/events. */
  router: Router;
  now?: () => number;
  /** Called for every Slack request taken; the returned function once it is answered (so background work can yield to intake). */
  onSlackRequest?: () => () => void;
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
        throw new ApiError(503, "shutting_down", "the app is stopping: send the request to another instance or try again shortly");
      }
      const path = (req.url ?? "/").split("?")[0];
      if (path !== "/slack/events") return await this.o.router.handle(req, res);
      if (req.method !== "POST") {
        throw new ApiError(405, "method_not_allowed", "/slack/events takes POST (Slack's requests)", {}, { allow: "POST" });
      }
      await this.slackRequest(req, res);
    } catch (error) {
      sendError(res, error, this.o.log, { path: (req.url ?? "/").split("?")[0] });
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
    const nowMs = this.o.now?.() ?? Date.now();
    if (
      !signature ||
      !Number.isFinite(timestamp) ||
      // Stamped in the future: a request signed ahead of time could be replayed for longer.
      timestamp > Math.floor(nowMs / 1000) + MAX_CLOCK_SKEW_SECONDS ||
      !isValidSlackRequest({
        signingSecret: this.o.signingSecret,
        body: raw,
        headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp },
        nowMilliseconds: nowMs,
      })
    ) {
      this.o.log.warn(
        { path: "/slack/events" },
        "rejected a request with a missing or wrong signature, or a timestamp more than 5 minutes off",
      );
      throw new ApiError(
        401,
        "invalid_signature",
        "the request's Slack signature is missing or wrong, or its timestamp is more than 5 minutes from now",
      );
    }
    const body = parseBody(raw, header(req, "content-type") ?? "");
    const retryNum = Number(header(req, "x-slack-retry-num") ?? 0) || 0;
    const retryReason = header(req, "x-slack-retry-reason");

    if (body.type === "url_verification") return send(res, 200, { challenge: String(body.challenge ?? "") });
    if (body.type === "ssl_check" || body.ssl_check) return send(res, 200, "");

    if (body.type === "event_callback") {
      const event = body.event as Record<string, unknown> | undefined;
      if (typeof body.event_id !== "string" || !event || typeof event.type !== "string") {
        throw new ApiError(400, "invalid_event", "event_callback needs event_id and event.type");
      }
      try {
        await this.o.storeEvent({
          eventId: body.event_id,
          eventType: event.type,
          dedupeKey: dedupeKeyOf(event),
          body: raw.startsWith("{") ? raw : JSON.stringify(body),
          retryNum,
        });
      } catch (error) {
        // Not stored, so not acknowledged: Slack sends it again (a few times, over about an hour).
        this.o.log.error(
          { err: error, eventId: body.event_id, type: event.type },
          "could not store an event; answered 503 so Slack retries",
        );
        throw new ApiError(503, "event_not_stored", "the event could not be stored (the cause is in the app's log): send it again");
      }
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
        send(res, 500, { error: "internal_error", message: "the listener failed; the cause is in the app's log" });
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
 * JSON (Events API), form with a `payload` field (interactivity), or a plain form (slash commands); its
 * text cleaned of what a database cannot store (src/shared/text.ts), so every listener and the inbox's
 * keys see clean text. (The stored envelope is the raw body; the inbox processor cleans it as it reads.)
 */
function parseBody(raw: string, contentType: string): Record<string, unknown> {
  try {
    if (contentType.includes("application/json")) {
      const parsed = parseCleanJson(raw);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      throw new Error("not an object");
    }
    if (contentType.includes("application/x-www-form-urlencoded")) {
      const form = cleanStrings(Object.fromEntries(new URLSearchParams(raw)));
      if (typeof form.payload === "string") {
        const parsed = parseCleanJson(form.payload);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
        throw new Error("payload is not an object");
      }
      if (Object.keys(form).length === 0) throw new Error("empty form");
      return form;
    }
  } catch (error) {
    throw new ApiError(400, "malformed_body", `malformed body: ${error instanceof Error ? error.message : "cannot parse"}`);
  }
  throw new ApiError(
    400,
    "unsupported_content_type",
    "unsupported content type: Slack sends application/json or application/x-www-form-urlencoded",
  );
}
