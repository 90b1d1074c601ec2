// The fields of Slack's payloads the app uses, validated. Anything else in a payload is ignored;
// a payload without what the app needs is logged and skipped.
import { z } from "zod";

const id = z.string().min(1);
const ts = z.string().regex(/^\d+\.\d+$/);

export const envelopeSchema = z.object({
  type: z.literal("event_callback"),
  event_id: id,
  team_id: id.optional(),
  is_ext_shared_channel: z.boolean().optional(),
  event: z.object({ type: id }).passthrough(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/**
 * A file as a message event carries it. In a Slack Connect channel it often comes as an id only, with
 * `file_access: "check_file_info"` (files.info has the details); `mode: "hidden_by_limit"` or
 * `"tombstone"` is a file the workspace no longer shows. Every field but the id may be missing.
 */
export const eventFileSchema = z
  .object({
    id,
    name: z.string().nullish().catch(null),
    title: z.string().nullish().catch(null),
    mimetype: z.string().nullish().catch(null),
    filetype: z.string().nullish().catch(null),
    size: z.number().nonnegative().nullish().catch(null),
    permalink: z.string().nullish().catch(null),
    mode: z.string().nullish().catch(null),
    file_access: z.string().nullish().catch(null),
  })
  .passthrough();
export type EventFile = z.infer<typeof eventFileSchema>;

/** The files of a message: each one the app can name (an id at least); anything else in the list is left out. */
const eventFilesSchema = z
  .array(z.unknown())
  .transform((items) =>
    items.flatMap((item) => {
      const r = eventFileSchema.safeParse(item);
      return r.success ? [r.data] : [];
    }),
  )
  .optional()
  .catch(undefined);

export const messageEventSchema = z.object({
  type: z.literal("message"),
  subtype: z.string().optional(),
  channel: id,
  channel_type: z.string().optional(),
  user: id.optional(),
  bot_id: z.string().optional(),
  app_id: z.string().optional(),
  text: z.string().default(""),
  ts,
  thread_ts: ts.optional(),
  files: eventFilesSchema,
  team: z.string().optional(),
  user_team: z.string().optional(),
  source_team: z.string().optional(),
  user_profile: z
    .object({ team: z.string().optional(), real_name: z.string().optional(), display_name: z.string().optional() })
    .passthrough()
    .optional(),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;

/** A message as an edit or a deletion carries it (`message`, `previous_message`). */
const changedMessageSchema = z.object({
  ts: ts.optional(),
  thread_ts: ts.optional(),
  subtype: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().default(""),
  team: z.string().optional(),
  user_team: z.string().optional(),
  edited: z.object({ user: z.string().optional(), ts: ts.optional() }).optional(),
});

/**
 * An edit (`message_changed`: the new message in `message`, the old in `previous_message`). Deleting a
 * message that has replies arrives this way too, with a `message` of subtype `tombstone`.
 */
export const messageChangedEventSchema = z.object({
  type: z.literal("message"),
  subtype: z.literal("message_changed"),
  channel: id,
  ts,
  message: changedMessageSchema,
  previous_message: changedMessageSchema.optional(),
});

/** A deletion of a message without replies (`message_deleted`, with `deleted_ts`). */
export const messageDeletedEventSchema = z.object({
  type: z.literal("message"),
  subtype: z.literal("message_deleted"),
  channel: id,
  ts,
  deleted_ts: ts,
  previous_message: changedMessageSchema.optional(),
});

/** A mention of the app (`app_mention`): in channels the app is in, the same message also comes as a `message` event. */
export const appMentionEventSchema = z.object({
  type: z.literal("app_mention"),
  channel: id,
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().default(""),
  ts,
  thread_ts: ts.optional(),
  team: z.string().optional(),
  user_team: z.string().optional(),
  user_profile: z
    .object({ team: z.string().optional(), real_name: z.string().optional(), display_name: z.string().optional() })
    .passthrough()
    .optional(),
});

export const reactionEventSchema = z.object({
  type: z.enum(["reaction_added", "reaction_removed"]),
  user: id,
  reaction: id,
  item_user: z.string().optional(),
  item: z.object({ type: z.string(), channel: id.optional(), ts: ts.optional() }),
  event_ts: z.string().optional(),
});

/** A message as conversations.history / replies return it. */
export const fetchedMessageSchema = z.object({
  ts,
  thread_ts: ts.optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  text: z.string().default(""),
  team: z.string().optional(),
  user_team: z.string().optional(),
});

export const messageShortcutSchema = z.object({
  type: z.literal("message_action"),
  callback_id: id,
  user: z.object({ id }),
  team: z.object({ id }).nullable().optional(),
  channel: z.object({ id }),
  message_ts: ts,
  response_url: z.string().url(),
  message: z.object({
    ts,
    thread_ts: ts.optional(),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    text: z.string().default(""),
    team: z.string().optional(),
    user_team: z.string().optional(),
  }),
});

/** Parses with a schema; returns null (and the reason) instead of throwing. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): { ok: true; value: T } | { ok: false; reason: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const first = r.error.issues[0];
  return { ok: false, reason: `${first.path.join(".") || "payload"}: ${first.message}` };
}
