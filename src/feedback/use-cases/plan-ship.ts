// Before a theme is marked shipped, the person shipping it sees what will happen: the note as customers
// will read it, and how many customer threads and CSMs will be told. Nothing changes here; shipTheme does
// the change once the plan is confirmed.
import type { Actor } from "../../shared/actor.ts";
import { DomainError } from "../../shared/errors.ts";
import { accountsThatAsked, csmNotices, shipNote, type ShipPlan } from "../rules/loop.ts";
import { allowedLinkDomains } from "../rules/ship-links.ts";
import { MAX_THEME_NAME } from "../rules/themes.ts";
import { personOf, type FeedbackContext } from "./context.ts";
import { lookupTheme } from "./find-theme.ts";

export type { ShipPlan };

/** What shipping the theme with this note would do; refuses a theme already shipped and a note that may not be sent. */
export async function planShip(ctx: FeedbackContext, actor: Actor, input: { themeId: number; note: string | null }): Promise<ShipPlan> {
  await ctx.access.require(actor, "product");
  personOf(actor);
  // A theme merged since the button was drawn answers for the theme it joined.
  const theme = await lookupTheme(ctx, null, `#${input.themeId}`);
  if (!theme) throw new DomainError("theme.not_found", { themeId: input.themeId });
  if (theme.shippedAt) {
    throw new DomainError("theme.already_shipped", {
      themeId: theme.id,
      name: theme.name,
      shippedOn: theme.shippedAt.toISOString().slice(0, 10),
    });
  }
  const note = input.note === null ? null : shipNote(input.note, ctx.settings.shipLinkDomains);
  const threads = (await ctx.items.sourcesToAnswer(theme.id)).length;
  const asked = accountsThatAsked(await ctx.items.shippedItems(null, theme.id));
  const csms = csmNotices(asked, await ctx.items.accountCsms(null, [...asked.keys()])).size;
  return { theme: { id: theme.id, name: theme.name }, note, threads, csms, linkDomains: allowedLinkDomains(ctx.settings.shipLinkDomains) };
}

/**
 * The plan for `/feedback ship <theme> <note>`: the theme is the longest leading words that name one, the
 * rest is the note (none yet when nothing follows the theme).
 */
export async function planShipNamed(ctx: FeedbackContext, actor: Actor, input: { text: string }): Promise<ShipPlan> {
  await ctx.access.require(actor, "product");
  const words = [...input.text.matchAll(/\S+/g)];
  if (words.length === 0) throw new DomainError("theme.ship_which");
  for (let n = words.length; n >= 1; n--) {
    const ref = words
      .slice(0, n)
      .map((w) => w[0])
      .join(" ");
    if (ref.length > MAX_THEME_NAME) continue;
    const theme = await lookupTheme(ctx, null, ref);
    if (!theme) continue;
    // The note as written, line breaks kept.
    const last = words[n - 1]!;
    const note = input.text.slice(last.index + last[0].length).trim();
    return planShip(ctx, actor, { themeId: theme.id, note: note || null });
  }
  throw new DomainError("theme.no_match", { text: input.text.slice(0, 60) });
}
