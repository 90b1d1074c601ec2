// The Bolt app: interactivity and commands arrive through it; listeners are registered by surface.
import { App, LogLevel, type Receiver, type Logger as BoltLogger } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import type { Logger } from "../platform/observability/log.ts";
import type { SlackDeps } from "./deps.ts";
import { replayGuard } from "./replays.ts";
import type { InteractionLog } from "./store/interactions.ts";
import { registerTicketCardActions } from "./actions/ticket-card.ts";
import { registerCreateTicketShortcut } from "./shortcuts/create-ticket.ts";
import { registerTicketCommand } from "./commands/ticket.ts";
import { registerSupportCommand } from "./commands/support.ts";
import { registerReplyView } from "./views/reply.ts";
import { registerCsatActions } from "./actions/csat.ts";
import { registerCsatCommentView } from "./views/csat-comment.ts";
import { registerHealthAlertActions } from "./actions/health-alert.ts";
import { registerAlertNoteView } from "./views/alert-note.ts";
import { registerCsCommand } from "./commands/cs.ts";
import { registerFeedbackCommand } from "./commands/feedback.ts";
import { registerSendToProductShortcut } from "./shortcuts/send-to-product.ts";
import { registerSendToProductView } from "./views/send-to-product.ts";
import { registerTicketFeedbackAction } from "./actions/ticket-feedback.ts";
import { registerFeedbackThemeActions } from "./actions/feedback-themes.ts";
import { registerThemeShip } from "./actions/theme-ship.ts";
import { registerThemeItemsAction } from "./actions/theme-items.ts";
import { registerThemeShipView } from "./views/theme-ship.ts";
import { registerFeedbackSendAnyway } from "./actions/feedback-send-anyway.ts";
import { registerStatsDetailsAction } from "./actions/stats-details.ts";
import { registerHomeActions } from "./actions/home.ts";

export interface BoltOptions {
  token: string;
  receiver: Receiver;
  clientOptions: WebClientOptions;
  botId?: string;
  botUserId?: string;
  log: Logger;
  /** The interactions already taken: a replayed one is acknowledged and ignored (replays.ts). */
  interactions: InteractionLog;
}

export function createBoltApp(o: BoltOptions, deps: SlackDeps): App {
  const app = new App({
    token: o.token,
    receiver: o.receiver,
    // The identity comes from auth.test at start; Bolt must not call Slack on a request's path.
    tokenVerificationEnabled: false,
    botId: o.botId,
    botUserId: o.botUserId,
    clientOptions: o.clientOptions,
    logger: boltLogger(o.log),
    logLevel: LogLevel.WARN,
  });
  // Before every listener: the same interaction twice takes effect once.
  app.use(replayGuard({ interactions: o.interactions, now: () => deps.clock.now(), log: o.log }));
  registerTicketCardActions(app, deps);
  registerHomeActions(app, deps);
  registerReplyView(app, deps);
  registerCsatActions(app, deps);
  registerCsatCommentView(app, deps);
  registerCreateTicketShortcut(app, deps);
  registerTicketCommand(app, deps);
  registerSupportCommand(app, deps);
  registerHealthAlertActions(app, deps);
  registerAlertNoteView(app, deps);
  registerCsCommand(app, deps);
  registerFeedbackCommand(app, deps);
  registerSendToProductShortcut(app, deps);
  registerSendToProductView(app, deps);
  registerTicketFeedbackAction(app, deps);
  registerFeedbackThemeActions(app, deps);
  registerThemeShip(app, deps);
  registerThemeItemsAction(app, deps);
  registerThemeShipView(app, deps);
  registerFeedbackSendAnyway(app, deps);
  registerStatsDetailsAction(app, deps);
  app.error(async (error) => {
    o.log.error({ err: error }, "bolt listener error");
  });
  return app;
}

/** Bolt's logger interface over the app's structured logger. */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: "bolt" });
  let level = LogLevel.WARN;
  return {
    debug: (...m: unknown[]) => child.debug(m.map(String).join(" ")),
    info: (...m: unknown[]) => child.info(m.map(String).join(" ")),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(" ")),
    error: (...m: unknown[]) => child.error(m.map(String).join(" ")),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
