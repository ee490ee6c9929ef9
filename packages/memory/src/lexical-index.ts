/**
 * BM25 lexical index over event text (Robertson & Zaragoza 2009, "The Probabilistic Relevance
 * Framework: BM25 and Beyond"), with the non-negative IDF of Lucene.
 */

/** English words too common to say anything about an event; dropped from documents and queries. */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'did', 'do', 'does', 'for', 'from', 'has', 'have',
  'in', 'is', 'it', 'its', 'of', 'on', 'or', 'that', 'the', 'their', 'there', 'this', 'to', 'was',
  'were', 'what', 'when', 'where', 'which', 'who', 'why', 'how', 'with',
]);

/** Numbers with inner separators (`7:45`, `1:02:03`, `3.5`, `1,000`), else runs of letters and digits. */
const TOKEN_PATTERN = /\p{N}+(?:[:.,]\p{N}+)+|[\p{L}\p{N}]+/gu;

/**
 * Splits text into lower-case index terms: runs of letters/digits, and numbers with inner `:`, `.`
 * or `,` kept whole (`7:45`), each followed by its numeric parts (`7`, `45`) so that `7.45` or `7`
 * still match. Stop words (`the`, `at`, `what`...) are dropped. Text is NFKC-normalised first, so
 * full-width digits match ASCII ones.
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(TOKEN_PATTERN)) {
    const token = match[0];
    if (STOP_WORDS.has(token)) continue;
    terms.push(token);
    if (/[:.,]/.test(token)) {
      for (const part of token.split(/[:.,]/)) terms.push(part);
    }
  }
  return terms;
}

/** BM25 parameters. */
export interface Bm25Options {
  /** Term-frequency saturation; default 1.2. */
  k1?: number;
  /** Length normalisation in `[0, 1]`; default 0.75. */
  b?: number;
}

/** One scored document of {@link LexicalIndex.search}. */
export interface LexicalMatch {
  /** Document id. */
  id: number;
  /** BM25 score, > 0. */
  score: number;
}

/**
 * An in-memory inverted index scored with BM25. Documents are added once (no removal), which is what
 * an append-only episodic memory needs.
 */
export class LexicalIndex {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly lengths = new Map<number, number>();
  private totalLength = 0;
  private readonly k1: number;
  private readonly b: number;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  /** Number of documents. */
  get size(): number {
    return this.lengths.size;
  }

  /** Indexes `text` under `id` (ids must be unique). */
  add(id: number, text: string): void {
    const terms = tokenize(text);
    this.lengths.set(id, terms.length);
    this.totalLength += terms.length;
    for (const term of terms) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(id, (posting.get(id) ?? 0) + 1);
    }
  }

  /**
   * Scores the documents sharing a term with `query`, best first (ties: lower id first).
   * @param limit most matches returned.
   * @param allowed when given, only these ids are scored.
   */
  search(query: string, limit: number, allowed?: (id: number) => boolean): LexicalMatch[] {
    if (limit <= 0 || this.size === 0) return [];
    const documentCount = this.size;
    const averageLength = this.totalLength / documentCount || 1;
    const scores = new Map<number, number>();
    for (const term of new Set(tokenize(query))) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (documentCount - posting.size + 0.5) / (posting.size + 0.5));
      for (const [id, frequency] of posting) {
        if (allowed && !allowed(id)) continue;
        const length = this.lengths.get(id) ?? 0;
        const norm = frequency + this.k1 * (1 - this.b + (this.b * length) / averageLength);
        scores.set(id, (scores.get(id) ?? 0) + (idf * frequency * (this.k1 + 1)) / norm);
      }
    }
    return [...scores]
      .filter(([, score]) => score > 0)
      .map(([id, score]) => ({ id, score }))
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .slice(0, limit);
  }
}
