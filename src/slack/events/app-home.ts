// Opening the app's Home tab: publish the agent's queue and this week's figures.
import { z } from "zod";
import { SkipEvent } from "../../inbox/processor.ts";
import { myOpenTickets, teamQueue } from "../../support/queue.ts";
import { appHome } from "../blocks/app-home.ts";
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
  const [mine, team, figures] = await Promise.all([
    myOpenTickets(deps.db, deps.sla, userId, now),
    teamQueue(deps.db),
    deps.weeklyFigures(now),
  ]);
  await deps.client.views.publish({ user_id: userId, view: appHome({ userId, mine, team, figures, now }) });
}
