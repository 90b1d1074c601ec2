// Opening the app's Home tab: a CSM's accounts and alerts, the agent's queue and this week's figures, a
// product team member's untagged feedback and top themes, each for those whose role has it (an admin
// with no other role sees the agent's and the product parts); someone with no role is told what the app
// is and whom to ask.
import { z } from "zod";
import type { KnownBlock } from "@slack/types";
import { userActor } from "../../shared/actor.ts";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { readQueue } from "../../support/use-cases/read-queue.ts";
import { readStats } from "../../support/use-cases/read-stats.ts";
import { listMyAccounts } from "../../success/use-cases/list-my-accounts.ts";
import { listMyAlerts } from "../../success/use-cases/list-my-alerts.ts";
import { readProductHome } from "../../feedback/use-cases/read-product-home.ts";
import { appHome, outsiderHome } from "../blocks/app-home.ts";
import { allows } from "../../shared/access.ts";
import { statsBlocks } from "../blocks/support-stats.ts";
import { parse, type Envelope } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";

const appHomeOpened = z.object({ type: z.literal("app_home_opened"), user: z.string().min(1), tab: z.string().optional() });

export async function onAppHomeOpened(deps: SlackDeps, envelope: Envelope): Promise<void> {
  const parsed = parse(appHomeOpened, envelope.event);
  if (!parsed.ok) throw new SkipEvent(parsed.reason);
  if (parsed.value.tab && parsed.value.tab !== "home") return;
  await publishHome(deps, parsed.value.user);
}

export async function publishHome(deps: SlackDeps, userId: string): Promise<void> {
  const actor = userActor(userId);
  // Each part of the Home is read only for those whose role has it (the use cases check again).
  const standing = await deps.support.access.standingOf(actor);
  const csmRole = allows(standing, "success");
  if (!allows(standing, "triage") && !csmRole && !allows(standing, "product")) {
    await deps.client.views.publish({ user_id: userId, view: outsiderHome() });
    return;
  }
  // The parts follow the roles: a product manager (even one who is also an admin) gets no support queue.
  const roles = standing.roles;
  const adminOnly = roles.has("admin") && !roles.has("agent") && !roles.has("csm") && !roles.has("product");
  const agent = roles.has("agent") || adminOnly;
  const productRole = Boolean(deps.feedback) && (roles.has("product") || adminOnly);
  const [queue, week, owned, alerts, product] = await Promise.all([
    agent ? readQueue(deps.support, actor) : null,
    agent ? readStats(deps.support, actor, { days: 7 }) : null,
    csmRole ? listMyAccounts(deps.success, actor, { limit: 12 }) : null,
    csmRole ? listMyAlerts(deps.success, actor, { limit: 10 }) : null,
    productRole && deps.feedback ? readProductHome(deps.feedback, actor) : null,
  ]);
  const listed = queue ? [...queue.mine, ...queue.team.oldestUnassigned].map((q) => q.ticket.id) : [];
  const cardLinks = deps.cardLinks && listed.length ? await deps.cardLinks.of(listed) : undefined;
  // The customer-success part shows for people who own accounts or alerts.
  const csm =
    owned && alerts && (owned.total > 0 || alerts.length > 0) ? { accounts: owned.accounts, totalAccounts: owned.total, alerts } : null;
  const support =
    queue && week
      ? { mine: queue.mine, mineTotal: queue.mineTotal, team: queue.team, figures: statsBlocks(week) as unknown as KnownBlock[], cardLinks }
      : null;
  const view = appHome({
    userId,
    now: deps.clock.now(),
    support,
    csm,
    product: product ? { ...product, productChannel: deps.settings.productChannel ?? null } : null,
  });
  await deps.client.views.publish({ user_id: userId, view });
}
