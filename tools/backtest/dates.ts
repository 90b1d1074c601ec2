// Calendar days as integers (days since 1970-01-01, UTC), so windows are plain arithmetic.
const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const parsed = new Map<string, number | null>();

/** The day number of a YYYY-MM-DD date, or null when it is not a real calendar date (memoised: files repeat dates). */
export function parseDay(text: string): number | null {
  let day = parsed.get(text);
  if (day === undefined) {
    day = parseDayUncached(text);
    if (parsed.size < 100_000) parsed.set(text, day);
  }
  return day;
}

function parseDayUncached(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCFullYear() !== Number(m[1]) || back.getUTCMonth() !== Number(m[2]) - 1 || back.getUTCDate() !== Number(m[3])) return null;
  return ms / DAY_MS;
}

/** The instant of an ISO 8601 time (or a bare YYYY-MM-DD, read as midnight UTC), or null when unreadable. */
export function parseInstant(text: string): Date | null {
  if (DATE.test(text)) {
    const day = parseDay(text);
    return day === null ? null : new Date(day * DAY_MS);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The UTC day an instant falls on. */
export const dayOfInstant = (at: Date): number => Math.floor(at.getTime() / DAY_MS);

/** YYYY-MM-DD of a day number. */
export const dateOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** 0 = Sunday ... 6 = Saturday. */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

export const instantOf = (day: number, hours = 0): Date => new Date(day * DAY_MS + hours * 3_600_000);
