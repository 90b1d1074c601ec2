// `/feedback`: send feedback to the product team and work with it.
//   /feedback <text>                  the text becomes a feedback item from you in this channel
//   /feedback themes [...]            list and manage themes
//   /feedback digest [7d|30d]         preview the voice-of-customer digest
//   /feedback ship <theme> <note>     mark a theme shipped: tell the customers who asked, and their CSMs
import type { App, RespondFn } from "@slack/bolt";
import { COMMANDS } from "../blocks/ids.ts";
import type { SlackDeps } from "../deps.ts";
import { FeedbackError } from "../../feedback/rules/feedback.ts";
import { accountHints, authorName, capturedAnswer, FEEDBACK_OFF, isInternalAuthor } from "../feedback-capture.ts";
import { themesCommand } from "./feedback-themes.ts";
import { digestCommand } from "./feedback-digest.ts";
import { shipTheme } from "../feedback-ship.ts";
import { escapeMrkdwn, truncate } from "../blocks/limits.ts";

export const FEEDBACK_USAGE = [
  "*/feedback* commands:",
  "• `/feedback <text>`: send what a customer said to the product team",
  "• `/feedback themes`: list themes (`add`, `rename <old> to <new>`, `merge <from> into <to>`, `archive <name>`, `unarchive <name>`)",
  "• `/feedback digest [7d|30d]`: preview the voice-of-customer digest",
  "• `/feedback ship <theme> <what shipped>`: tell the customers who asked, and their CSMs",
  "• React with the feedback emoji to a message, or use the message shortcut *Send to product*",
].join("\n");

const SUBCOMMANDS = new Set(["help", "themes", "digest", "ship"]);

export function registerFeedbackCommand(app: App, deps: SlackDeps): void {
  app.command(COMMANDS.feedback, async ({ ack, command, respond }) => {
    const say = (text: string) => ack({ response_type: "ephemeral", text });
    if (!deps.feedback) return say(FEEDBACK_OFF);
    const text = (command.text ?? "").trim();
    const first = text.split(/\s+/)[0]?.toLowerCase() ?? "";
    const rest = text.slice(first.length).trim();
    try {
      if (!text)
        return say(
          `Write the feedback after the command, for example \`/feedback Exports to Excel time out on big reports\`.\n${FEEDBACK_USAGE}`,
        );
      if (!SUBCOMMANDS.has(first)) return say(await captureText(deps, command, text));
      switch (first) {
        case "help":
          return say(FEEDBACK_USAGE);
        case "themes":
          return say(await themesCommand(deps, command.user_id, rest));
        case "digest":
          return ack({ response_type: "ephemeral", ...(await digestCommand(deps, command.user_id, rest)) });
        case "ship":
          // Reading each source message takes longer than Slack's 3 seconds: answer after the ack.
          await say("Marking it shipped and telling the customers who asked…");
          return void answerLater(respond, () => shipTheme(deps, command.user_id, rest));
      }
    } catch (error) {
      if (error instanceof FeedbackError) return say(error.message);
      deps.log.error({ err: error }, "/feedback failed");
      return say("Sorry, that did not work. Please try again.");
    }
  });
}

function answerLater(respond: RespondFn, work: () => Promise<string>): Promise<void> {
  return work()
    .catch((error: unknown) => (error instanceof FeedbackError ? error.message : "Sorry, that did not work. Please try again."))
    .then((text) => respond({ response_type: "ephemeral", replace_original: false, text }))
    .then(
      () => {},
      () => {},
    );
}

async function captureText(
  deps: SlackDeps,
  command: { user_id: string; channel_id: string; team_id: string },
  text: string,
): Promise<string> {
  const result = await deps.feedback!.capture({
    origin: "command",
    channelId: command.channel_id,
    messageTs: null,
    threadTs: null,
    text,
    authorId: command.user_id,
    authorName: await authorName(deps, command.user_id),
    internal: isInternalAuthor(deps, {
      userId: command.user_id,
      authorTeamId: command.team_id,
      homeTeamId: deps.directory.identity.teamId,
      sharedChannel: false,
    }),
    ...(await accountHints(deps, command.channel_id, command.user_id)),
    permalink: null,
    taggerId: command.user_id,
    at: deps.clock.now(),
  });
  const account = result.item.account ? ` for *${escapeMrkdwn(result.item.account.name ?? result.item.account.externalId)}*` : "";
  return truncate(
    `${capturedAnswer(result.item.id, result.created, result.newTagger)}${account ? ` (account${account.slice(4)})` : ""}`,
    3000,
  );
}
