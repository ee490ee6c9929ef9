import type { Observation, Span, VideoInfo } from '@longvid/core';
import type { Entity, EntityAppearance, EntityCount, EntityIndexOptions, EntityTrack, EntityTrackInput } from './entities';
import type { NarrativeEntry } from './narrative';

/**
 * One episodic event: a clip of the video with what was observed in it.
 * Events are immutable once added (the stores return frozen objects).
 */
export interface MemoryEvent {
  /** Stable id within one store, assigned by {@link MemoryStore.addEvent} / {@link MemoryStore.addEvents}: 0, 1, 2... in insertion order. */
  id: number;
  /** Index of the clip the event was made from (see `Clip.index` in `@longvid/core`). */
  clipIndex: number;
  /** Where in the video, seconds. */
  span: Span;
  /** What was observed in the span (OCR lines, subtitles, captions...). */
  observations: Observation[];
  /** Text that is embedded and lexically indexed (the observations joined). */
  text: string;
}

/** What a store was built from and with; written as `manifest.json` in the store's directory. */
export interface MemoryManifest {
  /** On-disk format version; bumped on incompatible changes. */
  formatVersion: 1;
  /** SHA-256 of the video file, hex. */
  videoHash: string;
  /** Parameters that change what is stored (fps, clip length, embedder, model ids...). */
  params: Record<string, unknown>;
  /** Identifier of the text embedder that made the event embeddings. */
  embedderId: string;
  /** Length of every embedding. */
  dimensions: number;
  /** ISO 8601 time the store was created. */
  createdAt: string;
  /** ISO 8601 time of the last change (event added, marked complete). */
  updatedAt: string;
  /** True once ingestion finished. */
  complete: boolean;
  /** What ffprobe said about the video, when the caller passed it. */
  video?: VideoInfo;
  /** Free-form stats, e.g. `{ ingestSeconds: 12.5, clips: 80 }`. */
  stats?: Record<string, number>;
}

/** One search result. */
export interface MemorySearchHit {
  /** The event found. */
  event: MemoryEvent;
  /**
   * Score the hits are ranked by, higher is better: the cosine similarity for
   * {@link MemoryStore.searchVector}, the BM25 score for {@link MemoryStore.searchLexical}, the
   * reciprocal rank fusion score for {@link MemoryStore.searchHybrid}.
   */
  score: number;
  /** Cosine similarity of the query embedding and the event embedding, in `[-1, 1]`, when the event was in the vector list. */
  vectorScore?: number;
  /** BM25 score of the query against the event text (≥ 0), when the event was in the lexical list. */
  lexicalScore?: number;
}

/** Restricts a search. */
export interface MemoryFilter {
  /**
   * Only events overlapping this span (seconds). Spans are `[start, end)`; spans that merely touch
   * do not overlap, except that a zero-length span (a point in time) overlaps the events containing it
   * (including one ending exactly there).
   */
  span?: Span;
}

/**
 * Episodic memory of one video: events with an embedding each, searchable by vector (cosine), by
 * words (BM25) and by both (reciprocal rank fusion); a schematic layer of entities (object tracks by
 * class and attributes, with appearance spans and counts); and a narrative layer (ordered summaries
 * of groups of events). Versioned like the Vercel AI SDK's
 * `LanguageModelV2`: implementations set {@link MemoryStore.specificationVersion}.
 *
 * Version `v2` is asynchronous: every method that reads or writes events, entities or the narrative
 * returns a Promise (so that a store can live in a database); errors are rejections of that Promise.
 * {@link MemoryStore.manifest} stays a synchronous snapshot.
 *
 * Implementations: `EpisodicMemory` (hnswlib-node index + files on disk) and `MockMemoryStore`
 * (`@longvid/memory/testing`, in memory, exact search, records calls).
 */
export interface MemoryStore {
  /** Version of this interface the implementation follows. */
  readonly specificationVersion: 'v2';
  /** What the store was built from; a snapshot (changing it changes nothing). */
  readonly manifest: MemoryManifest;
  /**
   * Adds an event and its embedding; assigns the next id.
   * @param embedding the embedding of `event.text`, length {@link MemoryManifest.dimensions}.
   * @returns resolves to the stored (frozen) event with its id.
   * @throws rejects with LongVidError `MEMORY_MISMATCH` when `embedding.length !== manifest.dimensions`;
   *   `BAD_INPUT` when the event is malformed (span not finite or `end < start`, negative clip index...)
   *   or the embedding holds a value that is not finite.
   */
  addEvent(event: Omit<MemoryEvent, 'id'>, embedding: Float32Array): Promise<MemoryEvent>;
  /**
   * Adds several events with their embeddings in one call (ingestion adds a segment's events at
   * once); ids are assigned in the order given. All or nothing: when one is invalid, none is added.
   * @returns resolves to the stored (frozen) events with their ids, in the order given.
   * @throws rejects with LongVidError as {@link MemoryStore.addEvent}, for the first invalid item.
   */
  addEvents(events: readonly { event: Omit<MemoryEvent, 'id'>; embedding: Float32Array }[]): Promise<MemoryEvent[]>;
  /** Resolves to all events, ordered by `span.start` (then id). */
  events(): Promise<MemoryEvent[]>;
  /** Resolves to the event with this id, or undefined. */
  getEvent(id: number): Promise<MemoryEvent | undefined>;
  /**
   * Resolves to the events overlapping `span` (see {@link MemoryFilter.span}), ordered by `span.start`.
   * @throws rejects with LongVidError `BAD_INPUT` for an invalid span.
   */
  eventsInSpan(span: Span): Promise<MemoryEvent[]>;
  /**
   * Resolves to the `k` events whose embeddings are most cosine-similar to `embedding`, best first.
   * @throws rejects with LongVidError `MEMORY_MISMATCH` when the embedding has the wrong length;
   *   `BAD_INPUT` when `k` is not a non-negative integer or the embedding is not finite.
   */
  searchVector(embedding: Float32Array, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]>;
  /**
   * Resolves to the `k` events whose text best matches `query` by BM25 (Robertson & Zaragoza 2009),
   * best first; only events sharing at least one term with the query.
   * @throws rejects with LongVidError `BAD_INPUT` when `k` is not a non-negative integer.
   */
  searchLexical(query: string, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]>;
  /**
   * Vector and lexical search fused by reciprocal rank fusion (Cormack, Clarke & Büttcher 2009,
   * constant 60); resolves to the hits, best first. Hits carry both component scores where the event
   * was in both lists.
   * @throws rejects with LongVidError as {@link MemoryStore.searchVector}.
   */
  searchHybrid(query: string, embedding: Float32Array, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]>;
  /**
   * Replaces the schematic (entity) layer with the entities of `tracks` (from `trackObjects` of
   * `@longvid/perception`): tracks of one class with equal attributes form one entity (see
   * `EntityIndex`). Persisted by {@link MemoryStore.save}.
   * @returns resolves to the entities, in order of first appearance.
   * @throws rejects with LongVidError `BAD_INPUT` for a repeated track id, an invalid span or a score outside `[0, 1]`.
   */
  setTracks(tracks: readonly EntityTrackInput[], options?: EntityIndexOptions): Promise<Entity[]>;
  /** Resolves to the stored tracks, in order of first appearance. */
  tracks(): Promise<EntityTrack[]>;
  /** Resolves to every entity, in order of first appearance (empty when no tracks were set). */
  entities(): Promise<Entity[]>;
  /**
   * Resolves to the entities appearing in `span` (as {@link MemoryStore.eventsInSpan} for events).
   * @throws rejects with LongVidError `BAD_INPUT` for an invalid span.
   */
  entitiesInSpan(span: Span): Promise<Entity[]>;
  /**
   * Resolves to the entities a query names ("dog", "puppies", "the mug"; synonyms and plurals
   * resolved to class names), most salient first (time present × score), only those appearing in the
   * filter span.
   * @throws rejects with LongVidError `BAD_INPUT` for an invalid filter span.
   */
  findEntities(query: string, filter?: MemoryFilter): Promise<Entity[]>;
  /**
   * When things a query names appear ("When does a dog appear?"): resolves to their spans merged,
   * clipped to the filter span; empty spans when nothing matches.
   * @throws rejects with LongVidError `BAD_INPUT` for an invalid filter span.
   */
  entityAppearances(query: string, filter?: MemoryFilter): Promise<EntityAppearance>;
  /**
   * How many things a query names are seen at once ("How many bottles are on the table?"): resolves
   * to the most matching tracks present together within the filter span.
   * @throws rejects with LongVidError `BAD_INPUT` for an invalid filter span.
   */
  countEntities(query: string, filter?: MemoryFilter): Promise<EntityCount>;
  /**
   * Replaces the narrative layer (from `buildNarrative`); entries are stored in time order with ids
   * 0, 1, 2.... Persisted by {@link MemoryStore.save}.
   * @throws rejects with LongVidError `BAD_INPUT` when an entry is malformed or names an event the store lacks.
   */
  setNarrative(entries: readonly NarrativeEntry[]): Promise<void>;
  /**
   * Resolves to the narrative entries in time order; with a filter, those overlapping its span.
   * @throws rejects with LongVidError `BAD_INPUT` for an invalid filter span.
   */
  narrative(filter?: MemoryFilter): Promise<NarrativeEntry[]>;
  /**
   * Marks ingestion finished and merges `stats` into the manifest's stats. Persisted by {@link MemoryStore.save}.
   * @throws rejects with LongVidError `BAD_INPUT` when a stat is not a finite number.
   */
  markComplete(stats?: Record<string, number>): Promise<void>;
  /**
   * Persists the store (atomically: a crash leaves the previously saved state readable).
   * @throws rejects with the storage's error when writing fails; the previous save stays readable.
   */
  save(): Promise<void>;
}
