// The Slack adapter's own table of the messages it posted about domain records (SlackMessageRef):
// which outbox row is a ticket's acknowledgement or card, the mirror of a ticket's message in the card's
// thread, a survey, an alert or a feedback card.
// Read and written inside the caller's transaction, so a change and the record of its post commit together.
// The statements of a new ticket's path (has, setFirst, claim) are prepared SQL (src/platform/db/sql.ts).
import type { Tx } from "../../platform/db/client.ts";
import { preparedExecute, preparedRows, type SqlDb, valuesList } from "../../platform/db/sql.ts";

export type RefSubject =
  | "ticket"
  | "ticket_message"
  | "csat_survey"
  | "alert"
  | "account_alert"
  | "feedback_item"
  | "health_check"
  /** The triage channel's first card of a day (subjectId: days since 1970-01-01 UTC), which carries the internal-thread hint. */
  | "triage_hint";
export type RefRole = "ack" | "card" | "mirror" | "survey" | "message";

export interface MessageRefs {
  /** The outbox row posted as `role` for the subject, or null when none was posted. */
  get(tx: Tx, subject: RefSubject, subjectId: number, role: RefRole): Promise<number | null>;
  /** Whether a post is recorded as `role` for the subject (prepared SQL). */
  has(tx: Tx, db: SqlDb, subject: RefSubject, subjectId: number, role: RefRole): Promise<boolean>;
  /** The outbox rows of many subjects at once (one query), by subject id. */
  getMany(tx: Tx, subject: RefSubject, subjectIds: readonly number[], role: RefRole): Promise<Map<number, number>>;
  /** Records (or replaces) the outbox row posted as `role` for the subject. */
  set(tx: Tx, subject: RefSubject, subjectId: number, role: RefRole, outboxId: number): Promise<void>;
  /**
   * Records the outbox rows posted as `role` for many new subjects (none recorded yet), outbox id by
   * subject id, with multi-row statements (raw SQL: Prisma's createMany costs far more per row).
   */
  addMany(tx: Tx, db: SqlDb, subject: RefSubject, role: RefRole, outboxIds: ReadonlyMap<number, number>): Promise<void>;
  /** Records the first posts of one new subject (none recorded yet), by role, in one statement; `shown` by role too. */
  setFirst(
    tx: Tx,
    db: SqlDb,
    subject: RefSubject,
    subjectId: number,
    posts: Partial<Record<RefRole, number>>,
    shown?: Partial<Record<RefRole, string>>,
  ): Promise<void>;
  /** The outbox row posted as `role` and what it was last shown with (`shown`, the poster's own JSON), or null. */
  getShown(tx: Tx, subject: RefSubject, subjectId: number, role: RefRole): Promise<{ outboxId: number; shown: string | null } | null>;
  /** The same for many subjects at once (one query), by subject id. */
  getManyShown(
    tx: Tx,
    subject: RefSubject,
    subjectIds: readonly number[],
    role: RefRole,
  ): Promise<Map<number, { outboxId: number; shown: string | null }>>;
  /** Records what the post was last shown with. */
  setShown(tx: Tx, subject: RefSubject, subjectId: number, role: RefRole, shown: string): Promise<void>;
  /** Records the post unless one is recorded already (whatever other processes do): true when this one was recorded. */
  claim(tx: Tx, db: SqlDb, subject: RefSubject, subjectId: number, role: RefRole, outboxId: number): Promise<boolean>;
}

export const messageRefs: MessageRefs = {
  async get(tx, subject, subjectId, role) {
    const row = await tx.slackMessageRef.findUnique({
      where: { subject_subjectId_role: { subject, subjectId, role } },
      select: { outboxId: true },
    });
    return row?.outboxId ?? null;
  },

  async has(tx, db, subject, subjectId, role) {
    const rows = await preparedRows(
      db,
      tx,
      `SELECT 1 AS "found" FROM "SlackMessageRef" WHERE "subject" = $1 AND "subjectId" = $2 AND "role" = $3`,
      subject,
      subjectId,
      role,
    );
    return rows.length > 0;
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

  async addMany(tx, db, subject, role, outboxIds) {
    const rows = [...outboxIds];
    const CHUNK = 500;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      await preparedExecute(
        db,
        tx,
        `INSERT INTO "SlackMessageRef" ("subject", "subjectId", "role", "outboxId") VALUES ${valuesList(part.length, 4)}`,
        ...part.flatMap(([subjectId, outboxId]) => [subject, subjectId, role, outboxId]),
      );
    }
  },

  async setFirst(tx, db, subject, subjectId, posts, shown = {}) {
    const rows = Object.entries(posts);
    if (rows.length === 0) return;
    await preparedExecute(
      db,
      tx,
      `INSERT INTO "SlackMessageRef" ("subject", "subjectId", "role", "outboxId", "shown") VALUES ${valuesList(rows.length, 5)}`,
      ...rows.flatMap(([role, outboxId]) => [subject, subjectId, role, outboxId, shown[role as RefRole] ?? null]),
    );
  },

  getShown: (tx, subject, subjectId, role) =>
    tx.slackMessageRef.findUnique({
      where: { subject_subjectId_role: { subject, subjectId, role } },
      select: { outboxId: true, shown: true },
    }),

  async getManyShown(tx, subject, subjectIds, role) {
    if (subjectIds.length === 0) return new Map();
    const rows = await tx.slackMessageRef.findMany({
      where: { subject, role, subjectId: { in: [...subjectIds] } },
      select: { subjectId: true, outboxId: true, shown: true },
    });
    return new Map(rows.map((r) => [r.subjectId, { outboxId: r.outboxId, shown: r.shown }]));
  },

  async setShown(tx, subject, subjectId, role, shown) {
    await tx.slackMessageRef.updateMany({ where: { subject, subjectId, role }, data: { shown } });
  },

  async claim(tx, db, subject, subjectId, role, outboxId) {
    const inserted = await preparedExecute(
      db,
      tx,
      `INSERT INTO "SlackMessageRef" ("subject", "subjectId", "role", "outboxId") VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      subject,
      subjectId,
      role,
      outboxId,
    );
    return inserted > 0;
  },
};
