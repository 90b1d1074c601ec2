// Working on churn-risk alerts: acknowledge, snooze, reassign the owner, add a note, and escalate a red
// alert nobody acknowledged in time. Each change is stored with its author and told to the notifier
// (which updates the alert in place and logs the change in its thread) in one transaction.
import type { Database, Tx } from "../../platform/db/client.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Logger } from "../../platform/observability/log.ts";
import type { HealthConfig, RuleName } from "../rules/health-config.ts";
import type { AlertDetail, AlertLogLine, AlertNotifier, AlertView } from "../rules/alert.ts";

export const SNOOZE_DAYS = [7, 14, 30] as const;
export const MAX_NOTE_LENGTH = 2000;
const DAY_MS = 86_400_000;

export class AlertError extends Error {}

type Client = Tx | Database["client"];

export async function loadAlertView(tx: Client, alertId: number): Promise<AlertView | null> {
  const a = await tx.healthAlert.findUnique({ where: { id: alertId } });
  if (!a) return null;
  const account = await tx.account.findUnique({
    where: { externalId: a.accountExternalId },
    select: { externalId: true, name: true, arr: true, renewalDate: true, csmSlackUserId: true },
  });
  return {
    id: a.id,
    rule: a.rule as RuleName,
    status: a.status as AlertView["status"],
    raisedAt: a.raisedAt,
    clearedAt: a.clearedAt,
    channelId: a.channelId,
    ownerId: a.ownerId,
    outboxId: a.outboxId,
    acknowledgedAt: a.acknowledgedAt,
    acknowledgedById: a.acknowledgedById,
    snoozedUntil: a.snoozedUntil,
    escalatedAt: a.escalatedAt,
    detail: JSON.parse(a.detail) as AlertDetail,
    account: account ?? { externalId: a.accountExternalId, name: a.accountExternalId, arr: null, renewalDate: null, csmSlackUserId: null },
  };
}

export class AlertService {
  constructor(
    private readonly db: Database,
    private readonly config: HealthConfig,
    private readonly notifier: AlertNotifier,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: () => void,
  ) {}

  get(alertId: number): Promise<AlertView | null> {
    return loadAlertView(this.db.client, alertId);
  }

  /** Open alerts, optionally of one owner or account, the most recent first. */
  async open(filter: { ownerId?: string; accountExternalId?: string }, limit = 20): Promise<AlertView[]> {
    const rows = await this.db.client.healthAlert.findMany({
      where: {
        status: "open",
        ...(filter.ownerId ? { ownerId: filter.ownerId } : {}),
        ...(filter.accountExternalId ? { accountExternalId: filter.accountExternalId } : {}),
      },
      orderBy: { raisedAt: "desc" },
      take: limit,
      select: { id: true },
    });
    const views = await Promise.all(rows.map((r) => loadAlertView(this.db.client, r.id)));
    return views.filter((v): v is AlertView => v !== null);
  }

  acknowledge(alertId: number, actorId: string): Promise<AlertView> {
    return this.change(alertId, actorId, (a) => {
      if (a.acknowledgedAt) throw new AlertError(`This alert was already acknowledged by <@${a.acknowledgedById}>.`);
      return { data: { acknowledgedAt: this.clock.now(), acknowledgedById: actorId }, line: { kind: "acknowledged", actorId } };
    });
  }

  snooze(alertId: number, actorId: string, days: number): Promise<AlertView> {
    if (!(SNOOZE_DAYS as readonly number[]).includes(days)) throw new AlertError(`Snooze for ${SNOOZE_DAYS.join(", ")} days.`);
    return this.change(alertId, actorId, () => {
      const until = new Date(this.clock.now().getTime() + days * DAY_MS);
      return { data: { snoozedUntil: until }, line: { kind: "snoozed", actorId, until, days } };
    });
  }

  reassign(alertId: number, actorId: string, ownerId: string): Promise<AlertView> {
    return this.change(alertId, actorId, (a) => {
      if (a.ownerId === ownerId) throw new AlertError(`<@${ownerId}> already owns this alert.`);
      return { data: { ownerId }, line: { kind: "reassigned", actorId, from: a.ownerId, to: ownerId } };
    });
  }

  addNote(alertId: number, actorId: string, text: string): Promise<AlertView> {
    const note = text.trim();
    if (!note) throw new AlertError("The note is empty: write what you learned or did.");
    if (note.length > MAX_NOTE_LENGTH) throw new AlertError(`The note is ${note.length} characters; keep it under ${MAX_NOTE_LENGTH}.`);
    return this.change(alertId, actorId, () => ({ data: {}, line: { kind: "note", actorId, text: note } }), true);
  }

  /**
   * Mentions the CSM lead in the thread of each open red alert (the account entered red) nobody
   * acknowledged within the configured hours: once per alert; snoozed alerts wait. Returns how many.
   */
  async escalate(): Promise<number> {
    const lead = this.config.escalation.leadUserId;
    if (!lead) return 0;
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.escalation.afterHours * 3_600_000);
    const candidates = await this.db.client.healthAlert.findMany({
      where: {
        status: "open",
        rule: "entered_red",
        acknowledgedAt: null,
        escalatedAt: null,
        raisedAt: { lte: cutoff },
        OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }],
      },
      select: { id: true },
      take: 500,
    });
    let escalated = 0;
    for (const candidate of candidates) {
      const done = await this.db.client.$transaction(async (tx) => {
        const updated = await tx.healthAlert.updateMany({
          where: { id: candidate.id, escalatedAt: null, acknowledgedAt: null, status: "open" },
          data: { escalatedAt: now },
        });
        if (updated.count === 0) return false;
        await tx.healthAlertEvent.create({ data: { alertId: candidate.id, kind: "escalated", actorId: lead, at: now } });
        await this.notifier.alertChanged(
          tx,
          (await loadAlertView(tx, candidate.id))!,
          { kind: "escalated", leadUserId: lead, hours: this.config.escalation.afterHours },
          now,
        );
        return true;
      });
      if (done) escalated += 1;
    }
    if (escalated) {
      this.afterCommit();
      this.log.info({ escalated }, "unacknowledged red alerts escalated");
    }
    return escalated;
  }

  private async change(
    alertId: number,
    actorId: string,
    decide: (a: AlertView) => { data: Record<string, unknown>; line: AlertLogLine },
    allowCleared = false,
  ): Promise<AlertView> {
    const now = this.clock.now();
    const view = await this.db.client.$transaction(async (tx) => {
      const current = await loadAlertView(tx, alertId);
      if (!current) throw new AlertError("This alert no longer exists.");
      if (current.status !== "open" && !allowCleared) throw new AlertError("This alert is already cleared: the condition no longer holds.");
      const { data, line } = decide(current);
      if (Object.keys(data).length) await tx.healthAlert.update({ where: { id: alertId }, data });
      await tx.healthAlertEvent.create({
        data: {
          alertId,
          kind: line.kind,
          actorId,
          text:
            line.kind === "note" ? line.text : line.kind === "reassigned" ? line.to : line.kind === "snoozed" ? String(line.days) : null,
          at: now,
        },
      });
      const updated = (await loadAlertView(tx, alertId))!;
      await this.notifier.alertChanged(tx, updated, line, now);
      return updated;
    });
    this.afterCommit();
    return view;
  }
}
