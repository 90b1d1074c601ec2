// A health check (a job, or an API client asking for one now): scores every account from its inputs, a
// slice at a time, stores each score with its components (history and the current score), and keeps
// each account's churn-risk alert in step with the rules: one alert per account at risk, posted on its
// own only when it asks for it (a real-time rule on an account scored before), within a cap per channel,
// and otherwise listed in the channel's risk digest; a later check that finds it worse updates its
// message and adds one line in its thread, and one that finds no rule holding clears it. The per-rule
// history is kept beside it. The check ends with the digests and a summary.
import type { Actor } from "../../shared/actor.ts";
import {
  accountAlertDetail,
  accountClearedReason,
  chooseRealtime,
  stakeOf,
  syncAccountAlerts,
  type AccountAlertSync,
  type RealtimeCandidate,
} from "../rules/account-alert.ts";
import { alertChannel, alertDetail, syncAlerts, type AlertTicket, type ScoredAccount } from "../rules/alert.ts";
import { assessAccount, dayOf } from "../rules/health-check.ts";
import { DIGEST_LISTED_MAX, checkReport, riskDigests } from "../rules/risk-report.ts";
import { bookTrends, type BookContext } from "../rules/health-model.ts";
import { healthRecord, keptBook } from "../rules/health-record.ts";
import { SCORES_PER_STATEMENT, UsageTable, type ScoreRow, type SliceAccount } from "../store/health-runs.ts";
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
  /** Accounts' alerts raised, got worse, cleared. */
  alertsRaised: number;
  alertsWorsened: number;
  alertsCleared: number;
  /** Alerts given a message of their own this check, and those the cap sent to the digest instead. */
  alertsPosted: number;
  alertsHeldBack: number;
  /** Risk digests posted (one per channel with accounts to list). */
  digests: number;
  error?: string;
}

const DEFAULT_SLICE_SIZE = 2000;
export const DEFAULT_REALTIME_CAP = 10;
/** Alerts raised, updated or cleared per transaction: few transactions, each short, and memory flat on a first run with many alerts. */
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
  const run = await ctx.health.startRun(input.trigger, ctx.clock.now(), at);
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
    alertsPosted: 0,
    alertsHeldBack: 0,
    digests: 0,
  };
  const to = ctx.settings.alertsChannel ?? ctx.config.escalation.leadUserId ?? null;
  let accountCount: number | undefined; // to size the usage table
  try {
    const accounts = await ctx.accounts.count();
    accountCount = accounts;
    await ctx.tx.transaction((tx) =>
      ctx.notifier.checkStarted(tx, { to, runId: run.id, trigger: input.trigger, at, accounts }, ctx.clock.now()),
    );
  } catch (error) {
    ctx.log.warn({ err: error, runId: run.id }, "could not post that the health check started");
  }
  const sliceSize = ctx.settings.sliceSize ?? DEFAULT_SLICE_SIZE;
  const cap = ctx.settings.realtimeCap ?? DEFAULT_REALTIME_CAP;
  const candidates: RealtimeCandidate[] = [];
  let heldBack = new Map<string, number>();
  try {
    const known = await ctx.health.knownFeatureCount(ctx.config, at);
    // First pass: every account's usage windows, for the book's median trends (an account's dip is judged
    // against the book's, or its tier's, over the same weeks); kept for the second pass, which scores. It
    // reads of each account only its id and groups.
    const usage = new UsageTable(accountCount);
    const { readerFailure } = await ctx.health.allUsage(
      slices(sliceSize, (cursor, size) => ctx.health.accountGroupsAfter(cursor, size, ctx.config.peerAttribute)),
      at,
      usage,
    );
    if (readerFailure)
      ctx.log.warn(
        { err: readerFailure, runId: run.id },
        "the health check's usage reader failed: its slices were read on the app's connection",
      );
    const book = bookTrends(usage.all(), ctx.config.peerAttribute);
    await ctx.health.saveBook(run.id, keptBook(book)); // the accounts' evidence is worded against it when shown
    for await (const accounts of slices(sliceSize, (cursor, size) => ctx.health.accountsAfter(cursor, size, ctx.config.peerAttribute))) {
      await scoreSlice(ctx, run.id, accounts, known, at, usage, book, summary, candidates);
    }
    heldBack = await postOnTheirOwn(ctx, candidates, cap, summary);
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
  try {
    await report(ctx, summary, at, heldBack, cap);
  } catch (error) {
    ctx.log.error({ err: error, runId: run.id }, "could not post the health check's digest and summary");
  }
  ctx.log.info({ ...summary, error: undefined }, "health check finished");
  ctx.metrics?.healthCheckRan(summary);
  return summary;
}

/** Every account, a slice of `size` at a time in id order, read by `after` (the accounts after a cursor). */
async function* slices<T extends { externalId: string }>(
  size: number,
  after: (cursor: string | null, size: number) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let cursor: string | null = null;
  for (;;) {
    const accounts = await after(cursor, size);
    if (accounts.length === 0) return;
    yield accounts;
    if (accounts.length < size) return;
    cursor = accounts[accounts.length - 1].externalId;
  }
}

async function scoreSlice(
  ctx: SuccessContext,
  runId: number,
  accounts: SliceAccount[],
  known: number,
  at: Date,
  usage: UsageTable,
  book: BookContext,
  summary: HealthCheckSummary,
  candidates: RealtimeCandidate[],
): Promise<void> {
  const facts = await ctx.health.sliceFacts(ctx.config, accounts, known, at, usage);
  const today = dayOf(at);
  const scored: Scored[] = [];
  const records: ScoreRow[] = [];
  for (const account of accounts) {
    const f = facts.get(account.externalId)!;
    // Scored without words: only an account whose rules fire has its evidence worded now (its alert shows
    // it); the current score keeps the figures, worded when a person reads them (health-record.ts).
    let assessed = assessAccount(account, f, today, ctx.config, book, { evidence: false });
    if (assessed.hits.length > 0) assessed = assessAccount(account, f, today, ctx.config, book);
    scored.push({ account, ...assessed, previousScore: f.previousScore });
    if (assessed.health.score !== null)
      records.push({ account, health: assessed.health, record: healthRecord(assessed.health, f.inputs, ctx.config) });
  }
  for (let i = 0; i < records.length; i += SCORES_PER_STATEMENT) {
    const part = records.slice(i, i + SCORES_PER_STATEMENT);
    await ctx.tx.transaction((tx) => ctx.health.writeScores(tx, runId, at, part));
  }
  summary.accountsScored += records.length;
  summary.accountsUnscored += scored.length - records.length;
  const accountIds = await keepAccountAlertsInStep(ctx, runId, at, scored, summary, candidates);
  await keepRuleHistory(ctx, runId, at, scored, accountIds);
}

/** The accounts' alerts: raise, update, clear; returns the open alert of each account of the slice. */
async function keepAccountAlertsInStep(
  ctx: SuccessContext,
  runId: number,
  at: Date,
  scored: Scored[],
  summary: HealthCheckSummary,
  candidates: RealtimeCandidate[],
): Promise<Map<string, number>> {
  const first = scored[0].account.externalId;
  const last = scored[scored.length - 1].account.externalId;
  const open = await ctx.alerts.openBetween(first, last);
  const openIds = new Map(open.map((a) => [a.accountExternalId, a.id]));
  const sync = syncAccountAlerts(scored, open, ctx.config, at);
  await ctx.alerts.touch(runId, sync.holding);
  const tickets = await ctx.ruleAlerts.recentTickets(
    [...sync.toRaise, ...sync.toUpdate].map((a) => a.account.externalId),
    at,
  );
  for (let i = 0; i < sync.toRaise.length; i += RAISE_BATCH) {
    const created = await raise(ctx, runId, at, sync.toRaise.slice(i, i + RAISE_BATCH), tickets, candidates);
    summary.alertsRaised += created.size;
    for (const [account, id] of created) openIds.set(account, id);
  }
  for (let i = 0; i < sync.toUpdate.length; i += RAISE_BATCH) {
    summary.alertsWorsened += await update(ctx, runId, at, sync.toUpdate.slice(i, i + RAISE_BATCH), tickets, candidates);
  }
  for (let i = 0; i < sync.toClear.length; i += RAISE_BATCH) {
    for (const account of await clear(ctx, runId, at, sync.toClear.slice(i, i + RAISE_BATCH))) {
      summary.alertsCleared += 1;
      openIds.delete(account);
    }
  }
  return openIds;
}

/** Raises a batch of accounts' alerts in one transaction (multi-row statements); all start in the digest. */
async function raise(
  ctx: SuccessContext,
  runId: number,
  at: Date,
  alerts: AccountAlertSync<SliceAccount>["toRaise"],
  tickets: Map<string, AlertTicket[]>,
  candidates: RealtimeCandidate[],
): Promise<Map<string, number>> {
  const now = ctx.clock.now();
  const rows = alerts.map((a) => ({
    accountExternalId: a.account.externalId,
    delivery: "digest" as const,
    stake: stakeOf(a.account.arr, a.health.score),
    channelId: alertChannel(a.account, ctx.config, ctx.settings.alertsChannel),
    ownerId: a.account.csmSlackUserId,
    detail: accountAlertDetail(a.rules, a.health, a.previousScore, tickets.get(a.account.externalId) ?? [], at),
  }));
  const created = await ctx.tx.transaction(
    async (tx) => {
      const ids = await ctx.alerts.insertOpen(tx, rows, at, runId, now);
      await ctx.alerts.addEvents(
        tx,
        rows
          .filter((r) => ids.has(r.accountExternalId))
          .map((r) => ({
            alertId: ids.get(r.accountExternalId)!,
            kind: "raised",
            text: r.detail.rules.map((x) => x.rule).join(","),
            at: now,
          })),
      );
      return ids;
    },
    { timeoutMs: RAISE_TIMEOUT_MS },
  );
  alerts.forEach((a, i) => {
    const id = created.get(a.account.externalId);
    if (id !== undefined && a.realtime) candidates.push({ alertId: id, channelId: rows[i].channelId, stake: rows[i].stake });
  });
  return created;
}

/**
 * A check's new assessment of a batch of open alerts, in one transaction; returns how many got worse (a
 * new rule, or a rule past its last level). An alert closed meanwhile (by a person) is left as it is.
 */
async function update(
  ctx: SuccessContext,
  runId: number,
  at: Date,
  updates: AccountAlertSync<SliceAccount>["toUpdate"],
  tickets: Map<string, AlertTicket[]>,
  candidates: RealtimeCandidate[],
): Promise<number> {
  const now = ctx.clock.now();
  const promoted: RealtimeCandidate[] = [];
  const worsened = await ctx.tx.transaction(
    async (tx) => {
      const events: { alertId: number; kind: string; text: string; at: Date }[] = [];
      for (const u of updates) {
        const detail = accountAlertDetail(u.rules, u.health, u.previousScore, tickets.get(u.account.externalId) ?? [], at);
        const stake = stakeOf(u.account.arr, u.health.score);
        if (!(await ctx.alerts.reassess(tx, u.alertId, { detail, stake, runId }))) continue;
        const worse = u.worse.length > 0;
        if (worse)
          events.push({
            alertId: u.alertId,
            kind: "worsened",
            text: u.worse.map((w) => `${w.isNew ? "new " : ""}${w.rule}: ${w.reason}`).join("\n"),
            at: now,
          });
        if (u.delivery === "realtime") {
          // A snoozed alert keeps quiet: its message is brought up to date, its thread is not told.
          const line = worse && !u.snoozed ? { kind: "worsened" as const, lines: u.worse, score: u.health.score } : null;
          await ctx.notifier.alertChanged(tx, (await ctx.alerts.view(u.alertId, tx))!, line, now);
        }
        if (u.promote) promoted.push({ alertId: u.alertId, channelId: u.channelId, stake });
      }
      await ctx.alerts.addEvents(tx, events);
      return events.length;
    },
    { timeoutMs: RAISE_TIMEOUT_MS },
  );
  candidates.push(...promoted);
  return worsened;
}

/** Clears a batch of accounts' alerts in one transaction; returns the accounts whose alert it cleared (not one closed meanwhile). */
async function clear(ctx: SuccessContext, runId: number, at: Date, clears: AccountAlertSync<SliceAccount>["toClear"]): Promise<string[]> {
  const now = ctx.clock.now();
  return ctx.tx.transaction(
    async (tx) => {
      const cleared = new Set(
        await ctx.alerts.clearMany(
          tx,
          clears.map((cl) => cl.alertId),
          { clearedAt: at, runId },
        ),
      );
      const done = clears.filter((cl) => cleared.has(cl.alertId)).map((cl) => ({ ...cl, reason: accountClearedReason(cl.health) }));
      await ctx.alerts.addEvents(
        tx,
        done.map((cl) => ({ alertId: cl.alertId, kind: "cleared", text: cl.reason, at: now })),
      );
      for (const cl of done)
        if (cl.delivery === "realtime")
          await ctx.notifier.alertChanged(tx, (await ctx.alerts.view(cl.alertId, tx))!, { kind: "cleared", reason: cl.reason }, now);
      return done.map((cl) => cl.account.externalId);
    },
    { timeoutMs: RAISE_TIMEOUT_MS },
  );
}

/** The per-rule history behind the accounts' alerts: when each rule started, got worse and stopped. */
async function keepRuleHistory(
  ctx: SuccessContext,
  runId: number,
  at: Date,
  scored: Scored[],
  accountAlertIds: Map<string, number>,
): Promise<void> {
  const first = scored[0].account.externalId;
  const last = scored[scored.length - 1].account.externalId;
  const sync = syncAlerts(scored, await ctx.ruleAlerts.openBetween(first, last), ctx.config, at);
  await ctx.ruleAlerts.touch(runId, sync.holding);
  const now = ctx.clock.now();
  for (let i = 0; i < sync.toRaise.length; i += RAISE_BATCH) {
    const part = sync.toRaise.slice(i, i + RAISE_BATCH).map((a) => ({
      accountExternalId: a.account.externalId,
      rule: a.hit.rule,
      openKey: `${a.account.externalId}:${a.hit.rule}`,
      severity: a.hit.severity,
      channelId: alertChannel(a.account, ctx.config, ctx.settings.alertsChannel),
      ownerId: a.account.csmSlackUserId,
      detail: alertDetail(a.hit, a.health, a.previousScore, [], at),
      accountAlertId: accountAlertIds.get(a.account.externalId) ?? null,
      reason: a.hit.reason,
    }));
    await ctx.tx.transaction(
      async (tx) => {
        const created = await ctx.ruleAlerts.insertOpen(tx, part, at, runId, now);
        await ctx.ruleAlerts.addEvents(
          tx,
          part
            .filter((p) => created.has(p.openKey))
            .map((p) => ({ alertId: created.get(p.openKey)!, kind: "raised", text: p.reason, at: now })),
        );
      },
      { timeoutMs: RAISE_TIMEOUT_MS },
    );
  }
  for (let i = 0; i < sync.toWorsen.length; i += RAISE_BATCH) {
    const part = sync.toWorsen.slice(i, i + RAISE_BATCH);
    await ctx.tx.transaction(
      async (tx) => {
        const events = [];
        for (const w of part) {
          const detail = alertDetail(w.hit, w.health, w.previousScore, [], at);
          if (await ctx.ruleAlerts.worsen(tx, w.alertId, { severity: w.hit.severity, runId, detail }))
            events.push({ alertId: w.alertId, kind: "worsened", text: w.hit.reason, at: now });
        }
        await ctx.ruleAlerts.addEvents(tx, events);
      },
      { timeoutMs: RAISE_TIMEOUT_MS },
    );
  }
  for (let i = 0; i < sync.toClear.length; i += RAISE_BATCH) {
    const part = sync.toClear.slice(i, i + RAISE_BATCH);
    await ctx.tx.transaction(
      async (tx) => {
        const cleared = new Set(
          await ctx.ruleAlerts.clearMany(
            tx,
            part.map((cl) => cl.alertId),
            { clearedAt: at, runId },
          ),
        );
        await ctx.ruleAlerts.addEvents(
          tx,
          part.filter((cl) => cleared.has(cl.alertId)).map((cl) => ({ alertId: cl.alertId, kind: "cleared", text: cl.reason, at: now })),
        );
      },
      { timeoutMs: RAISE_TIMEOUT_MS },
    );
  }
}

/** The cap per channel: the candidates with most at stake get a message of their own; returns how many each channel held back. */
async function postOnTheirOwn(
  ctx: SuccessContext,
  candidates: RealtimeCandidate[],
  cap: number,
  summary: HealthCheckSummary,
): Promise<Map<string, number>> {
  const { chosen, heldBack } = chooseRealtime(candidates, cap);
  for (let i = 0; i < chosen.length; i += RAISE_BATCH) {
    const part = chosen.slice(i, i + RAISE_BATCH);
    summary.alertsPosted += await ctx.tx.transaction(async (tx) => {
      const now = ctx.clock.now();
      const ids = await ctx.alerts.promote(tx, part);
      const views = [];
      for (const id of ids) views.push((await ctx.alerts.view(id, tx))!);
      await ctx.alerts.addEvents(
        tx,
        ids.map((alertId) => ({ alertId, kind: "posted", at: now })),
      );
      await ctx.notifier.alertsPosted(tx, views, now);
      return ids.length;
    });
  }
  summary.alertsHeldBack = [...heldBack.values()].reduce((a, b) => a + b, 0);
  return heldBack;
}

/** The check's digests (after a check that finished) and its summary. */
async function report(
  ctx: SuccessContext,
  summary: HealthCheckSummary,
  at: Date,
  heldBack: Map<string, number>,
  cap: number,
): Promise<void> {
  const open = await ctx.alerts.openForReport(at, DIGEST_LISTED_MAX);
  const digests = summary.status === "done" ? riskDigests(open, heldBack, cap, at) : [];
  const result = checkReport(
    {
      to: ctx.settings.alertsChannel ?? ctx.config.escalation.leadUserId ?? null,
      runId: summary.runId,
      trigger: summary.trigger,
      status: summary.status,
      at,
      accountsScored: summary.accountsScored,
      accountsUnscored: summary.accountsUnscored,
      raised: summary.alertsRaised,
      worse: summary.alertsWorsened,
      cleared: summary.alertsCleared,
      posted: summary.alertsPosted,
      heldBack: summary.alertsHeldBack,
      nextCheckAt: ctx.settings.nextCheckAt?.(ctx.clock.now()) ?? null,
      ...(summary.error ? { error: summary.error } : {}),
    },
    open,
  );
  await ctx.tx.transaction(async (tx) => {
    const now = ctx.clock.now();
    for (const digest of digests) await ctx.notifier.riskDigest(tx, digest, now);
    await ctx.notifier.checkSummary(tx, result, now);
  });
  summary.digests = digests.length;
}
