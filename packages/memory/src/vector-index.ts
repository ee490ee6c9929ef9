/**
 * The only module that touches hnswlib-node: an approximate nearest-neighbour index by cosine
 * similarity, built on Hierarchical Navigable Small World graphs (Malkov & Yashunin 2018, "Efficient
 * and robust approximate nearest neighbor search using Hierarchical Navigable Small World graphs").
 */
import { renameSync, rmSync, statSync } from 'node:fs';
import { LongVidError } from '@longvid/core';
import { HierarchicalNSW } from 'hnswlib-node';

/** HNSW graph degree `M` (hnswlib default). */
const GRAPH_DEGREE = 16;
/** Candidate list size while building (hnswlib default). */
const EF_CONSTRUCTION = 200;
/** Smallest candidate list size while searching (raised to `k` when `k` is larger). */
const EF_SEARCH = 64;
/** Fixed seed, so that the same events in the same order build the same graph. */
const RANDOM_SEED = 100;
/** Capacity of a new index; doubled with `resizeIndex` whenever it is full. */
const INITIAL_CAPACITY = 1024;

/** One neighbour found by {@link VectorIndex.search}. */
export interface VectorMatch {
  /** Label of the point (the event id). */
  id: number;
  /** Cosine similarity to the query, in `[-1, 1]`. */
  similarity: number;
}

/**
 * A growable hnswlib `HierarchicalNSW` index in the `cosine` space whose labels are event ids.
 * Not safe for use by two stores at once; the store serialises writes.
 */
export class VectorIndex {
  private constructor(
    private readonly index: HierarchicalNSW,
    /** Length of every vector. */
    readonly dimensions: number,
  ) {}

  /** An empty index for vectors of `dimensions` values. */
  static create(dimensions: number): VectorIndex {
    const index = new HierarchicalNSW('cosine', dimensions);
    index.initIndex({ maxElements: INITIAL_CAPACITY, m: GRAPH_DEGREE, efConstruction: EF_CONSTRUCTION, randomSeed: RANDOM_SEED });
    return new VectorIndex(index, dimensions);
  }

  /**
   * Reads an index written by {@link VectorIndex.write} and checks that it holds exactly the labels
   * `0 … expectedCount - 1` of vectors of `dimensions` values.
   * @throws LongVidError `MEMORY_CORRUPT` (with `details.path`) when the file cannot be read or does not hold that.
   */
  static async read(path: string, dimensions: number, expectedCount: number, hint: string): Promise<VectorIndex> {
    const corrupt = (reason: string, cause?: unknown): LongVidError =>
      new LongVidError('MEMORY_CORRUPT', `memory index ${path} is unreadable: ${reason}`, { details: { path }, hint, cause });
    const index = new HierarchicalNSW('cosine', dimensions);
    try {
      await index.readIndex(path);
    } catch (error) {
      throw corrupt(error instanceof Error ? error.message : String(error), error);
    }
    if (index.getNumDimensions() !== dimensions) throw corrupt(`it holds ${index.getNumDimensions()}-dimensional vectors, expected ${dimensions}`);
    const labels = index.getIdsList();
    if (labels.length !== expectedCount || index.getCurrentCount() !== expectedCount) {
      throw corrupt(`it holds ${labels.length} vectors, the events file ${expectedCount}`);
    }
    const present = new Uint8Array(expectedCount);
    for (const label of labels) {
      if (!Number.isInteger(label) || label < 0 || label >= expectedCount || present[label]) throw corrupt(`unexpected label ${label}`);
      present[label] = 1;
    }
    return new VectorIndex(index, dimensions);
  }

  /** Number of vectors. */
  get size(): number {
    return this.index.getCurrentCount();
  }

  /** Adds `vector` under the label `id`, doubling the capacity when full. The caller checks its length. */
  add(id: number, vector: Float32Array): void {
    const capacity = this.index.getMaxElements();
    if (this.index.getCurrentCount() >= capacity) this.index.resizeIndex(capacity * 2);
    this.index.addPoint(Array.from(vector), id);
  }

  /**
   * The `k` nearest vectors by cosine similarity, most similar first.
   * @param allowed when given, only labels it accepts are returned (hnswlib's filter callback, which
   *   keeps searching the graph until it has `k` accepted labels or has seen them all).
   */
  search(query: Float32Array, k: number, allowed?: (id: number) => boolean): VectorMatch[] {
    const count = Math.min(k, this.size);
    if (count <= 0) return [];
    this.index.setEf(Math.max(EF_SEARCH, count));
    const result = this.index.searchKnn(Array.from(query), count, allowed);
    return result.neighbors
      .map((id, position) => ({ id, similarity: 1 - result.distances[position] }))
      .sort((a, b) => b.similarity - a.similarity || a.id - b.id);
  }

  /**
   * Writes the index to `path` atomically (to a temporary name, then renamed). Synchronous on
   * purpose: hnswlib's asynchronous write runs on a worker thread and must not race `add`.
   * @returns the size of the file, bytes.
   */
  writeSync(path: string): number {
    const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      this.index.writeIndexSync(temp);
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    return statSync(path).size;
  }
}
