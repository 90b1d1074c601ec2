// The Slack adapter's record of the interactions it took (SlackInteraction): slash commands, clicks, modal
// submissions and shortcuts, each under a digest of its payload. Claiming one that is already there says
// the request is a replay. Rows older than a day are purged (Slack's signature check refuses a request
// stamped more than 5 minutes from now, so a replay cannot come later than 10 minutes after the original).
import type { Database } from "../../platform/db/client.ts";
import { execute } from "../../platform/db/sql.ts";

export interface InteractionLog {
  /** Records the interaction; false when it was recorded before (this is the same request again). */
  claim(interaction: { key: string; kind: string; userId: string | null }, now: Date): Promise<boolean>;
  /** Deletes the interactions recorded before `before`; answers how many. */
  purge(before: Date): Promise<number>;
}

export function prismaInteractionLog(db: Database): InteractionLog {
  return {
    async claim({ key, kind, userId }, now) {
      const inserted = await execute(
        db,
        db.client,
        `INSERT INTO "SlackInteraction" ("key", "kind", "userId", "seenAt") VALUES ($1, $2, $3, $4) ON CONFLICT ("key") DO NOTHING`,
        key,
        kind,
        userId,
        now,
      );
      return inserted === 1;
    },

    purge(before) {
      return execute(db, db.client, `DELETE FROM "SlackInteraction" WHERE "seenAt" < $1`, before);
    },
  };
}
