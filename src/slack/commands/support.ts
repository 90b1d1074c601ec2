// `/support`: link or unlink the current channel as a support channel, set its tier, list support
// channels, the support figures, help.
import type { App } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { linkChannel } from "../../support/use-cases/link-channel.ts";
import { listChannels } from "../../support/use-cases/list-channels.ts";
import { readStats } from "../../support/use-cases/read-stats.ts";
import { setChannelTier } from "../../support/use-cases/set-channel-tier.ts";
import { unlinkChannel } from "../../support/use-cases/unlink-channel.ts";
import { COMMANDS } from "../blocks/ids.ts";
import {
  channelLinked,
  channelList,
  channelTierSet,
  channelUnlinked,
  LINK_TAKES_ONE_ACCOUNT,
  STATS_PERIOD_USAGE,
  SUPPORT_USAGE,
  tierUsage,
  UNLINK_TAKES_NOTHING,
  unknownSubcommand,
} from "../blocks/support-command.ts";
import { supportErrorText } from "../blocks/support-errors.ts";
import { STATS_FAILED, statsInProgress, supportStatsMessage } from "../blocks/support-stats.ts";
import type { SlackDeps } from "../deps.ts";

const STATS_PERIODS = new Map([
  ["7d", 7],
  ["30d", 30],
  ["90d", 90],
]);

export function registerSupportCommand(app: App, deps: SlackDeps): void {
  const ctx = deps.support;
  app.command(COMMANDS.support, async ({ ack, command, respond }) => {
    const say = (text: string) => ack({ response_type: "ephemeral", text });
    const [sub = "help", ...args] = (command.text ?? "").trim().split(/\s+/).filter(Boolean);
    const channel = command.channel_id;
    const actor = userActor(command.user_id, command.team_id);

    try {
      switch (sub.toLowerCase()) {
        case "help":
          return await say(SUPPORT_USAGE);

        case "channels":
          return await say(channelList(await listChannels(ctx, actor)));

        case "link": {
          if (args.length > 1) return await say(LINK_TAKES_ONE_ACCOUNT);
          const account = args[0] ?? null;
          // Slack's channel ids start with C (public) or G (private); direct messages cannot be support channels.
          const linked = await linkChannel(ctx, actor, {
            channelId: channel,
            accountExternalId: account,
            isChannel: /^[CG]/.test(channel),
          });
          return await say(channelLinked(channel, account, linked.previous !== null, linked.accountKnown));
        }

        case "tier": {
          if (args.length !== 1) return await say(tierUsage(ctx.settings.sla.tiers));
          const tier = args[0].toLowerCase() === "none" ? null : args[0];
          await setChannelTier(ctx, actor, { channelId: channel, tier });
          return await say(channelTierSet(channel, tier));
        }

        case "stats": {
          const period = (args[0] ?? "7d").toLowerCase();
          const days = STATS_PERIODS.get(period);
          if (args.length > 1 || !days) return await say(STATS_PERIOD_USAGE);
          // Two periods over a large desk can take longer than Slack waits: acknowledge first, answer after.
          await ack({ response_type: "ephemeral", text: statsInProgress(days) });
          try {
            const message = supportStatsMessage(await readStats(ctx, actor, { days }));
            await respond({ response_type: "ephemeral", replace_original: true, ...message } as Parameters<typeof respond>[0]);
          } catch (error) {
            const known = isDomainError(error) ? supportErrorText(error) : null;
            if (!known) deps.log.error({ err: error }, "support stats failed");
            await respond({ response_type: "ephemeral", replace_original: true, text: known ?? STATS_FAILED }).catch(() => {});
          }
          return;
        }

        case "unlink": {
          if (args.length > 0) return await say(UNLINK_TAKES_NOTHING);
          const { removed, configured } = await unlinkChannel(ctx, actor, { channelId: channel });
          return await say(channelUnlinked(channel, removed, configured));
        }

        default:
          return await say(unknownSubcommand(sub));
      }
    } catch (error) {
      const known = isDomainError(error) ? supportErrorText(error) : null;
      if (!known) throw error;
      return say(known);
    }
  });
}
