// The message shortcut "Send to product": opens a modal to tag the message as feedback.
import type { App, MessageShortcut } from "@slack/bolt";
import { SHORTCUTS } from "../blocks/ids.ts";
import { messageShortcutSchema, parse } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { appIsInChannel } from "../membership.ts";
import { sendToProductModal } from "../blocks/send-to-product-modal.ts";
import { FEEDBACK_OFF, FORM_NOT_OPENED, NO_TEXT_TO_SEND, notInChannel } from "../blocks/feedback-answers.ts";
import { userActor } from "../../shared/actor.ts";
import { listThemes } from "../../feedback/use-cases/list-themes.ts";

export function registerSendToProductShortcut(app: App, deps: SlackDeps): void {
  app.shortcut<MessageShortcut>(SHORTCUTS.sendToProduct, async ({ ack, body, respond, client }) => {
    await ack();
    const reply = (text: string) => void respond({ response_type: "ephemeral", text }).catch(() => {});
    const parsed = parse(messageShortcutSchema, body);
    if (!parsed.ok) {
      deps.log.warn({ shortcut: SHORTCUTS.sendToProduct, reason: parsed.reason }, "shortcut payload skipped: unexpected shape");
      return;
    }
    const feedback = deps.feedback;
    if (!feedback) return reply(FEEDBACK_OFF);
    const s = parsed.value;
    if (!s.message.text.trim()) return reply(NO_TEXT_TO_SEND);
    const member = await appIsInChannel(deps, s.channel.id);
    if (member === false) {
      return reply(notInChannel(s.channel.id));
    }
    const themes = await listThemes(feedback, userActor(s.user.id, s.team?.id));
    try {
      const view = sendToProductModal(
        {
          channelId: s.channel.id,
          messageTs: s.message.ts,
          threadTs: s.message.thread_ts ?? s.message.ts,
          text: s.message.text,
          authorId: s.message.user ?? s.user.id,
          authorTeamId: s.message.user_team ?? s.message.team ?? null,
        },
        themes.filter((t) => t.status === "active").map((t) => ({ id: t.id, name: t.name })),
      );
      await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (error) {
      deps.log.error({ err: error }, "could not open the send-to-product modal");
      reply(FORM_NOT_OPENED);
    }
  });
}
