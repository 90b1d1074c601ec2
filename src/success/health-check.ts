// A health check: scores every account from its inputs (src/success/health-inputs.ts), stores each
// score with its components (history and the current score), and keeps churn-risk alerts in step with
// the rules: a rule that starts to hold raises one alert, a later run that finds it worse adds a line
// in its thread, and a rule that no longer holds clears it. Accounts are read a slice at a time.
import type { Database, Tx } from "../db/client.ts";
import { execute, valuesList } from "../db/sql.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import { isUniqueViolation } from "../support/tickets.ts";
import { RULES, type HealthConfig, type RuleName } from "./health-config.ts";
import { COMPONENT_LABELS, scoreHealth, type HealthResult } from "./health-model.ts";
import { evaluateRules, hasWorsened, RULE_LABELS, type RuleHit } from "./risk-rules.ts";
import { dayOf, knownFeatureCount, sliceFacts, type SliceAccount } from "./health-inputs.ts";
import type { AlertDetail, AlertNotifier, AlertTicket } from "./alert-model.ts";
import { loadAlertView } from "./alerts.ts";

export interface HealthCheckSummary {
  runId: number;
  trigger: "scheduled" | "manual";
  status: "done" | "failed";
  startedAt: Date;
  finishedAt: Date | null;
  accountsScored: number;
  accountsUnscored: number;
  alertsRaised: number;
  alertsWorsened: number;
  alertsCleared: number;
  error?: string;
}

export interface HealthCheckSettings {
  /** ALERTS_CHANNEL: where alerts go when neither the account nor its CSM has a channel. */
  alertsChannel?: string;
  /** Accounts read and scored at once. */
  sliceSize?: number;
}

const REASON_BELOW = 60;
const MAX_REASONS = 4;

export class HealthCheckService {
  private readonly sliceSize: number;

  constructor(
    private readonly db: Database,
    private readonly config: HealthConfig,
    private readonly notifier: AlertNotifier,
    private readonly settings: HealthCheckSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: () => void,
  ) {
    this.sliceSize = settings.sliceSize ?? 1000;
  }

  /** The channel an account's alerts go to: its own, its CSM's, else ALERTS_CHANNEL (null: kept, not posted). */
  channelFor(account: { alertChannel: string | null; csmSlackUserId: string | null }): string | null {
    return (
      account.alertChannel ??
      (account.csmSlackUserId ? this.config.routing.csmChannels[account.csmSlackUserId] : undefined) ??
      this.settings.alertsChannel ??
      null
    );
  }

  async run(trigger: "scheduled" | "manual", at: Date = this.clock.now()): Promise<HealthCheckSummary> {
    const c = this.db.client;
    const run = await c.healthCheckRun.create({ data: { trigger, status: "running", startedAt: this.clock.now() } });
    const summary: HealthCheckSummary = {
      runId: run.id,
      trigger,
      status: "done",
      startedAt: run.startedAt,
      finishedAt: null,
      accountsScored: 0,
      accountsUnscored: 0,
      alertsRaised: 0,
      alertsWorsened: 0,
      alertsCleared: 0,
    };
    try {
      const known = await knownFeatureCount(this.db, this.config, at);
      let cursor: string | null = null;
      for (;;) {
        const accounts: SliceAccount[] = await c.account.findMany({
          where: cursor === null ? {} : { externalId: { gt: cursor } },
          orderBy: { externalId: "asc" },
          take: this.sliceSize,
          select: { externalId: true, name: true, arr: true, seats: true, renewalDate: true, csmSlackUserId: true, alertChannel: true },
        });
        if (accounts.length === 0) break;
        await this.scoreSlice(run.id, accounts, known, at, summary);
        cursor = accounts[accounts.length - 1].externalId;
        if (accounts.length < this.sliceSize) break;
      }
    } catch (error) {
      summary.status = "failed";
      summary.error = error instanceof Error ? error.message : String(error);
      this.log.error({ err: error, runId: run.id }, "health check failed");
    }
    summary.finishedAt = this.clock.now();
    await c.healthCheckRun.update({
      where: { id: run.id },
      data: {
        status: summary.status,
        finishedAt: summary.finishedAt,
        accountsScored: summary.accountsScored,
        alertsRaised: summary.alertsRaised,
        alertsCleared: summary.alertsCleared,
        alertsWorsened: summary.alertsWorsened,
        error: summary.error?.slice(0, 1000) ?? null,
      },
    });
    this.log.info({ ...summary, error: undefined }, "health check finished");
    return summary;
  }

  private async scoreSlice(runId: number, accounts: SliceAccount[], known: number, at: Date, summary: HealthCheckSummary): Promise<void> {
    const facts = await sliceFacts(this.db, this.config, accounts, known, at);
    const today = dayOf(at);
    const scored: { account: SliceAccount; health: HealthResult; hits: RuleHit[]; previousScore: number | null }[] = [];
    for (const account of accounts) {
      const f = facts.get(account.externalId)!;
      const health = scoreHealth(f.inputs, this.config);
      const hits = evaluateRules(
        {
          today,
          health,
          recentHighScore: f.recentHighScore,
          renewalDate: account.renewalDate,
          seats: account.seats,
          peakActiveLast30: f.inputs.usage.daysLast30 > 0 ? f.inputs.usage.peakActiveLast30 : null,
          ticketsLast7: f.ticketsLast7,
          ticketBaselinePerWeek: f.ticketBaselinePerWeek,
          nps: f.inputs.nps.latest,
        },
        this.config,
      );
      scored.push({ account, health, hits, previousScore: f.previousScore });
    }
    await this.storeScores(runId, at, scored.filter((s) => s.health.score !== null));
    summary.accountsScored += scored.filter((s) => s.health.score !== null).length;
    summary.accountsUnscored += scored.filter((s) => s.health.score === null).length;
    await this.syncAlerts(runId, at, scored, summary);
  }

  private async storeScores(runId: number, at: Date, rows: { account: SliceAccount; health: HealthResult }[]): Promise<void> {
    const CHUNK = 400;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      const args: unknown[] = [];
      for (const { account, health } of part) {
        args.push(runId, account.externalId, at, health.score, health.band, JSON.stringify(health.components));
      }
      await this.db.client.$transaction(async (tx) => {
        await execute(
          this.db,
          tx,
          `INSERT INTO "AccountHealth" ("runId", "accountExternalId", "computedAt", "score", "band", "components") VALUES ${valuesList(part.length, 6)}`,
          ...args,
        );
        await execute(
          this.db,
          tx,
          `INSERT INTO "AccountHealthCurrent" ("runId", "accountExternalId", "computedAt", "score", "band", "components") VALUES ${valuesList(part.length, 6)}
          ON CONFLICT ("accountExternalId") DO UPDATE SET "runId" = excluded."runId", "computedAt" = excluded."computedAt",
            "score" = excluded."score", "band" = excluded."band", "components" = excluded."components"`,
          ...args,
        );
      });
    }
  }

  private async syncAlerts(
    runId: number,
    at: Date,
    scored: { account: SliceAccount; health: HealthResult; hits: RuleHit[]; previousScore: number | null }[],
    summary: HealthCheckSummary,
  ): Promise<void> {
    const c = this.db.client;
    const first = scored[0].account.externalId;
    const last = scored[scored.length - 1].account.externalId;
    const open = await c.healthAlert.findMany({
      where: { status: "open", accountExternalId: { gte: first, lte: last } },
      select: { id: true, accountExternalId: true, rule: true, severity: true, snoozedUntil: true },
    });
    const openBy = new Map(open.map((a) => [`${a.accountExternalId}:${a.rule}`, a]));
    const enabled = new Set(RULES.filter((r) => this.config.rules[r].enabled));

    for (const s of scored) {
      const id = s.account.externalId;
      for (const hit of s.hits) {
        const existing = openBy.get(`${id}:${hit.rule}`);
        openBy.delete(`${id}:${hit.rule}`);
        if (!existing) {
          if (await this.raise(runId, at, s.account, hit, s.health, s.previousScore)) summary.alertsRaised += 1;
        } else if (hasWorsened(hit.rule, existing.severity, hit.severity, this.config)) {
          const snoozed = existing.snoozedUntil !== null && existing.snoozedUntil.getTime() > at.getTime();
          if (await this.worsen(existing.id, runId, at, s.account, hit, s.health, s.previousScore, snoozed)) summary.alertsWorsened += 1;
        } else {
          await c.healthAlert.updateMany({ where: { id: existing.id, status: "open" }, data: { lastRunId: runId } });
        }
      }
      for (const rule of RULES) {
        const existing = openBy.get(`${id}:${rule}`);
        if (!existing) continue;
        openBy.delete(`${id}:${rule}`);
        const reason = !enabled.has(rule)
          ? `the rule "${RULE_LABELS[rule]}" is turned off in the health configuration`
          : clearedReason(rule, s.health);
        if (await this.clear(existing.id, runId, at, reason)) summary.alertsCleared += 1;
      }
    }
  }

  private detail(account: SliceAccount, hit: RuleHit, health: HealthResult, previousScore: number | null, tickets: AlertTicket[]): AlertDetail {
    const reasons = health.components
      .filter((comp) => comp.score < REASON_BELOW)
      .sort((a, b) => a.score - b.score)
      .slice(0, MAX_REASONS)
      .map((comp) => ({ source: COMPONENT_LABELS[comp.name], text: comp.evidence }));
    return {
      score: health.score,
      band: health.band,
      previousScore,
      ruleReason: hit.reason,
      reasons,
      missing: health.missing.map((m) => COMPONENT_LABELS[m]),
      tickets,
    };
  }

  /** The account's most pressing recent tickets, for links in the alert. */
  private async recentTickets(accountExternalId: string, at: Date): Promise<AlertTicket[]> {
    const rows = await this.db.client.ticket.findMany({
      where: { accountExternalId, createdAt: { gte: new Date(at.getTime() - 30 * 86_400_000), lt: at } },
      orderBy: { createdAt: "desc" },
      take: 50,
      select: { id: true, priority: true, status: true, permalink: true, createdAt: true },
    });
    const rank: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
    return rows
      .sort((a, b) => (rank[a.priority] ?? 9) - (rank[b.priority] ?? 9) || b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, 3)
      .map((t) => ({ id: t.id, priority: t.priority, status: t.status, permalink: t.permalink, createdAt: t.createdAt.toISOString() }));
  }

  private async raise(runId: number, at: Date, account: SliceAccount, hit: RuleHit, health: HealthResult, previousScore: number | null): Promise<boolean> {
    const tickets = await this.recentTickets(account.externalId, at);
    const detail = this.detail(account, hit, health, previousScore, tickets);
    const now = this.clock.now();
    try {
      await this.db.client.$transaction(async (tx) => {
        const alert = await tx.healthAlert.create({
          data: {
            accountExternalId: account.externalId,
            rule: hit.rule,
            openKey: `${account.externalId}:${hit.rule}`,
            severity: hit.severity,
            raisedAt: at,
            raisedRunId: runId,
            lastRunId: runId,
            detail: JSON.stringify(detail),
            channelId: this.channelFor(account),
            ownerId: account.csmSlackUserId,
          },
        });
        await tx.healthAlertEvent.create({ data: { alertId: alert.id, kind: "raised", text: hit.reason, at: now } });
        const view = await loadAlertView(tx, alert.id);
        const outboxId = await this.notifier.alertRaised(tx, view!, now);
        if (outboxId !== null) await tx.healthAlert.update({ where: { id: alert.id }, data: { outboxId } });
      });
    } catch (error) {
      // Another check (a manual one beside the scheduled one) raised it first.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    this.afterCommit();
    return true;
  }

  private async worsen(
    alertId: number,
    runId: number,
    at: Date,
    account: SliceAccount,
    hit: RuleHit,
    health: HealthResult,
    previousScore: number | null,
    snoozed: boolean,
  ): Promise<boolean> {
    const tickets = await this.recentTickets(account.externalId, at);
    const detail = this.detail(account, hit, health, previousScore, tickets);
    const now = this.clock.now();
    const changed = await this.db.client.$transaction(async (tx) => {
      const updated = await tx.healthAlert.updateMany({
        where: { id: alertId, status: "open" },
        data: { severity: hit.severity, lastRunId: runId, detail: JSON.stringify(detail) },
      });
      if (updated.count === 0) return false;
      await tx.healthAlertEvent.create({ data: { alertId, kind: "worsened", text: hit.reason, at: now } });
      // A snoozed alert keeps quiet: the change is stored and shown when it is looked at.
      if (!snoozed) await this.notifier.alertChanged(tx, (await loadAlertView(tx, alertId))!, { kind: "worsened", reason: hit.reason, score: health.score }, now);
      return true;
    });
    if (changed) this.afterCommit();
    return changed;
  }

  private async clear(alertId: number, runId: number, at: Date, reason: string): Promise<boolean> {
    const now = this.clock.now();
    const changed = await this.db.client.$transaction(async (tx: Tx) => {
      const updated = await tx.healthAlert.updateMany({
        where: { id: alertId, status: "open" },
        data: { status: "cleared", openKey: null, clearedAt: at, clearedRunId: runId, lastRunId: runId },
      });
      if (updated.count === 0) return false;
      await tx.healthAlertEvent.create({ data: { alertId, kind: "cleared", text: reason, at: now } });
      await this.notifier.alertChanged(tx, (await loadAlertView(tx, alertId))!, { kind: "cleared", reason }, now);
      return true;
    });
    if (changed) this.afterCommit();
    return changed;
  }
}

function clearedReason(rule: RuleName, health: HealthResult): string {
  const score = health.score === null ? "no score (no data)" : `score ${health.score}, ${health.band}`;
  switch (rule) {
    case "entered_red":
      return `the account is no longer red (${score})`;
    case "score_drop":
      return `the score has recovered (${score})`;
    case "renewal_risk":
      return `the renewal is no longer at risk (${score})`;
    case "ticket_spike":
      return "tickets are back near the account's usual level";
    case "nps_detractor":
      return "no detractor NPS answer in the period any more";
    case "low_utilisation":
      return "licence utilisation is back above the threshold";
  }
}
