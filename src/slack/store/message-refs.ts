// The Slack adapter's own table of the messages it posted about domain records (SlackMessageRef):
// which outbox row is a ticket's acknowledgement or card, a survey, an alert or a feedback card.
// Read and written inside the caller's transaction, so a change and the record of its post commit together.
import type { Tx } from "../../platform/db/client.ts";

export type RefSubject = "ticket" | "csat_survey" | "alert" | "feedback_item";
export type RefRole = "ack" | "card" | "survey" | "message";

export interface MessageRefs {
  /** The outbox row posted as `role` for the subject, or null when none was posted. */
  get(tx: Tx, subject: RefSubject, subjectId: number, role: RefRole): Promise<number | null>;
  /** The outbox rows of many subjects at once (one query), by subject id. */
  getMany(tx: Tx, subject: RefSubject, subjectIds: readonly number[], role: RefRole): Promise<Map<number, number>>;
  /** Records (or replaces) the outbox row posted as `role` for the subject. */
  set(tx: Tx, subject: RefSubject, subjectId: number, role: RefRole, outboxId: number): Promise<void>;
  /** Records the outbox rows posted as `role` for many new subjects (none recorded yet) at once: outbox id by subject id. */
  addMany(tx: Tx, subject: RefSubject, role: RefRole, outboxIds: ReadonlyMap<number, number>): Promise<void>;
}

export const messageRefs: MessageRefs = {
  async get(tx, subject, subjectId, role) {
    const row = await tx.slackMessageRef.findUnique({
      where: { subject_subjectId_role: { subject, subjectId, role } },
      select: { outboxId: true },
    });
    return row?.outboxId ?? null;
  },

  async getMany(tx, subject, subjectIds, role) {
    if (subjectIds.length === 0) return new Map();
    const rows = await tx.slackMessageRef.findMany({
      where: { subject, role, subjectId: { in: [...subjectIds] } },
      select: { subjectId: true, outboxId: true },
    });
    return new Map(rows.map((r) => [r.subjectId, r.outboxId]));
  },

  async set(tx, subject, subjectId, role, outboxId) {
    await tx.slackMessageRef.upsert({
      where: { subject_subjectId_role: { subject, subjectId, role } },
      create: { subject, subjectId, role, outboxId },
      update: { outboxId },
    });
  },

  async addMany(tx, subject, role, outboxIds) {
    if (outboxIds.size === 0) return;
    await tx.slackMessageRef.createMany({ data: [...outboxIds].map(([subjectId, outboxId]) => ({ subject, subjectId, role, outboxId })) });
  },
};
