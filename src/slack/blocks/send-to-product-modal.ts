// The "Send to product" modal of the message shortcut: themes (pick or create), kind, importance, note.
// The form carries a reference to the message (channel, ts, author), never its text: a long message would
// not fit Slack's private_metadata, and the submission reads the message back as it is then.
import type { View } from "@slack/types";
import { IMPORTANCE, KINDS } from "../../feedback/rules/feedback.ts";
import { IMPORTANCE_LABELS, KIND_LABELS } from "./feedback-card.ts";
import { VIEWS } from "./ids.ts";
import { LIMITS, escapeSlackText, modalMetadata, oneLine, quote, readModalMetadata, truncate } from "./limits.ts";

export const SEND_TO_PRODUCT_INPUTS = {
  themes: { block: "themes", action: "pick" },
  newThemes: { block: "new_themes", action: "names" },
  kind: { block: "kind", action: "pick" },
  importance: { block: "importance", action: "pick" },
  note: { block: "note", action: "text" },
  /** An external_select: its options come from the options listener (views/send-to-product.ts). */
  account: { block: "account", action: "send_to_product_account" },
} as const;

/** Static select menus hold at most 100 options. */
export const MAX_THEME_OPTIONS = 100;

/** The message the form is about, as the form carries it. */
export interface SendToProductRef {
  channelId: string;
  messageTs: string;
  threadTs: string | null;
  authorId: string;
  authorTeamId: string | null;
}

/** The message as the shortcut saw it: the reference, and its text to show in the form. */
export interface SendToProductSource extends SendToProductRef {
  text: string;
}

/** The reference a submission carries, or null when the form's metadata is not one. */
export function readSendToProductRef(raw: string | undefined): SendToProductRef | null {
  const m = readModalMetadata(raw);
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
  const channelId = str(m?.channel);
  const messageTs = str(m?.ts);
  const authorId = str(m?.author);
  if (!channelId || !messageTs || !authorId) return null;
  return { channelId, messageTs, threadTs: str(m?.thread), authorId, authorTeamId: str(m?.team) };
}

const option = (value: string, text: string) => ({ text: { type: "plain_text" as const, text: truncate(text, LIMITS.optionText) }, value });

export function sendToProductModal(source: SendToProductSource, themes: { id: number; name: string }[]): View {
  const { themes: t, newThemes, kind, importance, note } = SEND_TO_PRODUCT_INPUTS;
  return {
    type: "modal",
    callback_id: VIEWS.sendToProduct,
    private_metadata: modalMetadata({
      channel: source.channelId,
      ts: source.messageTs,
      thread: source.threadTs,
      author: source.authorId,
      team: source.authorTeamId,
    }),
    title: { type: "plain_text", text: "Send to product" },
    submit: { type: "plain_text", text: "Send" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: quote(oneLine(escapeSlackText(source.text), 600), LIMITS.sectionText) } },
      ...(themes.length
        ? [
            {
              type: "input" as const,
              block_id: t.block,
              optional: true,
              label: { type: "plain_text" as const, text: "Themes" },
              element: {
                type: "multi_static_select" as const,
                action_id: t.action,
                placeholder: { type: "plain_text" as const, text: "Pick themes" },
                options: themes.slice(0, MAX_THEME_OPTIONS).map((th) => option(String(th.id), escapeSlackText(th.name))),
              },
            },
          ]
        : []),
      {
        type: "input",
        block_id: newThemes.block,
        optional: true,
        label: { type: "plain_text", text: themes.length ? "Or new themes" : "Themes" },
        hint: { type: "plain_text", text: "Comma-separated names of themes to create, e.g. Exports, SSO" },
        element: { type: "plain_text_input", action_id: newThemes.action, max_length: 300 },
      },
      {
        type: "input",
        block_id: SEND_TO_PRODUCT_INPUTS.account.block,
        optional: true,
        label: { type: "plain_text", text: "Account it is for" },
        hint: {
          type: "plain_text",
          text: "Relaying a customer's request? Pick their account so it counts with their ARR. Empty: the channel's account, if any.",
        },
        element: {
          type: "external_select",
          action_id: SEND_TO_PRODUCT_INPUTS.account.action,
          min_query_length: 1,
          placeholder: { type: "plain_text", text: "Type an account's name" },
        },
      },
      {
        type: "input",
        block_id: kind.block,
        optional: true,
        label: { type: "plain_text", text: "Kind" },
        element: { type: "static_select", action_id: kind.action, options: KINDS.map((k) => option(k, KIND_LABELS[k])) },
      },
      {
        type: "input",
        block_id: importance.block,
        optional: true,
        label: { type: "plain_text", text: "Importance to the customer" },
        element: { type: "static_select", action_id: importance.action, options: IMPORTANCE.map((i) => option(i, IMPORTANCE_LABELS[i])) },
      },
      {
        type: "input",
        block_id: note.block,
        optional: true,
        label: { type: "plain_text", text: "Note for the product team" },
        element: { type: "plain_text_input", action_id: note.action, multiline: true, max_length: 1000 },
      },
    ],
  };
}

/** The account picker's options: name (escaped) and ARR, the external id as the value. */
export function accountOptions(accounts: { externalId: string; name: string; arr: number | null }[]) {
  return accounts.slice(0, MAX_THEME_OPTIONS).map((a) => {
    const arr = a.arr === null ? "" : ` · ARR $${Math.round(a.arr).toLocaleString("en-US")}`;
    return option(a.externalId, `${escapeSlackText(oneLine(a.name, 60))}${arr}`);
  });
}
