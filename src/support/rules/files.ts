// The files a customer shares with a message (a screenshot, a log, a PDF). They stay where the customer
// put them, in the customer's thread; a ticket keeps what it needs to show and find them.

/** A file shared with a message, as a ticket keeps it. */
export interface AttachedFile {
  id: string;
  /** The file's name (with its extension), when known. */
  name: string | null;
  /** The title the person gave it, when known. */
  title: string | null;
  mimetype: string | null;
  /** The workspace's short type ("png", "pdf", "text"), when known. */
  filetype: string | null;
  /** Bytes, when known. */
  size: number | null;
  /** Where the file is, for people of the workspace. */
  permalink: string | null;
  /** Whether the app could read the file's details (false: it knows only that there is a file). */
  readable: boolean;
}

/** A file as a message arrives with it: `readable` null means its details must still be asked for. */
export type ReceivedFile = Omit<AttachedFile, "readable"> & { readable: boolean | null };

/** At most this many files are kept per message (Slack allows 10 per upload). */
export const MAX_FILES_PER_MESSAGE = 20;

/** A file's details unknown: shown as a file the app cannot open. */
export function unreadableFile(id: string): AttachedFile {
  return { id, name: null, title: null, mimetype: null, filetype: null, size: null, permalink: null, readable: false };
}

/** The files as stored with a message (null: none). */
export function filesToJson(files: readonly AttachedFile[]): string | null {
  return files.length === 0 ? null : JSON.stringify(files.slice(0, MAX_FILES_PER_MESSAGE).map(keepFields));
}

/** The files stored with a message; anything unreadable in the stored value is left out. */
export function filesFromJson(json: string | null): AttachedFile[] {
  if (!json) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (item === null || typeof item !== "object") return [];
    const f = item as Record<string, unknown>;
    if (typeof f.id !== "string" || f.id === "") return [];
    const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
    return [
      {
        id: f.id,
        name: text(f.name),
        title: text(f.title),
        mimetype: text(f.mimetype),
        filetype: text(f.filetype),
        size: typeof f.size === "number" && Number.isFinite(f.size) && f.size >= 0 ? f.size : null,
        permalink: text(f.permalink),
        readable: f.readable === true,
      },
    ];
  });
}

function keepFields(f: AttachedFile): AttachedFile {
  return {
    id: f.id,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: f.filetype,
    size: f.size,
    permalink: f.permalink,
    readable: f.readable,
  };
}
