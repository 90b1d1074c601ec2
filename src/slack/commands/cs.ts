// `/cs`: customer success in Slack. `/cs account <name or id>` shows an account's health, trend, open
// alerts and open tickets (only to the person asking); `/cs alerts` lists your open alerts.
import { isDomainError } from "../../shared/errors.ts";
import { successErrorText } from "../blocks/success-errors.ts";
import type { App } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { lookUpAccount } from "../../success/use-cases/look-up-account.ts";
import { listMyAlerts } from "../../success/use-cases/list-my-alerts.ts";
import { COMMANDS } from "../blocks/ids.ts";
import { CS_TEXT, CS_USAGE, csAccountMessage, myAlertsText, severalAccountsText } from "../blocks/cs-account.ts";
import type { SlackDeps } from "../deps.ts";

export function registerCsCommand(app: App, deps: SlackDeps): void {
  app.command(COMMANDS.cs, async ({ ack, command }) => {
    const say = (text: string) => ack({ response_type: "ephemeral", text });
    const text = (command.text ?? "").trim();
    // "".split() gives [""], so an empty command needs its own default.
    const sub = text ? text.split(/\s+/)[0]! : "help";
    const rest = text.slice(sub.length).trim();
    const actor = userActor(command.user_id, command.team_id);

    try {
      switch (sub.toLowerCase()) {
        case "account": {
          if (!rest) return say(CS_TEXT.whichAccount);
          const found = await lookUpAccount(deps.success, actor, { query: rest });
          if (found.kind === "none") return say(CS_TEXT.noMatch(rest));
          if (found.kind === "several") return say(severalAccountsText(rest, found.matches));
          await ack({
            response_type: "ephemeral",
            ...csAccountMessage(found.account, found.alerts, found.tickets, found.since, found.chance),
          });
          // After the answer, never instead of it: the chart goes to the asker's DM (charts/post.ts says why).
          void deps.charts?.sendAccountChart(command.user_id, found.account.externalId, actor);
          return;
        }
        case "alerts":
          return say(myAlertsText(await listMyAlerts(deps.success, actor, { limit: 20 })));
        case "help":
          return say(CS_USAGE);
        default:
          return say(CS_TEXT.unknown(sub));
      }
    } catch (error) {
      const known = isDomainError(error) ? successErrorText(error) : null;
      if (known) return say(known);
      deps.log.error({ err: error }, "/cs failed");
      return say(CS_TEXT.failed);
    }
  });
}
