/**
 * @longvid/memory — episodic memory of a video: events with embeddings in an hnswlib-node HNSW index
 * (cosine), BM25 over their text, hybrid search by reciprocal rank fusion; a schematic layer of
 * entities (object tracks by class and attributes: when they appear, how many at once) queried by
 * the words of a question; a narrative layer of ordered summaries of groups of events; all persisted
 * crash-safely in a directory keyed by the video's content hash and the ingestion parameters; the
 * lexical text of every package (the one tokenizer, OCR-robust folding) and the local hashing text
 * embedder built on it.
 * @packageDocumentation
 */
export type { MemoryEvent, MemoryManifest, MemorySearchHit, MemoryFilter, MemoryStore } from './types';
export { EpisodicMemory } from './episodic-memory';
export type { EpisodicMemoryOptions } from './episodic-memory';
export { memoryDirectory, stableStringify } from './memory-directory';
export { indexTerms, LexicalIndex } from './lexical-index';
export type { Bm25Options, LexicalMatch } from './lexical-index';
export { reciprocalRankFusion, RECIPROCAL_RANK_CONSTANT } from './fusion';
export type { FusedItem } from './fusion';
export { EntityIndex } from './entities';
export type { Entity, EntityTrack, EntityTrackInput, EntityAppearance, EntityCount, EntityIndexOptions, EntityFilter } from './entities';
export { LABEL_SYNONYMS, singular, labelsMentioned, parseEntityQuestion } from './entity-labels';
export type { LabelMention, EntityQuestion } from './entity-labels';
export { buildNarrative, assembleSummary, describeObservations, parseNarrativeQuestion } from './narrative';
export type { NarrativeEntry, NarrativeGroup, NarrativeSummarizer, BuildNarrativeOptions, NarrativeQuestion } from './narrative';
export type {
  LibraryVideoStatus,
  LibraryVideo,
  LibraryAddResult,
  LibraryCatalog,
  LibraryHit,
  LibraryEntityMatch,
  LibraryVideoNarrative,
  LibraryMemory,
} from './library-types';
export { openEmbeddedLibrary, EmbeddedLibraryCatalog, EmbeddedLibraryMemory, validateLibraryName, libraryFile } from './library';
export type { EmbeddedLibrary, EmbeddedLibraryVideo } from './library';
export { PostgresMemory, HNSW_MAX_DIMENSIONS, EXACT_SEARCH_LIMIT } from './postgres/postgres-memory';
export type { PostgresMemoryOptions } from './postgres/postgres-memory';
export { migrate, migrateMemory, MEMORY_MIGRATIONS_DIRECTORY } from './postgres/migrate';
export { createPool } from './postgres/connection';
export type { PoolOptions } from './postgres/connection';
export type { DatabaseOption } from './postgres/connection';
export { openPostgresLibrary, PostgresLibraryCatalog, PostgresLibraryMemory } from './postgres/postgres-library';
export type { PostgresLibraryOptions } from './postgres/postgres-library';
export { foldConfusables, foldCharacter, isUpperCaseText, ocrWordReading, STOP_WORDS, tokenize } from './lexical-text';
export type { TokenizeOptions } from './lexical-text';
export { HashingEmbedder, fnv1a } from './hashing-embedder';
export type { HashingEmbedderOptions, HashingEmbedCallOptions } from './hashing-embedder';
