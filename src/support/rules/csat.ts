// Customer satisfaction (CSAT): when a ticket is resolved its customer's thread may get a short survey
// (1 to 5). Which tickets are sampled, who may answer, what counts as a low score (told to the team once),
// and what a comment may be. One answer per ticket per person, which they may change.

export const CSAT_MIN_SCORE = 1;
export const CSAT_MAX_SCORE = 5;
/** Scores at or below this are posted in the card's thread. */
export const CSAT_LOW_SCORE = 2;
export const CSAT_COMMENT_MAX_CHARS = 3000;

export interface CsatSettings {
  /** CSAT_ENABLED */
  enabled: boolean;
  /** CSAT_SAMPLE_RATE: the share of resolved tickets that get a survey (0..1). */
  sampleRate: number;
  /** CSAT_MIN_DAYS_BETWEEN: at most one survey per requester within this many days (0: no limit). */
  minDaysBetween: number;
}

/** A survey as stored: the ticket, and whose team it asks. */
export interface CsatSurvey {
  ticketId: number;
  channelId: string;
  requesterId: string;
  requesterTeamId: string | null;
  sentAt: Date;
}

/** Who clicked: their user id, their workspace, and the app's own workspace (the home team). */
export interface CsatVoter {
  userId: string;
  teamId: string | null;
  homeTeamId: string | null;
}

export type CsatSkipReason = "disabled" | "already_surveyed" | "not_sampled" | "recently_surveyed";

/** A score as the customer may give it: a whole number from 1 to 5. */
export function isCsatScore(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= CSAT_MIN_SCORE && value <= CSAT_MAX_SCORE;
}

export const isLowScore = (score: number): boolean => score <= CSAT_LOW_SCORE;

/** The low scores, as stored in the answer events ("1", "2"). */
export function lowScores(): string[] {
  const scores: string[] = [];
  for (let s = CSAT_MIN_SCORE; s <= CSAT_LOW_SCORE; s++) scores.push(String(s));
  return scores;
}

/** Where a ticket falls in [0, 1): the same ticket always lands in the same place, so sampling is repeatable. */
export function sampleFraction(ticketId: number): number {
  const digest = sha256(new TextEncoder().encode(`csat:${ticketId}`));
  return digest[0] / 2 ** 32;
}

/** The earliest survey time that still counts as recent for the per-requester limit (null: no limit). */
export function recentSurveySince(settings: CsatSettings, at: Date): Date | null {
  return settings.minDaysBetween > 0 ? new Date(at.getTime() - settings.minDaysBetween * 86_400_000) : null;
}

/** Whether a resolved ticket is in the CSAT sample (CSAT_SAMPLE_RATE of them, always the same ones). */
export const isSampled = (ticketId: number, sampleRate: number): boolean => sampleFraction(ticketId) < sampleRate;

/**
 * Whether this voter may answer a survey sent to the requester: the requester always; a colleague only in
 * another company's workspace (Slack Connect). In the app's own workspace everyone shares the team id, so
 * only the requester answers; with the home team unknown, only the requester.
 */
export function mayAnswer(survey: Pick<CsatSurvey, "requesterId" | "requesterTeamId">, voter: CsatVoter): boolean {
  if (voter.userId === survey.requesterId) return true;
  const team = survey.requesterTeamId;
  return Boolean(team && voter.teamId === team && voter.homeTeamId && team !== voter.homeTeamId);
}

/** A comment as stored: trimmed and at most CSAT_COMMENT_MAX_CHARS (empty: no comment). */
export const normalizeComment = (text: string): string => text.trim().slice(0, CSAT_COMMENT_MAX_CHARS);

// ------------------------------------------------------------------ SHA-256 (FIPS 180-4), for sampling

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** The SHA-256 digest of `bytes` as eight big-endian 32-bit words. */
export function sha256(bytes: Uint8Array): Uint32Array {
  const bitLength = bytes.length * 8;
  const blocks = Math.ceil((bytes.length + 9) / 64);
  const data = new Uint8Array(blocks * 64);
  data.set(bytes);
  data[bytes.length] = 0x80;
  const view = new DataView(data.buffer);
  view.setUint32(data.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(data.length - 4, bitLength >>> 0);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(block * 64 + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  return h;
}
