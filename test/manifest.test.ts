// manifest.json: valid against Slack's published v1 manifest schema, and declaring what the code uses.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it, expect } from "vitest";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { SHORTCUTS, COMMANDS } from "../src/slack/blocks/ids.ts";
import { SUBSCRIBED_EVENT_TYPES } from "../src/slack/events/index.ts";
import { main as manifestMain } from "../tools/manifest.ts";

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
    interactivity?: { is_enabled: boolean; request_url?: string; message_menu_options_url?: string };
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
      // The Send to product modal's account picker (external_select) asks for its options there.
      manifest.settings?.interactivity?.message_menu_options_url,
      ...(manifest.features?.slash_commands ?? []).map((c) => c.url),
    ];
    for (const url of urls) expect(url).toMatch(/^https:\/\/.+\/slack\/events$/);
  });

  it("grants the bot scopes the Web API methods and features need", () => {
    const needed: Record<string, string> = {
      "chat:write": "chat.postMessage, chat.update",
      "chat:write.customize": "username and icon_url: Reply to customer shows the agent's name and picture",
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

/** Runs the real script, as `npm run manifest -- …` does. */
function runManifestTool(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("npx", ["tsx", "tools/manifest.ts", ...args], { cwd: repoRoot, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run manifest", () => {
  it("--url prints a valid manifest with every request URL at <url>/slack/events, and nothing else changed", () => {
    const { status, stdout } = runManifestTool(["--url", "https://desk.example.com/"]);
    expect(status).toBe(0);
    const printed = JSON.parse(stdout) as Manifest;
    expect(errorsOf(printed)).toEqual([]);
    const url = "https://desk.example.com/slack/events";
    expect(printed.settings?.socket_mode_enabled).toBe(false);
    expect(printed.settings?.event_subscriptions?.request_url).toBe(url);
    expect(printed.settings?.interactivity).toEqual({ is_enabled: true, request_url: url, message_menu_options_url: url });
    expect(printed.features?.slash_commands?.map((c) => c.url)).toEqual(Object.values(COMMANDS).map(() => url));
    expect(stdout).not.toContain("your-host.example.com");
    // Scopes, events, commands and shortcuts come from manifest.json as they are.
    const withTemplateUrls = JSON.parse(stdout.replaceAll(url, "https://your-host.example.com/slack/events")) as Manifest;
    expect(withTemplateUrls).toEqual(manifest);
  });

  it("--url keeps a path prefix and takes a URL that already ends in /slack/events", () => {
    const printed = JSON.parse(runManifestTool(["--url=https://tools.example.com/desk/slack/events"]).stdout) as Manifest;
    expect(printed.settings?.event_subscriptions?.request_url).toBe("https://tools.example.com/desk/slack/events");
  });

  it("--socket-mode prints a valid manifest with Socket Mode on and no request URL", () => {
    const { status, stdout } = runManifestTool(["--socket-mode"]);
    expect(status).toBe(0);
    const printed = JSON.parse(stdout) as Manifest;
    expect(errorsOf(printed)).toEqual([]);
    expect(printed.settings?.socket_mode_enabled).toBe(true);
    expect(printed.settings?.interactivity).toEqual({ is_enabled: true });
    expect(printed.settings?.event_subscriptions?.bot_events).toEqual(manifest.settings?.event_subscriptions?.bot_events);
    expect(stdout).not.toMatch(/request_url|"url"|https?:\/\/your-host/);
    expect(printed.features?.slash_commands?.map((c) => c.command)).toEqual(manifest.features?.slash_commands?.map((c) => c.command));
  });

  it("refuses a missing, plain-http or malformed --url with a clear message, printing no manifest", () => {
    const missing = runManifestTool([]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("--url is required");
    // The other refusals, through the same entry point in-process.
    const refusal = (args: string[]) => {
      let out = "";
      let err = "";
      const status = manifestMain(args, { write: (s: string) => Boolean((out += s)) }, { write: (s: string) => Boolean((err += s)) });
      return { status, out, err };
    };
    const http = refusal(["--url", "http://desk.example.com"]);
    expect(http).toMatchObject({ status: 2, out: "" });
    expect(http.err).toContain("--url must start with https://");
    expect(refusal(["--url", "desk.example.com"]).err).toContain("is not a URL");
    expect(refusal(["--url", "https://desk.example.com/?x=1"]).err).toContain("no query");
    expect(refusal(["--url"]).err).toContain("--url needs the app's public address");
    expect(refusal(["--socket-mode", "--url", "https://desk.example.com"]).err).toContain("not both");
    expect(refusal(["--verbose"]).err).toContain('unknown argument "--verbose"');
  });
});
