// How the files customers share are shown on the triage card and in its thread: each with its name, type,
// size when known and a link to it in Slack; a file the app could not read, with a link to its message.
import type { AttachedFile } from "../../support/rules/files.ts";
import { escapeSlackText, truncate } from "./limits.ts";

/** At most this many files are listed one by one; the rest are counted. */
const LISTED = 10;
const NAME_MAX = 120;

export const UNREADABLE_FILE = "a file the app cannot open";

/** Bytes for people: "812 B", "4.2 KB", "245 KB", "12 MB". */
export function fileSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, "");
  return `${shown} ${units[unit]}`;
}

/** A short type: the workspace's file type ("PNG", "PDF") or else the MIME type. */
function fileType(file: AttachedFile): string | null {
  if (file.filetype && /^[a-z0-9_+.-]{1,16}$/i.test(file.filetype)) return file.filetype.toUpperCase();
  if (file.mimetype && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(file.mimetype)) return file.mimetype;
  return null;
}

/** A link inside mrkdwn, when the address is plainly one (it came from Slack). */
function link(url: string | null | undefined, label: string): string {
  return url && /^https:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${label}>` : label;
}

/** One file: its name linked to it, then its type and size; or "a file the app cannot open" linked to the message. */
export function fileLine(file: AttachedFile, messageLink: string | null): string {
  if (!file.readable) return link(messageLink, UNREADABLE_FILE);
  const name = escapeSlackText(truncate((file.name || file.title || "a file").replace(/\s+/g, " ").trim(), NAME_MAX)).replace(/\|/g, "¦");
  const title =
    file.title && file.name && file.title.trim() !== file.name.trim() && !file.name.startsWith(file.title.trim())
      ? ` “${escapeSlackText(truncate(file.title.replace(/\s+/g, " ").trim(), NAME_MAX))}”`
      : "";
  const facts = [fileType(file), file.size !== null ? fileSize(file.size) : null].filter(Boolean);
  return `${link(file.permalink, name)}${title}${facts.length ? ` · ${facts.join(" · ")}` : ""}`;
}

/** The files as a bulleted list, at most LISTED of them, the rest counted. */
export function fileList(files: readonly AttachedFile[], messageLink: string | null): string {
  const lines = files.slice(0, LISTED).map((f) => `• ${fileLine(f, messageLink)}`);
  if (files.length > LISTED) lines.push(`• and ${files.length - LISTED} more in the message`);
  return lines.join("\n");
}

export const filesCount = (n: number): string => (n === 1 ? "1 file" : `${n} files`);
