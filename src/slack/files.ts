// Files people share with their messages, as Slack describes them: read from the message event, or, in a
// Slack Connect channel where the event names only the file (`file_access: "check_file_info"`), asked for
// with files.info (the files:read scope). That call is made while the inbox works the event, after Slack
// has its acknowledgement; a file Slack will not describe is kept as one the app cannot open.
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../platform/observability/log.ts";
import { cleanStrings } from "../shared/text.ts";
import { MAX_FILES_PER_MESSAGE, unreadableFile, type AttachedFile, type ReceivedFile } from "../support/rules/files.ts";
import type { SharedFiles } from "../support/ports.ts";
import type { EventFile } from "./payloads.ts";

/** Slack's file modes for a file it no longer shows: over the free plan's limit, or deleted. */
const GONE_MODES = new Set(["hidden_by_limit", "tombstone"]);

/** Whether Slack described the file: `file_access` absent or "visible" ("access_denied" and the like are not), and not gone. */
const described = (f: Pick<EventFile, "file_access" | "mode">): boolean =>
  (!f.file_access || f.file_access === "visible") && !(f.mode && GONE_MODES.has(f.mode));

/** A link Slack gave for a file, kept only when it is a plain https address (it ends up inside mrkdwn links). */
export function safeLink(url: string | null | undefined): string | null {
  return url && /^https:\/\/[^\s<>|]+$/.test(url) ? url : null;
}

const text = (value: string | null | undefined): string | null => (value ? value : null);

/** What a file's description says, with the given readability. */
function describeFile(f: Partial<EventFile> & { id: string }, readable: boolean): AttachedFile {
  return {
    id: f.id,
    name: text(f.name),
    title: text(f.title),
    mimetype: text(f.mimetype),
    filetype: text(f.filetype),
    size: typeof f.size === "number" ? f.size : null,
    permalink: safeLink(f.permalink),
    readable,
  };
}

/** The files of a message event: described, gone (unreadable), or to be asked for (readable null). */
export function receivedFiles(files: readonly EventFile[] | undefined): ReceivedFile[] {
  return (files ?? []).slice(0, MAX_FILES_PER_MESSAGE).map((f): ReceivedFile => {
    if (f.file_access === "check_file_info") return { ...unreadableFile(f.id), readable: null };
    return describeFile(f, described(f));
  });
}

/** Files as an internal note keeps them: no one is asked; what the event did not describe is unreadable. */
export function notedFiles(files: readonly EventFile[] | undefined): AttachedFile[] {
  return receivedFiles(files).map((f) => ({ ...f, readable: f.readable === true }));
}

export class SlackFiles implements SharedFiles {
  constructor(
    /** The client for reads after Slack has its answer (a couple of quick retries). */
    private readonly client: WebClient,
    private readonly log: Logger,
  ) {}

  async describe(files: readonly ReceivedFile[]): Promise<AttachedFile[]> {
    return Promise.all(files.map((f) => (f.readable === null ? this.info(f.id) : { ...f, readable: f.readable })));
  }

  private async info(id: string): Promise<AttachedFile> {
    try {
      // Cleaned as every text from Slack is (no U+0000, no unpaired surrogates): it is stored and shown.
      const r = cleanStrings((await this.client.files.info({ file: id })) as { file?: EventFile });
      if (!r.file || !described(r.file)) {
        this.log.info(
          { event: "file.unreadable", file: id, access: r.file?.file_access ?? r.file?.mode ?? null },
          "Slack did not describe a file",
        );
        return r.file ? describeFile({ ...r.file, id }, false) : unreadableFile(id);
      }
      return describeFile({ ...r.file, id }, true);
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      this.log.info({ event: "file.unreadable", file: id, error: code }, "files.info failed: the file is kept as one the app cannot open");
      return unreadableFile(id);
    }
  }
}
