// Closing the loop when a theme ships: the note customers read, which source threads get a reply, and
// which CSM hears about which of their accounts. Pure.
import { DomainError } from "../../shared/errors.ts";
import { allowedLinkDomains, linksNotAllowed } from "./ship-links.ts";

export const MAX_SHIP_NOTE = 1000;

/**
 * The note as sent: trimmed; refused when empty, too long, or linking to a domain other than Slack's own
 * and `linkDomains` (SHIP_LINK_DOMAINS).
 */
export function shipNote(note: string, linkDomains: readonly string[] = []): string {
  const text = note.trim();
  if (!text) throw new DomainError("theme.ship_note_empty");
  if (text.length > MAX_SHIP_NOTE) throw new DomainError("theme.ship_note_too_long", { length: text.length, max: MAX_SHIP_NOTE });
  const refused = linksNotAllowed(text, linkDomains);
  if (refused.length) {
    throw new DomainError("theme.ship_link_not_allowed", { domains: refused, allowed: allowedLinkDomains(linkDomains) });
  }
  return text;
}

/** What shipping a theme will do, shown before anything is sent. */
export interface ShipPlan {
  theme: { id: number; name: string };
  /** The note as it will be sent (checked: length, links); null while none is written yet. */
  note: string | null;
  /** Source threads waiting for the reply (a thread whose message was deleted since is skipped when shipping). */
  threads: number;
  /** CSMs who get the list of their accounts that asked. */
  csms: number;
  /** The domains the note may link to (Slack's own and SHIP_LINK_DOMAINS). */
  linkDomains: string[];
}

/** An active item of the shipped theme, as far as closing the loop goes. */
export interface ShippedItem {
  id: number;
  messageTs: string | null;
  loopClosedAt: Date | null;
  accountExternalId: string | null;
  accountName: string | null;
}

/**
 * Which items get a reply in their source thread: those with a source message whose loop is still open
 * and whose message can still be read; the others with an open loop are counted as unreachable.
 */
export function repliesToSend(items: readonly ShippedItem[], reachable: ReadonlySet<number>): { reply: number[]; unreachable: number } {
  const reply: number[] = [];
  let unreachable = 0;
  for (const item of items) {
    if (item.loopClosedAt || !item.messageTs) continue;
    if (reachable.has(item.id)) reply.push(item.id);
    else unreachable += 1;
  }
  return { reply, unreachable };
}

/** Each account that asked, with how many of the theme's items are theirs (every active item counts). */
export function accountsThatAsked(items: readonly ShippedItem[]): Map<string, { name: string; items: number }> {
  const byAccount = new Map<string, { name: string; items: number }>();
  for (const item of items) {
    if (!item.accountExternalId) continue;
    const entry = byAccount.get(item.accountExternalId) ?? { name: item.accountName ?? item.accountExternalId, items: 0 };
    entry.items += 1;
    byAccount.set(item.accountExternalId, entry);
  }
  return byAccount;
}

/** One notice per CSM, listing their accounts that asked (by the account's current name, alphabetically). */
export function csmNotices(
  asked: ReadonlyMap<string, { items: number }>,
  accounts: readonly { externalId: string; name: string; csmSlackUserId: string | null }[],
): Map<string, { name: string; items: number }[]> {
  const byCsm = new Map<string, { name: string; items: number }[]>();
  for (const a of accounts) {
    const entry = asked.get(a.externalId);
    if (!a.csmSlackUserId || !entry) continue;
    const list = byCsm.get(a.csmSlackUserId) ?? [];
    list.push({ name: a.name, items: entry.items });
    byCsm.set(a.csmSlackUserId, list);
  }
  for (const list of byCsm.values()) list.sort((x, y) => x.name.localeCompare(y.name));
  return byCsm;
}
