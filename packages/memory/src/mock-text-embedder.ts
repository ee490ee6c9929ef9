/**
 * A recording test double of perception's `TextEmbedder`, over the {@link HashingEmbedder} (so
 * similar texts really are close).
 */
import { throwIfAborted } from '@longvid/core';
import { HashingEmbedder, type HashingEmbedCallOptions } from './hashing-embedder';

/** Options of {@link MockTextEmbedder}. */
export interface MockTextEmbedderOptions {
  /** Vector length. Default 256. */
  dimensions?: number;
  /** Default `mock-` and the hashing embedder's id (`mock-hashing-v2-<dimensions>`). */
  embedderId?: string;
}

/**
 * Perception's `TextEmbedder` that wraps a {@link HashingEmbedder} (so similar texts really are close) and
 * records every call's texts.
 */
export class MockTextEmbedder {
  readonly specificationVersion = 'v1' as const;
  readonly embedderId: string;
  readonly dimensions: number;
  /** Texts of every call, oldest first. */
  readonly calls: string[][] = [];
  private readonly inner: HashingEmbedder;

  constructor(options: MockTextEmbedderOptions = {}) {
    this.inner = new HashingEmbedder({ dimensions: options.dimensions });
    this.dimensions = this.inner.dimensions;
    this.embedderId = options.embedderId ?? `mock-${this.inner.embedderId}`;
  }

  async doEmbed(texts: string[], options: HashingEmbedCallOptions = {}): Promise<Float32Array[]> {
    throwIfAborted(options.signal);
    this.calls.push([...texts]);
    return this.inner.doEmbed(texts, options);
  }
}
