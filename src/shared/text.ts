// Text from outside (Slack events and payloads, the Web API's answers, API batches, forms) may hold what
// a database cannot store: U+0000 (Postgres refuses it in text) and UTF-16 surrogates without their pair
// (not Unicode: Postgres and SQLite store U+FFFD instead, so the text read back differs from the text
// written). Cleaning it on the way in makes the same input store the same everywhere.

/** A NUL, or a surrogate without its pair. */
// eslint-disable-next-line no-control-regex -- finding U+0000 is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const UNSTORABLE_ONE = new RegExp(UNSTORABLE.source);

/** The text without U+0000, with each unpaired surrogate replaced by U+FFFD (the replacement character). */
export function cleanText(text: string): string {
  if (!UNSTORABLE_ONE.test(text)) return text;
  return text.replace(UNSTORABLE, (c) => (c === "\u0000" ? "" : "\uFFFD"));
}

/** Whether the text holds nothing cleanText would change (for identifiers, which are refused rather than changed). */
export function isCleanText(text: string): boolean {
  return !UNSTORABLE_ONE.test(text);
}

/**
 * Cleans every string (and object key) of a freshly parsed JSON value in place, without recursion (any
 * depth), and returns it.
 */
export function cleanStrings<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (value === null || typeof value !== "object") return value;
  const stack: object[] = [value as object];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === "string") node[i] = cleanText(v);
        else if (v !== null && typeof v === "object") stack.push(v);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      const cleanKey = cleanText(key);
      if (cleanKey !== key) {
        delete record[key];
        record[cleanKey] = v;
      }
      if (typeof v === "string") record[cleanKey] = cleanText(v);
      else if (v !== null && typeof v === "object") stack.push(v);
    }
  }
  return value;
}

/**
 * JSON text as a value whose strings are clean. Read from bytes, JSON holds these characters only as
 * escapes (`\u0000`, `\ud800`): text with neither such an escape nor such a character is parsed as it is.
 */
export function parseCleanJson(text: string): unknown {
  const parsed = JSON.parse(text) as unknown;
  return /\\u(?:0000|[dD][89a-fA-F])/.test(text) || !isCleanText(text) ? cleanStrings(parsed) : parsed;
}
