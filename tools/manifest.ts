// npm run manifest -- --url https://desk.example.com     the app's manifest with every request URL filled in
// npm run manifest -- --socket-mode                        the Socket Mode variant (no request URLs)
//
// Prints manifest.json (the repository's own, the one source of scopes, events, commands and shortcuts) as
// JSON to paste into Slack (api.slack.com/apps → Create New App → From a manifest, or an app's App Manifest
// page). With --url, events, interactivity and every slash command go to <url>/slack/events; with
// --socket-mode, settings.socket_mode_enabled is true and no request URL is left (Slack then reaches the
// app over the connection SLACK_APP_TOKEN opens). Exit 2: wrong arguments.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const MANIFEST_FILE = path.resolve(import.meta.dirname, "..", "manifest.json");
const EVENTS_PATH = "/slack/events";

export const USAGE = `Usage: npm run manifest -- --url https://<public address of the app>
       npm run manifest -- --socket-mode
  --url <https://…>   the public HTTPS address Slack reaches the app at (events, interactivity and
                      slash commands all go to <url>${EVENTS_PATH})
  --socket-mode       Socket Mode instead: no request URLs (set SLACK_APP_TOKEN when you start the app)`;

export class ManifestArgumentError extends Error {}

export type ManifestMode = { mode: "http"; baseUrl: string } | { mode: "socket" };

/** The manifest's shape as far as this tool changes it (the rest is copied as it is). */
interface Manifest {
  features?: { slash_commands?: { url?: string }[] } & Record<string, unknown>;
  settings?: {
    event_subscriptions?: { request_url?: string } & Record<string, unknown>;
    interactivity?: { is_enabled?: boolean; request_url?: string; message_menu_options_url?: string } & Record<string, unknown>;
    socket_mode_enabled?: boolean;
  } & Record<string, unknown>;
}

/** The public base URL: https, a host, no query or fragment; a trailing "/" or "/slack/events" is dropped. */
export function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ManifestArgumentError(
      `--url ${JSON.stringify(value)} is not a URL: give the app's public address, such as https://desk.example.com`,
    );
  }
  if (url.protocol !== "https:")
    throw new ManifestArgumentError(
      `--url must start with https:// (Slack sends requests only to HTTPS addresses); got ${JSON.stringify(value)}. Without a public HTTPS address, use --socket-mode`,
    );
  if (url.search || url.hash || url.username || url.password)
    throw new ManifestArgumentError(`--url must be a plain address such as https://desk.example.com (no query, fragment or credentials)`);
  let pathname = url.pathname.replace(/\/+$/, "");
  if (pathname.endsWith(EVENTS_PATH)) pathname = pathname.slice(0, -EVENTS_PATH.length);
  return `${url.origin}${pathname}`;
}

export function parseArguments(argv: string[]): ManifestMode {
  let url: string | undefined;
  let socket = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--socket-mode") socket = true;
    else if (arg === "--url") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--"))
        throw new ManifestArgumentError("--url needs the app's public address, such as --url https://desk.example.com");
      url = value;
    } else if (arg.startsWith("--url=")) url = arg.slice("--url=".length);
    else throw new ManifestArgumentError(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (socket && url !== undefined) throw new ManifestArgumentError("give either --url or --socket-mode, not both");
  if (socket) return { mode: "socket" };
  if (url === undefined)
    throw new ManifestArgumentError(
      "--url is required: the public HTTPS address where Slack reaches the app (or --socket-mode to connect out instead)",
    );
  return { mode: "http", baseUrl: parseBaseUrl(url) };
}

export function readManifest(file = MANIFEST_FILE): Manifest {
  return JSON.parse(readFileSync(file, "utf8")) as Manifest;
}

/** The manifest for one way of reaching the app; `template` is left as it was. */
export function buildManifest(template: Manifest, mode: ManifestMode): Manifest {
  const manifest = structuredClone(template);
  const settings = (manifest.settings ??= {});
  const commands = manifest.features?.slash_commands ?? [];
  if (mode.mode === "http") {
    const url = `${mode.baseUrl}${EVENTS_PATH}`;
    settings.socket_mode_enabled = false;
    if (settings.event_subscriptions) settings.event_subscriptions.request_url = url;
    settings.interactivity = { ...settings.interactivity, is_enabled: true, request_url: url };
    // Options for external select menus go to the same endpoint, when the manifest asks for them.
    if (settings.interactivity.message_menu_options_url !== undefined) settings.interactivity.message_menu_options_url = url;
    for (const command of commands) command.url = url;
  } else {
    settings.socket_mode_enabled = true;
    if (settings.event_subscriptions) delete settings.event_subscriptions.request_url;
    settings.interactivity = { ...settings.interactivity, is_enabled: true };
    delete settings.interactivity.request_url;
    delete settings.interactivity.message_menu_options_url;
    for (const command of commands) delete command.url;
  }
  return manifest;
}

interface Writer {
  write(text: string): unknown;
}

export function main(argv: string[], out: Writer = process.stdout, err: Writer = process.stderr): number {
  let mode: ManifestMode;
  try {
    mode = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof ManifestArgumentError)) throw error;
    err.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  out.write(`${JSON.stringify(buildManifest(readManifest(), mode), null, 2)}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
