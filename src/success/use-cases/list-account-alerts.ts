// The API's view of an account's churn-risk alerts: each alert (open first, then the latest cleared) with
// its rules, its events (posted, worse, acknowledged…) and each rule's own story (raised, worse, cleared).
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { SuccessContext } from "./context.ts";

export const ACCOUNT_ALERTS_LISTED = 20;

export async function listAccountAlerts(ctx: SuccessContext, actor: Actor, input: { externalId: string; limit?: number }) {
  await ctx.access.require(actor, "success");
  if (!(await ctx.accounts.exists(input.externalId))) throw new DomainError("account.not_found", { externalId: input.externalId });
  const alerts = await ctx.alerts.ofAccount(input.externalId, input.limit ?? ACCOUNT_ALERTS_LISTED);
  const history = await ctx.ruleAlerts.historyOf(alerts.map((a) => a.id));
  return alerts.map((a) => ({
    id: a.id,
    status: a.status,
    delivery: a.delivery,
    raisedAt: a.raisedAt.toISOString(),
    clearedAt: a.clearedAt?.toISOString() ?? null,
    channelId: a.channelId,
    ownerId: a.ownerId,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedById: a.acknowledgedById,
    snoozedUntil: a.snoozedUntil?.toISOString() ?? null,
    escalatedAt: a.escalatedAt?.toISOString() ?? null,
    score: a.detail.score,
    band: a.detail.band,
    computedAt: a.detail.computedAt,
    rules: a.detail.rules.map((r) => ({ rule: r.rule, reason: r.reason })),
    events: a.events.map((e) => ({ kind: e.kind, actorId: e.actorId ?? null, text: e.text ?? null, at: e.at.toISOString() })),
    ruleHistory: history
      .filter((h) => h.accountAlertId === a.id)
      .map((h) => ({
        rule: h.rule,
        status: h.status,
        severity: h.severity,
        raisedAt: h.raisedAt.toISOString(),
        clearedAt: h.clearedAt?.toISOString() ?? null,
        events: h.events.map((e) => ({ kind: e.kind, text: e.text, at: e.at.toISOString() })),
      })),
  }));
}
