/**
 * Text embedders: the {@link TextEmbedder} interface, implemented by the OpenAI-compatible
 * endpoint adapter here and by the local hashing embedder that `@longvid/memory` owns beside its
 * tokenizer (`HashingEmbedder`).
 */
import { LongVidError } from '@longvid/core';

/** Options of {@link TextEmbedder.doEmbed}. */
export interface EmbedCallOptions {
  /** Aborts the call with LongVidError `ABORTED`. */
  signal?: AbortSignal;
}

/**
 * Turns texts into vectors whose dot product measures similarity. Versioned like the Vercel AI
 * SDK's `LanguageModelV2`: implementers expose `specificationVersion` and `do*` methods.
 * Implementations: `HashingEmbedder` of `@longvid/memory` (offline), OpenAI-compatible embedding
 * endpoints (`OpenAIEmbedder`).
 */
export interface TextEmbedder {
  /** Version of this interface. */
  readonly specificationVersion: 'v1';
  /** Which embedder, including anything that changes its vectors (e.g. `hashing-v2-256`); a memory index built with one id must not be queried with another. */
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

/** Dot product of two vectors of equal length (cosine similarity for L2-normalised vectors). */
export function dotProduct(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new LongVidError('BAD_INPUT', `vectors differ in length: ${a.length} vs ${b.length}`, { details: { a: a.length, b: b.length } });
  }
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += a[index] * b[index];
  return sum;
}
