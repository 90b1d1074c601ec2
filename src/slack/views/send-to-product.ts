// The "Send to product" modal's submission: the message read back from Slack (the form carries only its
// reference), then the item captured with its kind, importance, note and themes (picked, or named and
// created), all before the modal closes.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { userActor } from "../../shared/actor.ts";
import { isDomainError } from "../../shared/errors.ts";
import { isImportance, isKind } from "../../feedback/rules/feedback.ts";
import { captureFeedback } from "../../feedback/use-cases/capture-feedback.ts";
import { findAccounts } from "../../feedback/use-cases/find-accounts.ts";
import { tsToDate } from "../../support/rules/intake.ts";
import { VIEWS } from "../blocks/ids.ts";
import { SEND_TO_PRODUCT_INPUTS as IN, accountOptions, readSendToProductRef } from "../blocks/send-to-product-modal.ts";
import {
  capturedAnswer,
  DELETED_BEFORE_SEND,
  FEEDBACK_NOT_SAVED,
  FEEDBACK_OFF,
  FORM_LOST_MESSAGE,
  MESSAGE_NOT_READ,
} from "../blocks/feedback-answers.ts";
import type { SlackDeps } from "../deps.ts";
import { fetchMessage } from "../events/reaction.ts";
import { accountHints, authorName, feedbackRefusal, isInternalAuthor } from "../feedback-capture.ts";
import { withinAckBudget } from "../ack-budget.ts";

export function registerSendToProductView(app: App, deps: SlackDeps): void {
  // The account picker's options, as the person types.
  app.options<"block_suggestion">(IN.account.action, async ({ ack, body, payload }) => {
    const feedback = deps.feedback;
    try {
      const accounts = feedback
        ? await findAccounts(feedback, userActor(body.user.id, body.user.team_id), { text: payload.value ?? "" })
        : [];
      await ack({ options: accountOptions(accounts) });
    } catch (error) {
      if (!feedbackRefusal(error)) deps.log.error({ err: error }, "could not list accounts for the picker");
      await ack({ options: [] });
    }
  });

  app.view<ViewSubmitAction>(VIEWS.sendToProduct, async ({ ack, body, view, client }) => {
    const feedback = deps.feedback;
    const userId = body.user.id;
    const source = readSendToProductRef(view.private_metadata);
    if (!source) {
      await ack({ response_action: "errors", errors: { [IN.note.block]: FORM_LOST_MESSAGE } });
      return;
    }
    if (!feedback) {
      await ack({ response_action: "errors", errors: { [IN.note.block]: FEEDBACK_OFF } });
      return;
    }
    const values = view.state.values;
    const picked = (values[IN.themes.block]?.[IN.themes.action]?.selected_options ?? [])
      .map((o) => Number(o.value))
      .filter((n) => Number.isInteger(n));
    const newNames = (values[IN.newThemes.block]?.[IN.newThemes.action]?.value ?? "")
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean);
    const kind = values[IN.kind.block]?.[IN.kind.action]?.selected_option?.value;
    const importance = values[IN.importance.block]?.[IN.importance.action]?.selected_option?.value;
    const note = values[IN.note.block]?.[IN.note.action]?.value ?? null;
    // The account a person picked wins over the channel's and the author's email domain (as `/feedback for:` does).
    const forAccount = values[IN.account.block]?.[IN.account.action]?.selected_option?.value ?? null;

    try {
      // The message as it is now: the form holds no copy. Deleted means not sent; unreadable or slow (this
      // is before the acknowledgement) means try again.
      const read = await withinAckBudget(
        fetchMessage(deps, source.channelId, source.messageTs).then((message) => ({
          message: message as Awaited<ReturnType<typeof fetchMessage>> | undefined,
        })),
        { message: undefined },
      );
      if (!read.message) {
        await ack({
          response_action: "errors",
          errors: { [IN.note.block]: read.message === null ? DELETED_BEFORE_SEND : MESSAGE_NOT_READ },
        });
        return;
      }
      const result = await captureFeedback(feedback, userActor(userId, body.user.team_id), {
        origin: "shortcut",
        channelId: source.channelId,
        messageTs: source.messageTs,
        threadTs: source.threadTs,
        text: read.message.text,
        authorId: source.authorId,
        authorName: await authorName(deps, source.authorId),
        internal: isInternalAuthor(deps, {
          userId: source.authorId,
          authorTeamId: source.authorTeamId,
          homeTeamId: deps.directory.identity.teamId,
          sharedChannel: false,
        }),
        ...(forAccount === null
          ? await accountHints(deps, source.channelId, source.authorId)
          : { channelAccount: null, emailDomain: null }),
        forAccount,
        permalink: deps.directory.permalink(source.channelId, source.messageTs, source.threadTs),
        kind: isKind(kind) ? kind : null,
        importance: isImportance(importance) ? importance : null,
        note,
        themeIds: picked,
        newThemeNames: newNames,
        at: tsToDate(source.messageTs),
      });
      await ack();
      void client.chat
        .postEphemeral({
          channel: source.channelId,
          user: userId,
          text: capturedAnswer(result.item.id, result.created, result.newTagger),
          link_names: false,
        })
        .catch((error: unknown) => deps.log.debug({ err: error }, "could not confirm the feedback ephemerally"));
    } catch (error) {
      const refused = feedbackRefusal(error);
      if (refused !== null) {
        const about = isDomainError(error) && error.code.startsWith("feedback.account") ? IN.account.block : null;
        await ack({ response_action: "errors", errors: { [about ?? (newNames.length ? IN.newThemes.block : IN.note.block)]: refused } });
        return;
      }
      deps.log.error({ err: error }, "send to product failed");
      await ack({ response_action: "errors", errors: { [IN.note.block]: FEEDBACK_NOT_SAVED } });
    }
  });
}
