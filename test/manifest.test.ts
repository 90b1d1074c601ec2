// manifest.json: valid against Slack's published v1 manifest schema, and declaring what the code uses.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it, expect } from "vitest";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { SHORTCUTS, COMMANDS } from "../src/slack/blocks/ids.ts";
import { SUBSCRIBED_EVENT_TYPES } from "../src/slack/events/index.ts";

const repoRoot = path.resolve(import.meta.dirname, "..");
const schemaDir = path.resolve(import.meta.dirname, "../../shared/slack/manifest");

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"));

/** The parts of a v1 manifest this test reads (the schema checks the rest). */
interface Manifest {
  _metadata?: { major_version?: number };
  functions?: unknown;
  features?: {
    shortcuts?: { name: string; type: string; callback_id: string }[];
    slash_commands?: { command: string; url?: string }[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled?: boolean;
  };
}

/**
 * Slack's schema declares draft-07 (Ajv's default class). It uses one format, "uri" (on the optional
 * top-level "$schema"), and two keywords outside JSON Schema: "regex" on display_information.background_color
 * (where "pattern" was meant; enforced here) and "_note" (a comment). Declaring them keeps Ajv's strict mode on,
 * so any other keyword the schema gains later fails loudly instead of being silently ignored. Only strictTypes is
 * off: it merely logs, about a no-op `"minItems": 0` Slack put on a string (external_auth_providers … scope.items).
 */
function compileManifestSchema(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  ajv.addFormat("uri", (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value));
  ajv.addKeyword({
    keyword: "regex",
    type: "string",
    schemaType: "string",
    errors: false,
    validate: (regex: string, value: string) => new RegExp(regex).test(value),
  });
  ajv.addKeyword("_note");
  const schema = readJson(path.join(schemaDir, "manifest.schema.1.0.0.json")) as { $schema?: string };
  expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
  return ajv.compile(schema);
}

const validate = compileManifestSchema();
const errorsOf = (data: unknown): ErrorObject[] => (validate(data) ? [] : [...(validate.errors ?? [])]);

const manifest = readJson(path.join(repoRoot, "manifest.json")) as Manifest;

describe("Slack's manifest schema, as this test runs it", () => {
  it("accepts Slack's valid v1 sample", () => {
    expect(errorsOf(readJson(path.join(schemaDir, "v1-manifest.valid.json")))).toEqual([]);
  });

  it("rejects Slack's invalid v1 sample, for its unknown settings property", () => {
    const errors = errorsOf(readJson(path.join(schemaDir, "v1-manifest.invalid.json")));
    expect(errors).toContainEqual(
      expect.objectContaining({ keyword: "additionalProperties", instancePath: "/settings", params: { additionalProperty: "bad_param" } }),
    );
  });

  it("enforces the background colour's regex and the $schema uri format", () => {
    const badColour = structuredClone(manifest) as Manifest & { display_information: { background_color: string } };
    badColour.display_information.background_color = "navy";
    expect(errorsOf(badColour)).toContainEqual(
      expect.objectContaining({ keyword: "regex", instancePath: "/display_information/background_color" }),
    );
    expect(errorsOf({ ...manifest, $schema: "not a uri" })).toContainEqual(
      expect.objectContaining({ keyword: "format", instancePath: "/$schema" }),
    );
  });
});

describe("manifest.json", () => {
  it("is a valid classic (v1) manifest", () => {
    expect(errorsOf(manifest)).toEqual([]);
    expect(manifest._metadata?.major_version ?? 1).toBe(1);
    expect(manifest).not.toHaveProperty("functions");
  });

  it("declares exactly the shortcuts the code listens for", () => {
    const callbackIds = (manifest.features?.shortcuts ?? []).map((s) => s.callback_id);
    expect(new Set(callbackIds)).toEqual(new Set(Object.values(SHORTCUTS)));
    expect(callbackIds).toHaveLength(new Set(callbackIds).size);
  });

  it("declares exactly the slash commands the code listens for", () => {
    const commands = (manifest.features?.slash_commands ?? []).map((c) => c.command);
    expect(new Set(commands)).toEqual(new Set(Object.values(COMMANDS)));
    expect(commands).toHaveLength(new Set(commands).size);
  });

  it("subscribes the bot to exactly the events the code routes", () => {
    // A `message` listener needs the public- and private-channel variants of the message event.
    const needed = SUBSCRIBED_EVENT_TYPES.flatMap((type) => (type === "message" ? ["message.channels", "message.groups"] : [type]));
    expect(new Set(manifest.settings?.event_subscriptions?.bot_events ?? [])).toEqual(new Set(needed));
  });

  it("sends events, interactivity and slash commands to the app's /slack/events endpoint", () => {
    expect(manifest.settings?.socket_mode_enabled).toBe(false);
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    const urls = [
      manifest.settings?.event_subscriptions?.request_url,
      manifest.settings?.interactivity?.request_url,
      ...(manifest.features?.slash_commands ?? []).map((c) => c.url),
    ];
    for (const url of urls) expect(url).toMatch(/^https:\/\/.+\/slack\/events$/);
  });

  it("grants the bot scopes the Web API methods and features need", () => {
    const needed: Record<string, string> = {
      "chat:write": "chat.postMessage, chat.update",
      "channels:history": "conversations.history/replies in public channels",
      "groups:history": "conversations.history/replies in private channels",
      "im:write": "conversations.open: the DM channel with a person, before a direct message",
      "im:history": "conversations.history in a DM: finding a direct message sent before a crash",
      "channels:read": "conversations.info on public channels",
      "groups:read": "conversations.info on private channels",
      "reactions:read": "reaction_added events",
      "app_mentions:read": "app_mention events",
      "users:read": "users.info",
      "team:read": "team.info",
      "usergroups:read": "usergroups.users.list",
      "files:read": "files.info, for the files customers share in Slack Connect channels (check_file_info)",
      commands: "the slash commands",
    };
    expect(manifest.oauth_config?.scopes?.bot ?? []).toEqual(expect.arrayContaining(Object.keys(needed)));
  });
});
