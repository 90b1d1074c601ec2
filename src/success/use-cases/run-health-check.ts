// A health check (a job, or an API client asking for one now): scores every account from its inputs, a
// slice at a time, stores each score with its components (history and the current score), and keeps
// churn-risk alerts in step with the rules: a rule that starts to hold raises one alert, a later run that
// finds it worse adds a line in its thread, and a rule that no longer holds clears it.
import type { Actor } from "../../shared/actor.ts";
import { alertChannel, alertDetail, syncAlerts, type AlertTicket, type AlertView, type ScoredAccount } from "../rules/alert.ts";
import { assessAccount, dayOf } from "../rules/health-check.ts";
import type { HealthResult } from "../rules/health-model.ts";
import type { RuleHit } from "../rules/risk-rules.ts";
import { SCORES_PER_STATEMENT, type SliceAccount } from "../store/health-runs.ts";
import type { SuccessContext } from "./context.ts";
import { abandonStaleHealthChecks } from "./abandon-stale-health-checks.ts";

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

const DEFAULT_SLICE_SIZE = 2000;
/** New alerts raised per transaction: keeps memory flat on a first run with many alerts. */
const RAISE_BATCH = 200;
const RAISE_TIMEOUT_MS = 60_000;

type Scored = ScoredAccount<SliceAccount>;

/** Runs a health check as of `at` (default: now). A failure is recorded on the run and in the summary, not thrown. */
export async function runHealthCheck(
  ctx: SuccessContext,
  actor: Actor,
  input: { trigger: "scheduled" | "manual"; at?: Date },
): Promise<HealthCheckSummary> {
  await ctx.access.require(actor, "success");
  const at = input.at ?? ctx.clock.now();
  await abandonStaleHealthChecks(ctx, actor); // a check whose process died no longer passes for running
  const run = await ctx.health.startRun(input.trigger, ctx.clock.now());
  const summary: HealthCheckSummary = {
    runId: run.id,
    trigger: input.trigger,
    status: "done",
    startedAt: run.startedAt,
    finishedAt: null,
    accountsScored: 0,
    accountsUnscored: 0,
    alertsRaised: 0,
    alertsWorsened: 0,
    alertsCleared: 0,
  };
  const sliceSize = ctx.settings.sliceSize ?? DEFAULT_SLICE_SIZE;
  try {
    const known = await ctx.health.knownFeatureCount(ctx.config, at);
    let cursor: string | null = null;
    for (;;) {
      const accounts = await ctx.health.accountsAfter(cursor, sliceSize);
      if (accounts.length === 0) break;
      await scoreSlice(ctx, run.id, accounts, known, at, summary);
      cursor = accounts[accounts.length - 1].externalId;
      if (accounts.length < sliceSize) break;
    }
  } catch (error) {
    summary.status = "failed";
    summary.error = error instanceof Error ? error.message : String(error);
    ctx.log.error({ err: error, runId: run.id }, "health check failed");
  }
  summary.finishedAt = ctx.clock.now();
  await ctx.health.finishRun(run.id, {
    status: summary.status,
    finishedAt: summary.finishedAt,
    accountsScored: summary.accountsScored,
    alertsRaised: summary.alertsRaised,
    alertsCleared: summary.alertsCleared,
    alertsWorsened: summary.alertsWorsened,
    error: summary.error?.slice(0, 1000) ?? null,
  });
  ctx.log.info({ ...summary, error: undefined }, "health check finished");
  ctx.metrics?.healthCheckRan(summary);
  return summary;
}

async function scoreSlice(
  ctx: SuccessContext,
  runId: number,
  accounts: SliceAccount[],
  known: number,
  at: Date,
  summary: HealthCheckSummary,
): Promise<void> {
  const facts = await ctx.health.sliceFacts(ctx.config, accounts, known, at);
  const today = dayOf(at);
  const scored: Scored[] = accounts.map((account) => {
    const f = facts.get(account.externalId)!;
    return { account, ...assessAccount(account, f, today, ctx.config), previousScore: f.previousScore };
  });
  const withScore = scored.filter((s) => s.health.score !== null);
  for (let i = 0; i < withScore.length; i += SCORES_PER_STATEMENT) {
    const part = withScore.slice(i, i + SCORES_PER_STATEMENT);
    await ctx.tx.transaction((tx) => ctx.health.writeScores(tx, runId, at, part));
  }
  summary.accountsScored += withScore.length;
  summary.accountsUnscored += scored.length - withScore.length;
  await keepAlertsInStep(ctx, runId, at, scored, summary);
}

async function keepAlertsInStep(
  ctx: SuccessContext,
  runId: number,
  at: Date,
  scored: Scored[],
  summary: HealthCheckSummary,
): Promise<void> {
  const open = await ctx.alerts.openBetween(scored[0].account.externalId, scored[scored.length - 1].account.externalId);
  const sync = syncAlerts(scored, open, ctx.config, at);
  // Alerts that still hold, unchanged: one statement per slice.
  await ctx.alerts.touch(runId, sync.holding);
  const tickets = await ctx.alerts.recentTickets(
    [...sync.toRaise, ...sync.toWorsen].map((a) => a.account.externalId),
    at,
  );
  for (let i = 0; i < sync.toRaise.length; i += RAISE_BATCH)
    summary.alertsRaised += await raise(ctx, runId, at, sync.toRaise.slice(i, i + RAISE_BATCH), tickets);
  for (const w of sync.toWorsen) {
    const detail = alertDetail(w.hit, w.health, w.previousScore, tickets.get(w.account.externalId) ?? [], at);
    if (await worsen(ctx, w.alertId, runId, w.hit, w.health, detail, w.snoozed)) summary.alertsWorsened += 1;
  }
  for (const cl of sync.toClear) if (await clear(ctx, cl.alertId, runId, at, cl.reason)) summary.alertsCleared += 1;
}

/**
 * Raises a batch of new alerts in one transaction with multi-row statements: the alerts (an alert
 * another check raised first is skipped by its open key), their events, and their messages.
 */
async function raise(
  ctx: SuccessContext,
  runId: number,
  at: Date,
  alerts: { account: SliceAccount; hit: RuleHit; health: HealthResult; previousScore: number | null }[],
  tickets: Map<string, AlertTicket[]>,
): Promise<number> {
  const now = ctx.clock.now();
  const prepared = alerts.map((a) => ({
    account: a.account,
    hit: a.hit,
    row: {
      accountExternalId: a.account.externalId,
      rule: a.hit.rule,
      openKey: `${a.account.externalId}:${a.hit.rule}`,
      severity: a.hit.severity,
      channelId: alertChannel(a.account, ctx.config, ctx.settings.alertsChannel),
      ownerId: a.account.csmSlackUserId,
      detail: alertDetail(a.hit, a.health, a.previousScore, tickets.get(a.account.externalId) ?? [], at),
    },
  }));
  return ctx.tx.transaction(
    async (tx) => {
      const created = await ctx.alerts.insertOpen(
        tx,
        prepared.map((p) => p.row),
        at,
        runId,
        now,
      );
      const fresh = prepared.filter((p) => created.has(p.row.openKey)).map((p) => ({ ...p, alertId: created.get(p.row.openKey)! }));
      await ctx.alerts.addEvents(
        tx,
        fresh.map((p) => ({ alertId: p.alertId, kind: "raised", text: p.hit.reason, at: now })),
      );
      const views: AlertView[] = fresh.map((p) => ({
        id: p.alertId,
        rule: p.hit.rule,
        status: "open",
        raisedAt: at,
        clearedAt: null,
        channelId: p.row.channelId,
        ownerId: p.row.ownerId,
        acknowledgedAt: null,
        acknowledgedById: null,
        snoozedUntil: null,
        escalatedAt: null,
        detail: p.row.detail,
        account: {
          externalId: p.account.externalId,
          name: p.account.name,
          arr: p.account.arr,
          renewalDate: p.account.renewalDate,
          csmSlackUserId: p.account.csmSlackUserId,
        },
      }));
      await ctx.notifier.alertsRaised(tx, views, now);
      return fresh.length;
    },
    { timeoutMs: RAISE_TIMEOUT_MS },
  );
}

async function worsen(
  ctx: SuccessContext,
  alertId: number,
  runId: number,
  hit: RuleHit,
  health: HealthResult,
  detail: ReturnType<typeof alertDetail>,
  snoozed: boolean,
): Promise<boolean> {
  const now = ctx.clock.now();
  return ctx.tx.transaction(async (tx) => {
    if (!(await ctx.alerts.worsen(tx, alertId, { severity: hit.severity, runId, detail }))) return false;
    await ctx.alerts.addEvent(tx, { alertId, kind: "worsened", text: hit.reason, at: now });
    // A snoozed alert keeps quiet: the change is stored and shown when it is looked at.
    if (!snoozed)
      await ctx.notifier.alertChanged(
        tx,
        (await ctx.alerts.view(alertId, tx))!,
        { kind: "worsened", reason: hit.reason, score: health.score },
        now,
      );
    return true;
  });
}

async function clear(ctx: SuccessContext, alertId: number, runId: number, at: Date, reason: string): Promise<boolean> {
  const now = ctx.clock.now();
  return ctx.tx.transaction(async (tx) => {
    if (!(await ctx.alerts.clear(tx, alertId, { clearedAt: at, runId }))) return false;
    await ctx.alerts.addEvent(tx, { alertId, kind: "cleared", text: reason, at: now });
    await ctx.notifier.alertChanged(tx, (await ctx.alerts.view(alertId, tx))!, { kind: "cleared", reason }, now);
    return true;
  });
}
