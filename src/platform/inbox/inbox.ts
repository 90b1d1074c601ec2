// The inbox: Events API envelopes are stored here before Slack gets its 200, so a process killed right
// after answering loses nothing. Events arriving together are written in one statement (group commit).
// Unique by event id, and by a natural key (channel + message ts) because Slack may deliver the same
// message again under a new event id. An event is stored only when the write succeeded in the database
// the app will open again: on SQLite, a write that went to a file deleted or replaced under the running
// app counts as not stored (see Database.fileProblem), so the caller does not acknowledge it.
import type { Database } from "../db/client.ts";
import type { Clock } from "../clock.ts";
import { preparedExecute, valuesList } from "../db/sql.ts";

export interface IncomingEvent {
  eventId: string;
  eventType: string;
  dedupeKey: string | null;
  body: string;
  retryNum: number;
}

interface Waiting {
  event: IncomingEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;

export class Inbox {
  private queue: Waiting[] = [];
  private flushing = false;
  private listeners = new Set<() => void>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Resolves once the event is durably stored (or was already). */
  accept(event: IncomingEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  onStored(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.insert(batch.map((w) => w.event));
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
      for (const listener of this.listeners) listener();
    }
    this.flushing = false;
  }

  private async insert(events: IncomingEvent[]): Promise<void> {
    this.assertFileInUse(); // not even into the file that is gone: its events would be worked on and lost
    const now = this.clock.now();
    const params = events.flatMap((e) => [e.eventId, e.dedupeKey, e.eventType, e.body, e.retryNum, now, now]);
    // On the direct path (the driver's own statement, not Prisma's compiler): an acknowledgement waits for it.
    await preparedExecute(
      this.db,
      this.db.client,
      `INSERT INTO "InboxEvent" ("eventId", "dedupeKey", "eventType", "body", "retryNum", "receivedAt", "availableAt") VALUES ${valuesList(events.length, 7)} ON CONFLICT DO NOTHING`,
      ...params,
    );
    this.assertFileInUse(); // the file may have gone while writing
  }

  private assertFileInUse(): void {
    const problem = this.db.fileProblem();
    if (problem) throw new Error(`events cannot be stored: ${problem.message}`);
  }
}

/** The natural key of an event, so a second delivery under another event id is recognised. */
export function dedupeKeyOf(event: Record<string, unknown> | undefined): string | null {
  if (!event) return null;
  const type = event.type;
  if (type === "message" && !event.subtype && typeof event.channel === "string" && typeof event.ts === "string") {
    return `message:${event.channel}:${event.ts}`;
  }
  if (type === "app_mention" && typeof event.channel === "string" && typeof event.ts === "string") {
    return `app_mention:${event.channel}:${event.ts}`;
  }
  if (type === "reaction_added" || type === "reaction_removed") {
    const item = event.item as { channel?: unknown; ts?: unknown } | undefined;
    if (item && typeof event.event_ts === "string") {
      return `${type}:${String(item.channel)}:${String(item.ts)}:${String(event.user)}:${String(event.reaction)}:${event.event_ts}`;
    }
  }
  return null;
}
