// Shipping a theme closes the loop: the theme is marked shipped once, each source thread that can still
// be reached gets one reply, and each affected account's CSM gets the list of their accounts that asked,
// so they can tell the customer.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import { accountsThatAsked, csmNotices, repliesToSend, shipNote } from "../rules/loop.ts";
import type { SourceToAnswer } from "../store/feedback-items.ts";
import { personOf, type FeedbackContext } from "./context.ts";
import { findTheme } from "./find-theme.ts";

export type { SourceToAnswer };

export interface ShipResult {
  theme: ThemeRef;
  replied: number;
  /** Items whose source message could not be read any more: their threads were skipped. */
  unreachable: number;
  csmsTold: number;
}

export interface ShipInput {
  themeId: number;
  /** What shipped, in words customers read. */
  note: string;
  /** Whether the source message can still be read (and so its thread answered); asked before the change. */
  canReply: (source: SourceToAnswer) => Promise<boolean>;
}

export async function shipTheme(ctx: FeedbackContext, actor: Actor, input: ShipInput): Promise<ShipResult> {
  await ctx.access.require(actor, "product");
  const userId = personOf(actor);
  const note = shipNote(input.note);
  const reachable = new Set<number>();
  for (const source of await ctx.items.sourcesToAnswer(input.themeId)) {
    if (await input.canReply(source)) reachable.add(source.id);
  }
  const now = ctx.clock.now();
  const result = await ctx.tx.transaction(async (tx) => {
    const theme = await ctx.themes.byId(tx, input.themeId);
    if (!theme || theme.status === "merged") throw new DomainError("theme.not_found", { themeId: input.themeId });
    if (!(await ctx.themes.markShipped(tx, theme.id, { at: now, by: userId, note }))) {
      throw new DomainError("theme.already_shipped", {
        themeId: theme.id,
        name: theme.name,
        shippedOn: theme.shippedAt ? theme.shippedAt.toISOString().slice(0, 10) : null,
      });
    }
    const ref = { id: theme.id, name: theme.name };
    const items = await ctx.items.shippedItems(tx, theme.id);
    const plan = repliesToSend(items, reachable);
    let replied = 0;
    for (const id of plan.reply) {
      if (!(await ctx.items.closeLoop(tx, id, now))) continue;
      await ctx.notifier.loopClosed(tx, (await ctx.items.load(tx, id))!, ref, note, now);
      replied += 1;
    }
    // Each CSM hears once, with all of their accounts that asked.
    const asked = accountsThatAsked(items);
    const notices = csmNotices(asked, await ctx.items.accountCsms(tx, [...asked.keys()]));
    for (const [csm, accounts] of notices) await ctx.notifier.csmNotice(tx, csm, ref, accounts, note, now);
    return { theme: ref, replied, unreachable: plan.unreachable, csmsTold: notices.size };
  });
  ctx.log.info(
    {
      event: "feedback.theme_shipped",
      theme: input.themeId,
      replied: result.replied,
      unreachable: result.unreachable,
      csms: result.csmsTold,
    },
    "theme shipped",
  );
  return result;
}

/**
 * Shipping from `/feedback ship <theme> <note>`: the theme is the longest leading words that name one,
 * the rest is the note.
 */
export async function shipThemeNamed(
  ctx: FeedbackContext,
  actor: Actor,
  input: { text: string; canReply: ShipInput["canReply"] },
): Promise<ShipResult> {
  await ctx.access.require(actor, "product");
  const words = input.text.split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new DomainError("theme.ship_which");
  for (let n = words.length; n >= 1; n--) {
    const theme = await findTheme(ctx, actor, { ref: words.slice(0, n).join(" ") }).catch(() => null);
    if (!theme) continue;
    const note = words.slice(n).join(" ");
    if (!note) throw new DomainError("theme.ship_note_missing", { themeId: theme.id, name: theme.name });
    return shipTheme(ctx, actor, { themeId: theme.id, note, canReply: input.canReply });
  }
  throw new DomainError("theme.no_match", { text: input.text.slice(0, 60) });
}
