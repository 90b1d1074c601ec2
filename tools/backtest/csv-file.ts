// A CSV file read in slices, so a history far larger than memory can be checked and replayed: the
// records in order with the byte range each takes in the file (to read an account's rows again later
// without the rest), and reading back a set of byte ranges. Records, fields and errors are those of
// parseCsv on the whole file.
import { closeSync, openSync, readSync } from "node:fs";
import { CsvSyntaxError, parseCsv, type CsvRecord } from "./csv.ts";

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const NEED_MORE = -1;
const BAD_QUOTE = -2;

/** Line breaks inside quoted fields of the record recordEnd last scanned. */
let innerBreaks = 0;

/**
 * Where the record starting at `i` ends (after its line break), as parseCsv splits records;
 * NEED_MORE when the bytes run out before (and more may come), BAD_QUOTE at text after a closing
 * quote (parseCsv gives the error).
 */
function recordEnd(buf: Buffer, i: number, n: number, eof: boolean): number {
  innerBreaks = 0;
  for (;;) {
    if (i >= n) return eof ? n : NEED_MORE;
    if (buf[i] === QUOTE) {
      let from = i + 1;
      for (;;) {
        const close = buf.indexOf(QUOTE, from);
        if (close < 0 || close >= n) return eof ? n : NEED_MORE;
        for (let k = from; k < close; k++) if (buf[k] === LF) innerBreaks++;
        if (close + 1 >= n && !eof) return NEED_MORE;
        if (close + 1 < n && buf[close + 1] === QUOTE) {
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (i < n && buf[i] !== COMMA && buf[i] !== LF && buf[i] !== CR) return BAD_QUOTE;
    } else {
      while (i < n) {
        const c = buf[i];
        if (c === COMMA || c === LF || c === CR) break;
        i++;
      }
      if (i >= n && !eof) return NEED_MORE;
    }
    if (i < n && buf[i] === COMMA) {
      i++;
      continue;
    }
    break;
  }
  if (i < n && buf[i] === CR) {
    i++;
    if (i >= n && !eof) return NEED_MORE;
  }
  if (i < n && buf[i] === LF) i++;
  return i;
}

export const CHUNK_BYTES = 1 << 16;

/**
 * Calls `each` with every record of the file at `path`, in order, with the byte range it takes
 * (its line break included). Throws CsvSyntaxError where parseCsv would. Holds one slice at a time.
 */
export function eachCsvRecord(path: string, each: (record: CsvRecord, start: number, end: number) => void, chunkBytes = CHUNK_BYTES): void {
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(chunkBytes);
    let n = 0; // bytes held
    let base = 0; // file offset of buf[0]
    let eof = false;
    let line = 1;
    const bounds: number[] = [];
    for (;;) {
      if (!eof) {
        if (n === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, n);
          buf = bigger;
        }
        const got = readSync(fd, buf, n, buf.length - n, base + n);
        if (got === 0) eof = true;
        else n += got;
      }
      // A byte-order mark at the start of the file belongs to no record (parseCsv skips it).
      let at = base === 0 && n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
      if (base === 0 && at === 0 && !eof && n < 3) continue;
      bounds.length = 0;
      let bad = false;
      const firstLine = line;
      while (at < n) {
        const end = recordEnd(buf, at, n, eof);
        if (end === NEED_MORE) break;
        if (end === BAD_QUOTE) {
          bad = true;
          break;
        }
        bounds.push(at, end);
        line += 1 + innerBreaks;
        at = end;
      }
      if (bad) {
        parseCsv(buf.toString("utf8", 0, n), firstLine);
        throw new CsvSyntaxError(line, `line ${line}: unexpected text after a closing quote`);
      }
      if (bounds.length) {
        const records = parseCsv(buf.toString("utf8", 0, at), firstLine);
        let r = 0;
        for (let k = 0; k < bounds.length; k += 2) {
          const c = buf[bounds[k]];
          // A blank line is not a record.
          if (c !== LF && c !== CR) each(records[r++], base + bounds[k], base + bounds[k + 1]);
        }
      }
      if (eof && at >= n) return;
      if (at > 0) {
        buf.copy(buf, 0, at, n);
        base += at;
        n -= at;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The records in byte ranges of a file ([start, end, start, end, ...], each range whole records as
 * eachCsvRecord gave them, in file order). Line numbers are not meaningful.
 */
export function readCsvRanges(fd: number, ranges: readonly number[], scratch: { buf: Buffer }): CsvRecord[] {
  let total = 0;
  for (let k = 0; k < ranges.length; k += 2) total += ranges[k + 1] - ranges[k];
  if (scratch.buf.length < total) scratch.buf = Buffer.allocUnsafe(Math.max(total, scratch.buf.length * 2));
  const buf = scratch.buf;
  let n = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    const length = ranges[k + 1] - ranges[k];
    let done = 0;
    while (done < length) {
      const got = readSync(fd, buf, n + done, length - done, ranges[k] + done);
      if (got === 0) throw new Error(`the file changed while it was read (${length - done} bytes missing at offset ${ranges[k] + done})`);
      done += got;
    }
    // Only the file's last record can lack a line break, and it comes last in file order.
    n += length;
  }
  return parseCsv(buf.toString("utf8", 0, n), 2);
}
