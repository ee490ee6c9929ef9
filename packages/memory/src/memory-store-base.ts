/**
 * What every {@link MemoryStore} implementation of this package shares: validation, the event list
 * ordered by time, span filters, BM25 and reciprocal rank fusion. Implementations add the vector
 * search and persistence.
 */
import type { Span } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import { EntityIndex } from './entities';
import type { Entity, EntityAppearance, EntityCount, EntityIndexOptions, EntityTrack, EntityTrackInput } from './entities';
import { reciprocalRankFusion } from './fusion';
import { LexicalIndex } from './lexical-index';
import type { NarrativeEntry } from './narrative';
import { describeZodError, eventInputSchema, narrativeEntrySchema, spanSchema } from './schemas';
import type { MemoryEvent, MemoryFilter, MemoryManifest, MemorySearchHit, MemoryStore } from './types';

/** How deep each list goes before reciprocal rank fusion (at least `k`). */
export const HYBRID_CANDIDATES = 50;

/** One neighbour of an implementation's vector search. */
export interface VectorNeighbour {
  /** Event id. */
  id: number;
  /** Cosine similarity, in `[-1, 1]`. */
  similarity: number;
}

/** A hybrid hit before its event is looked up: the id, the fused score and the component scores. */
export interface FusedHit {
  /** Event id (or any numeric key of the lists). */
  id: number;
  /** Reciprocal rank fusion score. */
  score: number;
  /** Cosine similarity, when the item was in the vector list. */
  vectorScore?: number;
  /** BM25 score, when the item was in the lexical list. */
  lexicalScore?: number;
}

/**
 * Fuses a vector list and a BM25 list (each best first) by reciprocal rank fusion (constant 60) into
 * the `k` best, with each item's component scores: the ranking of {@link MemoryStore.searchHybrid},
 * shared by every store and by library search.
 */
export function fuseVectorAndLexical(vector: readonly VectorNeighbour[], lexical: readonly { id: number; score: number }[], k: number): FusedHit[] {
  const vectorScores = new Map(vector.map(({ id, similarity }) => [id, similarity]));
  const lexicalScores = new Map(lexical.map(({ id, score }) => [id, score]));
  return reciprocalRankFusion([vector.map(({ id }) => id), lexical.map(({ id }) => id)])
    .slice(0, k)
    .map(({ id, score }) => {
      const hit: FusedHit = { id, score };
      const vectorScore = vectorScores.get(id);
      const lexicalScore = lexicalScores.get(id);
      if (vectorScore !== undefined) hit.vectorScore = vectorScore;
      if (lexicalScore !== undefined) hit.lexicalScore = lexicalScore;
      return hit;
    });
}

/**
 * Whether two spans overlap: they share more than a point, or one of them is a point (zero length)
 * inside the other or on its boundary. Seconds.
 */
export function spansOverlap(a: Span, b: Span): boolean {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start < end || (start === end && (a.start === a.end || b.start === b.end));
}

/**
 * Checks that `embedding` has `dimensions` finite values.
 * @throws LongVidError `MEMORY_MISMATCH` for a wrong length, `BAD_INPUT` for a value that is not finite.
 */
export function checkEmbedding(embedding: Float32Array, dimensions: number, role: string): void {
  if (!(embedding instanceof Float32Array)) {
    throw new LongVidError('BAD_INPUT', `the ${role} must be a Float32Array`, { hint: 'pass the embedder output as a Float32Array' });
  }
  if (embedding.length !== dimensions) {
    throw new LongVidError('MEMORY_MISMATCH', `the ${role} has ${embedding.length} dimensions, the memory store ${dimensions}`, {
      details: { expected: dimensions, actual: embedding.length },
      hint: 'embed with the same embedder the memory was built with, or delete the memory directory and re-run ingest',
    });
  }
  for (let position = 0; position < embedding.length; position += 1) {
    if (!Number.isFinite(embedding[position])) {
      throw new LongVidError('BAD_INPUT', `the ${role} holds ${embedding[position]} at position ${position}`, {
        details: { position },
        hint: 'check the embedder output',
      });
    }
  }
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 0) {
    throw new LongVidError('BAD_INPUT', `k must be a non-negative integer, got ${k}`, { details: { k } });
  }
}

/** Freezes `value` and everything in it (stored events are immutable); returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Shared implementation of {@link MemoryStore}; subclasses provide vectors and persistence. The
 * work is synchronous (in process); the methods are `async` only to follow the interface, so a
 * validation error is a rejection, never a synchronous throw.
 */
export abstract class MemoryStoreBase implements MemoryStore {
  /** Version of the {@link MemoryStore} interface implemented. */
  readonly specificationVersion = 'v2' as const;
  /** The live manifest; {@link MemoryStoreBase.manifest} hands out copies. */
  protected manifestState: MemoryManifest;
  /** Events by id. */
  private readonly byId: MemoryEvent[] = [];
  /** Events by `span.start`, then id. */
  private readonly byTime: MemoryEvent[] = [];
  private readonly lexical = new LexicalIndex();
  /** The schematic layer. */
  protected entityIndex = new EntityIndex([]);
  /** The options the entity layer was built with (persisted with it). */
  protected entityOptions: { mergeGapSeconds: number; synonyms?: Record<string, string[]> } = { mergeGapSeconds: 1 };
  /** Narrative entries in time order. */
  protected narrativeEntries: NarrativeEntry[] = [];

  protected constructor(manifest: MemoryManifest) {
    this.manifestState = manifest;
  }

  /** A snapshot of the manifest. */
  get manifest(): MemoryManifest {
    return structuredClone(this.manifestState);
  }

  /** Number of events held. */
  get size(): number {
    return this.byId.length;
  }

  /** Adds the vector of event `id`; the length is already checked. */
  protected abstract addVector(id: number, embedding: Float32Array): void;

  /**
   * The `k` nearest events by cosine similarity among those `allowed` accepts (all when undefined),
   * best first; in process or from a database.
   */
  protected abstract searchVectors(embedding: Float32Array, k: number, allowed?: (id: number) => boolean): VectorNeighbour[] | Promise<VectorNeighbour[]>;

  /** {@inheritDoc MemoryStore.save} */
  abstract save(): Promise<void>;

  /** {@inheritDoc MemoryStore.addEvent} */
  async addEvent(event: Omit<MemoryEvent, 'id'>, embedding: Float32Array): Promise<MemoryEvent> {
    return this.storeEvents([{ event, embedding }])[0];
  }

  /** {@inheritDoc MemoryStore.addEvents} */
  async addEvents(events: readonly { event: Omit<MemoryEvent, 'id'>; embedding: Float32Array }[]): Promise<MemoryEvent[]> {
    return this.storeEvents(events);
  }

  /** Checks every item, then stores them all (none when one is invalid); returns the stored events. */
  private storeEvents(items: readonly { event: Omit<MemoryEvent, 'id'>; embedding: Float32Array }[]): MemoryEvent[] {
    const checked = items.map(({ event, embedding }) => {
      checkEmbedding(embedding, this.manifestState.dimensions, 'event embedding');
      const parsed = eventInputSchema.safeParse(event);
      if (!parsed.success) {
        throw new LongVidError('BAD_INPUT', `invalid memory event: ${describeZodError(parsed.error)}`, {
          details: { span: (event as Partial<MemoryEvent> | undefined)?.span, clipIndex: (event as Partial<MemoryEvent> | undefined)?.clipIndex },
          hint: 'events need a finite span with end >= start, a clip index >= 0, observations and text',
        });
      }
      return { event: parsed.data, embedding };
    });
    const stored = checked.map(({ event, embedding }) => {
      const added: MemoryEvent = { id: this.byId.length, ...event };
      this.addVector(added.id, embedding);
      this.insertEvent(added);
      return added;
    });
    if (stored.length > 0) this.manifestState.updatedAt = new Date().toISOString();
    return stored;
  }

  /**
   * Adds an already validated event with its id (= the current count) to the lists and the lexical
   * index, without touching the vectors. Used when loading.
   */
  protected insertEvent(event: MemoryEvent): void {
    deepFreeze(event);
    this.byId.push(event);
    this.lexical.add(event.id, event.text);
    // Binary search for the first event that sorts after this one; appending in time order is O(1).
    let low = 0;
    let high = this.byTime.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.byTime[middle];
      if (other.span.start < event.span.start || (other.span.start === event.span.start && other.id < event.id)) low = middle + 1;
      else high = middle;
    }
    if (low === this.byTime.length) this.byTime.push(event);
    else this.byTime.splice(low, 0, event);
  }

  /** Events in id order (for persistence). */
  protected eventsById(): readonly MemoryEvent[] {
    return this.byId;
  }

  /** {@inheritDoc MemoryStore.events} */
  async events(): Promise<MemoryEvent[]> {
    return [...this.byTime];
  }

  /** {@inheritDoc MemoryStore.getEvent} */
  async getEvent(id: number): Promise<MemoryEvent | undefined> {
    return Number.isInteger(id) && id >= 0 ? this.byId[id] : undefined;
  }

  /** {@inheritDoc MemoryStore.eventsInSpan} */
  async eventsInSpan(span: Span): Promise<MemoryEvent[]> {
    return this.findInSpan(span);
  }

  private findInSpan(span: Span): MemoryEvent[] {
    const checked = this.checkSpan(span);
    const found: MemoryEvent[] = [];
    for (const event of this.byTime) {
      if (event.span.start > checked.end) break;
      if (spansOverlap(event.span, checked)) found.push(event);
    }
    return found;
  }

  /** {@inheritDoc MemoryStore.searchVector} */
  async searchVector(embedding: Float32Array, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]> {
    checkEmbedding(embedding, this.manifestState.dimensions, 'query embedding');
    checkK(k);
    const allowed = this.allowedIds(filter);
    if (allowed === null) return [];
    return (await this.vectorNeighbours(embedding, k, allowed)).map(({ id, similarity }) => ({
      event: this.byId[id],
      score: similarity,
      vectorScore: similarity,
    }));
  }

  /** {@inheritDoc MemoryStore.searchLexical} */
  async searchLexical(query: string, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]> {
    checkK(k);
    const allowed = this.allowedIds(filter);
    if (allowed === null) return [];
    return this.lexical.search(query, k, allowed).map(({ id, score }) => ({ event: this.byId[id], score, lexicalScore: score }));
  }

  /** {@inheritDoc MemoryStore.searchHybrid} */
  async searchHybrid(query: string, embedding: Float32Array, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]> {
    checkEmbedding(embedding, this.manifestState.dimensions, 'query embedding');
    checkK(k);
    const allowed = this.allowedIds(filter);
    if (allowed === null || k === 0) return [];
    const depth = Math.max(k, HYBRID_CANDIDATES);
    const vector = await this.vectorNeighbours(embedding, depth, allowed);
    const lexical = this.lexical.search(query, depth, allowed);
    return fuseVectorAndLexical(vector, lexical, k).map(({ id, ...scores }) => ({ event: this.byId[id], ...scores }));
  }

  /** {@inheritDoc MemoryStore.setTracks} */
  async setTracks(tracks: readonly EntityTrackInput[], options: EntityIndexOptions = {}): Promise<Entity[]> {
    const mergeGapSeconds = options.mergeGapSeconds ?? 1;
    const synonyms = options.synonyms ? Object.fromEntries(Object.entries(options.synonyms).map(([label, words]) => [label, [...words]])) : undefined;
    this.entityIndex = new EntityIndex(tracks, { mergeGapSeconds, synonyms });
    this.entityOptions = synonyms ? { mergeGapSeconds, synonyms } : { mergeGapSeconds };
    this.manifestState.updatedAt = new Date().toISOString();
    return this.entityIndex.entities();
  }

  /** {@inheritDoc MemoryStore.tracks} */
  async tracks(): Promise<EntityTrack[]> {
    return this.entityIndex.tracks();
  }

  /** {@inheritDoc MemoryStore.entities} */
  async entities(): Promise<Entity[]> {
    return this.entityIndex.entities();
  }

  /** {@inheritDoc MemoryStore.entitiesInSpan} */
  async entitiesInSpan(span: Span): Promise<Entity[]> {
    return this.entityIndex.entitiesInSpan(this.checkSpan(span));
  }

  /** {@inheritDoc MemoryStore.findEntities} */
  async findEntities(query: string, filter?: MemoryFilter): Promise<Entity[]> {
    return this.entityIndex.find(query, this.checkFilter(filter));
  }

  /** {@inheritDoc MemoryStore.entityAppearances} */
  async entityAppearances(query: string, filter?: MemoryFilter): Promise<EntityAppearance> {
    return this.entityIndex.appearances(query, this.checkFilter(filter));
  }

  /** {@inheritDoc MemoryStore.countEntities} */
  async countEntities(query: string, filter?: MemoryFilter): Promise<EntityCount> {
    return this.entityIndex.count(query, this.checkFilter(filter));
  }

  /** {@inheritDoc MemoryStore.setNarrative} */
  async setNarrative(entries: readonly NarrativeEntry[]): Promise<void> {
    const checked = entries.map((entry, position) => {
      const parsed = narrativeEntrySchema.safeParse(entry);
      if (!parsed.success) {
        throw new LongVidError('BAD_INPUT', `invalid narrative entry ${position}: ${describeZodError(parsed.error)}`, {
          details: { position, span: (entry as Partial<NarrativeEntry> | undefined)?.span },
          hint: 'pass the entries buildNarrative returns',
        });
      }
      const missing = parsed.data.eventIds.find((id) => this.eventsById()[id] === undefined);
      if (missing !== undefined) {
        throw new LongVidError('BAD_INPUT', `narrative entry ${position} names event ${missing}, which the memory does not hold`, {
          details: { position, eventId: missing, events: this.eventsById().length },
          hint: 'add the events before the narrative built from them',
        });
      }
      return parsed.data;
    });
    this.narrativeEntries = checked.sort((a, b) => a.span.start - b.span.start || a.id - b.id).map((entry, id) => ({ ...entry, id }));
    this.manifestState.updatedAt = new Date().toISOString();
  }

  /** {@inheritDoc MemoryStore.narrative} */
  async narrative(filter?: MemoryFilter): Promise<NarrativeEntry[]> {
    const span = this.checkFilter(filter).span;
    return this.narrativeEntries
      .filter((entry) => !span || spansOverlap(entry.span, span))
      .map((entry) => ({ ...entry, span: { ...entry.span }, eventIds: [...entry.eventIds] }));
  }

  /** {@inheritDoc MemoryStore.markComplete} */
  async markComplete(stats?: Record<string, number>): Promise<void> {
    if (stats !== undefined) {
      for (const [key, value] of Object.entries(stats)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new LongVidError('BAD_INPUT', `stat ${key} must be a finite number, got ${String(value)}`, { details: { [key]: value } });
        }
      }
      this.manifestState.stats = { ...this.manifestState.stats, ...stats };
    }
    this.manifestState.complete = true;
    this.manifestState.updatedAt = new Date().toISOString();
  }

  private async vectorNeighbours(embedding: Float32Array, k: number, allowed: ((id: number) => boolean) | undefined): Promise<VectorNeighbour[]> {
    if (k === 0 || this.byId.length === 0) return [];
    return this.searchVectors(embedding, Math.min(k, this.byId.length), allowed);
  }

  /** A predicate for the filter; undefined when there is none; null when nothing passes it. */
  private allowedIds(filter: MemoryFilter | undefined): ((id: number) => boolean) | undefined | null {
    if (!filter?.span) return undefined;
    const ids = new Set(this.findInSpan(filter.span).map((event) => event.id));
    if (ids.size === 0) return null;
    return (id) => ids.has(id);
  }

  private checkFilter(filter: MemoryFilter | undefined): MemoryFilter {
    return filter?.span ? { span: this.checkSpan(filter.span) } : {};
  }

  private checkSpan(span: Span): Span {
    const parsed = spanSchema.safeParse(span);
    if (!parsed.success) {
      throw new LongVidError('BAD_INPUT', `invalid span ${JSON.stringify(span)}: ${describeZodError(parsed.error)}`, {
        details: { span },
        hint: 'spans are { start, end } in seconds with end >= start',
      });
    }
    return parsed.data;
  }
}
