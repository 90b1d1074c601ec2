// Opening the app's Home tab: a CSM's accounts and alerts, the agent's queue and this week's figures.
import { z } from "zod";
import { SkipEvent } from "../../platform/inbox/processor.ts";
import { myOpenTickets, teamQueue } from "../../support/store/queue.ts";
import { periodHeadlines } from "../../support/use-cases/read-headlines.ts";
import { userActor } from "../../shared/actor.ts";
import { listMyAccounts } from "../../success/use-cases/list-my-accounts.ts";
import { listMyAlerts } from "../../success/use-cases/list-my-alerts.ts";
import { appHome } from "../blocks/app-home.ts";
import { supportStatsMessage } from "../blocks/support-stats.ts";
import type { KnownBlock } from "@slack/types";
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
  const now = deps.clock.now();
  const [mine, team, week, owned, alerts] = await Promise.all([
    myOpenTickets(deps.db, deps.sla, userId, now),
    teamQueue(deps.db),
    periodHeadlines(deps.db, 7, now),
    listMyAccounts(deps.success, userActor(userId), { limit: 12 }),
    listMyAlerts(deps.success, userActor(userId), { limit: 10 }),
  ]);
  // The customer-success part shows for people who own accounts or alerts.
  const csm = owned.total > 0 || alerts.length > 0 ? { accounts: owned.accounts, totalAccounts: owned.total, alerts } : null;
  // The stats message without its own header: the Home has one.
  const figures = supportStatsMessage({ period: "7d", days: 7, ...week }).blocks.slice(1) as unknown as KnownBlock[];
  await deps.client.views.publish({ user_id: userId, view: appHome({ userId, mine, team, figures, now, csm }) });
}
