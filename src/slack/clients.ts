// The app's Web API clients and its identity in Slack. Posts go through a client that never retries (the
// outbox dispatcher owns retrying, pacing and 429s); reads after Slack has its answer get a couple of
// quick retries; Bolt's own client one. A token Slack refuses stops start-up; an unreachable Slack does
// not (the identity is read again in the background).
import { WebClient, type WebClientOptions } from "@slack/web-api";
import { StartupError } from "../platform/config/settings-files.ts";
import type { Logger } from "../platform/observability/log.ts";
import { SlackDirectory, type GroupRole } from "./directory.ts";

const FATAL_AUTH_ERRORS = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"]);

export interface SlackClients {
  post: WebClient;
  read: WebClient;
  /** For Bolt (acknowledgements and views): one retry, 429s rejected. */
  bolt: WebClientOptions;
}

export function slackClients(token: string, slackApiUrl: string | undefined): SlackClients {
  const base: WebClientOptions = slackApiUrl ? { slackApiUrl } : {};
  return {
    post: new WebClient(token, { ...base, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 15_000 }),
    read: new WebClient(token, { ...base, retryConfig: { retries: 2, maxTimeout: 2000 }, rejectRateLimitedCalls: true, timeout: 10_000 }),
    bolt: { ...base, retryConfig: { retries: 1 }, rejectRateLimitedCalls: true },
  };
}

/** Reads the app's identity and starts following the role user groups; `onFatal` runs before a refused token stops start-up. */
export async function connectDirectory(
  client: WebClient,
  log: Logger,
  people: { agentIds: string[]; groups: Partial<Record<GroupRole, string>> },
  onFatal: () => Promise<void>,
): Promise<SlackDirectory> {
  const directory = new SlackDirectory(client, log, people.agentIds, people.groups);
  try {
    await directory.identify();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code && FATAL_AUTH_ERRORS.has(code)) {
      await onFatal();
      throw new StartupError(
        `SLACK_BOT_TOKEN was refused by Slack (${code}): copy the Bot User OAuth Token again from OAuth & Permissions`,
      );
    }
    log.warn({ err: error }, "could not reach Slack to read the app's identity; retrying in the background");
    const retry = setInterval(
      () =>
        directory.identify().then(
          () => clearInterval(retry),
          () => {},
        ),
      30_000,
    );
    retry.unref();
  }
  await directory.startGroupRefresh();
  return directory;
}
