// A health check: scores every account from its inputs (src/success/store/health-inputs.ts), stores each
// score with its components (history and the current score), and keeps churn-risk alerts in step with
// the rules: a rule that starts to hold raises one alert, a later run that finds it worse adds a line
// in its thread, and a rule that no longer holds clears it. Accounts are read a slice at a time.
import type { Database, Tx } from "../../platform/db/client.ts";
import { execute, queryRows, valuesList } from "../../platform/db/sql.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Logger } from "../../platform/observability/log.ts";
import { RULES, type HealthConfig, type RuleName } from "../rules/health-config.ts";
import { COMPONENT_LABELS, scoreHealth, type HealthResult } from "../rules/health-model.ts";
import { evaluateRules, hasWorsened, RULE_LABELS, type RuleHit } from "../rules/risk-rules.ts";
import { dayOf, knownFeatureCount, sliceFacts, type SliceAccount } from "../store/health-inputs.ts";
import type { AlertDetail, AlertNotifier, AlertTicket, AlertView } from "../rules/alert.ts";
import { loadAlertView } from "./alerts.ts";
import type { DeskMetrics } from "../../platform/observability/metrics.ts";

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
const RAISE_BATCH = 200;

interface NewAlert {
  account: SliceAccount;
  hit: RuleHit;
  health: HealthResult;
  previousScore: number | null;
}
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
    private readonly metrics?: DeskMetrics,
  ) {
    this.sliceSize = settings.sliceSize ?? 2000;
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
    this.metrics?.healthCheckRan(summary);
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
    await this.storeScores(
      runId,
      at,
      scored.filter((s) => s.health.score !== null),
    );
    summary.accountsScored += scored.filter((s) => s.health.score !== null).length;
    summary.accountsUnscored += scored.filter((s) => s.health.score === null).length;
    await this.syncAlerts(runId, at, scored, summary);
  }

  private async storeScores(runId: number, at: Date, rows: { account: SliceAccount; health: HealthResult }[]): Promise<void> {
    const CHUNK = 500;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      const history: unknown[] = [];
      const current: unknown[] = [];
      for (const { account, health } of part) {
        history.push(runId, account.externalId, at, health.score, health.band, compactComponents(health));
        current.push(runId, account.externalId, at, health.score, health.band, JSON.stringify(health.components));
      }
      await this.db.client.$transaction(async (tx) => {
        await execute(
          this.db,
          tx,
          `INSERT INTO "AccountHealth" ("runId", "accountExternalId", "computedAt", "score", "band", "components") VALUES ${valuesList(part.length, 6)}`,
          ...history,
        );
        await execute(
          this.db,
          tx,
          `INSERT INTO "AccountHealthCurrent" ("runId", "accountExternalId", "computedAt", "score", "band", "components") VALUES ${valuesList(part.length, 6)}
          ON CONFLICT ("accountExternalId") DO UPDATE SET "runId" = excluded."runId", "computedAt" = excluded."computedAt",
            "score" = excluded."score", "band" = excluded."band", "components" = excluded."components"`,
          ...current,
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
    const toRaise: NewAlert[] = [];
    const toWorsen: (NewAlert & { alertId: number; snoozed: boolean })[] = [];
    const holding: number[] = [];
    const toClear: { alertId: number; reason: string }[] = [];

    for (const s of scored) {
      const id = s.account.externalId;
      for (const hit of s.hits) {
        const existing = openBy.get(`${id}:${hit.rule}`);
        openBy.delete(`${id}:${hit.rule}`);
        if (!existing) toRaise.push({ account: s.account, hit, health: s.health, previousScore: s.previousScore });
        else if (hasWorsened(hit.rule, existing.severity, hit.severity, this.config)) {
          const snoozed = existing.snoozedUntil !== null && existing.snoozedUntil.getTime() > at.getTime();
          toWorsen.push({ alertId: existing.id, snoozed, account: s.account, hit, health: s.health, previousScore: s.previousScore });
        } else holding.push(existing.id);
      }
      for (const rule of RULES) {
        const existing = openBy.get(`${id}:${rule}`);
        if (!existing) continue;
        openBy.delete(`${id}:${rule}`);
        const reason = !enabled.has(rule)
          ? `the rule "${RULE_LABELS[rule]}" is turned off in the health configuration`
          : clearedReason(rule, s.health);
        toClear.push({ alertId: existing.id, reason });
      }
    }

    // Alerts that still hold, unchanged: one statement per slice.
    for (let i = 0; i < holding.length; i += 500) {
      const ids = holding.slice(i, i + 500);
      await execute(
        this.db,
        c,
        `UPDATE "HealthAlert" SET "lastRunId" = $1 WHERE "status" = 'open' AND "id" IN (${ids.map((_, k) => `$${k + 2}`).join(",")})`,
        runId,
        ...ids,
      );
    }
    const tickets = await this.recentTickets(
      [...toRaise, ...toWorsen].map((a) => a.account.externalId),
      at,
    );
    // A bounded number of new alerts per transaction keeps memory flat on a first run with many alerts.
    for (let i = 0; i < toRaise.length; i += RAISE_BATCH)
      summary.alertsRaised += await this.raise(runId, at, toRaise.slice(i, i + RAISE_BATCH), tickets);
    for (const w of toWorsen) {
      if (
        await this.worsen(
          w.alertId,
          runId,
          at,
          w.account,
          w.hit,
          w.health,
          w.previousScore,
          w.snoozed,
          tickets.get(w.account.externalId) ?? [],
        )
      )
        summary.alertsWorsened += 1;
    }
    for (const cl of toClear) if (await this.clear(cl.alertId, runId, at, cl.reason)) summary.alertsCleared += 1;
  }

  private detail(hit: RuleHit, health: HealthResult, previousScore: number | null, tickets: AlertTicket[]): AlertDetail {
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

  /** Each account's three most pressing tickets of the last 30 days (by priority, then newest), in one query. */
  private async recentTickets(accountIds: string[], at: Date): Promise<Map<string, AlertTicket[]>> {
    const out = new Map<string, AlertTicket[]>();
    const ids = [...new Set(accountIds)];
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = await queryRows<{
        id: number | bigint;
        accountExternalId: string;
        priority: string;
        status: string;
        permalink: string | null;
        createdAt: string | Date;
      }>(
        this.db,
        this.db.client,
        `SELECT "id", "accountExternalId", "priority", "status", "permalink", "createdAt" FROM (
           SELECT t."id", t."accountExternalId", t."priority", t."status", t."permalink", t."createdAt",
             ROW_NUMBER() OVER (PARTITION BY t."accountExternalId" ORDER BY
               CASE t."priority" WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, t."createdAt" DESC) AS rn
           FROM "Ticket" t
           WHERE t."accountExternalId" IN (${part.map((_, k) => `$${k + 3}`).join(",")}) AND t."createdAt" >= $1 AND t."createdAt" < $2
         ) ranked WHERE rn <= 3 ORDER BY "accountExternalId", rn`,
        new Date(at.getTime() - 30 * 86_400_000),
        at,
        ...part,
      );
      for (const r of rows) {
        const list = out.get(r.accountExternalId) ?? [];
        list.push({
          id: Number(r.id),
          priority: r.priority,
          status: r.status,
          permalink: r.permalink,
          createdAt: new Date(r.createdAt).toISOString(),
        });
        out.set(r.accountExternalId, list);
      }
    }
    return out;
  }

  /**
   * Raises the slice's new alerts in one transaction with multi-row statements: the alerts (an alert
   * another check raised first is skipped by its open key), their events, and their messages.
   */
  private async raise(runId: number, at: Date, alerts: NewAlert[], tickets: Map<string, AlertTicket[]>): Promise<number> {
    const now = this.clock.now();
    const prepared = alerts.map((a) => ({
      ...a,
      openKey: `${a.account.externalId}:${a.hit.rule}`,
      channelId: this.channelFor(a.account),
      detail: this.detail(a.hit, a.health, a.previousScore, tickets.get(a.account.externalId) ?? []),
    }));
    const raised = await this.db.client.$transaction(
      async (tx) => {
        const created = new Map<string, number>();
        const CHUNK = 200;
        for (let i = 0; i < prepared.length; i += CHUNK) {
          const part = prepared.slice(i, i + CHUNK);
          const args: unknown[] = [];
          for (const p of part) {
            args.push(
              p.account.externalId,
              p.hit.rule,
              p.openKey,
              p.hit.severity,
              at,
              runId,
              runId,
              JSON.stringify(p.detail),
              p.channelId,
              p.account.csmSlackUserId,
              now,
            );
          }
          const rows = await queryRows<{ id: number | bigint; openKey: string }>(
            this.db,
            tx,
            `INSERT INTO "HealthAlert" ("accountExternalId", "rule", "openKey", "severity", "raisedAt", "raisedRunId", "lastRunId", "detail", "channelId", "ownerId", "updatedAt")
             VALUES ${valuesList(part.length, 11)} ON CONFLICT ("openKey") DO NOTHING RETURNING "id", "openKey"`,
            ...args,
          );
          for (const r of rows) created.set(r.openKey, Number(r.id));
        }
        const fresh = prepared.filter((p) => created.has(p.openKey)).map((p) => ({ ...p, alertId: created.get(p.openKey)! }));
        for (let i = 0; i < fresh.length; i += 300) {
          const part = fresh.slice(i, i + 300);
          const args = part.flatMap((p) => [p.alertId, "raised", p.hit.reason, now]);
          await execute(
            this.db,
            tx,
            `INSERT INTO "HealthAlertEvent" ("alertId", "kind", "text", "at") VALUES ${valuesList(part.length, 4)}`,
            ...args,
          );
        }
        const views: AlertView[] = fresh.map((p) => ({
          id: p.alertId,
          rule: p.hit.rule,
          status: "open",
          raisedAt: at,
          clearedAt: null,
          channelId: p.channelId,
          ownerId: p.account.csmSlackUserId,
          outboxId: null,
          acknowledgedAt: null,
          acknowledgedById: null,
          snoozedUntil: null,
          escalatedAt: null,
          detail: p.detail,
          account: {
            externalId: p.account.externalId,
            name: p.account.name,
            arr: p.account.arr,
            renewalDate: p.account.renewalDate,
            csmSlackUserId: p.account.csmSlackUserId,
          },
        }));
        const outboxIds = [...(await this.notifier.alertsRaised(tx, views, now))];
        for (let i = 0; i < outboxIds.length; i += 300) {
          const part = outboxIds.slice(i, i + 300);
          const cases = part.map((_, k) => `WHEN $${2 * k + 1} THEN CAST($${2 * k + 2} AS INTEGER)`).join(" ");
          const inList = part.map((_, k) => `$${2 * k + 1}`).join(",");
          await execute(
            this.db,
            tx,
            `UPDATE "HealthAlert" SET "outboxId" = CASE "id" ${cases} END WHERE "id" IN (${inList})`,
            ...part.flat(),
          );
        }
        return fresh.length;
      },
      { timeout: 60_000 },
    );
    if (raised) this.afterCommit();
    return raised;
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
    tickets: AlertTicket[],
  ): Promise<boolean> {
    const detail = this.detail(hit, health, previousScore, tickets);
    const now = this.clock.now();
    const changed = await this.db.client.$transaction(async (tx) => {
      const updated = await tx.healthAlert.updateMany({
        where: { id: alertId, status: "open" },
        data: { severity: hit.severity, lastRunId: runId, detail: JSON.stringify(detail) },
      });
      if (updated.count === 0) return false;
      await tx.healthAlertEvent.create({ data: { alertId, kind: "worsened", text: hit.reason, at: now } });
      // A snoozed alert keeps quiet: the change is stored and shown when it is looked at.
      if (!snoozed)
        await this.notifier.alertChanged(
          tx,
          (await loadAlertView(tx, alertId))!,
          { kind: "worsened", reason: hit.reason, score: health.score },
          now,
        );
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

/**
 * The components as history keeps them: { name: [score, weight] } without the evidence (the current
 * score keeps the evidence), about a fifth of the size, since history grows by one row per account a day.
 */
export function compactComponents(health: HealthResult): string {
  return JSON.stringify(Object.fromEntries(health.components.map((c) => [c.name, [c.score, Math.round(c.weight * 1000) / 1000]])));
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
