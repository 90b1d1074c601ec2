// The CSV the API answers (RFC 4180: a header row, then one line per row, CRLF line ends), with cells a
// spreadsheet will not run: text that starts with =, +, -, @, a tab or a carriage return (a formula to
// Excel, LibreOffice and Google Sheets, e.g. a customer's `=HYPERLINK(...)` in feedback text) gets a
// leading `'`, as OWASP's CSV-injection guidance says. Numbers are written as numbers (a negative figure
// stays -3), so only text that came from people or other systems is ever changed.

export type Cell = string | number | boolean | null;

export type Columns<T> = readonly (readonly [name: string, pick: (row: T) => Cell])[];

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers rounded to `decimals`, formula-like text defused with a leading `'`, quoted when needed. */
export function csvCell(value: Cell, decimals = 6): string {
  if (value === null) return "";
  if (typeof value === "number") return String(Number.isInteger(value) ? value : Number(value.toFixed(decimals)));
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row of the column names, then one line per row. */
export function toCsv<T>(columns: Columns<T>, rows: readonly T[], options: { decimals?: number } = {}): string {
  const lines = [columns.map(([name]) => csvCell(name)).join(",")];
  for (const row of rows) lines.push(columns.map(([, pick]) => csvCell(pick(row), options.decimals)).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
