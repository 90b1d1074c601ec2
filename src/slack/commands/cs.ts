// `/cs`: customer success in Slack. `/cs account <name or id>` shows an account's health, trend, open
// alerts and open tickets (only to the person asking); `/cs alerts` lists your open alerts.
import type { App } from "@slack/bolt";
import { COMMANDS } from "../blocks/ids.ts";
import type { SlackDeps } from "../deps.ts";
import { csAccountMessage } from "../blocks/cs-account.ts";
import { RULE_LABELS } from "../../success/rules/risk-rules.ts";
import { escapeMrkdwn, LIMITS, slackDate, truncate } from "../blocks/limits.ts";

export const CS_USAGE = [
  "*/cs* commands:",
  "• `/cs account <name or external id>`: the account's health, trend, open alerts and open tickets",
  "• `/cs alerts`: your open churn-risk alerts",
  "• `/cs help`: this help",
].join("\n");

export function registerCsCommand(app: App, deps: SlackDeps): void {
  app.command(COMMANDS.cs, async ({ ack, command }) => {
    const say = (text: string) => ack({ response_type: "ephemeral", text });
    const accounts = deps.accounts;
    const alerts = deps.alerts;
    const text = (command.text ?? "").trim();
    const [sub = "help"] = text.split(/\s+/);
    const rest = text.slice(sub.length).trim();
    if (!accounts || !alerts) return say("Customer success is not set up in this app.");

    try {
      switch (sub.toLowerCase()) {
        case "account": {
          if (!rest) return say("Which account? Type `/cs account <name or external id>`, for example `/cs account Acme`.");
          const found = await accounts.find(rest);
          if (found.kind === "none") {
            return say(
              `No account matches “${escapeMrkdwn(truncate(rest, 80))}”. Check the spelling, or use the external id from your CRM.`,
            );
          }
          if (found.kind === "several") {
            const list = found.matches.map((m) => `• ${escapeMrkdwn(m.name)} (\`${escapeMrkdwn(m.externalId)}\`)`).join("\n");
            return say(
              truncate(
                `Several accounts match “${escapeMrkdwn(truncate(rest, 80))}”; type \`/cs account <external id>\` for one of them:\n${list}`,
                LIMITS.sectionText,
              ),
            );
          }
          const account = found.account;
          const [open, tickets] = await Promise.all([
            alerts.open({ accountExternalId: account.externalId }, 10),
            deps.db.client.ticket.findMany({
              where: { accountExternalId: account.externalId, status: { not: "resolved" } },
              orderBy: { createdAt: "desc" },
              take: 5,
              select: { id: true, priority: true, status: true, permalink: true, text: true },
            }),
          ]);
          return ack({ response_type: "ephemeral", ...csAccountMessage(account, open, tickets) });
        }
        case "alerts": {
          const mine = await alerts.open({ ownerId: command.user_id }, 20);
          if (mine.length === 0) return say("You have no open churn-risk alerts.");
          const lines = mine.map(
            (a) =>
              `• *${escapeMrkdwn(a.account.name)}* — ${RULE_LABELS[a.rule]}: ${escapeMrkdwn(a.detail.ruleReason)} (${slackDate(a.raisedAt, "{date_short_pretty}")})`,
          );
          return say(truncate(`Your open alerts:\n${lines.join("\n")}`, LIMITS.sectionText));
        }
        case "help":
          return say(CS_USAGE);
        default:
          return say(`I don't know \`/cs ${escapeMrkdwn(truncate(sub, 40))}\`.\n${CS_USAGE}`);
      }
    } catch (error) {
      deps.log.error({ err: error }, "/cs failed");
      return say("Sorry, that could not be looked up just now. Please try again.");
    }
  });
}
