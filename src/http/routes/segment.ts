// Segment-compatible ingestion (SEGMENT_WRITE_KEY), for Segment, RudderStack, Jitsu or any client of
// Segment's HTTP Tracking API:
//   POST /api/v1/segment                    one call ({"type": "track", ...}) or a batch ({"batch": [...]})
//   POST /api/v1/segment/{type}             type: identify, group, track, page, screen, alias, or batch
// Authenticated as Segment does: the write key as the HTTP Basic user name with an empty password
// (`Authorization: Basic base64("<key>:")`), or a "writeKey" field in the body.
// Answered as Segment answers: 200 {"success": true} once the body is read, whatever its calls hold (a
// call that cannot be used is logged and skipped, the others are stored); 400 when the body is not JSON or
// not a call or batch; 401 without the write key; 404 while SEGMENT_WRITE_KEY is not set.
import type http from "node:http";
import { apiActor } from "../../shared/actor.ts";
import { SEGMENT_TYPES } from "../../success/rules/segment.ts";
import { ingestSegmentCalls, type SegmentContext } from "../../success/use-cases/ingest-segment-calls.ts";
import { tokensMatch } from "../api-auth.ts";
import { ApiError } from "../errors.ts";
import { send, type ApiRequest, type Route } from "../router.ts";

/** Segment takes 500 KB a batch; RudderStack's SDKs send up to 4 MB. */
export const SEGMENT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Rejected calls named in the log line of one request. */
const LOGGED_REJECTIONS = 20;

export interface SegmentRouteDeps {
  segment: SegmentContext;
  writeKey: string | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The user name of an `Authorization: Basic` header (the write key), or null. */
export function basicUser(headers: http.IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Basic[ \t]+([A-Za-z0-9+/=_-]+)[ \t]*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

const badBody = (message: string) => new ApiError(400, "invalid_body", message);
const SHAPE = 'send one call such as {"type": "track", "userId": "u1", "event": "Report Built"} or {"batch": [ ...calls ]}';

function refuseUnless(sent: string | null, writeKey: string): void {
  if (sent !== null && tokensMatch(sent, writeKey)) return;
  throw new ApiError(
    401,
    "unauthorized",
    sent === null
      ? 'Send the write key as the HTTP Basic user name with an empty password: `Authorization: Basic base64("<SEGMENT_WRITE_KEY>:")` (curl -u "$SEGMENT_WRITE_KEY:")'
      : "The write key is not SEGMENT_WRITE_KEY",
    {},
    { "www-authenticate": 'Basic realm="customer-desk-segment"' },
  );
}

function handler(deps: SegmentRouteDeps, pathType: string | null): Route["handle"] {
  return async (req: ApiRequest, res) => {
    res.setHeader("cache-control", "no-store");
    const writeKey = deps.writeKey;
    if (!writeKey)
      throw new ApiError(
        404,
        "not_configured",
        "Segment ingestion is off: set SEGMENT_WRITE_KEY (your Segment source's write key, at least 16 characters) to accept Segment calls here",
      );
    // A key in the header is checked before the body is read; one in the body ("writeKey") after.
    const inHeader = basicUser(req.headers);
    if (inHeader !== null) refuseUnless(inHeader, writeKey);
    const body = await req.json({ limit: SEGMENT_MAX_BODY_BYTES, hint: SHAPE, tooLargeHint: "send smaller batches" });
    if (inHeader === null) refuseUnless(isObject(body) && typeof body.writeKey === "string" ? body.writeKey : null, writeKey);
    if (!isObject(body)) throw badBody(`the body must be a JSON object: ${SHAPE}`);

    let calls: unknown[];
    let type: string | undefined;
    let context: Record<string, unknown> | undefined;
    const isBatch =
      pathType === "batch" || pathType === "import" || (pathType === null && body.batch !== undefined && body.type === undefined);
    if (isBatch) {
      if (!Array.isArray(body.batch)) throw badBody(`"batch" must be a list of calls: ${SHAPE}`);
      calls = body.batch;
      context = isObject(body.context) ? body.context : undefined;
    } else {
      if (pathType === null && typeof body.type !== "string") throw badBody(`the call has no "type": ${SHAPE}`);
      calls = [body];
      type = pathType ?? undefined;
    }

    const summary = await ingestSegmentCalls(deps.segment, apiActor, { calls, type, context });
    const { rejected, unreadTraits, ...counts } = summary;
    const log = deps.segment.log;
    if (rejected.length)
      log.warn(
        { ...counts, rejected: rejected.slice(0, LOGGED_REJECTIONS), rejectedCount: rejected.length },
        "segment: some calls could not be used",
      );
    else log.debug(counts, "segment calls taken");
    if (unreadTraits.length)
      log.warn(
        { unreadTraits: unreadTraits.slice(0, LOGGED_REJECTIONS), unreadTraitsCount: unreadTraits.length },
        "segment: some group traits could not be read; their accounts keep what they had for them",
      );
    send(res, 200, { success: true });
  };
}

/** The per-type paths: Segment's own (/v1/identify ...) under /api/v1/segment/. */
export const SEGMENT_PATHS = [...SEGMENT_TYPES, "batch", "import"] as const;

export function segmentRoutes(deps: SegmentRouteDeps): Route[] {
  return [
    { method: "POST", path: "/api/v1/segment", handle: handler(deps, null) },
    ...SEGMENT_PATHS.map((type): Route => ({ method: "POST", path: `/api/v1/segment/${type}`, handle: handler(deps, type) })),
  ];
}
