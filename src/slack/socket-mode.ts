// Socket Mode (when SLACK_APP_TOKEN is set): the same path as HTTP. Events are stored in the inbox
// before they are acknowledged; interactivity and commands go to Bolt.
import { SocketModeClient } from "@slack/socket-mode";
import type { App } from "@slack/bolt";
import type { Logger } from "../platform/observability/log.ts";
import type { IncomingEvent } from "../platform/inbox/inbox.ts";
import { dedupeKeyOf } from "../platform/inbox/inbox.ts";
import { cleanStrings } from "../shared/text.ts";

export interface SocketModeOptions {
  appToken: string;
  slackApiUrl?: string;
  app: App;
  storeEvent: (event: IncomingEvent) => Promise<void>;
  log: Logger;
}

type SocketEvent = {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  type: string;
  body: Record<string, unknown>;
  retry_num?: number;
  retry_reason?: string;
};

export function createSocketModeIngress(o: SocketModeOptions): { start(): Promise<void>; stop(): Promise<void> } {
  const client = new SocketModeClient({ appToken: o.appToken, clientOptions: o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {} });
  client.on("slack_event", async ({ ack, type, body: raw, retry_num, retry_reason }: SocketEvent) => {
    try {
      // As over HTTP: text a database can store, for the inbox's keys and every listener.
      const body = cleanStrings(raw);
      if (type === "events_api") {
        const event = body.event as Record<string, unknown> | undefined;
        if (typeof body.event_id !== "string" || !event || typeof event.type !== "string") {
          o.log.warn({ type }, "socket mode event without event_id or event.type; skipped");
          await ack();
          return;
        }
        await o.storeEvent({
          eventId: body.event_id,
          eventType: event.type,
          dedupeKey: dedupeKeyOf(event),
          body: JSON.stringify(body),
          retryNum: retry_num ?? 0,
        });
        await ack();
        return;
      }
      let acked = false;
      await o.app.processEvent({
        body,
        retryNum: retry_num,
        retryReason: retry_reason,
        ack: async (response?: unknown) => {
          if (acked) return;
          acked = true;
          if (typeof response === "string" && response !== "") await ack({ text: response });
          else await ack(typeof response === "object" && response !== null ? (response as Record<string, unknown>) : undefined);
        },
      });
      if (!acked) await ack();
    } catch (error) {
      // Not acknowledged: Slack delivers the event again.
      o.log.error({ err: error, type }, "socket mode event failed");
    }
  });
  let starting: Promise<unknown> | null = null;
  return {
    start: async () => {
      starting = client.start();
      await starting;
    },
    stop: async () => {
      // A connection still being set up would otherwise open after we stopped.
      await starting?.catch(() => {});
      await client.disconnect();
    },
  };
}
