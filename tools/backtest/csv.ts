// A small CSV reader and writer (RFC 4180: comma-separated, fields in double quotes may hold commas,
// quotes written twice and line breaks; CRLF or LF). Each record keeps the line it starts on so
// errors can point at it.

export interface CsvRecord {
  /** 1-based line number in the file where the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * The records of `text`. `firstLine` is the line number of its first character (a part of a file read
 * in slices); a byte-order mark is skipped only at the start of a file (line 1).
 */
export function parseCsv(text: string, firstLine = 1): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = firstLine === 1 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = firstLine;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let quoted = false;
    // One record: fields up to an unquoted line break or the end of the text.
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        quoted = true;
        let value = "";
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0)
            throw new CsvSyntaxError(recordLine, `line ${recordLine}: a quoted field is never closed (a missing " at the end?)`);
          const chunk = text.slice(from, close);
          for (let k = chunk.indexOf("\n"); k >= 0; k = chunk.indexOf("\n", k + 1)) line++;
          value += chunk;
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            from = close + 2;
            continue;
          }
          i = close + 1;
          break;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== LF && next !== CR) {
          throw new CsvSyntaxError(
            line,
            `line ${line}: unexpected text after a closing quote; a quote inside a quoted field is written twice ("")`,
          );
        }
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }
    // At a line break or the end.
    if (text.charCodeAt(i) === CR) i++;
    if (text.charCodeAt(i) === LF) i++;
    line++;
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === "" && !quoted)) records.push({ line: recordLine, fields });
  }
  return records;
}

const needsQuotes = /[",\r\n]/;

/** One CSV line (with its line break) from the fields, quoting those that need it. */
export function csvLine(fields: readonly (string | number | null)[]): string {
  return (
    fields
      .map((f) => {
        const s = f === null ? "" : String(f);
        return needsQuotes.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(",") + "\n"
  );
}
