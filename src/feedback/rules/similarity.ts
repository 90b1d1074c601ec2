// Suggested themes by text similarity, computed locally: each active theme gets a profile from its name
// and its most recent items (TF-IDF over stemmed words, stop words left out, winkNLP's English model from
// npm, nothing downloaded at run time); a new text is scored by cosine similarity against each profile.
// Pure: the store reads the documents, the suggest-themes use case caches the index.
import winkNLP, { type ItsFunction } from "wink-nlp";
import model from "wink-eng-lite-web-model";
import type { Suggestion } from "./feedback.ts";

export interface SimilaritySettings {
  /** The least cosine similarity that is suggested. */
  threshold: number;
  /** At most this many suggestions. */
  maxSuggestions: number;
  /** The most recent items read per theme. */
  itemsPerTheme: number;
  /** Profiles older than this are rebuilt on the next suggestion. */
  maxAgeMs: number;
}

/**
 * Tuned on short feedback texts: a paraphrase sharing two or three content words with a theme's items
 * scores 0.4–0.8, a text sharing one incidental word ("report", "team") 0.05–0.15, unrelated text 0.
 */
export const DEFAULT_SIMILARITY: SimilaritySettings = { threshold: 0.2, maxSuggestions: 3, itemsPerTheme: 200, maxAgeMs: 60_000 };

type Vector = Map<string, number>;

let nlp: ReturnType<typeof winkNLP> | null = null;

/** The text's content words, stemmed: no stop words, punctuation, numbers, links, mentions or emoji. */
export function terms(text: string): string[] {
  nlp ??= winkNLP(model);
  const its = nlp.its;
  const plain = text
    .replace(/<(?:https?|mailto):[^|>]*\|([^>]*)>/g, " $1 ") // a link with a label keeps the label
    .replace(/<[^>]*>/g, " ") // mentions, channels, bare links
    .replace(/:[a-z0-9_+'-]+:/g, " "); // emoji codes
  const tokens = nlp.readDoc(plain).tokens();
  const types = tokens.out(its.type);
  const stop = tokens.out(its.stopWordFlag);
  // The declared type of `its.stem` does not match `out`'s parameter; it is a token function like the others.
  const stems = tokens.out(its.stem as unknown as ItsFunction<string>);
  const out: string[] = [];
  for (let i = 0; i < types.length; i++) {
    if (types[i] !== "word" || stop[i]) continue;
    const stem = String(stems[i]).toLowerCase();
    if (stem.length > 1 && /\p{L}/u.test(stem)) out.push(stem);
  }
  return out;
}

/** Sublinear term frequencies: 1 + ln(count). */
function termFrequencies(words: string[]): Vector {
  const counts: Vector = new Map();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const [w, n] of counts) counts.set(w, 1 + Math.log(n));
  return counts;
}

function normalize(v: Vector): Vector {
  let sum = 0;
  for (const x of v.values()) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm === 0) return v;
  for (const [k, x] of v) v.set(k, x / norm);
  return v;
}

/** Theme profiles: the normalized mean of their documents' TF-IDF vectors, with the corpus's IDF. */
export class SimilarityIndex {
  private readonly idf = new Map<string, number>();
  private readonly profiles: { id: number; name: string; vector: Vector }[] = [];
  private readonly unseenIdf: number;

  /** `themes`: each theme's documents (its name and its items' texts). */
  constructor(themes: { id: number; name: string; documents: string[] }[]) {
    const docs = themes.map((t) => ({ theme: t, vectors: t.documents.map((d) => termFrequencies(terms(d))).filter((v) => v.size > 0) }));
    const df = new Map<string, number>();
    let n = 0;
    for (const d of docs) {
      for (const v of d.vectors) {
        n += 1;
        for (const w of v.keys()) df.set(w, (df.get(w) ?? 0) + 1);
      }
    }
    // Smoothed IDF, as if one more document held every word: never zero, never negative.
    for (const [w, f] of df) this.idf.set(w, Math.log((n + 1) / (f + 1)) + 1);
    this.unseenIdf = Math.log(n + 1) + 1;
    for (const { theme, vectors } of docs) {
      if (!vectors.length) continue;
      const sum: Vector = new Map();
      for (const v of vectors) {
        for (const [w, x] of this.weigh(v)) sum.set(w, (sum.get(w) ?? 0) + x);
      }
      this.profiles.push({ id: theme.id, name: theme.name, vector: normalize(sum) });
    }
  }

  get size(): number {
    return this.profiles.length;
  }

  /** The themes most similar to the text, best first, at least `threshold`. */
  score(text: string, threshold: number, max: number): Suggestion[] {
    const query = termFrequencies(terms(text));
    if (query.size === 0) return [];
    const q = this.weigh(query);
    const scored: Suggestion[] = [];
    for (const p of this.profiles) {
      let dot = 0;
      for (const [w, x] of q) dot += x * (p.vector.get(w) ?? 0);
      if (dot >= threshold) scored.push({ id: p.id, name: p.name, similarity: Math.round(dot * 1000) / 1000 });
    }
    return scored.sort((a, b) => b.similarity - a.similarity || a.id - b.id).slice(0, max);
  }

  private weigh(tf: Vector): Vector {
    const out: Vector = new Map();
    for (const [w, x] of tf) out.set(w, x * (this.idf.get(w) ?? this.unseenIdf));
    return normalize(out);
  }
}
