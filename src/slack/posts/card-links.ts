// Where each ticket's triage card is in Slack (the App Home's "Open card"): the card's outbox row (the
// adapter's message ref) once it was sent, as a permalink.
import type { Database } from "../../platform/db/client.ts";

export class SlackCardLinks {
  constructor(
    private readonly db: Database,
    /** Slack's permalink of a message (the directory's, built without an API call). */
    private readonly permalink: (channelId: string, ts: string) => string | null,
  ) {}

  /** The permalink of each ticket's card that is in Slack (tickets without a sent card are left out). */
  async of(ticketIds: readonly number[]): Promise<Map<number, string>> {
    const links = new Map<number, string>();
    if (ticketIds.length === 0) return links;
    const c = this.db.client;
    const refs = await c.slackMessageRef.findMany({
      where: { subject: "ticket", role: "card", subjectId: { in: [...ticketIds] } },
      select: { subjectId: true, outboxId: true },
    });
    const posts = await c.outboxMessage.findMany({
      where: { id: { in: refs.map((r) => r.outboxId) }, status: "sent", postedTs: { not: null } },
      select: { id: true, channelId: true, postedTs: true },
    });
    const byId = new Map(posts.map((p) => [p.id, p]));
    for (const r of refs) {
      const post = byId.get(r.outboxId);
      const link = post?.postedTs ? this.permalink(post.channelId, post.postedTs) : null;
      if (link) links.set(r.subjectId, link);
    }
    return links;
  }
}
