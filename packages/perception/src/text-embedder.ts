/**
 * Text embedders: the {@link TextEmbedder} interface and a local deterministic
 * {@link HashingEmbedder} that needs no model file.
 */
import { LongVidError, throwIfAborted } from '@longvid/core';
import { tokenize } from './tokenize';

/** Options of {@link TextEmbedder.doEmbed}. */
export interface EmbedCallOptions {
  /** Aborts the call with LongVidError `ABORTED`. */
  signal?: AbortSignal;
}

/**
 * Turns texts into vectors whose dot product measures similarity. Versioned like the Vercel AI
 * SDK's `LanguageModelV2`: implementers expose `specificationVersion` and `do*` methods.
 * Implementations: {@link HashingEmbedder} (offline), OpenAI-compatible embedding endpoints.
 */
export interface TextEmbedder {
  /** Version of this interface. */
  readonly specificationVersion: 'v1';
  /** Which embedder, including anything that changes its vectors (e.g. `hashing-v1-256`); a memory index built with one id must not be queried with another. */
  readonly embedderId: string;
  /** Length of every vector. */
  readonly dimensions: number;
  /**
   * Embeds texts.
   * @returns One L2-normalised vector of {@link TextEmbedder.dimensions} per text, in input order
   *   (all zeros for a text without tokens).
   * @throws LongVidError `ABORTED` when `signal` aborts; endpoint-backed embedders also
   *   `ENDPOINT_UNREACHABLE` / `ENDPOINT_ERROR`.
   */
  doEmbed(texts: string[], options?: EmbedCallOptions): Promise<Float32Array[]>;
}

/** Options of {@link HashingEmbedder}. */
export interface HashingEmbedderOptions {
  /** Vector length, an integer in [16, 65536]. Default 256. */
  dimensions?: number;
}

/** English function words; their unigrams weigh less so questions match on their content words. */
const STOP_WORDS = new Set(
  'a an and are as at be by do does did for from has have how in is it its of on or the this that to was were what when where which who whom why will with'.split(' '),
);

/** Feature weights (before L2 normalisation). */
const WEIGHTS = { word: 1, stopWord: 0.25, bigram: 0.5, trigram: 0.35 } as const;

/**
 * Local deterministic embedder by the hashing trick (Weinberger et al., "Feature Hashing for Large
 * Scale Multitask Learning", ICML 2009): features are the {@link tokenize} tokens (word unigrams,
 * function words down-weighted), word bigrams, and character trigrams of each token padded with `#`
 * (so `locker` and `lockers` share most features). Each feature's UTF-8 bytes are hashed with
 * 32-bit FNV-1a; the hash modulo `dimensions` picks the slot, a bit of its murmur3 finaliser the sign
 * (so collisions cancel in expectation); the sum is L2-normalised. Same text → same vector on every
 * machine and Node version; no model files. `embedderId` is `hashing-v1-<dimensions>`.
 */
export class HashingEmbedder implements TextEmbedder {
  readonly specificationVersion = 'v1' as const;
  readonly embedderId: string;
  readonly dimensions: number;

  /** @throws LongVidError `BAD_INPUT` when `dimensions` is not an integer in [16, 65536]. */
  constructor(options: HashingEmbedderOptions = {}) {
    const dimensions = options.dimensions ?? 256;
    if (!Number.isInteger(dimensions) || dimensions < 16 || dimensions > 65536) {
      throw new LongVidError('BAD_INPUT', `dimensions must be an integer in [16, 65536], got ${dimensions}`, { details: { dimensions } });
    }
    this.dimensions = dimensions;
    this.embedderId = `hashing-v1-${dimensions}`;
  }

  async doEmbed(texts: string[], options: EmbedCallOptions = {}): Promise<Float32Array[]> {
    throwIfAborted(options.signal);
    return texts.map((text) => this.embed(text));
  }

  /** Embeds one text synchronously (what {@link HashingEmbedder.doEmbed} does for each text). */
  embed(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const tokens = tokenize(text);
    tokens.forEach((token, index) => {
      this.add(vector, `w:${token}`, STOP_WORDS.has(token) ? WEIGHTS.stopWord : WEIGHTS.word);
      if (index > 0) this.add(vector, `b:${tokens[index - 1]} ${token}`, WEIGHTS.bigram);
      const padded = Array.from(`#${token}#`);
      for (let start = 0; start + 3 <= padded.length; start += 1) {
        this.add(vector, `c:${padded.slice(start, start + 3).join('')}`, WEIGHTS.trigram);
      }
    });
    let norm = 0;
    for (const value of vector) norm += value * value;
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let index = 0; index < vector.length; index += 1) vector[index] *= scale;
    }
    return vector;
  }

  private add(vector: Float32Array, feature: string, weight: number): void {
    const hash = fnv1a(feature);
    const sign = fmix32(hash) & 1 ? -1 : 1;
    vector[hash % this.dimensions] += sign * weight;
  }
}

const encoder = new TextEncoder();

/** 32-bit FNV-1a of the UTF-8 bytes of `text`, unsigned. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** murmur3's 32-bit finaliser, unsigned: mixes all bits of `hash`. */
function fmix32(hash: number): number {
  let value = hash;
  value ^= value >>> 16;
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  value ^= value >>> 16;
  return value >>> 0;
}

/** Dot product of two vectors of equal length (cosine similarity for L2-normalised vectors). */
export function dotProduct(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new LongVidError('BAD_INPUT', `vectors differ in length: ${a.length} vs ${b.length}`, { details: { a: a.length, b: b.length } });
  }
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += a[index] * b[index];
  return sum;
}
