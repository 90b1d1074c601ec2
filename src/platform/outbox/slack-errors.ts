// How a failed Web API call is treated: wait and retry (429), retry with backoff (5xx, network and
// Slack's transient errors), or stop (everything else, such as channel_not_found or invalid_auth).
export type Failure =
  | { kind: "rate_limited"; retryAfterMs: number; reason: string }
  | { kind: "transient"; reason: string }
  | { kind: "permanent"; reason: string };

const TRANSIENT_SLACK_ERRORS = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"]);

interface WebApiErrorLike {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
  message?: string;
}

export function classifyFailure(error: unknown): Failure {
  const e = (error ?? {}) as WebApiErrorLike;
  switch (e.code) {
    case "slack_webapi_rate_limited_error":
      return { kind: "rate_limited", retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000, reason: "ratelimited" };
    case "slack_webapi_platform_error": {
      const reason = e.data?.error ?? "unknown_error";
      if (reason === "ratelimited") return { kind: "rate_limited", retryAfterMs: 1000, reason };
      return TRANSIENT_SLACK_ERRORS.has(reason) ? { kind: "transient", reason } : { kind: "permanent", reason };
    }
    case "slack_webapi_http_error": {
      const status = e.statusCode ?? 0;
      const reason = `http_${status}`;
      return status >= 500 || status === 408 ? { kind: "transient", reason } : { kind: "permanent", reason };
    }
    case "slack_webapi_request_error":
      return { kind: "transient", reason: "network_error" };
    default:
      return { kind: "transient", reason: e.message ? e.message.slice(0, 200) : "unknown_error" };
  }
}
