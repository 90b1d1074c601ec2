// Interactions take effect once. A slash command, a click, a modal submission or a shortcut is claimed
// (src/slack/store/interactions.ts) before any listener runs; the same request again (someone re-posting a
// captured signed request within the 5 minutes its signature holds, or a proxy sending it twice) is
// acknowledged and ignored, and logged at info. The key is a digest of the whole payload: Slack gives each
// interaction its own trigger_id (and each click its own action_ts), so a person submitting a modal again
// or clicking again is a new request, while a replay is the same bytes (changing any of them breaks the
// signature). Events API envelopes are not handled here: the inbox stores each event once by its id.
import { createHash } from "node:crypto";
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Logger } from "../platform/observability/log.ts";
import type { InteractionLog } from "./store/interactions.ts";

/** Payload types that are one person's interaction (a block_suggestion only asks for options; it changes nothing). */
const INTERACTIONS = new Set([
  "block_actions",
  "view_submission",
  "view_closed",
  "shortcut",
  "message_action",
  "interactive_message",
  "dialog_submission",
]);

/** How long a claim is kept: far longer than the 10 minutes in which a replay can pass the signature check. */
export const INTERACTION_RETENTION_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

/** The interaction's kind (its payload type, or the slash command), or null when the body is not an interaction. */
export function interactionKind(body: Record<string, unknown>): string | null {
  if (typeof body.command === "string") return body.command;
  return typeof body.type === "string" && INTERACTIONS.has(body.type) ? body.type : null;
}

export function interactionKey(body: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(body)).digest("hex");
}

function userOf(body: Record<string, unknown>): string | null {
  if (typeof body.user_id === "string") return body.user_id;
  const user = body.user as { id?: unknown } | undefined;
  return typeof user?.id === "string" ? user.id : null;
}

export function replayGuard(o: { interactions: InteractionLog; now: () => Date; log: Logger }): Middleware<AnyMiddlewareArgs> {
  let lastPurge = 0;
  const purgeNowAndThen = (now: Date) => {
    if (now.getTime() - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now.getTime();
    o.interactions
      .purge(new Date(now.getTime() - INTERACTION_RETENTION_MS))
      .catch((error: unknown) => o.log.warn({ err: error }, "could not purge old interaction records; will try again"));
  };
  return async (args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const kind = interactionKind(body);
    if (!kind) return args.next();
    const now = o.now();
    const userId = userOf(body);
    const first = await o.interactions.claim({ key: interactionKey(body), kind, userId }, now);
    purgeNowAndThen(now);
    if (first) return args.next();
    o.log.info(
      { kind, userId, triggerId: typeof body.trigger_id === "string" ? body.trigger_id : null },
      "ignored a replayed Slack interaction (the same request again): acknowledged, nothing done",
    );
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  };
}
