// The message shortcut "Send to product": opens a modal to tag the message as feedback.
import type { App, MessageShortcut } from "@slack/bolt";
import { SHORTCUTS } from "../blocks/ids.ts";
import { messageShortcutSchema, parse } from "../payloads.ts";
import type { SlackDeps } from "../deps.ts";
import { appIsInChannel } from "../membership.ts";
import { sendToProductModal } from "../blocks/send-to-product-modal.ts";
import { FEEDBACK_OFF } from "../feedback-capture.ts";

export function registerSendToProductShortcut(app: App, deps: SlackDeps): void {
  app.shortcut<MessageShortcut>(SHORTCUTS.sendToProduct, async ({ ack, body, respond, client }) => {
    await ack();
    const reply = (text: string) => void respond({ response_type: "ephemeral", text }).catch(() => {});
    const parsed = parse(messageShortcutSchema, body);
    if (!parsed.ok) {
      deps.log.warn({ shortcut: SHORTCUTS.sendToProduct, reason: parsed.reason }, "shortcut payload skipped: unexpected shape");
      return;
    }
    if (!deps.feedback) return reply(FEEDBACK_OFF);
    const s = parsed.value;
    if (!s.message.text.trim())
      return reply(
        "That message has no text to send to product (files and images alone can't be quoted). Use `/feedback <text>` to describe it.",
      );
    const member = await appIsInChannel(deps, s.channel.id);
    if (member === false) {
      return reply(
        `I'm not a member of <#${s.channel.id}>, so I can't link back to that message or answer in its thread later. Invite me with \`/invite @Customer Desk\` and try again, or use \`/feedback <text>\`.`,
      );
    }
    const themes = deps.themes ? await deps.themes.list() : [];
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
    try {
      await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (error) {
      deps.log.error({ err: error }, "could not open the send-to-product modal");
      reply("Sorry, the form could not be opened. Please try again.");
    }
  });
}
