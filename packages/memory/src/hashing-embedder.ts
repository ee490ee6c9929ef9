/**
 * The local hashing text embedder, beside the tokenizer whose tokens it hashes: the offline
 * `TextEmbedder` (interface in `@longvid/perception`) of memory search.
 */
import { LongVidError, throwIfAborted } from '@longvid/core';
import { STOP_WORDS, tokenize } from './lexical-text';

/** Options of {@link HashingEmbedder.doEmbed} (those of perception's `TextEmbedder.doEmbed`). */
export interface HashingEmbedCallOptions {
  /** Aborts the call with LongVidError `ABORTED`. */
  signal?: AbortSignal;
}

/** Options of {@link HashingEmbedder}. */
export interface HashingEmbedderOptions {
  /** Vector length, an integer in [16, 65536]. Default 256. */
  dimensions?: number;
}

/** Feature weights (before L2 normalisation). */
const WEIGHTS = { word: 1, stopWord: 0.25, bigram: 0.5, trigram: 0.35 } as const;

/**
 * Local deterministic text embedder by the hashing trick (Weinberger et al., "Feature Hashing for
 * Large Scale Multitask Learning", ICML 2009); it implements perception's `TextEmbedder`. Features
 * are the {@link tokenize} tokens (word unigrams, {@link STOP_WORDS} down-weighted), word
 * bigrams, and character trigrams of each token padded with `#`
 * (so `locker` and `lockers` share most features). Each feature's UTF-8 bytes are hashed with
 * 32-bit FNV-1a; the hash modulo `dimensions` picks the slot, a bit of its murmur3 finaliser the sign
 * (so collisions cancel in expectation); the sum is L2-normalised. Same text → same vector on every
 * machine and Node version; no model files. `embedderId` is `hashing-v2-<dimensions>` (v2: the
 * tokens and stop words of memory's one tokenizer; vectors of v1 are not mixed with them).
 */
export class HashingEmbedder {
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
    this.embedderId = `hashing-v2-${dimensions}`;
  }

  /**
   * Embeds texts (perception's `TextEmbedder.doEmbed`).
   * @returns One L2-normalised vector of {@link HashingEmbedder.dimensions} per text, in input order
   *   (all zeros for a text without tokens).
   * @throws LongVidError `ABORTED` when `signal` aborts.
   */
  async doEmbed(texts: string[], options: HashingEmbedCallOptions = {}): Promise<Float32Array[]> {
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

