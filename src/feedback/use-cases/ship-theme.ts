// Shipping a theme closes the loop: the theme is marked shipped once, each source thread that can still
// be reached gets one reply, and each affected account's CSM gets the list of their accounts that asked,
// so they can tell the customer. In Slack it runs once the person confirmed the plan (plan-ship.ts): the
// exact text and how many threads and CSMs it reaches.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import type { ThemeRef } from "../rules/feedback.ts";
import { accountsThatAsked, csmNotices, repliesToSend, shipNote } from "../rules/loop.ts";
import type { SourceToAnswer } from "../store/feedback-items.ts";
import { personOf, type FeedbackContext } from "./context.ts";

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
  const note = shipNote(input.note, ctx.settings.shipLinkDomains);
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
