// Charts in Slack: renders a chart (specs.ts, render.ts) and uploads it as files.uploadV2 does
// (files.getUploadURLExternal, the bytes POSTed to the upload URL, files.completeUploadExternal) next to a
// message that is already posted. A chart never blocks or fails its message: it is drawn after the message,
// and a failure (no data, rendering, Slack) is logged and given up. Charts are drawn one at a time (a
// health check raising many alerts queues them; past MAX_WAITING they are dropped, with a log line).
//
// Where they go:
// - `/cs account`: to the asker's DM with the app (the command's answer is ephemeral: a chart in the
//   channel would show an account's health to everyone there, customers included in a shared channel).
// - the weekly support summary and a churn-risk alert: into the message's thread, once the outbox has
//   posted it (`afterSent`, called from the dispatcher's onSent hook; the post's refKey says what it is).
import type { WebClient } from "@slack/web-api";
import type { SentPost } from "../../platform/outbox/dispatcher.ts";
import type { Logger } from "../../platform/observability/log.ts";
import { jobActor, type Actor } from "../../shared/actor.ts";
import type { SuccessContext } from "../../success/use-cases/context.ts";
import { getAlert } from "../../success/use-cases/get-alert.ts";
import { readHealthHistory } from "../../success/use-cases/read-health-history.ts";
import type { SupportContext } from "../../support/use-cases/context.ts";
import { readWeeklyTrend } from "../../support/use-cases/read-weekly-trend.ts";
import {
  accountChartAlt,
  accountChartComment,
  accountChartTitle,
  SUPPORT_TREND_ALT,
  SUPPORT_TREND_COMMENT,
  SUPPORT_TREND_TITLE,
} from "../blocks/charts.ts";
import type { TopLevelSpec } from "vega-lite";
import { healthChartSpec, supportTrendSpec } from "./specs.ts";

/** vega and resvg are loaded with the first chart: with CHARTS=off they never are. */
const renderChart = async (spec: TopLevelSpec) => (await import("./render.ts")).renderChart(spec);

/** Charts waiting to be drawn beyond which new ones are dropped. */
export const MAX_WAITING = 50;
/** The outbox refKey of the weekly support summary (SlackSupportSummary) starts with this. */
export const SUPPORT_SUMMARY_REF = "support-summary:";
/** The outbox refKey of an account alert's message (SlackAlertPosts). */
const ALERT_REF = /^account_alert:(\d+)$/;

interface ChartUpload {
  png: Buffer;
  filename: string;
  title: string;
  altText: string;
  comment: string;
}

export class SlackCharts {
  private chain: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly client: WebClient,
    private readonly sources: { success: SuccessContext; support: SupportContext },
    private readonly log: Logger,
  ) {}

  /** The account's health chart in a channel, in a thread when `threadTs` is given (the churn-risk alert's). */
  postAccountChart(channel: string, threadTs: string | null, accountId: string, actor: Actor = jobActor("charts")): Promise<boolean> {
    return this.draw("account", { accountId, channel }, async () => {
      const chart = await this.accountChart(accountId, actor);
      return chart ? this.upload(chart, channel, threadTs) : false;
    });
  }

  /** `/cs account`: the account's health chart in the asker's DM with the app. */
  sendAccountChart(userId: string, accountId: string, actor: Actor): Promise<boolean> {
    return this.draw("account", { accountId, userId }, async () => {
      const chart = await this.accountChart(accountId, actor);
      if (!chart) return false;
      const opened = await this.client.conversations.open({ users: userId });
      const channel = opened.channel?.id;
      if (!channel) throw new Error("conversations.open gave no channel");
      return this.upload(chart, channel, null);
    });
  }

  /** Tickets and median first response per week, 12 weeks, in the weekly summary's thread. */
  postSupportTrend(channel: string, threadTs: string | null): Promise<boolean> {
    return this.draw("support-trend", { channel }, async () => {
      const weeks = await readWeeklyTrend(this.sources.support, jobActor("support-summary"), {});
      const { png } = await renderChart(supportTrendSpec({ weeks }));
      const chart = {
        png,
        filename: "support-12-weeks.png",
        title: SUPPORT_TREND_TITLE,
        altText: SUPPORT_TREND_ALT,
        comment: SUPPORT_TREND_COMMENT,
      };
      return this.upload(chart, channel, threadTs);
    });
  }

  /**
   * For the outbox's onSent hook (inside the transaction recording the post; nothing here waits): the
   * weekly summary and a churn-risk alert get their chart in their thread once they are in Slack.
   */
  afterSent(sent: SentPost): void {
    if (sent.method !== "chat.postMessage" || sent.threadTs !== null || !sent.postedTs || !sent.refKey) return;
    const { channelId, postedTs, refKey } = sent;
    if (refKey.startsWith(SUPPORT_SUMMARY_REF)) {
      void this.postSupportTrend(channelId, postedTs);
      return;
    }
    const alert = ALERT_REF.exec(refKey);
    if (alert) {
      void this.draw("alert", { alertId: Number(alert[1]), channel: channelId }, async () => {
        const view = await getAlert(this.sources.success, jobActor("charts"), { alertId: Number(alert[1]) });
        const chart = await this.accountChart(view.account.externalId, jobActor("charts"));
        return chart ? this.upload(chart, channelId, postedTs) : false;
      });
    }
  }

  /** Resolves once every chart asked for so far is done (tests, and stopping). */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  private async accountChart(accountId: string, actor: Actor): Promise<ChartUpload | null> {
    const history = await readHealthHistory(this.sources.success, actor, { accountExternalId: accountId });
    if (!history || history.points.length === 0) return null;
    const { png } = await renderChart(healthChartSpec({ name: history.name, points: history.points }));
    return {
      png,
      filename: `health-${accountId.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 60) || "account"}.png`,
      title: accountChartTitle(history.name),
      altText: accountChartAlt(history.name),
      comment: accountChartComment(history.name),
    };
  }

  private async upload(chart: ChartUpload, channel: string, threadTs: string | null): Promise<boolean> {
    const file = { file: chart.png, filename: chart.filename, title: chart.title, alt_text: chart.altText, initial_comment: chart.comment };
    await this.client.filesUploadV2(threadTs ? { ...file, channel_id: channel, thread_ts: threadTs } : { ...file, channel_id: channel });
    return true;
  }

  /** One chart at a time, after what is already queued; never rejects. */
  private draw(kind: string, about: Record<string, unknown>, work: () => Promise<boolean>): Promise<boolean> {
    if (this.waiting >= MAX_WAITING) {
      this.log.warn({ chart: kind, ...about, waiting: this.waiting }, "chart dropped: too many charts waiting to be drawn");
      return Promise.resolve(false);
    }
    this.waiting += 1;
    const run = this.chain.then(async () => {
      // Let whatever posted the message finish first (drawing takes the event loop for a moment).
      await new Promise((resolve) => setImmediate(resolve));
      try {
        return await work();
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error;
        this.log.warn({ err: error, chart: kind, ...about, slackError: code }, "could not post a chart; the message stands without it");
        return false;
      } finally {
        this.waiting -= 1;
      }
    });
    this.chain = run;
    return run;
  }
}
