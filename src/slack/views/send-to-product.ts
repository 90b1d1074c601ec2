// The "Send to product" modal's submission: themes created or picked, the item captured with its kind,
// importance and note, all before the modal closes.
import type { App, ViewSubmitAction } from "@slack/bolt";
import { FeedbackError, isImportance, isKind } from "../../feedback/rules/feedback.ts";
import { tsToDate } from "../../support/rules/intake.ts";
import { VIEWS } from "../blocks/ids.ts";
import { SEND_TO_PRODUCT_INPUTS as IN, type SendToProductSource } from "../blocks/send-to-product-modal.ts";
import type { SlackDeps } from "../deps.ts";
import { fetchMessage } from "../events/reaction.ts";
import { accountHints, authorName, capturedAnswer, FEEDBACK_OFF, isInternalAuthor } from "../feedback-capture.ts";
import { withinAckBudget } from "../ack-budget.ts";

export function registerSendToProductView(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(VIEWS.sendToProduct, async ({ ack, body, view, client }) => {
    const feedback = deps.feedback;
    const userId = body.user.id;
    let source: SendToProductSource;
    try {
      source = JSON.parse(view.private_metadata) as SendToProductSource;
      if (typeof source.channelId !== "string" || typeof source.messageTs !== "string") throw new Error("incomplete");
    } catch {
      await ack({
        response_action: "errors",
        errors: { [IN.note.block]: "This form has lost its message. Close it and use Send to product again." },
      });
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

    try {
      const themeIds = [...picked];
      if (newNames.length && !deps.themes) throw new FeedbackError("Themes cannot be created here.");
      for (const name of newNames) themeIds.push((await deps.themes!.findOrCreate(name, userId)).id);
      // The message as it is now (the shortcut's copy may be cut to fit the form); gone means deleted.
      // Deleted means not sent; unreadable or slow (this is before the acknowledgement) means the copy will do.
      const read = await withinAckBudget(
        fetchMessage(deps, source.channelId, source.messageTs).then((message) => ({
          message: message as Awaited<ReturnType<typeof fetchMessage>> | undefined,
        })),
        { message: undefined },
      );
      if (read.message === null) {
        await ack({
          response_action: "errors",
          errors: { [IN.note.block]: "That message was deleted, so it can't be sent. Close this form and use `/feedback <text>` instead." },
        });
        return;
      }
      const text = read.message?.text ?? source.text;
      const result = await feedback.capture({
        origin: "shortcut",
        channelId: source.channelId,
        messageTs: source.messageTs,
        threadTs: source.threadTs,
        text,
        authorId: source.authorId,
        authorName: await authorName(deps, source.authorId),
        internal: isInternalAuthor(deps, {
          userId: source.authorId,
          authorTeamId: source.authorTeamId,
          homeTeamId: deps.directory.identity.teamId,
          sharedChannel: false,
        }),
        ...(await accountHints(deps, source.channelId, source.authorId)),
        permalink: deps.directory.permalink(source.channelId, source.messageTs, source.threadTs),
        taggerId: userId,
        kind: isKind(kind) ? kind : null,
        importance: isImportance(importance) ? importance : null,
        note,
        themeIds,
        at: tsToDate(source.messageTs),
      });
      await ack();
      void client.chat
        .postEphemeral({ channel: source.channelId, user: userId, text: capturedAnswer(result.item.id, result.created, result.newTagger) })
        .catch((error: unknown) => deps.log.debug({ err: error }, "could not confirm the feedback ephemerally"));
    } catch (error) {
      if (error instanceof FeedbackError) {
        await ack({ response_action: "errors", errors: { [newNames.length ? IN.newThemes.block : IN.note.block]: error.message } });
        return;
      }
      deps.log.error({ err: error }, "send to product failed");
      await ack({ response_action: "errors", errors: { [IN.note.block]: "Sorry, the feedback could not be saved. Please try again." } });
    }
  });
}
