/**
 * @longvid/memory — episodic memory of a video: events with embeddings in an hnswlib-node HNSW index
 * (cosine), BM25 over their text, hybrid search by reciprocal rank fusion, and crash-safe persistence
 * in a directory keyed by the video's content hash and the ingestion parameters.
 * @packageDocumentation
 */
export type { MemoryEvent, MemoryManifest, MemorySearchHit, MemoryFilter, MemoryStore } from './types';
export { EpisodicMemory } from './episodic-memory';
export type { EpisodicMemoryOptions } from './episodic-memory';
export { memoryDirectory, stableStringify } from './memory-directory';
export { tokenize, LexicalIndex } from './lexical-index';
export type { Bm25Options, LexicalMatch } from './lexical-index';
export { reciprocalRankFusion, RECIPROCAL_RANK_CONSTANT } from './fusion';
export type { FusedItem } from './fusion';
