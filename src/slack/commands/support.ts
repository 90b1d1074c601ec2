// `/support`: link or unlink the current channel as a support channel, list support channels, help.
import type { App } from "@slack/bolt";
import { COMMANDS } from "../blocks/ids.ts";
import type { SlackDeps } from "../deps.ts";
import { periodHeadlines } from "../../support/use-cases/read-headlines.ts";
import { supportStatsMessage } from "../blocks/support-stats.ts";

export const SUPPORT_USAGE = [
  "*/support* commands:",
  "• `/support link [account-external-id]`: make this channel a support channel (optionally for an account)",
  "• `/support unlink`: stop treating this channel as a support channel",
  "• `/support channels`: list the support channels",
  "• `/support stats [7d|30d|90d]`: support metrics of the last 7 (default), 30 or 90 days against the period before",
  "• `/support tier <name>|none`: set this support channel's account tier (SLA targets per tier)",
  "• `/support help`: this help",
].join("\n");

const STATS_PERIODS = new Map([
  ["7d", 7],
  ["30d", 30],
  ["90d", 90],
]);

const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/;

function isAdmin(deps: SlackDeps, userId: string): boolean {
  if (deps.settings.adminIds.length > 0) return deps.settings.adminIds.includes(userId);
  // No admins configured: agents may manage channels; with no agents configured either, anyone may.
  return deps.directory.hasAgentDirectory() ? deps.directory.isAgent(userId) : true;
}

export function registerSupportCommand(app: App, deps: SlackDeps): void {
  app.command(COMMANDS.support, async ({ ack, command, respond }) => {
    const say = (text: string) => ack({ response_type: "ephemeral", text });
    const [sub = "help", ...args] = (command.text ?? "").trim().split(/\s+/).filter(Boolean);
    const channel = command.channel_id;
    const user = command.user_id;

    switch (sub.toLowerCase()) {
      case "help":
        return say(SUPPORT_USAGE);

      case "channels": {
        const list = await deps.channels.list();
        if (list.length === 0) return say("There are no support channels yet. Type `/support link` in a customer channel to add one.");
        const lines = list.map(
          (c) =>
            `• <#${c.channelId}>${c.accountExternalId ? ` (account \`${c.accountExternalId}\`)` : ""}${c.configured ? " — from SUPPORT_CHANNELS" : ""}`,
        );
        return say(`Support channels:\n${lines.join("\n")}`);
      }

      case "link": {
        if (!isAdmin(deps, user)) return say("Only support admins can link channels. Ask one of them, or set ADMIN_USER_IDS.");
        if (args.length > 1) return say(`\`/support link\` takes at most one account external id, with no spaces.\n${SUPPORT_USAGE}`);
        const account = args[0] ?? null;
        if (account && !ACCOUNT_ID.test(account)) {
          return say(
            "The account external id may use letters, digits and . _ : @ / - (up to 100 characters), for example `/support link acme-corp`.",
          );
        }
        if (channel === deps.settings.triageChannel) return say("This is the triage channel; it cannot also be a support channel.");
        if (!/^[CG]/.test(channel)) return say("Only channels can be support channels; run `/support link` in the customer's channel.");
        const { previous } = await deps.channels.link(channel, account, user);
        deps.log.info({ event: "support.channel_linked", channel, account, by: user }, "support channel linked");
        const forAccount = account ? ` for account \`${account}\`` : "";
        const known = account ? await deps.db.client.account.findUnique({ where: { externalId: account }, select: { name: true } }) : null;
        const accountNote =
          account && !known
            ? `\nNo account \`${account}\` has been imported yet: its tickets will count for it once the CRM data (POST /api/v1/accounts or \`npm run import -- accounts\`) has that external id.`
            : "";
        return say(
          (previous
            ? `<#${channel}> was already a support channel; it is now linked${forAccount || " with no account"}.`
            : `<#${channel}> is now a support channel${forAccount}. Customers' messages here become tickets. Make sure I'm a member (\`/invite @Customer Desk\`).`) +
            accountNote,
        );
      }

      case "tier": {
        if (!isAdmin(deps, user)) return say("Only support admins can set tiers.");
        const tiers = deps.settings.slaTiers;
        if (args.length !== 1) {
          return say(
            `\`/support tier\` takes one tier name${tiers.length ? ` (${tiers.map((t) => `\`${t}\``).join(", ")})` : ""}, or \`none\`.`,
          );
        }
        const tier = args[0].toLowerCase() === "none" ? null : args[0];
        if (tier && !tiers.includes(tier)) {
          return say(
            tiers.length
              ? `There is no tier \`${tier}\` in the SLA policy. Tiers: ${tiers.map((t) => `\`${t}\``).join(", ")}, or \`none\`.`
              : `The SLA policy defines no tiers; add them under "tiers" in the SLA policy file first.`,
          );
        }
        if (!(await deps.channels.setTier(channel, tier, user))) {
          return say(`<#${channel}> is not a support channel. Link it first with \`/support link [account-external-id]\`.`);
        }
        deps.log.info({ event: "support.channel_tier", channel, tier, by: user }, "support channel tier set");
        return say(
          tier
            ? `<#${channel}> now has tier \`${tier}\`: new tickets here get its SLA targets.`
            : `<#${channel}> has no tier now: new tickets get the default SLA targets.`,
        );
      }

      case "stats": {
        const period = (args[0] ?? "7d").toLowerCase();
        const days = STATS_PERIODS.get(period);
        if (args.length > 1 || !days)
          return say(`\`/support stats\` takes one period: \`7d\` (the default), \`30d\` or \`90d\`, for example \`/support stats 30d\`.`);
        // Two periods over a large desk can take longer than Slack waits: acknowledge first, answer after.
        await ack({ response_type: "ephemeral", text: `Working out the support figures of the last ${days} days…` });
        try {
          const message = supportStatsMessage({ period, days, ...(await periodHeadlines(deps.db, days, deps.clock.now())) });
          await respond({ response_type: "ephemeral", replace_original: true, ...message } as Parameters<typeof respond>[0]);
        } catch (error) {
          deps.log.error({ err: error }, "support stats failed");
          await respond({
            response_type: "ephemeral",
            replace_original: true,
            text: "Sorry, the support figures could not be computed. Please try again.",
          }).catch(() => {});
        }
        return;
      }

      case "unlink": {
        if (!isAdmin(deps, user)) return say("Only support admins can unlink channels.");
        if (args.length > 0) return say(`\`/support unlink\` takes no arguments.\n${SUPPORT_USAGE}`);
        const removed = await deps.channels.unlink(channel);
        if (removed) deps.log.info({ event: "support.channel_unlinked", channel, by: user }, "support channel unlinked");
        if (deps.channels.isConfigured(channel)) {
          return say(`<#${channel}> is listed in SUPPORT_CHANNELS, so it stays a support channel until it is removed from that setting.`);
        }
        return say(
          removed ? `<#${channel}> is no longer a support channel. Existing tickets are kept.` : `<#${channel}> was not a support channel.`,
        );
      }

      default:
        return say(`I don't know \`/support ${sub}\`.\n${SUPPORT_USAGE}`);
    }
  });
}
