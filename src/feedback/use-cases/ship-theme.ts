// Closing the loop: when a theme ships, each source thread that can still be reached gets one reply, and
// each affected account's CSM gets the list of their accounts that asked, so they can tell the customer.
import type { Database, Tx } from "../../platform/db/client.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Logger } from "../../platform/observability/log.ts";
import { FeedbackError, type ThemeRef } from "../rules/feedback.ts";
import { loadFeedback } from "./capture.ts";
import type { FeedbackView } from "../rules/feedback.ts";

export interface LoopNotifier {
  /** One reply in the item's source thread. */
  loopClosed(tx: Tx, item: FeedbackView, theme: ThemeRef, note: string, now: Date): Promise<void>;
  /** A message to a CSM listing their accounts that asked for the shipped theme. */
  csmNotice(tx: Tx, csmId: string, theme: ThemeRef, accounts: { name: string; items: number }[], note: string, now: Date): Promise<void>;
}

export interface ShipResult {
  theme: ThemeRef;
  replied: number;
  unreachable: number;
  csmsTold: number;
}

export const MAX_SHIP_NOTE = 1000;

/** The theme's active items whose source thread may be answered (they have one and were not answered yet). */
export async function itemsToAnswer(
  db: Database,
  themeId: number,
): Promise<{ id: number; channelId: string; messageTs: string; threadTs: string }[]> {
  const links = await db.client.feedbackTheme.findMany({ where: { themeId }, select: { itemId: true } });
  const items = await db.client.feedbackItem.findMany({
    where: {
      id: { in: links.map((l) => l.itemId) },
      status: "active",
      loopClosedAt: null,
      messageTs: { not: null },
      threadTs: { not: null },
    },
    select: { id: true, channelId: true, messageTs: true, threadTs: true },
    orderBy: { id: "asc" },
  });
  return items.map((i) => ({ id: i.id, channelId: i.channelId, messageTs: i.messageTs!, threadTs: i.threadTs! }));
}

export class LoopService {
  constructor(
    private readonly db: Database,
    private readonly notifier: LoopNotifier,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterCommit: () => void,
  ) {}

  /**
   * Marks the theme shipped, once. `reachable` are the items whose source message could still be read:
   * each gets one reply in its thread; the others are counted as unreachable.
   */
  async ship(themeId: number, userId: string, note: string, reachable: Set<number>): Promise<ShipResult> {
    const text = note.trim();
    if (!text) throw new FeedbackError("Say what shipped: `/feedback ship <theme> <what changed for customers>`.");
    if (text.length > MAX_SHIP_NOTE) throw new FeedbackError(`The note is ${text.length} characters; keep it under ${MAX_SHIP_NOTE}.`);
    const now = this.clock.now();
    const result = await this.db.client.$transaction(async (tx) => {
      const theme = await tx.theme.findUnique({ where: { id: themeId } });
      if (!theme || theme.status === "merged") throw new FeedbackError("That theme no longer exists: `/feedback themes` lists them.");
      const marked = await tx.theme.updateMany({
        where: { id: themeId, shippedAt: null },
        data: { shippedAt: now, shippedById: userId, shippedNote: text },
      });
      if (marked.count === 0) {
        throw new FeedbackError(
          `“${theme.name}” was already marked shipped${theme.shippedAt ? ` on ${theme.shippedAt.toISOString().slice(0, 10)}` : ""}; customers were told then.`,
        );
      }
      const ref = { id: theme.id, name: theme.name };
      const links = await tx.feedbackTheme.findMany({ where: { themeId }, select: { itemId: true } });
      const items = await tx.feedbackItem.findMany({
        where: { id: { in: links.map((l) => l.itemId) }, status: "active" },
        select: { id: true, loopClosedAt: true, messageTs: true, accountExternalId: true, accountName: true },
      });
      let replied = 0;
      let unreachable = 0;
      for (const item of items) {
        if (item.loopClosedAt || !item.messageTs) continue;
        if (!reachable.has(item.id)) {
          unreachable += 1;
          continue;
        }
        const closed = await tx.feedbackItem.updateMany({ where: { id: item.id, loopClosedAt: null }, data: { loopClosedAt: now } });
        if (closed.count === 0) continue;
        await this.notifier.loopClosed(tx, (await loadFeedback(tx, item.id))!, ref, text, now);
        replied += 1;
      }
      // Each CSM hears once, with all of their accounts that asked.
      const byAccount = new Map<string, { name: string; items: number }>();
      for (const item of items) {
        if (!item.accountExternalId) continue;
        const entry = byAccount.get(item.accountExternalId) ?? { name: item.accountName ?? item.accountExternalId, items: 0 };
        entry.items += 1;
        byAccount.set(item.accountExternalId, entry);
      }
      const accounts = byAccount.size
        ? await tx.account.findMany({
            where: { externalId: { in: [...byAccount.keys()] } },
            select: { externalId: true, name: true, csmSlackUserId: true },
          })
        : [];
      const byCsm = new Map<string, { name: string; items: number }[]>();
      for (const a of accounts) {
        if (!a.csmSlackUserId) continue;
        const list = byCsm.get(a.csmSlackUserId) ?? [];
        list.push({ name: a.name, items: byAccount.get(a.externalId)!.items });
        byCsm.set(a.csmSlackUserId, list);
      }
      for (const [csm, list] of byCsm)
        await this.notifier.csmNotice(
          tx,
          csm,
          ref,
          list.sort((x, y) => x.name.localeCompare(y.name)),
          text,
          now,
        );
      return { theme: ref, replied, unreachable, csmsTold: byCsm.size };
    });
    this.afterCommit();
    this.log.info(
      { event: "feedback.theme_shipped", theme: themeId, replied: result.replied, unreachable: result.unreachable, csms: result.csmsTold },
      "theme shipped",
    );
    return result;
  }
}
