// What the Slack listeners need: the domain services and the few settings that shape intake.
import type { WebClient } from "@slack/web-api";
import type { Clock } from "../platform/clock.ts";
import type { Logger } from "../platform/observability/log.ts";
import type { SupportContext } from "../support/use-cases/context.ts";
import type { SlackDirectory } from "./directory.ts";
import type { SuccessContext } from "../success/use-cases/context.ts";
import type { FeedbackContext } from "../feedback/use-cases/context.ts";
import type { SlackNotices } from "./posts/notices.ts";
import type { SlackCharts } from "./charts/post.ts";

export interface IntakeSettings {
  /** TRIAGE_CHANNEL: threads there are the cards' internal threads. */
  triageChannel: string | undefined;
  /** The reaction that makes a ticket of a message (TICKET_EMOJI). */
  ticketEmoji: string;
  /** The reaction that sends a message to product (FEEDBACK_EMOJI). */
  feedbackEmoji: string;
  /** PRODUCT_CHANNEL; without it feedback is off. */
  productChannel: string | undefined;
}

export interface SlackDeps {
  /** The support desk: tickets, SLAs, satisfaction surveys, support channels and their figures. */
  support: SupportContext;
  /** Customer success: accounts with their health and churn-risk alerts (/cs, the alert buttons and note modal, the App Home, the triage card). */
  success: SuccessContext;
  /** Voice of the customer: capturing feedback, themes, closing the loop, the digest (off without PRODUCT_CHANNEL). */
  feedback?: FeedbackContext;
  /** Ephemeral notices through the outbox. */
  notify: SlackNotices;
  directory: SlackDirectory;
  /** For reads after Slack has its answer (lookups, modals); posts go through the outbox. */
  client: WebClient;
  settings: IntakeSettings;
  /** Where each ticket's triage card is (the App Home's "Open card"); without it, no such button. */
  cardLinks?: { of(ticketIds: readonly number[]): Promise<Map<number, string>> };
  /** Pictures next to messages (off with CHARTS=off). */
  charts?: SlackCharts;
  clock: Clock;
  log: Logger;
}
