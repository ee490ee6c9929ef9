/**
 * BM25 lexical index over event text (Robertson & Zaragoza 2009, "The Probabilistic Relevance
 * Framework: BM25 and Beyond"), with the non-negative IDF of Lucene.
 */
import { ocrWordReading, STOP_WORDS, tokenize, type TokenizeOptions } from './lexical-text';

/** How BM25 tokenizes documents and queries: stop words dropped, numbers followed by their parts. */
const INDEX_TERMS: TokenizeOptions = { stopWords: STOP_WORDS, numberParts: true };

/**
 * The index terms of a text: the {@link tokenize} tokens without {@link STOP_WORDS}, each number
 * with inner `:`, `.` or `,` followed by its parts (`TRAIN LEAVES AT 7:45` → `train`, `leaves`,
 * `7:45`, `7`, `45`) so that `7` or `7.45` still match.
 */
export function indexTerms(text: string): string[] {
  return tokenize(text, INDEX_TERMS);
}

/** BM25 parameters. */
export interface Bm25Options {
  /** Term-frequency saturation; default 1.2. */
  k1?: number;
  /** Length normalisation in `[0, 1]`; default 0.75. */
  b?: number;
  /**
   * Also index the OCR-robust reading of each word that OCR mixed with digits ({@link ocrWordReading}:
   * `DO0R C0DE` is found by "door code"). Default false (a one-video store's BM25 is left as it is;
   * its agents match such words with `foldConfusables` themselves).
   */
  ocrReadings?: boolean;
}

/** One scored document of {@link LexicalIndex.search}. */
export interface LexicalMatch {
  /** Document id. */
  id: number;
  /** BM25 score, > 0. */
  score: number;
}

/** A growable posting list: internal document numbers (increasing) and term frequencies. */
class Posting {
  documents = new Int32Array(4);
  frequencies = new Uint16Array(4);
  length = 0;

  push(document: number, frequency: number): void {
    if (this.length === this.documents.length) {
      const documents = new Int32Array(this.length * 2);
      documents.set(this.documents);
      this.documents = documents;
      const frequencies = new Uint16Array(this.length * 2);
      frequencies.set(this.frequencies);
      this.frequencies = frequencies;
    }
    this.documents[this.length] = document;
    this.frequencies[this.length] = Math.min(frequency, 0xffff);
    this.length += 1;
  }
}

/** `a` ranks below `b`: lower score, or the same score and a higher id. */
function ranksBelow(a: LexicalMatch, b: LexicalMatch): boolean {
  return a.score < b.score || (a.score === b.score && a.id > b.id);
}

/**
 * An in-memory inverted index scored with BM25. Documents are added once (no removal), which is what
 * an append-only episodic memory needs. Posting lists are typed arrays; a query accumulates scores
 * term by term in a dense array and keeps the best `limit` in a bounded heap, so its cost is the
 * length of the query terms' posting lists (no sort of every matching document).
 */
export class LexicalIndex {
  private readonly postings = new Map<string, Posting>();
  /** External id of each internal document number. */
  private ids: number[] = [];
  private lengths = new Float32Array(16);
  private totalLength = 0;
  /** Score accumulator by internal document number; all zero between queries. */
  private scores = new Float64Array(16);
  private readonly k1: number;
  private readonly b: number;
  private readonly ocrReadings: boolean;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.ocrReadings = options.ocrReadings ?? false;
  }

  /** Number of documents. */
  get size(): number {
    return this.ids.length;
  }

  /** Indexes `text` under `id` (ids must be unique). */
  add(id: number, text: string): void {
    const words = indexTerms(text);
    const terms = this.ocrReadings ? [...words, ...words.map(ocrWordReading).filter((reading): reading is string => reading !== undefined)] : words;
    const document = this.ids.length;
    this.ids.push(id);
    if (document === this.lengths.length) {
      const lengths = new Float32Array(document * 2);
      lengths.set(this.lengths);
      this.lengths = lengths;
      this.scores = new Float64Array(document * 2);
    }
    this.lengths[document] = terms.length;
    this.totalLength += terms.length;
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, frequency] of counts) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Posting();
        this.postings.set(term, posting);
      }
      posting.push(document, frequency);
    }
  }

  /**
   * Scores the documents sharing a term with `query`, best first (ties: lower id first).
   * @param limit most matches returned.
   * @param allowed when given, only these ids are scored.
   */
  search(query: string, limit: number, allowed?: (id: number) => boolean): LexicalMatch[] {
    const documentCount = this.size;
    if (limit <= 0 || documentCount === 0) return [];
    const averageLength = this.totalLength / documentCount || 1;
    const { scores, lengths, ids, k1, b } = this;
    const touched: number[] = [];
    const refused = allowed ? new Set<number>() : undefined;
    for (const term of new Set(indexTerms(query))) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (documentCount - posting.length + 0.5) / (posting.length + 0.5));
      const { documents, frequencies } = posting;
      for (let i = 0; i < posting.length; i += 1) {
        const document = documents[i];
        if (scores[document] === 0) {
          if (refused && (refused.has(document) || !allowed!(ids[document]))) {
            refused.add(document);
            continue;
          }
          touched.push(document);
        }
        const frequency = frequencies[i];
        const norm = frequency + k1 * (1 - b + (b * lengths[document]) / averageLength);
        scores[document] += (idf * frequency * (k1 + 1)) / norm;
      }
    }
    // Best `limit` in a min-heap (its root ranks lowest), then sorted.
    const heap: LexicalMatch[] = [];
    for (const document of touched) {
      const match = { id: ids[document], score: scores[document] };
      scores[document] = 0;
      if (!(match.score > 0)) continue;
      if (heap.length < limit) {
        heap.push(match);
        for (let child = heap.length - 1; child > 0; ) {
          const parent = (child - 1) >> 1;
          if (!ranksBelow(heap[child], heap[parent])) break;
          [heap[child], heap[parent]] = [heap[parent], heap[child]];
          child = parent;
        }
      } else if (ranksBelow(heap[0], match)) {
        heap[0] = match;
        for (let parent = 0; ; ) {
          const left = 2 * parent + 1;
          const right = left + 1;
          let lowest = parent;
          if (left < heap.length && ranksBelow(heap[left], heap[lowest])) lowest = left;
          if (right < heap.length && ranksBelow(heap[right], heap[lowest])) lowest = right;
          if (lowest === parent) break;
          [heap[lowest], heap[parent]] = [heap[parent], heap[lowest]];
          parent = lowest;
        }
      }
    }
    return heap.sort((x, y) => y.score - x.score || x.id - y.id);
  }
}
